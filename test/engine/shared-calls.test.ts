/**
 * One request asked twice while the first is on its way is sent once: the second caller gets the
 * first one's answer (counted as reused), and a failure reaches both. The engine no longer
 * re-reads the cache for every request it dequeues, so this is what keeps duplicates from being
 * sent twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../src/config/schema.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { studyEngine } from '../../src/study/run.js';
import { peek, tempStore } from '../helpers/sql.js';
import { pickSimNames } from '../helpers/sim.js';

/** Models of the default simulated population by role (names are drawn from its seed). */
const [SIM_INSTRUCT_B] = pickSimNames('instruct') as string[] as [string];

function config(server: SimServer) {
  return studyConfigSchema.parse({ name: 't', models: [{ name: 'a', provider: 'openai', model: `sim/${SIM_INSTRUCT_B}`, base_url: `${server.url}/v1`, concurrency: 4 }] });
}

describe('identical requests in flight', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ faults: { latencyMs: 30 } });
  });
  afterAll(async () => server.close());

  it('are sent once; every caller gets the answer, the later ones marked as reused', async () => {
    const store = tempStore();
    const engine = studyEngine(config(server), store, { backoff: { baseMs: 5, maxMs: 50, maxRetries: 2 } });
    const before = server.stats.answered;
    const req = { model: 'a', stage: 'elicit', messages: [{ role: 'user' as const, content: 'Name your values.' }], sample: 3 };
    const results = await Promise.all([engine.generate(req), engine.generate(req), engine.generate(req), engine.generate({ ...req, sample: 4 })]);
    expect(server.stats.answered - before).toBe(2);
    expect(results.map((r) => r.cached)).toEqual([false, true, true, false]);
    expect(new Set(results.slice(0, 3).map((r) => r.text)).size).toBe(1);
    expect(results[3]!.key).not.toBe(results[0]!.key);
    expect(engine.usage.get('elicit')).toMatchObject({ requests: 4, cached: 2 });
    expect((peek(store).prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n).toBe(2);
    // Once answered, the same request comes from the run database.
    const again = await engine.generate(req);
    expect(again).toMatchObject({ cached: true, text: results[0]!.text });
    expect(server.stats.answered - before).toBe(2);
    store.close();
  });

  it('share a failure, and a later request is sent afresh', async () => {
    const failing = await startSimServer({ faults: { script: ['500', '500', '500'], latencyMs: 20 } });
    try {
      const store = tempStore();
      const engine = studyEngine(config(failing), store, { backoff: { baseMs: 1, maxMs: 5, maxRetries: 2 } });
      const req = { model: 'a', stage: 's', prompt: 'q' };
      const outcomes = await Promise.allSettled([engine.generate(req), engine.generate(req)]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      expect(failing.stats.received).toBe(3);
      const r = await engine.generate(req);
      expect(r.cached).toBe(false);
      expect(failing.stats.received).toBe(4);
      store.close();
    } finally {
      await failing.close();
    }
  });
});
