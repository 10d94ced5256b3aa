/**
 * Checks of the judge as an instrument, each an effect size a reviewer can read. Pure functions
 * over scores already collected:
 *  - stability: flip rates of repeated scoring, per unit, item and dimension;
 *  - order effect: the same texts scored with the dimensions listed in reverse order;
 *  - length bias: rank correlation of text length with score;
 *  - self-preference: a judge's scores of its own model's texts against others';
 *  - several judges: pairwise Cohen's kappa, and each judge's agreement with labels.
 */
import { cohensKappa } from '../stats/agreement.js';
import { cohensD, correlationTest } from '../stats/effects.js';
import { groupBy } from '../core/group-by.js';

export interface RepeatedScores {
  unit: string;
  item: string;
  dimension: string;
  /** The k scores one unit got on one dimension. */
  scores: number[];
}

export interface FlipRates {
  /** Share of units whose repeated scores were not all equal. */
  overall: number;
  per_dimension: Record<string, number>;
  per_item: Record<string, number>;
  /** Items whose flip rate is above the threshold. */
  unstable_items: string[];
  threshold: number;
}

export function flipRates(rows: readonly RepeatedScores[], threshold = 0.1): FlipRates {
  const flipped = (r: RepeatedScores): number => (r.scores.some((s) => s !== r.scores[0]) ? 1 : 0);
  const rate = (rs: readonly RepeatedScores[]): number => (rs.length ? rs.reduce((s, r) => s + flipped(r), 0) / rs.length : 0);
  const group = (key: (r: RepeatedScores) => string): Record<string, number> => Object.fromEntries([...groupBy(rows, key).entries()].map(([k, rs]) => [k, rate(rs)]));
  const per_item = group((r) => r.item);
  return { overall: rate(rows), per_dimension: group((r) => r.dimension), per_item, unstable_items: Object.keys(per_item).filter((k) => per_item[k]! > threshold).sort(), threshold };
}

export interface ShiftEffect {
  n: number;
  /** Mean of (b - a). */
  mean_shift: number;
  /** Share of units whose score changed. */
  changed: number;
  /** Paired standardised mean difference (mean / sd of differences); 0 when nothing changed. */
  d: number;
}

/** Effect of a manipulation on paired scores (a: original, b: manipulated). */
export function pairedShift(a: readonly number[], b: readonly number[]): ShiftEffect {
  const diff = a.map((x, i) => b[i]! - x);
  const n = diff.length;
  const mean = n ? diff.reduce((s, x) => s + x, 0) / n : 0;
  const sd = n > 1 ? Math.sqrt(diff.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, mean_shift: mean, changed: n ? diff.filter((x) => x !== 0).length / n : 0, d: sd > 0 ? mean / sd : 0 };
}

export interface CorrelationEffect {
  n: number;
  r: number;
  p: number;
}

/** Spearman correlation of text length with score (0 with p = 1 when either is constant). */
export function lengthBias(lengths: readonly number[], scores: readonly number[]): CorrelationEffect {
  const constant = (x: readonly number[]): boolean => x.every((v) => v === x[0]);
  if (lengths.length < 3 || constant(lengths) || constant(scores)) return { n: lengths.length, r: 0, p: 1 };
  const t = correlationTest(lengths, scores, 'spearman');
  return { n: lengths.length, r: t.estimate, p: t.p };
}

export interface GroupEffect {
  n_own: number;
  n_other: number;
  /** Mean score on own texts minus on others'. */
  difference: number;
  d: number;
}

export function selfPreference(own: readonly number[], others: readonly number[]): GroupEffect {
  const m = (x: readonly number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
  let d = 0;
  if (own.length >= 2 && others.length >= 2 && ![...own, ...others].every((v) => v === own[0])) {
    try {
      d = cohensD(own, others);
    } catch {
      d = 0;
    }
  }
  return { n_own: own.length, n_other: others.length, difference: own.length && others.length ? m(own) - m(others) : 0, d };
}

/** Cohen's kappa between two raters on the same units (null when undefined: one category only). */
export function kappaOrNull(a: readonly number[], b: readonly number[]): number | null {
  try {
    return cohensKappa(a, b, { categories: [-1, 0, 1] }).kappa;
  } catch {
    return null;
  }
}

/** Combine several judges' scores of one unit: mean, or majority (ties -> 0). */
export function combineJudges(scores: readonly number[], how: 'mean' | 'majority'): number {
  if (how === 'mean') return scores.reduce((s, x) => s + x, 0) / scores.length;
  const c = new Map<number, number>();
  for (const s of scores) c.set(s, (c.get(s) ?? 0) + 1);
  const sorted = [...c.entries()].sort((a, b) => b[1] - a[1]);
  return sorted.length > 1 && sorted[0]![1] === sorted[1]![1] ? 0 : sorted[0]![0];
}
