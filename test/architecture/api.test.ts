/**
 * The library's public API (dist/index.d.ts, built by `npm test`'s pretest) equals the reviewed
 * report etc/valuelex.api.md, so a change to the API shows in review: after an intended change,
 * `npm run api:update` rewrites the report and the diff goes in the same commit.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('public API', () => {
  it('matches etc/valuelex.api.md', () => {
    const r = spawnSync(process.execPath, [join(root, 'node_modules/@microsoft/api-extractor/bin/api-extractor'), 'run'], { cwd: root, encoding: 'utf8' });
    const changed = /changed|missing/i.test(r.stdout) ? ' (the API changed: run `npm run api:update` and commit etc/valuelex.api.md)' : '';
    expect(r.status, `${r.stdout}\n${r.stderr}${changed}`).toBe(0);
  }, 120_000);
});
