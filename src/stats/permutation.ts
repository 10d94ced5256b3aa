/**
 * Permutation tests whose unit is stated by the caller (a prompt, a model) and whose smallest attainable
 * p is part of the result, in the manner of ./model-level.ts:
 *
 * - `signFlipTest`: a paired (blocked) design, one difference per block (e.g. per prompt: source A's mean
 *   answer minus source B's). Under H0 each block's difference is as likely positive as negative, so the
 *   signs are flipped, exactly over all 2^n patterns when they are few enough, else by Monte Carlo with its
 *   standard error. Two-sided p = P(|D*| >= |D|) for the mean difference D (the null distribution is
 *   symmetric, so this equals the doubled one-sided p). Blocks whose difference is 0 do not change the
 *   statistic under any flip; p_min = 2 / 2^(number of non-zero differences).
 * - `twoSamplePermutationTest`: independent units in two groups (e.g. prompts answered by only one of
 *   two sources): relabelings of the units, exact over C(n_a + n_b, n_a) subsets or Monte Carlo, doubled
 *   one-sided p on the difference of means, p_min = 2 / C(n_a + n_b, n_a), as compareGroupsByModel.
 * - `spearmanTest`: rank-order agreement of two paired lists (e.g. models' scores in two administrations)
 *   with an exact permutation p for n <= 9 without ties (the p R's cor.test(method = "spearman") gives) and
 *   a Monte Carlo permutation p otherwise; doubled one-sided, as R.
 */
import { averageRanks } from './descriptive.js';
import { StatsInputError, requireFinite } from './input-error.js';
import { createRng } from './rng.js';

export interface PermutationTestOptions {
  /** Enumerate exactly when the number of arrangements is at most this (default 100,000; 2^16 = 65,536 sign patterns). */
  maxExact?: number;
  /** Monte Carlo arrangements otherwise (default 9,999). */
  permutations?: number;
  seed?: number;
}

export interface UnitPermutationResult {
  /** Mean difference (paired: mean of the differences; two-sample: mean_a - mean_b). */
  statistic: number;
  /** Two-sided p. */
  p: number;
  /** The smallest p this test can return for this design (and number of Monte Carlo draws). */
  p_min: number;
  method: 'exact' | 'monte-carlo';
  /** Monte Carlo standard error of p (null for an exact p). */
  mc_se: number | null;
  /** Number of distinct arrangements (2^n sign patterns, C(n, n_a) relabelings, n! orderings); may be Infinity. */
  arrangements: number;
  permutations: number | null;
}

function options(o: PermutationTestOptions): { maxExact: number; permutations: number; seed: number } {
  const maxExact = o.maxExact ?? 100_000;
  const permutations = o.permutations ?? 9999;
  if (!(Number.isInteger(permutations) && permutations >= 1)) throw new StatsInputError(`permutations must be a positive integer, got ${permutations}`);
  if (!(maxExact >= 0)) throw new StatsInputError(`maxExact must be >= 0, got ${maxExact}`);
  return { maxExact, permutations, seed: o.seed ?? 1 };
}

/**
 * Sign-flip permutation test of paired differences (one per block).
 * @throws StatsInputError with fewer than 2 differences or non-finite ones.
 */
export function signFlipTest(differences: readonly number[], opts: PermutationTestOptions = {}): UnitPermutationResult {
  const { maxExact, permutations, seed } = options(opts);
  requireFinite(differences, 'differences');
  const n = differences.length;
  if (n < 2) throw new StatsInputError(`a sign-flip test needs at least 2 paired differences, got ${n}`);
  const d = differences.filter((x) => x !== 0);
  const statistic = differences.reduce((s, x) => s + x, 0) / n;
  const m = d.length;
  const arrangements = 2 ** m;
  const pMinExact = Math.min(1, 2 / arrangements);
  if (m === 0) return { statistic, p: 1, p_min: 1, method: 'exact', mc_se: null, arrangements: 1, permutations: null };
  const observed = Math.abs(d.reduce((s, x) => s + x, 0));
  const tol = 1e-10 * Math.max(1, d.reduce((s, x) => s + Math.abs(x), 0));
  if (arrangements <= maxExact) {
    let count = 0;
    // Gray-code walk over the sign patterns: one flip per step keeps each step O(1).
    let sum = d.reduce((s, x) => s + x, 0);
    const sign = new Array<number>(m).fill(1);
    if (Math.abs(sum) >= observed - tol) count++;
    for (let g = 1; g < arrangements; g++) {
      let bit = 0;
      while (((g >> bit) & 1) === 0) bit++;
      sum -= 2 * sign[bit]! * d[bit]!;
      sign[bit] = -sign[bit]!;
      if (Math.abs(sum) >= observed - tol) count++;
    }
    return { statistic, p: Math.min(1, count / arrangements), p_min: pMinExact, method: 'exact', mc_se: null, arrangements, permutations: null };
  }
  const rng = createRng(seed);
  let count = 0;
  for (let b = 0; b < permutations; b++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += rng.next() < 0.5 ? -d[i]! : d[i]!;
    if (Math.abs(s) >= observed - tol) count++;
  }
  const p = Math.min(1, Math.max(pMinExact, (1 + count) / (permutations + 1)));
  return { statistic, p, p_min: Math.max(pMinExact, 1 / (permutations + 1)), method: 'monte-carlo', mc_se: Math.sqrt((p * (1 - p)) / permutations), arrangements, permutations };
}

function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return Math.round(c);
}

/**
 * Two-sample permutation test of the difference of means with the units as given (each value one unit).
 * @throws StatsInputError when a group has fewer than 2 units or a value is not finite.
 */
export function twoSamplePermutationTest(a: readonly number[], b: readonly number[], opts: PermutationTestOptions = {}): UnitPermutationResult {
  const { maxExact, permutations, seed } = options(opts);
  requireFinite(a, 'a');
  requireFinite(b, 'b');
  if (a.length < 2 || b.length < 2) throw new StatsInputError(`a two-sample permutation test needs at least 2 units a group, got ${a.length} and ${b.length}`);
  const na = a.length, pool = [...a, ...b], n = pool.length;
  const sumA = a.reduce((s, x) => s + x, 0);
  const statistic = sumA / na - b.reduce((s, x) => s + x, 0) / b.length;
  const arrangements = choose(n, na);
  const pMinExact = Math.min(1, 2 / arrangements);
  const tol = 1e-10 * Math.max(1, pool.reduce((s, x) => s + Math.abs(x), 0));
  let upper = 0, lower = 0;
  // The difference of means increases with the group-a sum, so sums are compared directly.
  if (arrangements <= maxExact) {
    const rec = (start: number, left: number, sum: number): void => {
      if (left === 0) {
        if (sum >= sumA - tol) upper++;
        if (sum <= sumA + tol) lower++;
        return;
      }
      for (let i = start; i <= n - left; i++) rec(i + 1, left - 1, sum + pool[i]!);
    };
    rec(0, na, 0);
    return { statistic, p: Math.min(1, (2 * Math.min(upper, lower)) / arrangements), p_min: pMinExact, method: 'exact', mc_se: null, arrangements, permutations: null };
  }
  const rng = createRng(seed);
  for (let r = 0; r < permutations; r++) {
    let s = 0;
    for (let i = 0; i < na; i++) {
      const j = i + rng.int(n - i);
      const t = pool[i]!; pool[i] = pool[j]!; pool[j] = t;
      s += pool[i]!;
    }
    if (s >= sumA - tol) upper++;
    if (s <= sumA + tol) lower++;
  }
  const one = (1 + Math.min(upper, lower)) / (permutations + 1);
  const p = Math.min(1, Math.max(pMinExact, 2 * one));
  return { statistic, p, p_min: Math.max(pMinExact, Math.min(1, 2 / (permutations + 1))), method: 'monte-carlo', mc_se: Math.min(1, 2 * Math.sqrt((one * (1 - one)) / permutations)), arrangements, permutations };
}

export interface SpearmanTestResult extends UnitPermutationResult {
  /** Spearman's rho (Pearson correlation of the average ranks). */
  rho: number;
  n: number;
}

/**
 * Spearman's rank correlation with a permutation p: exact (all n! orderings, n <= 9, no ties: R's
 * cor.test exact p) or Monte Carlo. Two-sided p = min(1, 2 min(P(S* <= S), P(S* >= S))) for
 * S = sum of squared rank differences, i.e. on rho.
 * @throws StatsInputError for fewer than 3 pairs, mismatched lengths or a constant list.
 */
export function spearmanTest(x: readonly number[], y: readonly number[], opts: PermutationTestOptions = {}): SpearmanTestResult {
  const { permutations, seed } = options(opts);
  if (x.length !== y.length) throw new StatsInputError(`spearmanTest: lengths differ (${x.length} and ${y.length})`);
  const n = x.length;
  if (n < 3) throw new StatsInputError(`spearmanTest needs at least 3 pairs, got ${n}`);
  const rx = averageRanks(x), ry = averageRanks(y);
  const mean = (n + 1) / 2;
  let sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) { sxx += (rx[i]! - mean) ** 2; syy += (ry[i]! - mean) ** 2; }
  if (sxx === 0 || syy === 0) throw new StatsInputError('spearmanTest: a list is constant');
  const cross = (perm: readonly number[]): number => { let s = 0; for (let i = 0; i < n; i++) s += (rx[i]! - mean) * (perm[i]! - mean); return s; };
  const observed = cross(ry);
  const rho = observed / Math.sqrt(sxx * syy);
  const ties = new Set(rx).size < n || new Set(ry).size < n;
  const tol = 1e-9 * sxx;
  let upper = 0, lower = 0;
  let fact = 1;
  for (let i = 2; i <= n; i++) fact *= i;
  if (n <= 9 && !ties) {
    // Heap's algorithm over the orderings of y's ranks.
    const a = [...ry];
    const c = new Array<number>(n).fill(0);
    const visit = (): void => { const s = cross(a); if (s >= observed - tol) upper++; if (s <= observed + tol) lower++; };
    visit();
    let i = 0;
    while (i < n) {
      if (c[i]! < i) {
        const j = i % 2 === 0 ? 0 : c[i]!;
        const t = a[j]!; a[j] = a[i]!; a[i] = t;
        visit();
        c[i]! += 1;
        i = 0;
      } else { c[i] = 0; i++; }
    }
    const pMin = Math.min(1, 2 / fact);
    return { rho, n, statistic: rho, p: Math.min(1, (2 * Math.min(upper, lower)) / fact), p_min: pMin, method: 'exact', mc_se: null, arrangements: fact, permutations: null };
  }
  const rng = createRng(seed);
  const a = [...ry];
  for (let r = 0; r < permutations; r++) {
    for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); const t = a[i]!; a[i] = a[j]!; a[j] = t; }
    const s = cross(a);
    if (s >= observed - tol) upper++;
    if (s <= observed + tol) lower++;
  }
  const one = (1 + Math.min(upper, lower)) / (permutations + 1);
  const exactMin = ties ? 0 : Math.min(1, 2 / fact);
  const p = Math.min(1, Math.max(exactMin, 2 * one));
  return { rho, n, statistic: rho, p, p_min: Math.max(exactMin, Math.min(1, 2 / (permutations + 1))), method: 'monte-carlo', mc_se: Math.min(1, 2 * Math.sqrt((one * (1 - one)) / permutations)), arrangements: fact, permutations };
}
