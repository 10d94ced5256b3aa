/**
 * Two-sample and k-sample effect sizes and tests, reproducing R where R has the test:
 * t.test (Welch, pooled, paired), wilcox.test(exact = FALSE, correct = TRUE) for the
 * rank-sum and signed-rank tests, cor.test (Pearson; Spearman with exact = FALSE),
 * kruskal.test. Permutation tests are seeded and use the (count + 1) / (iterations + 1)
 * p-value, which is never zero and is valid as a Monte Carlo p-value.
 */
import { StatsInputError, requireFinite, requireLength } from './input-error.js';
import { averageRanks, mean, tieGroupSizes, variance } from './descriptive.js';
import { chiSquareSurvival, fSurvival, logGamma, normalCdf, normalQuantile, studentTQuantile, studentTTwoSided } from './probability.js';
import { createRng, shuffleInPlace } from './rng.js';

function twoSamples(x: readonly number[], y: readonly number[], min: number): void {
  requireLength(x, min, 'x');
  requireLength(y, min, 'y');
  requireFinite(x, 'x');
  requireFinite(y, 'y');
}

function paired(x: readonly number[], y: readonly number[], min: number): void {
  if (x.length !== y.length) throw new StatsInputError(`paired samples differ in length (${x.length} vs ${y.length})`);
  twoSamples(x, y, min);
}

export interface CohensDOptions {
  /** Apply the small-sample correction J(df) (Hedges' g, exact gamma form). */
  hedges?: boolean;
}

/** Standardised mean difference (mean(x) - mean(y)) / pooled SD. */
export function cohensD(x: readonly number[], y: readonly number[], options: CohensDOptions = {}): number {
  twoSamples(x, y, 2);
  const nx = x.length, ny = y.length;
  const df = nx + ny - 2;
  const pooled = Math.sqrt(((nx - 1) * variance(x) + (ny - 1) * variance(y)) / df);
  if (pooled === 0) throw new StatsInputError('cohensD: both samples have zero variance');
  const d = (mean(x) - mean(y)) / pooled;
  if (!options.hedges) return d;
  const j = Math.exp(logGamma(df / 2) - 0.5 * Math.log(df / 2) - logGamma((df - 1) / 2));
  return d * j;
}

/** Cohen's d for paired data: mean difference / SD of the differences (d_z). */
export function pairedCohensD(x: readonly number[], y: readonly number[]): number {
  paired(x, y, 2);
  const d = x.map((v, i) => v - y[i]!);
  const s = Math.sqrt(variance(d));
  if (s === 0) throw new StatsInputError('pairedCohensD: the differences have zero variance');
  return mean(d) / s;
}

export interface CliffsDeltaResult {
  /** P(X > Y) - P(X < Y), in [-1, 1]. */
  delta: number;
  /** Variance estimate of delta (Cliff 1993/1996), clamped at 0. */
  variance: number;
  /** Cliff's asymmetric interval, which stays inside [-1, 1]. */
  ci: [number, number];
}

export interface CliffsDeltaOptions {
  level?: number;
  /** 'unbiased' (default, as R effsize::cliff.delta) or Cliff's 'consistent' estimate. */
  variance?: 'unbiased' | 'consistent';
  /** Critical value from Student t with n1 + n2 - 2 df (default, as effsize) or the normal. */
  distribution?: 't' | 'normal';
}

/** Cliff's delta of x against y with the interval of R effsize::cliff.delta. */
export function cliffsDelta(x: readonly number[], y: readonly number[], options: CliffsDeltaOptions = {}): CliffsDeltaResult {
  twoSamples(x, y, 2);
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new StatsInputError(`level must be in (0, 1), got ${level}`);
  const nx = x.length, ny = y.length;
  const rowMean = new Array<number>(nx).fill(0);
  const colMean = new Array<number>(ny).fill(0);
  let total = 0;
  for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) {
    const s = Math.sign(x[i]! - y[j]!);
    rowMean[i]! += s / ny;
    colMean[j]! += s / nx;
    total += s;
  }
  const d = total / (nx * ny);
  let sr = 0, sc = 0, ssr = 0;
  for (const r of rowMean) sr += (r - d) ** 2;
  for (const c of colMean) sc += (c - d) ** 2;
  for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) ssr += (Math.sign(x[i]! - y[j]!) - d) ** 2;
  const v = Math.max(0, (options.variance ?? 'unbiased') === 'unbiased'
    ? (ny * ny * sr + nx * nx * sc - ssr) / (nx * ny * (nx - 1) * (ny - 1))
    : ((ny - 1) * (sr / (nx - 1)) + (nx - 1) * (sc / (ny - 1)) + ssr / ((nx - 1) * (ny - 1))) / (nx * ny));
  const z = (options.distribution ?? 't') === 't' ? studentTQuantile(1 - (1 - level) / 2, nx + ny - 2) : normalQuantile(1 - (1 - level) / 2);
  const root = z * Math.sqrt(v) * Math.sqrt((1 - d * d) ** 2 + z * z * v);
  const denom = 1 - d * d + z * z * v;
  // With |d| = 1 and zero variance the interval degenerates to the point.
  const ci: [number, number] = denom === 0 ? [d, d] : [(d - d ** 3 - root) / denom, (d - d ** 3 + root) / denom];
  return { delta: d, variance: v, ci };
}

export interface TTestResult {
  t: number;
  df: number;
  /** Two-sided p-value. */
  p: number;
  /** Mean difference (x - y, or mean of x - y when paired). */
  estimate: number;
  ci: [number, number];
}

export interface TTestOptions {
  /** Pooled-variance Student test instead of Welch (R var.equal = TRUE). */
  equalVariance?: boolean;
  level?: number;
}

/** Two-sample t-test, Welch by default, as R t.test(x, y). */
export function tTest(x: readonly number[], y: readonly number[], options: TTestOptions = {}): TTestResult {
  twoSamples(x, y, 2);
  const level = options.level ?? 0.95;
  const nx = x.length, ny = y.length;
  const vx = variance(x), vy = variance(y);
  const estimate = mean(x) - mean(y);
  let se: number, df: number;
  if (options.equalVariance) {
    df = nx + ny - 2;
    const sp2 = ((nx - 1) * vx + (ny - 1) * vy) / df;
    se = Math.sqrt(sp2 * (1 / nx + 1 / ny));
  } else {
    const a = vx / nx, b = vy / ny;
    se = Math.sqrt(a + b);
    df = (a + b) ** 2 / (a * a / (nx - 1) + b * b / (ny - 1));
  }
  if (se === 0) throw new StatsInputError('tTest: both samples have zero variance');
  return tResult(estimate, se, df, level);
}

/** Paired t-test, as R t.test(x, y, paired = TRUE). */
export function pairedTTest(x: readonly number[], y: readonly number[], level = 0.95): TTestResult {
  paired(x, y, 2);
  const d = x.map((v, i) => v - y[i]!);
  const se = Math.sqrt(variance(d) / d.length);
  if (se === 0) throw new StatsInputError('pairedTTest: the differences have zero variance');
  return tResult(mean(d), se, d.length - 1, level);
}

function tResult(estimate: number, se: number, df: number, level: number): TTestResult {
  if (!(level > 0 && level < 1)) throw new StatsInputError(`level must be in (0, 1), got ${level}`);
  const t = estimate / se;
  const q = studentTQuantile(1 - (1 - level) / 2, df);
  return { t, df, p: studentTTwoSided(t, df), estimate, ci: [estimate - q * se, estimate + q * se] };
}

export interface RankTestResult {
  /** R's statistic: W (rank-sum, = U of x) or V (signed-rank). */
  statistic: number;
  z: number;
  p: number;
  /**
   * Rank-biserial correlation in [-1, 1]: for the rank-sum test 2·W/(nx·ny) − 1 (= Cliff's delta of
   * x against y); for the signed-rank test (V − V⁻)/(V + V⁻), the matched-pairs version.
   */
  rankBiserial: number;
}

/** Mann-Whitney U / Wilcoxon rank-sum with normal approximation, tie and continuity correction. */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): RankTestResult {
  twoSamples(x, y, 1);
  const nx = x.length, ny = y.length, n = nx + ny;
  const ranks = averageRanks([...x, ...y]);
  let rx = 0;
  for (let i = 0; i < nx; i++) rx += ranks[i]!;
  const W = rx - (nx * (nx + 1)) / 2;
  const ties = tieGroupSizes([...x, ...y]).reduce((s, t) => s + t ** 3 - t, 0);
  const sigma = Math.sqrt(((nx * ny) / 12) * (n + 1 - ties / (n * (n - 1))));
  if (sigma === 0) throw new StatsInputError('mannWhitneyU: all values are tied');
  const c = W - (nx * ny) / 2;
  const z = (c - Math.sign(c) * 0.5) / sigma;
  return { statistic: W, z, p: Math.min(1, 2 * normalCdf(-Math.abs(z))), rankBiserial: (2 * W) / (nx * ny) - 1 };
}

/** Wilcoxon signed-rank test for paired data (zero differences dropped), normal approximation with corrections. */
export function wilcoxonSignedRank(x: readonly number[], y: readonly number[]): RankTestResult {
  paired(x, y, 1);
  const d = x.map((v, i) => v - y[i]!).filter((v) => v !== 0);
  const n = d.length;
  if (n === 0) throw new StatsInputError('wilcoxonSignedRank: all differences are zero');
  const abs = d.map(Math.abs);
  const ranks = averageRanks(abs);
  let V = 0;
  d.forEach((v, i) => { if (v > 0) V += ranks[i]!; });
  const ties = tieGroupSizes(abs).reduce((s, t) => s + t ** 3 - t, 0);
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - ties / 48);
  if (sigma === 0) throw new StatsInputError('wilcoxonSignedRank: zero variance of the statistic');
  const c = V - (n * (n + 1)) / 4;
  const z = (c - Math.sign(c) * 0.5) / sigma;
  const totalRank = (n * (n + 1)) / 2;
  return { statistic: V, z, p: Math.min(1, 2 * normalCdf(-Math.abs(z))), rankBiserial: (2 * V - totalRank) / totalRank };
}

export interface CorrelationTestResult {
  estimate: number;
  /** t statistic with n - 2 df. */
  t: number;
  df: number;
  p: number;
  /** Fisher-z interval (Pearson only; for Spearman the same transform is an approximation). */
  ci: [number, number];
}

/** Correlation with a two-sided test, as R cor.test (Spearman uses exact = FALSE, i.e. the t approximation). */
export function correlationTest(x: readonly number[], y: readonly number[], method: 'pearson' | 'spearman' = 'pearson', level = 0.95): CorrelationTestResult {
  paired(x, y, 3);
  const a = method === 'spearman' ? averageRanks(x) : [...x];
  const b = method === 'spearman' ? averageRanks(y) : [...y];
  const ma = mean(a), mb = mean(b);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  if (saa === 0 || sbb === 0) throw new StatsInputError('correlationTest: a variable has zero variance');
  const r = Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
  const n = a.length, df = n - 2;
  const t = df > 0 ? r / Math.sqrt((1 - r * r) / df) : 0;
  const p = df > 0 ? studentTTwoSided(t, df) : 1;
  let ci: [number, number] = [-1, 1];
  if (n > 3) {
    const z = Math.atanh(r), h = normalQuantile(1 - (1 - level) / 2) / Math.sqrt(n - 3);
    ci = [Math.tanh(z - h), Math.tanh(z + h)];
  }
  return { estimate: r, t, df, p, ci };
}

export interface KruskalWallisResult {
  H: number;
  df: number;
  p: number;
  /** Effect size ε² = H / (N − 1) (Tomczak & Tomczak 2014). */
  epsilonSquared: number;
}

/** Kruskal-Wallis rank test across groups, tie-corrected, as R kruskal.test. */
export function kruskalWallis(groups: readonly (readonly number[])[]): KruskalWallisResult {
  const used = groups.filter((g) => g.length > 0);
  if (used.length < 2) throw new StatsInputError('kruskalWallis needs at least two non-empty groups');
  used.forEach((g, i) => requireFinite(g, `groups[${i}]`));
  const all = used.flat();
  const N = all.length;
  const ranks = averageRanks(all);
  let off = 0, s = 0;
  for (const g of used) {
    let r = 0;
    for (let i = 0; i < g.length; i++) r += ranks[off + i]!;
    s += (r * r) / g.length;
    off += g.length;
  }
  const ties = tieGroupSizes(all).reduce((a, t) => a + t ** 3 - t, 0);
  const denom = 1 - ties / (N ** 3 - N);
  if (denom === 0) throw new StatsInputError('kruskalWallis: all values are tied');
  const H = ((12 / (N * (N + 1))) * s - 3 * (N + 1)) / denom;
  const df = used.length - 1;
  return { H, df, p: chiSquareSurvival(H, df), epsilonSquared: H / (N - 1) };
}

export interface PermutationOptions {
  iterations?: number;
  seed?: number;
}

export interface PermutationResult {
  /** Observed statistic. */
  statistic: number;
  /** (count of permuted statistics at least as extreme + 1) / (iterations + 1). */
  p: number;
  iterations: number;
}

/** Two-sided permutation test of the difference in means (x - y), seeded. */
export function permutationTest(x: readonly number[], y: readonly number[], options: PermutationOptions = {}): PermutationResult {
  twoSamples(x, y, 1);
  const iterations = options.iterations ?? 9999;
  if (!(Number.isInteger(iterations) && iterations > 0)) throw new StatsInputError(`iterations must be a positive integer, got ${iterations}`);
  const rng = createRng(options.seed ?? 1);
  const pool = [...x, ...y];
  const nx = x.length, n = pool.length;
  const total = pool.reduce((a, b) => a + b, 0);
  const diff = (sx: number): number => sx / nx - (total - sx) / (n - nx);
  const observed = diff(x.reduce((a, b) => a + b, 0));
  const tol = 1e-12 * Math.max(1, Math.abs(observed));
  let count = 0;
  for (let it = 0; it < iterations; it++) {
    // Partial Fisher-Yates: the first nx slots become a uniform random subset.
    let sx = 0;
    for (let i = 0; i < nx; i++) {
      const j = i + rng.int(n - i);
      const tmp = pool[i]!; pool[i] = pool[j]!; pool[j] = tmp;
      sx += pool[i]!;
    }
    if (Math.abs(diff(sx)) >= Math.abs(observed) - tol) count++;
  }
  return { statistic: observed, p: (count + 1) / (iterations + 1), iterations };
}

/** Paired permutation test (random sign flips of the differences) of the mean difference, seeded. */
export function pairedPermutationTest(x: readonly number[], y: readonly number[], options: PermutationOptions = {}): PermutationResult {
  paired(x, y, 1);
  const iterations = options.iterations ?? 9999;
  if (!(Number.isInteger(iterations) && iterations > 0)) throw new StatsInputError(`iterations must be a positive integer, got ${iterations}`);
  const rng = createRng(options.seed ?? 1);
  const d = x.map((v, i) => v - y[i]!);
  const observed = d.reduce((a, b) => a + b, 0) / d.length;
  const tol = 1e-12 * Math.max(1, Math.abs(observed));
  let count = 0;
  for (let it = 0; it < iterations; it++) {
    let s = 0;
    for (const v of d) s += rng.next() < 0.5 ? -v : v;
    if (Math.abs(s / d.length) >= Math.abs(observed) - tol) count++;
  }
  return { statistic: observed, p: (count + 1) / (iterations + 1), iterations };
}

export interface AnovaResult {
  F: number;
  dfBetween: number;
  dfWithin: number;
  /** p from the F distribution. */
  p: number;
  /** Permutation p-value of F (present when iterations were requested). */
  permutationP?: number;
  /** Proportion of variance between groups. */
  etaSquared: number;
}

function anovaF(values: readonly number[], sizes: readonly number[]): { F: number; ssb: number; ssw: number } {
  const N = values.length;
  const grand = values.reduce((a, b) => a + b, 0) / N;
  let off = 0, ssb = 0, ssw = 0;
  for (const n of sizes) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[off + i]!;
    const m = s / n;
    for (let i = 0; i < n; i++) ssw += (values[off + i]! - m) ** 2;
    ssb += n * (m - grand) ** 2;
    off += n;
  }
  const k = sizes.length;
  return { F: (ssb / (k - 1)) / (ssw / (N - k)), ssb, ssw };
}

/** One-way ANOVA F across groups, with an optional seeded permutation p-value. */
export function oneWayAnova(groups: readonly (readonly number[])[], options: PermutationOptions & { permutations?: boolean } = {}): AnovaResult {
  const used = groups.filter((g) => g.length > 0);
  if (used.length < 2) throw new StatsInputError('oneWayAnova needs at least two non-empty groups');
  used.forEach((g, i) => requireFinite(g, `groups[${i}]`));
  const values = used.flat();
  const sizes = used.map((g) => g.length);
  const N = values.length, k = used.length;
  if (N <= k) throw new StatsInputError('oneWayAnova needs more observations than groups');
  const { F, ssb, ssw } = anovaF(values, sizes);
  if (ssw === 0) throw new StatsInputError('oneWayAnova: zero variance within every group');
  const result: AnovaResult = { F, dfBetween: k - 1, dfWithin: N - k, p: fSurvival(F, k - 1, N - k), etaSquared: ssb / (ssb + ssw) };
  if (options.permutations || options.iterations !== undefined) {
    const iterations = options.iterations ?? 9999;
    if (!(Number.isInteger(iterations) && iterations > 0)) throw new StatsInputError(`iterations must be a positive integer, got ${iterations}`);
    const rng = createRng(options.seed ?? 1);
    const pool = [...values];
    let count = 0;
    const tol = 1e-12 * Math.max(1, F);
    for (let it = 0; it < iterations; it++) {
      shuffleInPlace(rng, pool);
      if (anovaF(pool, sizes).F >= F - tol) count++;
    }
    result.permutationP = (count + 1) / (iterations + 1);
  }
  return result;
}
