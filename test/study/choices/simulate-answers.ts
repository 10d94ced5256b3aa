/**
 * Answers to forced choices drawn from a known truth, for testing the analysis where the truth is
 * known (test/study/choices/analysis.test.ts). Each model has a utility per value; an answer picks
 * the option of value a with probability logistic(beta (u_a - u_b)); planted styles: a position
 * bias (answer "A" with probability `positionBias` whatever the options), a framing inconsistency
 * (answer the "reject" question as if it were "choose" with probability `framingFlip`, optionally on
 * some value pairs only), and missing answers.
 */
import type { Rng } from '../../../src/stats/rng.js';
import type { ChoiceRecord } from '../../../src/study/stages/choices/analysis.js';
import { recode } from '../../../src/study/stages/choices/stage.js';

export interface PlantedChooser {
  model: string;
  /** Utility per value (same order as `values`). */
  utility: readonly number[];
  beta?: number;
  positionBias?: number;
  framingFlip?: number;
  /** Pairs (`a~b`) the framing flip applies to (default all). */
  flipPairs?: ReadonlySet<string>;
  missing?: number;
}

export function plantedAnswers(rng: Rng, values: readonly string[], chooser: PlantedChooser, opts: { dilemmasPerPair: number; samples?: number; framings?: ReadonlyArray<'act' | 'reject'> }): ChoiceRecord[] {
  const out: ChoiceRecord[] = [];
  const beta = chooser.beta ?? 1;
  for (let i = 0; i < values.length; i++) {
    for (let j = i + 1; j < values.length; j++) {
      const pair = `${values[i]}~${values[j]}`;
      const pA = 1 / (1 + Math.exp(-beta * (chooser.utility[i]! - chooser.utility[j]!)));
      for (let k = 0; k < opts.dilemmasPerPair; k++) {
        for (const framing of opts.framings ?? (['act', 'reject'] as const)) {
          for (const order of ['ab', 'ba'] as const) {
            for (let s = 0; s < (opts.samples ?? 1); s++) {
              const base = { model: chooser.model, dilemma: `${pair}/${k}`, value_a: values[i]!, value_b: values[j]!, framing, order, sample: s, attempts: 1 };
              if (rng.next() < (chooser.missing ?? 0)) {
                out.push({ ...base, letter: null, preferred: null, attempts: 2 });
                continue;
              }
              let letter: 'A' | 'B';
              if (rng.next() < (chooser.positionBias ?? 0)) letter = 'A';
              else {
                const prefersA = rng.next() < pA;
                const flips = framing === 'reject' && (!chooser.flipPairs || chooser.flipPairs.has(pair)) && rng.next() < (chooser.framingFlip ?? 0);
                const namesPreferred = framing === 'act' || flips;
                const named = prefersA === namesPreferred ? values[i]! : values[j]!;
                letter = (named === values[i]) === (order === 'ab') ? 'A' : 'B';
              }
              out.push({ ...base, letter, preferred: recode(letter, order, framing, values[i]!, values[j]!).preferred });
            }
          }
        }
      }
    }
  }
  return out;
}
