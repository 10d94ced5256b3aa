import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliAsync } from '../helpers/cli.js';

describe('valuelex embed (built CLI) against a local Ollama-protocol server', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { input } = JSON.parse(body) as { input: string[] };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ embeddings: input.map((t) => [t.length, 0.5]) }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('writes text + d columns and a JSON summary; bad backend exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vl-embed-cli-'));
    writeFileSync(join(dir, 'words.txt'), 'care\n\nuser, centric\n');
    const out = join(dir, 'v.csv');
    const r = await runCliAsync(['embed', '--input', join(dir, 'words.txt'), '--backend', 'ollama', '--model', 'm', '--base-url', base, '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: 'ollama', texts: 2, dimension: 2 });
    expect(readFileSync(out, 'utf8')).toBe('text,d1,d2\ncare,4,0.5\n"user, centric",13,0.5\n');
    const bad = await runCliAsync(['embed', '--input', join(dir, 'words.txt'), '--backend', 'nope', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/backend/);
  });
});
