/**
 * The viewer's HTTP API under hostile requests: every bad request is a 4xx with a one-line reason
 * (never a 500 or an internal message), labels are stored only for pairs of the run with clean
 * annotator names, and viewing changes nothing in the database. A file that is not a run database
 * is refused, untouched.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { listLabels } from '../../src/evaluation/labels.js';
import { RunStore } from '../../src/store/store.js';
import { startViewer } from '../../src/web/server.js';
import { elicitedRun } from '../report/run-fixture.js';

function raw(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { Host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('viewer label API and read-only viewing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vl-api-'));
  const db = await elicitedRun(dir);
  const before = sha(db);
  const viewer = await startViewer({ db, port: 0 });
  afterAll(() => viewer.close());
  const post = (body: string | Buffer, headers: Record<string, string> = { 'Content-Type': 'application/json' }) => raw(viewer.port, '/api/labels', { method: 'POST', headers, body });

  it('browsing changes nothing in the run database', async () => {
    for (const p of ['/', '/api/run', '/api/lexicon', '/api/pairs', '/api/completions', '/api/labels', '/api/labels.jsonl', '/api/sources?descriptor=honesty']) {
      expect((await raw(viewer.port, p)).status, p).toBe(200);
    }
    expect(sha(db)).toBe(before);
  });

  it('refuses bad labels with 400 and a one-line reason; stores nothing', async () => {
    const pairs = JSON.parse((await raw(viewer.port, '/api/pairs?limit=2')).body) as Array<{ id: string }>;
    const good = { pair_id: pairs[0]!.id, annotator: 'ann', value: 'power', label: 1 };
    const cases: Array<[string, string | Buffer, RegExp]> = [
      ['malformed JSON', '{"pair_id": ', /not valid JSON/],
      ['null body', 'null', /expected a JSON object/],
      ['an array', '[1,2]', /expected a JSON object/],
      ['unknown pair', JSON.stringify({ ...good, pair_id: 'no/such/pair' }), /pair_id is not a pair of this run/],
      ['long pair id', JSON.stringify({ ...good, pair_id: 'x'.repeat(5000) }), /pair_id is longer than 300/],
      ['NUL in annotator', JSON.stringify({ ...good, annotator: 'a\u0000b' }), /annotator may not hold control/],
      ['ESC in annotator', JSON.stringify({ ...good, annotator: 'a\u001b[2Jb' }), /annotator may not hold control/],
      ['RLO in annotator', JSON.stringify({ ...good, annotator: 'a\u202eb' }), /annotator may not hold control/],
      ['unknown value', JSON.stringify({ ...good, value: 'kindness' }), /value must be one of/],
      ['label 2', JSON.stringify({ ...good, label: 2 }), /label must be -1, 0 or 1/],
      ['extra field', JSON.stringify({ ...good, admin: true }), /unknown field "admin"/],
      ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), /not UTF-8/],
    ];
    for (const [what, body, reason] of cases) {
      const r = await post(body);
      expect(r.status, what).toBe(400);
      const error = (JSON.parse(r.body) as { error: string }).error;
      expect(error, what).toMatch(reason);
      expect(error.split('\n'), what).toHaveLength(1);
    }
    expect(listLabels(RunStore.open(db, { readonly: true }))).toEqual([]);
    expect((await post(JSON.stringify(good))).status).toBe(200);
  });

  it('an oversized body is 413 (60 KB of id), a wrong type 415, a wrong method 405', async () => {
    const big = JSON.stringify({ pair_id: 'x'.repeat(60_000), annotator: 'a', value: 'power', label: 1 });
    expect((await post(big)).status).toBe(413);
    expect((await post('{}', { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await raw(viewer.port, '/api/pairs', { method: 'DELETE' })).status).toBe(405);
  });

  it('query limits are validated: ?limit=abc and ?limit=-1 are 400, a huge limit is 400, a good one applies', async () => {
    for (const q of ['limit=abc', 'limit=-1', 'limit=1e9', 'limit=99999999', 'offset=-5', 'limit=']) {
      const r = await raw(viewer.port, `/api/pairs?${q}`);
      expect(r.status, q).toBe(400);
      expect((JSON.parse(r.body) as { error: string }).error).toMatch(/must be an integer from/);
    }
    expect((await raw(viewer.port, '/api/completions?limit=0')).status).toBe(400);
    expect(JSON.parse((await raw(viewer.port, '/api/pairs?limit=3')).body)).toHaveLength(3);
  });

  it('refuses a SQLite file that is not a run database, leaving it byte for byte as it was', async () => {
    const other = join(dir, 'other.db');
    const conn = new Database(other);
    conn.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'mine\')');
    conn.close();
    const hash = sha(other);
    await expect(startViewer({ db: other, port: 0 })).rejects.toThrow(`${other}: not a ValueLex run database (it holds notes, not meta and requests); nothing was changed`);
    expect(() => RunStore.open(other)).toThrow(/not a ValueLex run database \(it holds notes, not meta and requests\); refusing to change it/);
    expect(sha(other)).toBe(hash);
    expect(existsSync(`${other}-wal`)).toBe(false);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'this is not a database at all, just text that is long enough '.repeat(20));
    await expect(startViewer({ db: junk, port: 0 })).rejects.toThrow(`${junk}: not a SQLite database (so not a ValueLex run database)`);
    expect(() => RunStore.open(junk)).toThrow(`${junk}: not a SQLite database`);
  });
});
