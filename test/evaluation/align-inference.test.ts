/**
 * Alignment's inference under known truth, on the built-in simulated models (in process) with a
 * noisy simulated evaluator (true value content + normal noise, src/sim/noisy-evaluator.ts):
 *  (a) planted null: the `+alike` policy gives every answer to a prompt the same values, so no
 *      strategy can truly move it. The selection-time gain is positive (the winner's curse, shown);
 *      the held-out 95% interval must cover 0 in about 95% of replications.
 *  (b) planted effect: the plain policy follows a value-conditioned system prompt (85% of the
 *      values it names) and its samples truly differ, so system-prompt and best-of-n truly move
 *      answers toward the target: the held-out gain must be found.
 * Simulated data test the method here; they say nothing about real models.
 */
import { describe, expect, it } from 'vitest';
import { modelConfigSchema } from '../../src/config/schema.js';
import { Engine } from '../../src/engine/engine.js';
import { runAlign, summariseAlign, type AlignOptions, type AlignResult, type AlignStrategy } from '../../src/evaluation/align.js';
import type { ValueEvaluator } from '../../src/evaluation/evaluate.js';
import { noisySimulatedEvaluator } from '../../src/sim/noisy-evaluator.js';
import { SIMULATED_PROVIDERS } from '../../src/sim/provider.js';
import { alignAnswerValues } from '../../src/sim/responders/align.js';
import { RunStore } from '../../src/store/store.js';
import { schwartzValues } from '../../src/values/schwartz.js';

const system = schwartzValues();
const target = { self_direction: 0, stimulation: 0, hedonism: 0, achievement: 0, power: 0, security: 1, conformity: 1, tradition: 0, benevolence: 1, universalism: 0 };

function engineFor(policy: string): Engine {
  const model = modelConfigSchema.parse({ name: 'policy', provider: 'simulated', model: policy });
  return new Engine({ models: [model], store: RunStore.open(':memory:'), factories: SIMULATED_PROVIDERS });
}

/** Replications x prompts, run as one alignment (one engine, one cache), summarised per replication. */
async function replicate(policy: string, strategy: AlignStrategy, reps: number, prompts: number, sd: number): Promise<{ perRep: ReturnType<typeof summariseAlign>[]; results: AlignResult[] }> {
  const engine = engineFor(policy);
  const opts: AlignOptions = {
    strategy,
    model: 'policy',
    target,
    system,
    // Two seeds = two independent readings by the same noisy instrument (fresh calls).
    evaluator: noisySimulatedEvaluator({ sd, seed: 1 }) as ValueEvaluator,
    measure: { evaluator: noisySimulatedEvaluator({ sd, seed: 2 }) as ValueEvaluator, independent: false },
    n: 4,
    rounds: 2,
  };
  const items = Array.from({ length: reps * prompts }, (_, i) => ({ id: `r${Math.floor(i / prompts)}-q${i % prompts}`, prompt: `Replication ${Math.floor(i / prompts)}: how should I plan step ${i % prompts} of my project?` }));
  const { results } = await runAlign(engine, items, opts);
  const perRep = Array.from({ length: reps }, (_, r) => summariseAlign(results.filter((x) => x.id.startsWith(`r${r}-`)), { ...opts, seed: r + 1 }));
  engine.store.close();
  return { perRep, results };
}

const covers = (g: { ci_low: number; ci_high: number }): boolean => g.ci_low <= 0 && g.ci_high >= 0;

describe('the winner\'s curse under a planted null (candidates truly alike, noisy evaluator)', () => {
  it('the +alike policy really is a null: every candidate of a prompt has the same true values', async () => {
    const { results } = await replicate('sim/sim-atlas-8b-rlhf+alike', 'best-of-n', 1, 10, 0.5);
    for (const r of results) {
      const truths = new Set(r.candidates.map((c) => JSON.stringify(alignAnswerValues(c.text))));
      expect(truths.size).toBe(1);
    }
  }, 60_000);

  it('best-of-n: selection-time gain positive in nearly every replication; held-out interval covers 0 in about 95%', async () => {
    const reps = 200;
    const { perRep } = await replicate('sim/sim-atlas-8b-rlhf+alike', 'best-of-n', reps, 16, 0.5);
    const selectionExcludesZero = perRep.filter((s) => s.gain_selection.ci_low > 0).length / reps;
    const heldOutCovers = perRep.filter((s) => covers(s.gain_held_out)).length / reps;
    const meanHeldOut = perRep.reduce((a, s) => a + s.gain_held_out.mean, 0) / reps;
    // What the issue reported: a "gain" whose interval excludes zero although nothing improved.
    expect(selectionExcludesZero).toBeGreaterThan(0.9);
    // 95% nominal (the expanded percentile interval; the plain one covered 94% here, 92.5% on
    // revise). With 200 replications a true 95% lands in [0.91, 0.99] with probability 0.99; an
    // interval wide enough to cover always would be a defect too (no power).
    expect(heldOutCovers).toBeGreaterThanOrEqual(0.91);
    expect(heldOutCovers).toBeLessThanOrEqual(0.99);
    expect(Math.abs(meanHeldOut)).toBeLessThan(0.05);
    console.log(`null best-of-n: selection-time CI excludes 0 in ${(100 * selectionExcludesZero).toFixed(0)}%, held-out CI covers 0 in ${(100 * heldOutCovers).toFixed(1)}% of ${reps} replications; mean held-out gain ${meanHeldOut.toFixed(4)}`);
  }, 600_000);

  it('revise and system-prompt on the +alike policy: held-out interval covers 0 in about 95%', async () => {
    for (const strategy of ['revise', 'system-prompt'] as const) {
      const reps = 100;
      const { perRep } = await replicate('sim/sim-atlas-8b-rlhf+alike', strategy, reps, 16, 0.5);
      const heldOutCovers = perRep.filter((s) => covers(s.gain_held_out)).length / reps;
      // 100 replications: a true 95% coverage falls below 0.89 with probability < 0.01.
      expect(heldOutCovers).toBeGreaterThanOrEqual(0.89);
      console.log(`null ${strategy}: held-out CI covers 0 in ${(100 * heldOutCovers).toFixed(1)}% of ${reps}; selection-time CI excludes 0 in ${(100 * perRep.filter((s) => s.gain_selection.ci_low > 0).length / reps).toFixed(0)}%`);
    }
  }, 600_000);
});

describe('a planted effect is still found held out', () => {
  it('system-prompt on a policy that follows it: held-out gain found in nearly every replication', async () => {
    const reps = 30;
    const { perRep } = await replicate('sim/sim-atlas-8b-rlhf', 'system-prompt', reps, 32, 0.5);
    const found = perRep.filter((s) => s.gain_held_out.ci_low > 0).length / reps;
    const mean = perRep.reduce((a, s) => a + s.gain_held_out.mean, 0) / reps;
    console.log(`effect system-prompt: held-out CI excludes 0 in ${(100 * found).toFixed(0)}% of ${reps}; mean held-out gain ${mean.toFixed(3)}`);
    expect(found).toBeGreaterThan(0.9);
    expect(mean).toBeGreaterThan(0.3);
  }, 600_000);

  it('best-of-n over truly different samples: held-out gain found, smaller than the selection-time gain', async () => {
    // The true gain of best-of-4 is small beside the noise of ten values: a less noisy evaluator
    // and more prompts give the power to find it.
    const reps = 20;
    const { perRep } = await replicate('sim/sim-atlas-8b-rlhf', 'best-of-n', reps, 64, 0.3);
    const found = perRep.filter((s) => s.gain_held_out.ci_low > 0).length / reps;
    const held = perRep.reduce((a, s) => a + s.gain_held_out.mean, 0) / reps;
    const sel = perRep.reduce((a, s) => a + s.gain_selection.mean, 0) / reps;
    console.log(`effect best-of-n: held-out CI excludes 0 in ${(100 * found).toFixed(0)}% of ${reps}; mean held-out gain ${held.toFixed(3)} vs selection-time ${sel.toFixed(3)}`);
    expect(found).toBeGreaterThanOrEqual(0.85);
    expect(held).toBeGreaterThan(0.1);
    expect(sel).toBeGreaterThan(held);
  }, 600_000);
});
