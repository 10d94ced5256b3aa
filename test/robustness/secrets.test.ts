/**
 * A planted API key must never appear in any artifact of a run: the run database (and its WAL),
 * report files, stdout, stderr, error messages. It must reach the server, and nothing else.
 */
import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { runCliAsync } from '../helpers/cli.js';
import { pickSimNames } from '../helpers/sim.js';

/** Models of the default simulated population, by role (their names are drawn from its seed). */
const [INSTRUCT] = pickSimNames('instruct') as [string];

const KEY = 'sk-planted-9f8e7d6c5b4a39281706f5e4d3c2b1a0';

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('secrets never leak', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ faults: { requireKey: KEY } });
  });
  afterAll(async () => server.close());

  it('a run with a key from the environment stores and prints no trace of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-secret-'));
    const study = join(dir, 'study.yaml');
    writeFileSync(
      study,
      `name: secret\nstore: run/run.db\nmodels:\n  - {name: m, provider: openai, base_url: "${server.url}/v1", model: sim/${INSTRUCT}, api_key_env: VLX_PLANTED_KEY}\nelicit: {samples: 1}\n`,
    );
    const r = await runCliAsync(['run', study, '--stages', 'elicit', '--json'], { cwd: dir, env: { VLX_PLANTED_KEY: KEY, VALUELEX_DEBUG: '1' } });
    expect(r.code).toBe(0);
    expect([...server.stats.keysSeen]).toEqual([`Bearer ${KEY}`]);
    const rep = await runCliAsync(['demo', '--dir', join(dir, 'demo'), '--json'], { cwd: dir, env: { VLX_PLANTED_KEY: KEY } });
    const texts = [r.stdout, r.stderr, rep.stdout, rep.stderr, ...allFiles(dir).map((f) => readFileSync(f).toString('latin1'))];
    for (const t of texts) expect(t.includes(KEY)).toBe(false);
  }, 120_000);

  it('a rejected key is not echoed in the error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-secret-'));
    const study = join(dir, 'study.yaml');
    const wrong = 'sk-wrong-00112233445566778899aabbccddeeff';
    writeFileSync(study, `name: secret\nstore: run.db\nmodels:\n  - {name: m, provider: openai, base_url: "${server.url}/v1", model: sim/${INSTRUCT}, api_key_env: VLX_WRONG_KEY}\nelicit: {samples: 1}\n`);
    const r = await runCliAsync(['run', study, '--stages', 'elicit'], { cwd: dir, env: { VLX_WRONG_KEY: wrong, VALUELEX_DEBUG: '1' } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/HTTP 401/);
    for (const t of [r.stdout, r.stderr, ...allFiles(dir).map((f) => readFileSync(f).toString('latin1'))]) expect(t.includes(wrong)).toBe(false);
  }, 60_000);
});
