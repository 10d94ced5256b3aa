/**
 * Seeded bootstrap confidence intervals: percentile and BCa (Efron 1987; bias correction from
 * the share of replicates below the estimate, acceleration from the jackknife), for any
 * statistic over a sample, with stratified (resample within groups) and cluster (resample whole
 * groups) designs, plus an allocation-free fast path for the mean.
 * Percentile end points are type-7 quantiles of the replicates (R's quantile default), or, with
 * quantileRule 'boot', the normal-scale interpolation of R boot's norm.inter, which makes the
 * percentile and BCa intervals identical to boot.ci given the same replicates.
 */
import { StatsInputError } from './input-error.js';
import { normalCdf, normalQuantile } from './probability.js';
import { quantileSorted } from './descriptive.js';
import { createRng, type Rng } from './rng.js';

export type BootstrapMethod = 'percentile' | 'bca';
export type BootstrapQuantileRule = 'type7' | 'boot';

export interface BootstrapOptions {
  iterations?: number;
  level?: number;
  seed?: number;
  method?: BootstrapMethod;
  /** One key per observation: resample within each stratum, keeping stratum sizes. */
  strata?: readonly (string | number)[];
  /** One key per observation: resample whole clusters with replacement (items stay together). */
  clusters?: readonly (string | number)[];
  /** How end points are read off the sorted replicates (default 'type7'). */
  quantileRule?: BootstrapQuantileRule;
}

export interface BootstrapInterval {
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  method: BootstrapMethod;
  iterations: number;
  /** Standard deviation of the replicates. */
  se: number;
  /** Mean of the replicates minus the estimate. */
  bias: number;
}

/** R boot's norm.inter: order statistic (R + 1)·α, interpolated on the normal quantile scale. */
function bootQuantile(sorted: readonly number[], alpha: number): number {
  const R = sorted.length;
  const rk = (R + 1) * alpha;
  const k = Math.trunc(rk);
  if (k === rk) return sorted[Math.min(Math.max(k, 1), R) - 1]!;
  if (k <= 0) return sorted[0]!;
  if (k >= R) return sorted[R - 1]!;
  const z = normalQuantile(alpha), zk = normalQuantile(k / (R + 1)), zk1 = normalQuantile((k + 1) / (R + 1));
  const tk = sorted[k - 1]!, tk1 = sorted[k]!;
  return tk + ((z - zk) / (zk1 - zk)) * (tk1 - tk);
}

function checkOptions(options: BootstrapOptions): { iterations: number; level: number; seed: number; method: BootstrapMethod } {
  const iterations = options.iterations ?? 2000;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(iterations) && iterations >= 10)) throw new StatsInputError(`bootstrap iterations must be an integer >= 10, got ${iterations}`);
  if (!(level > 0 && level < 1)) throw new StatsInputError(`level must be in (0, 1), got ${level}`);
  return { iterations, level, seed: options.seed ?? 1, method: options.method ?? 'percentile' };
}

function groupIndices(keys: readonly (string | number)[], n: number, what: string): number[][] {
  if (keys.length !== n) throw new StatsInputError(`${what} has ${keys.length} keys for ${n} observations`);
  const groups = new Map<string | number, number[]>();
  keys.forEach((k, i) => {
    const g = groups.get(k);
    if (g) g.push(i); else groups.set(k, [i]);
  });
  return [...groups.values()];
}

/**
 * Turn replicates into an interval. `jackknife` (leave-one-out or leave-one-cluster-out
 * estimates) is needed for BCa only.
 */
export function bootstrapInterval(estimate: number, replicates: readonly number[], level: number, method: BootstrapMethod, jackknife?: readonly number[], quantileRule: BootstrapQuantileRule = 'type7'): BootstrapInterval {
  const q = (sorted: readonly number[], prob: number): number => (quantileRule === 'boot' ? bootQuantile(sorted, prob) : quantileSorted(sorted, prob));
  const B = replicates.length;
  if (B === 0) throw new StatsInputError('no bootstrap replicates');
  replicates.forEach((r, i) => { if (!Number.isFinite(r)) throw new StatsInputError(`bootstrap replicate ${i} is not finite (${r}); the statistic is undefined on some resamples`); });
  const sorted = [...replicates].sort((a, b) => a - b);
  let m = 0;
  for (const r of replicates) m += r / B;
  let ss = 0;
  for (const r of replicates) ss += (r - m) ** 2;
  const se = B > 1 ? Math.sqrt(ss / (B - 1)) : 0;
  const base = { estimate, level, method, iterations: B, se, bias: m - estimate };
  const alpha = (1 - level) / 2;
  if (sorted[0] === sorted[B - 1]) return { ...base, lower: sorted[0]!, upper: sorted[0]! };
  if (method === 'percentile') return { ...base, lower: q(sorted, alpha), upper: q(sorted, 1 - alpha) };
  if (!jackknife || jackknife.length < 2) throw new StatsInputError('BCa needs jackknife estimates from at least two observations');
  let below = 0;
  for (const r of replicates) if (r < estimate) below++;
  const share = below / B;
  if (share === 0 || share === 1) throw new StatsInputError('BCa is undefined: every replicate lies on one side of the estimate (use the percentile method)');
  const z0 = normalQuantile(share);
  const jm = jackknife.reduce((s, v) => s + v, 0) / jackknife.length;
  let num = 0, den = 0;
  for (const v of jackknife) { const d = jm - v; num += d ** 3; den += d * d; }
  const a = den === 0 ? 0 : num / (6 * den ** 1.5);
  const adjust = (z: number): number => {
    const w = z0 + z;
    return normalCdf(z0 + w / (1 - a * w));
  };
  const lo = adjust(normalQuantile(alpha));
  const hi = adjust(normalQuantile(1 - alpha));
  return { ...base, lower: q(sorted, lo), upper: q(sorted, hi) };
}

/** Bootstrap interval for statistic(data) under simple, stratified or cluster resampling. */
export function bootstrapCI<T>(data: readonly T[], statistic: (sample: readonly T[]) => number, options: BootstrapOptions = {}): BootstrapInterval {
  const { iterations, level, seed, method } = checkOptions(options);
  const n = data.length;
  if (n < 2) throw new StatsInputError(`bootstrap needs at least 2 observations, got ${n}`);
  if (options.strata && options.clusters) throw new StatsInputError('choose strata or clusters, not both');
  const estimate = statistic(data);
  if (!Number.isFinite(estimate)) throw new StatsInputError(`the statistic is not finite on the data (${estimate})`);
  const rng = createRng(seed);
  const replicates = new Array<number>(iterations);
  let draw: (r: Rng) => T[];
  let jackknifeSets: () => T[][];
  if (options.clusters) {
    const clusters = groupIndices(options.clusters, n, 'clusters');
    if (clusters.length < 2) throw new StatsInputError('cluster bootstrap needs at least two clusters');
    draw = (r) => {
      const out: T[] = [];
      for (let c = 0; c < clusters.length; c++) for (const i of clusters[r.int(clusters.length)]!) out.push(data[i]!);
      return out;
    };
    jackknifeSets = () => clusters.map((_, leave) => clusters.flatMap((idx, c) => (c === leave ? [] : idx.map((i) => data[i]!))));
  } else {
    const strata = options.strata ? groupIndices(options.strata, n, 'strata') : [data.map((_, i) => i)];
    draw = (r) => {
      const out: T[] = [];
      for (const s of strata) for (let k = 0; k < s.length; k++) out.push(data[s[r.int(s.length)]!]!);
      return out;
    };
    jackknifeSets = () => data.map((_, leave) => data.filter((_, i) => i !== leave));
  }
  for (let b = 0; b < iterations; b++) replicates[b] = statistic(draw(rng));
  const jackknife = method === 'bca' ? jackknifeSets().map((s) => statistic(s)) : undefined;
  return bootstrapInterval(estimate, replicates, level, method, jackknife, options.quantileRule);
}

/** Fast path: bootstrap interval of the mean without allocating resamples. */
export function bootstrapMeanCI(values: readonly number[], options: Omit<BootstrapOptions, 'strata' | 'clusters'> = {}): BootstrapInterval {
  const { iterations, level, seed, method } = checkOptions(options);
  const n = values.length;
  if (n < 2) throw new StatsInputError(`bootstrap needs at least 2 observations, got ${n}`);
  let total = 0;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new StatsInputError(`values[${i}] is not finite (${v})`);
    total += v;
  });
  const estimate = total / n;
  const rng = createRng(seed);
  const replicates = new Array<number>(iterations);
  for (let b = 0; b < iterations; b++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += values[rng.int(n)]!;
    replicates[b] = s / n;
  }
  const jackknife = method === 'bca' ? values.map((v) => (total - v) / (n - 1)) : undefined;
  return bootstrapInterval(estimate, replicates, level, method, jackknife, options.quantileRule);
}
