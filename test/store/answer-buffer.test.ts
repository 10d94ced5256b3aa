/**
 * Answers are committed at the end of the event-loop turn they arrived in, and, when they keep
 * arriving without the loop turning (a model answering in process, in microtasks), every few
 * hundred: what a killed run can lose, and what the buffer holds, stays bounded however long the
 * run. Checked from a second connection, as another process (or a resumed run) would see the file.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RunStore } from '../../src/store/store.js';
import { tempStore } from '../helpers/sql.js';

function answer(i: number): Parameters<RunStore['putResponse']>[0] {
  return { key: `k${i}`, stage: 'elicit', model_name: 'm', provider: 'simulated', model: 'sim/x', request: { i }, text: `answer ${i}`, input_tokens: 1, output_tokens: 2, cost_usd: 0, latency_ms: 0, attempts: 1 };
}

function committed(store: RunStore): number {
  const reader = new Database(store.path, { readonly: true });
  try {
    return (reader.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
  } finally {
    reader.close();
  }
}

describe('the answer buffer', () => {
  it('commits at the end of the turn, and every 256 answers within one turn', async () => {
    const store = tempStore();
    for (let i = 0; i < 100; i++) store.putResponse(answer(i));
    // Readable by this store at once, not yet in the file.
    expect(store.getResponse('k99')?.text).toBe('answer 99');
    expect(committed(store)).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(committed(store)).toBe(100);

    // 1,000 answers without the event loop turning: at most 255 of them wait for the turn's end.
    for (let i = 100; i < 1100; i++) {
      store.putResponse(answer(i));
      await Promise.resolve();
    }
    expect(committed(store)).toBeGreaterThanOrEqual(1100 - 255);
    await new Promise((resolve) => setImmediate(resolve));
    expect(committed(store)).toBe(1100);
    for (const i of [0, 150, 1099]) expect(store.getResponse(`k${i}`)?.text).toBe(`answer ${i}`);
    store.close();
  });
});
