/**
 * The engine against a hostile server (test/helpers/hostile-server.ts): a server that echoes the
 * API key in its answers, asks for huge Retry-After waits, drips its body a byte at a time, sends
 * invalid UTF-8 or 10 MB answers. Each must end in a stored, redacted answer or a clear stored
 * error within the time the configuration promises, never a leak, a stall or a crash.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyConfigSchema, type ModelConfigInput } from '../../src/config/schema.js';
import { withDeadline } from '../../src/engine/abort.js';
import { Engine } from '../../src/engine/engine.js';
import { redactSecrets } from '../../src/core/secrets.js';
import { studyEngine } from '../../src/study/run.js';
import { startHostileServer, type HostileServer } from '../helpers/hostile-server.js';
import { peek, tempStore } from '../helpers/sql.js';

const KEY = 'sk-hostile-0123456789abcdefABCDEF0123456789';
const PROXY_PASSWORD = 'pr0xy-Secret-77';

function study(server: HostileServer, models: ModelConfigInput[]) {
  return studyConfigSchema.parse({ name: 'hostile', models: models.map((m) => ({ provider: 'openai', base_url: `${server.url}/v1`, concurrency: 2, ...m })) });
}

/** Every byte of a SQLite run database (the file, its WAL and shared memory) as text. */
function databaseBytes(path: string): string {
  const dir = dirname(path);
  return readdirSync(dir)
    .filter((f) => f.startsWith('run.db'))
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n');
}

describe('the engine against a hostile server', () => {
  let server: HostileServer;
  beforeAll(async () => {
    server = await startHostileServer();
    process.env.VLX_HOSTILE_KEY = KEY;
  });
  afterAll(async () => {
    delete process.env.VLX_HOSTILE_KEY;
    await server.close();
  });

  it('a key echoed in a 200 answer (plain, base64, Basic auth, percent-encoded) is never stored or returned', async () => {
    const store = tempStore();
    const cfg = study(server, [{ name: 'echo', model: 'echo-key', api_key_env: 'VLX_HOSTILE_KEY' }]);
    const engine = studyEngine(cfg, store);
    const r = await engine.generate({ model: 'echo', stage: 's', prompt: 'What do you value?' });
    expect([...server.stats.authorizations]).toContain(`Bearer ${KEY}`);
    // The answer arrived (its words are kept) with every form of the key replaced.
    expect(r.text).toMatch(/Honesty \[REDACTED\]/);
    const forms = [KEY, Buffer.from(KEY).toString('base64').slice(4, -4), Buffer.from(`user:${KEY}`).toString('base64').slice(8, -8), encodeURIComponent(KEY)];
    for (const f of forms) expect(r.text.includes(f), f).toBe(false);
    const rows = JSON.stringify(peek(store).prepare('SELECT * FROM requests').all());
    for (const f of forms) expect(rows.includes(f), f).toBe(false);
    // Text written through any table goes through the same door.
    store.setMeta('note', `copied ${KEY}`);
    store.close();
    const bytes = databaseBytes(store.path);
    for (const f of forms) expect(bytes.includes(f), f).toBe(false);
    await engine.close();
  });

  it('a base_url with credentials is refused by name, its password never shown or stored', () => {
    const store = tempStore();
    const host = new URL(server.url).host;
    const cfg = study(server, [{ name: 'proxied', model: 'ok', base_url: `http://proxyuser:${PROXY_PASSWORD}@${host}/v1` }]);
    let message = '';
    try {
      studyEngine(cfg, store);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/model "proxied": base_url http:\/\/proxyuser:\*\*\*@127\.0\.0\.1:\d+\/v1 holds credentials/);
    // Anything that later quotes the password (an echoing server, a log) is redacted.
    expect(redactSecrets(`the proxy said ${PROXY_PASSWORD} and ${Buffer.from(PROXY_PASSWORD).toString('base64')}`)).toBe('the proxy said [REDACTED] and [REDACTED]');
    store.setMeta('cfg', JSON.stringify(cfg.models[0]));
    store.close();
    const bytes = databaseBytes(store.path);
    expect(bytes.includes(PROXY_PASSWORD)).toBe(false);
    expect(bytes).toContain('proxyuser:***@');
  });

  it('redacts the base64 of a registered key at every alignment inside a longer base64 text', () => {
    for (const prefix of ['', 'x', 'xy', 'xyz']) {
      const blob = Buffer.from(`${prefix}${KEY}tail`).toString('base64');
      expect(redactSecrets(`header ${blob} footer`)).toContain('[REDACTED]');
    }
    // Ordinary prose is left alone.
    expect(redactSecrets('The bearer responsibility of honesty; basic understanding')).toBe('The bearer responsibility of honesty; basic understanding');
  });

  it('caps a huge Retry-After at the backoff ceiling, says so, and does not block the model', async () => {
    const store = tempStore();
    const notes: string[] = [];
    const cfg = study(server, [{ name: 'slow', model: 'retry-after:25:2', concurrency: 4 }]);
    const engine = new Engine({ models: cfg.models, store, backoff: { baseMs: 5, maxMs: 300, maxRetries: 5 }, log: (m) => notes.push(m) });
    const started = Date.now();
    // Two workers of the model: both get "Retry-After: 25"; the shared cool-down is capped too.
    const [r, r2] = await Promise.all([engine.generate({ model: 'slow', stage: 's', prompt: 'q' }), engine.generate({ model: 'slow', stage: 's', prompt: 'q2' })]);
    const elapsed = Date.now() - started;
    expect(r.text).toMatch(/Patience/);
    expect(r2.text).toMatch(/Patience/);
    // Two 429s with "Retry-After: 25" took capped waits (300 ms + jitter), not 50 s.
    expect(elapsed).toBeLessThan(3_000);
    expect(server.stats.byModel.get('retry-after:25:2')).toHaveLength(4);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/asked to wait 25\.0 s \(Retry-After\); waiting 0\.3 s instead/);
    await engine.close();
  });

  it('gives up with a clear error once the total wait budget is spent, and records it', async () => {
    const store = tempStore();
    const cfg = study(server, [{ name: 'forever', model: 'retry-after:30', max_retries: 50 }]);
    const engine = new Engine({ models: cfg.models, store, backoff: { baseMs: 5, maxMs: 200, maxRetries: 50, maxWaitMs: 700 }, log: () => {} });
    const started = Date.now();
    const err = await engine.generate({ model: 'forever', stage: 's', prompt: 'q' }).catch((e: Error) => e);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(String(err)).toMatch(/forever: gave up after \d+\.\d s of retry waits \(the budget is 1 s, VALUELEX_RETRY_BUDGET_MS\); last error: openai: HTTP 429/);
    const attempts = server.stats.byModel.get('retry-after:30')!.length;
    // 700 ms of budget in ~200 ms waits: a handful of attempts, far fewer than max_retries.
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(6);
    const row = peek(store).prepare(`SELECT status, error FROM requests`).get() as { status: string; error: string };
    expect(row.status).toBe('error');
    expect(row.error).toMatch(/gave up after/);
    await engine.close();
  });

  it('a body dripped a byte at a time times out at timeout_ms (and the error says so)', async () => {
    const store = tempStore();
    const cfg = study(server, [{ name: 'drip', model: 'drip:100', timeout_ms: 400, max_retries: 1 }]);
    const engine = new Engine({ models: cfg.models, store, backoff: { baseMs: 5, maxMs: 20, maxRetries: 1 }, log: () => {} });
    const started = Date.now();
    const err = await engine.generate({ model: 'drip', stage: 's', prompt: 'q' }).catch((e: Error) => e);
    const elapsed = Date.now() - started;
    expect(String(err)).toMatch(/timed out after 400 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(750);
    expect(elapsed).toBeLessThan(3_000);
    await engine.close();
  });

  it('invalid UTF-8 in an answer is stored as replacement characters, not a crash', async () => {
    const store = tempStore();
    const engine = new Engine({ models: study(server, [{ name: 'bytes', model: 'invalid-utf8' }]).models, store, log: () => {} });
    const r = await engine.generate({ model: 'bytes', stage: 's', prompt: 'q' });
    expect(r.text).toContain('\ufffd');
    expect(r.text).toMatch(/Honesty/);
    expect((peek(store).prepare(`SELECT text FROM requests`).get() as { text: string }).text).toBe(r.text);
    await engine.close();
  });

  it('a 10 MB answer is a failed request (not retried, not stored as an answer)', async () => {
    const store = tempStore();
    const engine = new Engine({ models: study(server, [{ name: 'big', model: 'huge:10' }]).models, store, backoff: { baseMs: 5, maxMs: 20, maxRetries: 3 }, log: () => {} });
    const err = await engine.generate({ model: 'big', stage: 's', prompt: 'q' }).catch((e: Error) => e);
    expect(String(err)).toMatch(/the answer has 10485760 characters, more than the 2000000 an answer may have/);
    expect(server.stats.byModel.get('huge:10')).toHaveLength(1);
    const rows = peek(store).prepare(`SELECT status, length(text) AS n FROM requests`).all() as Array<{ status: string; n: number | null }>;
    expect(rows).toEqual([{ status: 'error', n: null }]);
    await engine.close();
  });

  it('one name, one model: a second configuration under a known name is refused', () => {
    const store = tempStore();
    const a = study(server, [{ name: 'a', model: 'ok' }]).models[0]!;
    expect(() => new Engine({ models: [a, { ...a, model: 'gpt-4o-judge' }], store })).toThrow(/model name "a" is given to two configurations \(openai\/ok and openai\/gpt-4o-judge\)/);
    // The same configuration twice (a model that is also the judge by the same name) is one model.
    expect(() => new Engine({ models: [a, { ...a }], store })).not.toThrow();
  });

  it('a deadline above 2^31-1 ms does not fire at once (Node timer overflow)', async () => {
    const v = await withDeadline(undefined, 2 ** 32, async () => {
      await new Promise((r) => setTimeout(r, 50));
      return 'done';
    });
    expect(v).toBe('done');
  });
});
