/**
 * Inter-rater agreement: Cohen's kappa (unweighted, linear, quadratic) with the
 * Fleiss-Cohen-Everitt (1969) large-sample standard error, Fleiss' kappa for many raters,
 * Krippendorff's alpha (nominal, ordinal, interval, ratio; missing values allowed), and
 * percent agreement. Categories are numbers (e.g. value labels -1, 0, 1); their numeric order
 * defines the ordering for weighted kappa and ordinal alpha.
 */
import { StatsInputError } from './input-error.js';
import { normalQuantile } from './probability.js';

export type KappaWeights = 'none' | 'linear' | 'quadratic';

export interface CohensKappaOptions {
  weights?: KappaWeights;
  /** All categories in order; defaults to the sorted distinct values of both raters. */
  categories?: readonly number[];
  level?: number;
}

export interface CohensKappaResult {
  kappa: number;
  /** Large-sample standard error (Fleiss, Cohen & Everitt 1969), not under the null. */
  se: number;
  ci: [number, number];
  /** Weighted observed and chance agreement. */
  observed: number;
  expected: number;
  n: number;
  categories: number[];
}

function categoriesOf(values: readonly number[], given?: readonly number[]): number[] {
  const cats = given ? [...given] : [...new Set(values)].sort((a, b) => a - b);
  if (new Set(cats).size !== cats.length) throw new StatsInputError('categories contain duplicates');
  return cats;
}

function agreementWeights(k: number, weights: KappaWeights): number[][] {
  return Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => {
    if (weights === 'none') return i === j ? 1 : 0;
    if (k === 1) return 1;
    const d = Math.abs(i - j) / (k - 1);
    return weights === 'linear' ? 1 - d : 1 - d * d;
  }));
}

/** Cohen's kappa for two raters who labelled the same items. */
export function cohensKappa(a: readonly number[], b: readonly number[], options: CohensKappaOptions = {}): CohensKappaResult {
  if (a.length !== b.length) throw new StatsInputError(`raters labelled different numbers of items (${a.length} vs ${b.length})`);
  if (a.length === 0) throw new StatsInputError('cohensKappa needs at least one item');
  const cats = categoriesOf([...a, ...b], options.categories);
  const index = new Map(cats.map((c, i) => [c, i]));
  const k = cats.length;
  const n = a.length;
  const x = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let t = 0; t < n; t++) {
    const i = index.get(a[t]!), j = index.get(b[t]!);
    if (i === undefined || j === undefined) throw new StatsInputError(`label ${i === undefined ? a[t] : b[t]} at item ${t} is not among the categories`);
    x[i]![j]! += 1 / n;
  }
  const w = agreementWeights(k, options.weights ?? 'none');
  const row = x.map((r) => r.reduce((s, v) => s + v, 0));
  const col = cats.map((_, j) => x.reduce((s, r) => s + r[j]!, 0));
  let po = 0, pe = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) { po += w[i]![j]! * x[i]![j]!; pe += w[i]![j]! * row[i]! * col[j]!; }
  if (1 - pe <= 1e-15) throw new StatsInputError('cohensKappa is undefined: chance agreement is 1 (a single category used by both raters)');
  const kappa = (po - pe) / (1 - pe);
  // Fleiss-Cohen-Everitt variance: w̄_i. = Σ_j p_.j w_ij, w̄_.j = Σ_i p_i. w_ij.
  const wRow = cats.map((_, i) => cats.reduce((s, _c, j) => s + col[j]! * w[i]![j]!, 0));
  const wCol = cats.map((_, j) => cats.reduce((s, _c, i) => s + row[i]! * w[i]![j]!, 0));
  let acc = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    acc += x[i]![j]! * (w[i]![j]! * (1 - pe) - (wRow[i]! + wCol[j]!) * (1 - po)) ** 2;
  }
  const variance = Math.max(0, (acc - (po * pe - 2 * pe + po) ** 2) / (n * (1 - pe) ** 4));
  const se = Math.sqrt(variance);
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new StatsInputError(`level must be in (0, 1), got ${level}`);
  const z = normalQuantile(1 - (1 - level) / 2);
  return { kappa, se, ci: [kappa - z * se, kappa + z * se], observed: po, expected: pe, n, categories: cats };
}

export interface FleissKappaResult {
  kappa: number;
  /** Mean per-subject agreement P̄ and chance agreement P̄e. */
  observed: number;
  expected: number;
  /** Standard error under H0: kappa = 0 (Fleiss, Nee & Landis 1979), z = kappa / se0 and its two-sided p. */
  se0: number;
  z: number;
  subjects: number;
  raters: number;
}

/**
 * Fleiss' kappa from a subjects × categories count table (each row sums to the same number
 * of raters). Use `categoryCounts` to build the table from subjects × raters labels.
 */
export function fleissKappa(counts: readonly (readonly number[])[]): FleissKappaResult {
  const N = counts.length;
  if (N === 0) throw new StatsInputError('fleissKappa needs at least one subject');
  const k = counts[0]!.length;
  const n = counts[0]!.reduce((s, v) => s + v, 0);
  if (n < 2) throw new StatsInputError('fleissKappa needs at least two ratings per subject');
  const pj = new Array<number>(k).fill(0);
  let pBar = 0;
  counts.forEach((r, i) => {
    if (r.length !== k) throw new StatsInputError(`subject ${i} has ${r.length} categories, expected ${k}`);
    if (r.some((v) => !Number.isInteger(v) || v < 0)) throw new StatsInputError(`subject ${i} has a count that is not a non-negative integer`);
    if (r.reduce((s, v) => s + v, 0) !== n) throw new StatsInputError(`subject ${i} has a different number of ratings than subject 0 (Fleiss' kappa needs a constant number of raters)`);
    let sq = 0;
    r.forEach((v, j) => { sq += v * v; pj[j]! += v / (N * n); });
    pBar += (sq - n) / (n * (n - 1)) / N;
  });
  const pe = pj.reduce((s, p) => s + p * p, 0);
  if (1 - pe <= 1e-15) throw new StatsInputError('fleissKappa is undefined: every rating is in one category');
  const kappa = (pBar - pe) / (1 - pe);
  const pq = pj.reduce((s, p) => s + p * (1 - p), 0);
  const pqq = pj.reduce((s, p) => s + p * (1 - p) * (1 - 2 * p), 0);
  const se0 = (Math.sqrt(2) / (pq * Math.sqrt(N * n * (n - 1)))) * Math.sqrt(Math.max(0, pq * pq - pqq));
  return { kappa, observed: pBar, expected: pe, se0, z: kappa / se0, subjects: N, raters: n };
}

/** Subjects × categories count table from subjects × raters labels (null = missing). */
export function categoryCounts(ratings: readonly (readonly (number | null)[])[], categories?: readonly number[]): { categories: number[]; counts: number[][] } {
  const all = ratings.flatMap((r) => r.filter((v): v is number => v !== null && Number.isFinite(v)));
  const cats = categoriesOf(all, categories);
  const index = new Map(cats.map((c, i) => [c, i]));
  const counts = ratings.map((r) => {
    const c = new Array<number>(cats.length).fill(0);
    for (const v of r) {
      if (v === null || !Number.isFinite(v)) continue;
      const i = index.get(v);
      if (i === undefined) throw new StatsInputError(`label ${v} is not among the categories`);
      c[i]!++;
    }
    return c;
  });
  return { categories: cats, counts };
}

export type AlphaLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export interface KrippendorffResult {
  alpha: number;
  observedDisagreement: number;
  expectedDisagreement: number;
  /** Number of pairable values (values in units with at least two values). */
  pairable: number;
  units: number;
}

/**
 * Krippendorff's alpha from a units × coders table; null (or NaN) marks a missing value.
 * Units with fewer than two values are not pairable and are ignored, as in Krippendorff (2011).
 */
export function krippendorffAlpha(ratings: readonly (readonly (number | null)[])[], level: AlphaLevel = 'nominal'): KrippendorffResult {
  const units = ratings.map((r) => r.filter((v): v is number => v !== null && !Number.isNaN(v)));
  for (const u of units) for (const v of u) if (!Number.isFinite(v)) throw new StatsInputError(`value ${v} is not finite`);
  const pairableUnits = units.filter((u) => u.length >= 2);
  const values = [...new Set(pairableUnits.flat())].sort((a, b) => a - b);
  if (values.length === 0) throw new StatsInputError('krippendorffAlpha needs at least one unit with two or more values');
  const index = new Map(values.map((v, i) => [v, i]));
  const V = values.length;
  const o = Array.from({ length: V }, () => new Array<number>(V).fill(0));
  for (const u of pairableUnits) {
    const m = u.length;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      if (i !== j) o[index.get(u[i]!)!]![index.get(u[j]!)!]! += 1 / (m - 1);
    }
  }
  const nc = o.map((r) => r.reduce((s, v) => s + v, 0));
  const n = nc.reduce((s, v) => s + v, 0);
  if (V === 1) throw new StatsInputError('krippendorffAlpha is undefined: all pairable values are identical (no variation)');
  if (level === 'ratio' && values.some((v) => v < 0)) throw new StatsInputError('ratio alpha needs non-negative values');
  const delta = (c: number, k: number): number => {
    if (c === k) return 0;
    const a = values[c]!, b = values[k]!;
    switch (level) {
      case 'nominal': return 1;
      case 'interval': return (a - b) ** 2;
      case 'ratio': return ((a - b) / (a + b)) ** 2;
      case 'ordinal': {
        const lo = Math.min(c, k), hi = Math.max(c, k);
        let s = 0;
        for (let g = lo; g <= hi; g++) s += nc[g]!;
        return (s - (nc[lo]! + nc[hi]!) / 2) ** 2;
      }
      default: throw new StatsInputError(`unknown alpha level ${String(level)}`);
    }
  };
  let Do = 0, De = 0;
  for (let c = 0; c < V; c++) for (let k = 0; k < V; k++) {
    const d = delta(c, k);
    Do += o[c]![k]! * d;
    De += nc[c]! * nc[k]! * d;
  }
  Do /= n;
  De /= n * (n - 1);
  if (De === 0) throw new StatsInputError('krippendorffAlpha is undefined: expected disagreement is zero');
  return { alpha: 1 - Do / De, observedDisagreement: Do, expectedDisagreement: De, pairable: n, units: pairableUnits.length };
}

/**
 * Percent agreement over a units × raters table (null = missing): for each unit with at least two
 * ratings, the share of rater pairs that agree; averaged over those units. For two raters with
 * no missing values this is the proportion of identical labels.
 */
export function percentAgreement(ratings: readonly (readonly (number | null)[])[]): number {
  let total = 0, used = 0;
  for (const r of ratings) {
    const u = r.filter((v): v is number => v !== null && !Number.isNaN(v));
    if (u.length < 2) continue;
    let agree = 0, pairs = 0;
    for (let i = 0; i < u.length; i++) for (let j = i + 1; j < u.length; j++) { pairs++; if (u[i] === u[j]) agree++; }
    total += agree / pairs;
    used++;
  }
  if (used === 0) throw new StatsInputError('percentAgreement needs at least one unit rated twice');
  return total / used;
}
