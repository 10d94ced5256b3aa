/**
 * Descriptive statistics with R's conventions: sample variance with the n - 1 divisor,
 * quantiles of type 7 (R's default), average ranks for ties.
 * Every function throws StatsInputError for empty or non-finite input rather than returning NaN.
 */
import { StatsInputError, requireFinite, requireLength } from './input-error.js';

export function sum(values: readonly number[]): number {
  requireFinite(values, 'values');
  // Neumaier compensated summation: long score vectors keep full precision.
  let s = 0, c = 0;
  for (const v of values) {
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

export function mean(values: readonly number[]): number {
  requireLength(values, 1, 'mean');
  return sum(values) / values.length;
}

/** Sample variance (n - 1 divisor); needs two values. */
export function variance(values: readonly number[]): number {
  requireLength(values, 2, 'variance');
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return ss / (values.length - 1);
}

export function sd(values: readonly number[]): number {
  return Math.sqrt(variance(values));
}

/** Quantile of type 7 (R's default): linear interpolation between order statistics. */
export function quantile(values: readonly number[], prob: number): number {
  requireLength(values, 1, 'quantile');
  requireFinite(values, 'values');
  if (!(prob >= 0 && prob <= 1)) throw new StatsInputError(`quantile probability must be in [0, 1], got ${prob}`);
  return quantileSorted([...values].sort((a, b) => a - b), prob);
}

/** Type-7 quantile of an already ascending-sorted array (no checks; the hot path of bootstraps). */
export function quantileSorted(sorted: readonly number[], prob: number): number {
  const h = (sorted.length - 1) * prob;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function quantiles(values: readonly number[], probs: readonly number[]): number[] {
  requireLength(values, 1, 'quantiles');
  requireFinite(values, 'values');
  const sorted = [...values].sort((a, b) => a - b);
  return probs.map((p) => {
    if (!(p >= 0 && p <= 1)) throw new StatsInputError(`quantile probability must be in [0, 1], got ${p}`);
    return quantileSorted(sorted, p);
  });
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function minMax(values: readonly number[]): { min: number; max: number } {
  requireLength(values, 1, 'minMax');
  requireFinite(values, 'values');
  let min = Infinity, max = -Infinity;
  for (const v of values) { if (v < min) min = v; if (v > max) max = v; }
  return { min, max };
}

/** Ranks 1..n with ties given their average rank (R's rank(ties.method = "average")). */
export function averageRanks(values: readonly number[]): number[] {
  requireFinite(values, 'values');
  const order = values.map((v, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    i = j + 1;
  }
  return ranks;
}

/** Sizes of the groups of tied values (only groups larger than one). */
export function tieGroupSizes(values: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.values()].filter((c) => c > 1);
}
