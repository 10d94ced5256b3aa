/**
 * How often is the judge wrong, and what are the dimension means once that is accounted for.
 * From a labeled subset: the judge's confusion matrix per dimension (rows: true label -1/0/+1,
 * columns: the judge's score), with a small additive prior so rare labels do not make it singular.
 * Correction: the observed score distribution q satisfies q = Mᵀp for the true distribution p, so
 * p = (Mᵀ)⁻¹q, projected back onto the simplex (the three-class form of the Rogan-Gladen estimator,
 * "adjusted classify and count"). Intervals resample both the scored units and the labeled subset,
 * so they include the judge's own uncertainty. Pure: no I/O, no LLM.
 */
import { createRng } from '../stats/rng.js';
import { quantile } from '../stats/descriptive.js';
import { StatsInputError } from '../stats/input-error.js';

export const SCORE_LABELS = [-1, 0, 1] as const;
const idx = (x: number): number => (x <= -0.5 ? 0 : x >= 0.5 ? 2 : 1);

/** Row-normalised P(judge = j | truth = t), rows and columns in -1, 0, +1 order. */
export function confusionRates(truth: readonly number[], judged: readonly number[], prior = 0.5): number[][] {
  if (truth.length !== judged.length) throw new StatsInputError(`confusionRates: ${truth.length} labels but ${judged.length} judge scores`);
  const m = [0, 1, 2].map((t) => [0, 1, 2].map((j) => (t === j ? prior * 2 : prior / 2)));
  truth.forEach((t, i) => m[idx(t)]![idx(judged[i]!)]!++);
  return m.map((row) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((x) => x / s);
  });
}

/** Euclidean projection onto the probability simplex (Duchi et al. 2008). */
function toSimplex(v: number[]): number[] {
  const u = [...v].sort((a, b) => b - a);
  let css = 0, rho = 0, theta = 0;
  for (let i = 0; i < u.length; i++) {
    css += u[i]!;
    const t = (css - 1) / (i + 1);
    if (u[i]! - t > 0) {
      rho = i;
      theta = t;
    }
  }
  void rho;
  return v.map((x) => Math.max(0, x - theta));
}

function solve3(a: number[][], b: number[]): number[] | undefined {
  const m = a.map((r, i) => [...r, b[i]!]);
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-12) return undefined;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k < 4; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return [0, 1, 2].map((i) => m[i]![3]! / m[i]![i]!);
}

/** The true label distribution implied by observed judge scores and the judge's confusion matrix. */
export function correctedDistribution(observed: readonly number[], confusion: readonly (readonly number[])[]): number[] {
  const q = [0, 0, 0];
  for (const s of observed) q[idx(s)]! += 1 / observed.length;
  const mt = [0, 1, 2].map((j) => [0, 1, 2].map((t) => confusion[t]![j]!));
  const p = solve3(mt, q) ?? q;
  return toSimplex(p);
}

export interface CalibratedMean {
  raw: number;
  corrected: number;
  /** Percentile bootstrap interval of the corrected mean, resampling units and labeled pairs. */
  ci_low: number;
  ci_high: number;
  /** The judge's accuracy on the labeled subset. */
  accuracy: number;
  confusion: number[][];
}

export function calibratedMean(
  scores: readonly number[],
  labels: { truth: readonly number[]; judged: readonly number[] },
  opts: { iterations?: number; seed?: number; level?: number } = {},
): CalibratedMean {
  if (scores.length === 0) throw new StatsInputError('calibratedMean: no scores');
  if (labels.truth.length === 0) throw new StatsInputError('calibratedMean: no labeled pairs');
  const meanOf = (p: number[]): number => p[2]! - p[0]!;
  const confusion = confusionRates(labels.truth, labels.judged);
  const corrected = meanOf(correctedDistribution(scores, confusion));
  const rng = createRng(opts.seed ?? 1);
  const reps: number[] = [];
  const n = scores.length, k = labels.truth.length;
  for (let b = 0; b < (opts.iterations ?? 1000); b++) {
    const s = Array.from({ length: n }, () => scores[rng.int(n)]!);
    const pick = Array.from({ length: k }, () => rng.int(k));
    const m = confusionRates(pick.map((i) => labels.truth[i]!), pick.map((i) => labels.judged[i]!));
    reps.push(meanOf(correctedDistribution(s, m)));
  }
  const alpha = (1 - (opts.level ?? 0.95)) / 2;
  return {
    raw: scores.reduce((a, b) => a + b, 0) / n,
    corrected,
    ci_low: quantile(reps, alpha),
    ci_high: quantile(reps, 1 - alpha),
    accuracy: labels.truth.filter((t, i) => idx(t) === idx(labels.judged[i]!)).length / k,
    confusion,
  };
}
