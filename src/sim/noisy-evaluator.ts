/**
 * A noisy simulated value evaluator with a known truth, for testing alignment's inference: it reads
 * a simulated alignment answer's true value content (./responders/align.ts: +1 for each value whose
 * words it contains) and adds independent normal noise (sd `sd`) per value, clipped to [-1, 1].
 * The noise is a deterministic function of (seed, pair id, text), so two instances with different
 * seeds are two independent readings of the same answers (fresh calls), and a rerun is identical.
 * It has the shape of src/evaluation's ValueEvaluator (sim sits below evaluation, so it does not
 * import the type). Simulated: never a stand-in for a real evaluator's scores.
 */
import { rngFor } from '../stats/rng.js';
import type { ValuePair } from '../values/pairs.js';
import { alignAnswerValues } from './responders/align.js';

export interface NoisyEvaluatorOptions {
  /** Noise standard deviation per value (before clipping). */
  sd: number;
  /** Independent readings need different seeds. */
  seed: number;
  name?: string;
}

export function noisySimulatedEvaluator(opts: NoisyEvaluatorOptions): { readonly name: string; evaluate(pairs: readonly ValuePair[]): Promise<Array<{ values: Record<string, number> }>> } {
  return {
    name: opts.name ?? `simulated-noisy(sd=${opts.sd}, seed=${opts.seed})`,
    async evaluate(pairs) {
      return pairs.map((p) => {
        const rng = rngFor('noisy-evaluator', String(opts.seed), p.id, p.response);
        const truth = alignAnswerValues(p.response);
        return { values: Object.fromEntries(Object.entries(truth).map(([v, t]) => [v, Math.max(-1, Math.min(1, t + opts.sd * rng.normal()))])) };
      });
    },
  };
}
