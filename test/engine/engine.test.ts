import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyEngine } from '../../src/study/run.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { studyConfigSchema, type StudyConfigInput } from '../../src/config/schema.js';
import { peek, tempStore } from '../helpers/sql.js';
import { pickSimNames } from '../helpers/sim.js';

/** Models of the default simulated population, by role (their names are drawn from its seed). */
const [INSTRUCT, BASE] = pickSimNames('instruct', 'base') as [string, string];

function config(server: SimServer, extra: Partial<StudyConfigInput> = {}, provider: 'openai' | 'anthropic' | 'ollama' = 'openai') {
  const base_url = provider === 'openai' ? `${server.url}/v1` : server.url;
  return studyConfigSchema.parse({
    name: 't',
    models: [
      { name: 'a', provider, model: `sim/${INSTRUCT}`, base_url, concurrency: 4, ...(provider === 'openai' ? {} : {}) },
      { name: 'b', provider, model: `sim/${BASE}`, base_url, kind: 'completion', concurrency: 2 },
    ],
    ...extra,
  });
}

const backoff = { baseMs: 5, maxMs: 200, maxRetries: 6 };

describe('engine against a real local server', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ faults: { latencyMs: 2 } });
  });
  afterAll(async () => server.close());

  for (const provider of ['openai', 'anthropic', 'ollama'] as const) {
    it(`answers and caches through the ${provider} protocol`, async () => {
      const store = tempStore();
      const engine = studyEngine(config(server, {}, provider), store, { backoff });
      const before = server.stats.answered;
      const reqs = Array.from({ length: 10 }, (_, i) => ({ model: i % 2 ? 'a' : 'b', stage: 'test', messages: [{ role: 'user' as const, content: `question ${i}` }], sample: i }));
      const first = await engine.map(reqs, (r) => engine.generate(r), { label: 'test' });
      expect(first.every((r) => !r.cached && r.text.length > 0)).toBe(true);
      expect(server.stats.answered - before).toBe(10);
      const second = await engine.map(reqs, (r) => engine.generate(r), { label: 'test' });
      expect(second.every((r) => r.cached)).toBe(true);
      expect(second.map((r) => r.text)).toEqual(first.map((r) => r.text));
      expect(server.stats.answered - before).toBe(10);
      const cost = store.costSummary();
      expect(cost.find((c) => c.model === 'a')).toMatchObject({ requests: 5, cached: 5 });
      store.close();
    });
  }

  it('distinct samples are distinct requests; same sample is the same', async () => {
    const store = tempStore();
    const engine = studyEngine(config(server), store, { backoff });
    const k0 = engine.keyOf({ model: 'a', stage: 's', prompt: 'x', sample: 0 });
    const k1 = engine.keyOf({ model: 'a', stage: 's', prompt: 'x', sample: 1 });
    expect(k0).not.toBe(k1);
    expect(engine.keyOf({ model: 'a', stage: 's', prompt: 'x', sample: 0 })).toBe(k0);
  });
});

describe('retries and faults', () => {
  it('retries 429 (honouring Retry-After), 500, malformed, truncated and dropped connections', async () => {
    const server = await startSimServer({ faults: { script: ['429', '500', 'malformed', 'truncated', 'drop', '503'], retryAfterSeconds: 0.2 } });
    try {
      const store = tempStore();
      const engine = studyEngine(config(server), store, { backoff });
      const t0 = Date.now();
      const r = await engine.generate({ model: 'a', stage: 's', prompt: 'hello' });
      expect(r.text.length).toBeGreaterThan(0);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
      expect(server.stats.received).toBe(7);
      const row = peek(store).prepare('SELECT attempts, status FROM requests').get() as { attempts: number; status: string };
      expect(row).toEqual({ attempts: 7, status: 'ok' });
    } finally {
      await server.close();
    }
  });

  it('gives up after max retries, records the error, and succeeds later from where it stopped', async () => {
    const server = await startSimServer({ faults: { script: ['500', '500', '500'] } });
    try {
      const store = tempStore();
      const engine = studyEngine(config(server), store, { backoff: { ...backoff, maxRetries: 2 } });
      await expect(engine.generate({ model: 'a', stage: 's', prompt: 'q' })).rejects.toThrow(/HTTP 500/);
      const row = peek(store).prepare('SELECT status, error FROM requests').get() as { status: string; error: string };
      expect(row.status).toBe('error');
      const r = await engine.generate({ model: 'a', stage: 's', prompt: 'q' });
      expect(r.cached).toBe(false);
      expect((peek(store).prepare('SELECT status FROM requests').get() as { status: string }).status).toBe('ok');
    } finally {
      await server.close();
    }
  });

  it('does not retry a 401 and names the key variable', async () => {
    const server = await startSimServer({ faults: { requireKey: 'right-key-123456' } });
    process.env.VLX_TEST_KEY = 'wrong-key-abcdef';
    try {
      const store = tempStore();
      const cfg = config(server);
      cfg.models[0]!.api_key_env = 'VLX_TEST_KEY';
      const engine = studyEngine(cfg, store, { backoff });
      const err = await engine.generate({ model: 'a', stage: 's', prompt: 'q' }).catch((e: Error) => e);
      expect(String(err)).toMatch(/HTTP 401.*api_key_env/);
      expect(String(err)).not.toContain('wrong-key-abcdef');
      expect(server.stats.received).toBe(1);
      const dump = JSON.stringify(peek(store).prepare('SELECT * FROM requests').all()) + JSON.stringify(peek(store).prepare('SELECT * FROM models').all());
      expect(dump).not.toContain('wrong-key-abcdef');
    } finally {
      delete process.env.VLX_TEST_KEY;
      await server.close();
    }
  });

  it('times out a hanging server and retries', async () => {
    const server = await startSimServer({ faults: { script: ['hang'] } });
    try {
      const store = tempStore();
      const cfg = config(server);
      cfg.models[0]!.timeout_ms = 300;
      const engine = studyEngine(cfg, store, { backoff });
      const r = await engine.generate({ model: 'a', stage: 's', prompt: 'q' });
      expect(r.text.length).toBeGreaterThan(0);
      expect(server.stats.received).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('generateParsed re-asks on malformed output and never guesses', async () => {
    const server = await startSimServer();
    try {
      const store = tempStore();
      const engine = studyEngine(config(server), store, { backoff });
      let calls = 0;
      const res = await engine.generateParsed({ model: 'a', stage: 's', prompt: 'q' }, (t) => {
        calls++;
        if (calls < 2) throw new Error('not JSON');
        return t.length;
      });
      expect(res.attempts).toBe(2);
      expect(res.value).toBeGreaterThan(0);
      const bad = await engine.generateParsed({ model: 'a', stage: 's', prompt: 'z' }, () => {
        throw new Error('never valid');
      }, { maxAttempts: 2 });
      expect(bad.value).toBeUndefined();
      expect(bad.error).toMatch(/malformed output after 2 attempts: never valid/);
    } finally {
      await server.close();
    }
  });
});
