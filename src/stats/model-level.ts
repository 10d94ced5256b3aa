/**
 * Inference with the model as the unit (issue 18): models are sampled from a population of models, items
 * from a population of items, and samples are repeated measurements of one model on one item. A comparison
 * of model groups (by size, training, family...) therefore has one observation per model, however many
 * items and samples stand behind each model's score.
 *
 * - Test: permutation of the group labels over models, exact (all C(n_a + n_b, n_a) relabelings) when they
 *   are few enough, otherwise Monte Carlo with its standard error. The statistic is the difference of group
 *   means of the model scores; for a fixed pool of scores the pooled-variance t is a monotone function of it,
 *   so both give the same test. Two-sided p = min(1, 2 min(P(D* >= D), P(D* <= D))): the doubled one-sided
 *   p, which for equal group sizes (a symmetric permutation distribution) equals the |D| test and for unequal
 *   sizes stays valid where the |D| test would need its own asymmetric tail. Its smallest attainable value
 *   is p_min = 2 / C(n_a + n_b, n_a) (3 vs 2 models: 0.2), which the result states.
 * - Effect sizes: difference of means and Hedges' g (pooled SD over models, exact small-sample J) with
 *   percentile intervals from a two-stage bootstrap: models resampled within each group, then items within
 *   each resampled model. Resampling both stages counts item noise once more than a one-stage bootstrap of
 *   the model scores would, so the intervals err on the wide side; with two or three models per group any
 *   bootstrap of models is crude, which is why the permutation test, not the interval, carries the p-value.
 * - Families: Holm or Benjamini-Hochberg across comparisons, with the family named and counted.
 *
 * Also one model's profile interval, resampling its items and then the samples within each item: the
 * interval generalizes to other stems of the same kind, not only to more samples of the same stems.
 */
import { StatsInputError } from './input-error.js';
import { logGamma } from './probability.js';
import { bootstrapInterval } from './bootstrap.js';
import { pAdjust } from './multiple.js';
import { createRng, type Rng } from './rng.js';

/** A score of a model in a group; `item` is the stem it answered (records of one item are its samples). */
export interface GroupedModelScore {
  model: string;
  group: string;
  /** Item id. Without it, every record is treated as one item of its model. */
  item?: string;
  value: number;
}

export interface CompareGroupsOptions {
  /** The two group labels to compare, [a, b], effect = a - b (default: the two labels present, in order of first appearance). */
  groups?: readonly [string, string];
  /** A name for the comparison, carried into the family (e.g. "training: instruct vs base, dimension care"). */
  label?: string;
  /** Significance level (default 0.05). */
  alpha?: number;
  /** Enumerate the relabelings exactly when there are at most this many (default 100,000). */
  maxExact?: number;
  /** Monte Carlo relabelings when exact enumeration is too large (default 9,999). */
  permutations?: number;
  /** Two-stage bootstrap replicates (default 2,000; 0 skips the intervals). */
  bootstrap?: number;
  /** Interval level (default 0.95). */
  level?: number;
  /** Seed for the Monte Carlo relabelings and the bootstrap (default 1). */
  seed?: number;
}

/** A two-stage bootstrap percentile interval. */
export interface TwoStageInterval {
  level: number;
  iterations: number;
  resampling: 'models within groups, then items within each model';
  diff: { lower: number; upper: number; se: number };
  /** null when Hedges' g is undefined (no spread of model scores). */
  hedges_g: { lower: number; upper: number; se: number; dropped: number } | null;
}

export interface GroupComparison {
  label: string | null;
  /** What one observation is: a model. */
  unit: 'models';
  a: string;
  b: string;
  n_a: number;
  n_b: number;
  mean_a: number;
  mean_b: number;
  /** mean_a - mean_b over model scores. */
  diff: number;
  /** Hedges' g: diff / pooled SD of model scores, times J(n_a + n_b - 2); null with < 2 models a group or no spread. */
  hedges_g: number | null;
  statistic: 'difference of means';
  /** How p was obtained; null when no test was run. */
  method: 'exact' | 'monte-carlo' | null;
  /** C(n_a + n_b, n_a): the number of distinct relabelings of the models. */
  relabelings: number;
  /** Monte Carlo relabelings drawn (null for an exact test). */
  permutations: number | null;
  /** Two-sided permutation p; null when a group has fewer than 2 models. */
  p: number | null;
  /**
   * The smallest p this test can return: 2 / C(n_a + n_b, n_a) for the exact test, 2 / (permutations + 1)
   * for a Monte Carlo one (never below the exact bound).
   */
  p_min: number;
  /** Monte Carlo standard error of p (null for an exact p). */
  mc_se: number | null;
  alpha: number;
  /** False when the design cannot produce a significant result (a group < 2 models, or p_min > alpha). */
  testable: boolean;
  /** p < alpha; null when the comparison is not testable (never "not significant" by construction). */
  significant: boolean | null;
  /** Why the comparison is not testable, in words for the report. */
  reason: string | null;
  interval: TwoStageInterval | null;
  /** Each model's score (mean over its items of the item means) and how many items it rests on. */
  scores: { model: string; group: string; value: number; n_items: number }[];
}

interface ModelData {
  model: string;
  group: string;
  /** Item means (samples of an item averaged). */
  items: number[];
  score: number;
}

function collectModels(records: readonly GroupedModelScore[]): ModelData[] {
  const byModel = new Map<string, { group: string; items: Map<string, { sum: number; n: number }> }>();
  records.forEach((r, i) => {
    if (!Number.isFinite(r.value)) throw new StatsInputError(`score ${i} (model ${r.model}) is not a finite number (${r.value})`);
    let m = byModel.get(r.model);
    if (!m) { m = { group: r.group, items: new Map() }; byModel.set(r.model, m); }
    if (m.group !== r.group) throw new StatsInputError(`model ${r.model} appears in two groups (${m.group} and ${r.group}); a model must belong to one group`);
    const key = r.item ?? `\u0000record ${i}`;
    const it = m.items.get(key);
    if (it) { it.sum += r.value; it.n += 1; } else m.items.set(key, { sum: r.value, n: 1 });
  });
  return [...byModel.entries()].map(([model, m]) => {
    const items = [...m.items.values()].map((it) => it.sum / it.n);
    return { model, group: m.group, items, score: items.reduce((s, v) => s + v, 0) / items.length };
  });
}

/** C(n, k) in floating point (exact below 2^53). */
function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return Math.round(c);
}

function meanOf(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

/** Hedges' g with the exact small-sample correction J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)); NaN without spread. */
function hedgesG(a: readonly number[], b: readonly number[]): number {
  const na = a.length, nb = b.length, df = na + nb - 2;
  const ma = meanOf(a), mb = meanOf(b);
  let ss = 0;
  for (const x of a) ss += (x - ma) ** 2;
  for (const x of b) ss += (x - mb) ** 2;
  const sp = Math.sqrt(ss / df);
  // Scores that coincide up to rounding (one model drawn twice in a bootstrap replicate) have no spread;
  // their rounding residue would otherwise give a g of order 1e15.
  let scale = 0;
  for (const x of a) scale = Math.max(scale, Math.abs(x));
  for (const x of b) scale = Math.max(scale, Math.abs(x));
  if (!(sp > 1e-12 * scale)) return NaN;
  const j = Math.exp(logGamma(df / 2) - 0.5 * Math.log(df / 2) - logGamma((df - 1) / 2));
  return (j * (ma - mb)) / sp;
}

/**
 * Counts of relabelings whose group-a sum is >= and <= the observed one. The difference of means is
 * sum_a (1/n_a + 1/n_b) - total / n_b, increasing in sum_a, so sums can be compared directly; `tol`
 * absorbs the rounding of sums added in a different order so that exact ties count as ties.
 */
function exactCounts(x: readonly number[], na: number, observed: number, tol: number): { upper: number; lower: number } {
  let upper = 0, lower = 0;
  const n = x.length;
  const rec = (start: number, left: number, sum: number): void => {
    if (left === 0) {
      if (sum >= observed - tol) upper++;
      if (sum <= observed + tol) lower++;
      return;
    }
    for (let i = start; i <= n - left; i++) rec(i + 1, left - 1, sum + x[i]!);
  };
  rec(0, na, 0);
  return { upper, lower };
}

function monteCarloCounts(x: readonly number[], na: number, observed: number, tol: number, draws: number, rng: Rng): { upper: number; lower: number } {
  const pool = [...x];
  const n = pool.length;
  let upper = 0, lower = 0;
  for (let b = 0; b < draws; b++) {
    // Partial Fisher-Yates: the first n_a slots are a uniform random subset of the models.
    let s = 0;
    for (let i = 0; i < na; i++) {
      const j = i + rng.int(n - i);
      const t = pool[i]!; pool[i] = pool[j]!; pool[j] = t;
      s += pool[i]!;
    }
    if (s >= observed - tol) upper++;
    if (s <= observed + tol) lower++;
  }
  return { upper, lower };
}

function twoStageBootstrap(a: readonly ModelData[], b: readonly ModelData[], iterations: number, level: number, diff: number, g: number | null, rng: Rng): TwoStageInterval {
  const diffs = new Array<number>(iterations);
  const gs: number[] = [];
  const draw = (models: readonly ModelData[]): number[] => {
    const out = new Array<number>(models.length);
    for (let m = 0; m < models.length; m++) {
      const items = models[rng.int(models.length)]!.items;
      let s = 0;
      for (let i = 0; i < items.length; i++) s += items[rng.int(items.length)]!;
      out[m] = s / items.length;
    }
    return out;
  };
  for (let r = 0; r < iterations; r++) {
    const sa = draw(a), sb = draw(b);
    diffs[r] = meanOf(sa) - meanOf(sb);
    const gr = hedgesG(sa, sb);
    if (Number.isFinite(gr)) gs.push(gr);
  }
  const di = bootstrapInterval(diff, diffs, level, 'percentile');
  let gi: TwoStageInterval['hedges_g'] = null;
  // A replicate has no g when every resampled model score coincides (one model drawn repeatedly with one item).
  if (g !== null && gs.length >= 2) {
    const ci = bootstrapInterval(g, gs, level, 'percentile');
    gi = { lower: ci.lower, upper: ci.upper, se: ci.se, dropped: iterations - gs.length };
  }
  return { level, iterations, resampling: 'models within groups, then items within each model', diff: { lower: di.lower, upper: di.upper, se: di.se }, hedges_g: gi };
}

/**
 * Compare two groups of models with the model as the unit (see the module comment).
 *
 * @param records flat per-model-per-item (per-sample) scores, each tagged with its model's group; a model's
 *   score is the mean over its items of the item means.
 * @throws StatsInputError when a model is in two groups, a compared group has no model, or (without
 *   `groups`) the records do not hold exactly two groups.
 */
export function compareGroupsByModel(records: readonly GroupedModelScore[], options: CompareGroupsOptions = {}): GroupComparison {
  const alpha = options.alpha ?? 0.05;
  const maxExact = options.maxExact ?? 100_000;
  const permutations = options.permutations ?? 9999;
  const bootstrap = options.bootstrap ?? 2000;
  const level = options.level ?? 0.95;
  if (!(alpha > 0 && alpha < 1)) throw new StatsInputError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(level > 0 && level < 1)) throw new StatsInputError(`level must be in (0, 1), got ${level}`);
  if (!(Number.isInteger(permutations) && permutations >= 1)) throw new StatsInputError(`permutations must be a positive integer, got ${permutations}`);
  if (!(Number.isInteger(bootstrap) && (bootstrap === 0 || bootstrap >= 10))) throw new StatsInputError(`bootstrap must be 0 or an integer >= 10, got ${bootstrap}`);
  const models = collectModels(records);
  let labels: readonly [string, string];
  if (options.groups) labels = options.groups;
  else {
    const present = [...new Set(models.map((m) => m.group))];
    if (present.length !== 2) throw new StatsInputError(`the records hold ${present.length} groups (${present.join(', ')}); name the two to compare with options.groups`);
    labels = [present[0]!, present[1]!];
  }
  const [la, lb] = labels;
  if (la === lb) throw new StatsInputError(`compare two different groups, got ${la} twice`);
  const A = models.filter((m) => m.group === la), B = models.filter((m) => m.group === lb);
  if (A.length === 0 || B.length === 0) throw new StatsInputError(`group ${A.length === 0 ? la : lb} has no models`);
  const na = A.length, nb = B.length, n = na + nb;
  const sa = A.map((m) => m.score), sb = B.map((m) => m.score);
  const meanA = meanOf(sa), meanB = meanOf(sb), diff = meanA - meanB;
  const relabelings = choose(n, na);
  const exact = relabelings <= maxExact;
  const pMinExact = Math.min(1, 2 / relabelings);
  const pMin = exact ? pMinExact : Math.max(pMinExact, Math.min(1, 2 / (permutations + 1)));
  const base = {
    label: options.label ?? null, unit: 'models' as const, a: la, b: lb, n_a: na, n_b: nb, mean_a: meanA, mean_b: meanB, diff,
    statistic: 'difference of means' as const, relabelings, alpha,
    scores: [...A, ...B].map((m) => ({ model: m.model, group: m.group, value: m.score, n_items: m.items.length })),
  };
  if (na < 2 || nb < 2) {
    const small = na < 2 ? la : lb;
    return {
      ...base, hedges_g: null, method: null, permutations: null, p: null, p_min: pMinExact, mc_se: null,
      testable: false, significant: null, interval: null,
      reason: `group ${small} has ${Math.min(na, nb)} model; comparing groups needs at least 2 models in each (the model is the unit, so its items and samples do not count)`,
    };
  }
  const rng = createRng(options.seed ?? 1);
  const pooled = [...sa, ...sb];
  const observed = sa.reduce((s, v) => s + v, 0);
  const tol = 1e-10 * Math.max(1, pooled.reduce((s, v) => s + Math.abs(v), 0));
  const counts = exact ? exactCounts(pooled, na, observed, tol) : monteCarloCounts(pooled, na, observed, tol, permutations, rng.fork());
  let p: number, mcSe: number | null = null;
  if (exact) p = Math.min(1, (2 * Math.min(counts.upper, counts.lower)) / relabelings);
  else {
    const one = (1 + Math.min(counts.upper, counts.lower)) / (permutations + 1);
    // The exact p is never below 2 / C, so neither is its estimate.
    p = Math.min(1, Math.max(pMinExact, 2 * one));
    mcSe = Math.min(1, 2 * Math.sqrt((one * (1 - one)) / permutations));
  }
  const gRaw = hedgesG(sa, sb);
  const g = Number.isFinite(gRaw) ? gRaw : null;
  const testable = pMin <= alpha;
  const interval = bootstrap > 0 ? twoStageBootstrap(A, B, bootstrap, level, diff, g, rng.fork()) : null;
  return {
    ...base, hedges_g: g, method: exact ? 'exact' : 'monte-carlo', permutations: exact ? null : permutations, p, p_min: pMin, mc_se: mcSe,
    testable, significant: testable ? p < alpha : null, interval,
    reason: testable ? null
      : pMin > pMinExact
        ? `with ${permutations} Monte Carlo relabelings the smallest p this test can reach is ${formatP(pMin)} > alpha = ${alpha}: draw more permutations`
        : `with ${na} vs ${nb} models the smallest p this test can reach is ${formatP(pMin)} > alpha = ${alpha}: no outcome could be significant`,
  };
}

function formatP(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(2);
}

export type FamilyAdjustment = 'holm' | 'BH';

export interface AdjustedGroupComparison extends GroupComparison {
  /** Holm- or BH-adjusted p within the family; null for a comparison without a p. */
  p_adjusted: number | null;
  /** p_adjusted < alpha; null when the comparison is not testable. */
  significant_adjusted: boolean | null;
}

export interface ComparisonFamily {
  method: FamilyAdjustment;
  alpha: number;
  /** Number of comparisons adjusted together: every comparison that has a p-value. */
  family_size: number;
  /** Labels of the comparisons in the family, in input order. */
  family: (string | null)[];
  /** Labels of comparisons left out because they have no p-value (a group under 2 models). */
  excluded: (string | null)[];
  comparisons: AdjustedGroupComparison[];
}

/**
 * Adjust a family of group comparisons for multiplicity (Holm controls the familywise error rate,
 * BH the false discovery rate). The family is every comparison with a p-value, untestable ones with
 * p_min > alpha included: their p was computed and reported, so leaving them out would understate the
 * family. Comparisons with no p (a group under 2 models) are listed as excluded.
 */
export function adjustComparisonFamily(comparisons: readonly GroupComparison[], options: { method?: FamilyAdjustment; alpha?: number } = {}): ComparisonFamily {
  const method = options.method ?? 'holm';
  const alpha = options.alpha ?? 0.05;
  if (method !== 'holm' && method !== 'BH') throw new StatsInputError(`family adjustment must be holm or BH, got ${String(method)}`);
  if (!(alpha > 0 && alpha < 1)) throw new StatsInputError(`alpha must be in (0, 1), got ${alpha}`);
  const withP = comparisons.map((c, i) => ({ c, i })).filter(({ c }) => c.p !== null);
  const adjusted = withP.length > 0 ? pAdjust(withP.map(({ c }) => c.p!), method) : [];
  const byIndex = new Map<number, number>(withP.map(({ i }, k) => [i, adjusted[k]!]));
  return {
    method, alpha, family_size: withP.length,
    family: withP.map(({ c }) => c.label),
    excluded: comparisons.filter((c) => c.p === null).map((c) => c.label),
    comparisons: comparisons.map((c, i) => {
      const pa = byIndex.get(i) ?? null;
      return { ...c, p_adjusted: pa, significant_adjusted: c.testable && pa !== null ? pa < alpha : null };
    }),
  };
}

/** One score of one model, for its profile interval. */
export interface ItemSampleScore {
  item: string;
  sample?: number | string;
  value: number;
}

export interface ProfileIntervalOptions {
  iterations?: number;
  level?: number;
  seed?: number;
}

export interface ProfileInterval {
  /** Mean over items of the item means. */
  mean: number;
  lower: number;
  upper: number;
  level: number;
  iterations: number;
  n_items: number;
  n_obs: number;
  /** What the interval generalizes over: other items (stems) and other samples, not only other samples. */
  resampling: 'items, then samples within each item';
}

/**
 * Percentile interval of one model's mean score on one dimension by a two-stage bootstrap: items are
 * resampled, then the samples within each drawn item. The interval therefore speaks for the population of
 * items (other stems of the same kind), which a resampling of samples alone would not.
 * @throws StatsInputError with fewer than 2 items or non-finite scores.
 */
export function modelProfileInterval(records: readonly ItemSampleScore[], options: ProfileIntervalOptions = {}): ProfileInterval {
  const iterations = options.iterations ?? 2000;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(iterations) && iterations >= 10)) throw new StatsInputError(`iterations must be an integer >= 10, got ${iterations}`);
  if (!(level > 0 && level < 1)) throw new StatsInputError(`level must be in (0, 1), got ${level}`);
  const byItem = new Map<string, number[]>();
  records.forEach((r, i) => {
    if (!Number.isFinite(r.value)) throw new StatsInputError(`score ${i} (item ${r.item}) is not a finite number (${r.value})`);
    const v = byItem.get(r.item);
    if (v) v.push(r.value); else byItem.set(r.item, [r.value]);
  });
  const items = [...byItem.values()];
  if (items.length < 2) throw new StatsInputError(`a profile interval needs at least 2 items, got ${items.length}`);
  const mean = meanOf(items.map(meanOf));
  const rng = createRng(options.seed ?? 1);
  const reps = new Array<number>(iterations);
  for (let r = 0; r < iterations; r++) {
    let s = 0;
    for (let k = 0; k < items.length; k++) {
      const samples = items[rng.int(items.length)]!;
      let t = 0;
      for (let j = 0; j < samples.length; j++) t += samples[rng.int(samples.length)]!;
      s += t / samples.length;
    }
    reps[r] = s / items.length;
  }
  const ci = bootstrapInterval(mean, reps, level, 'percentile');
  return { mean, lower: ci.lower, upper: ci.upper, level, iterations, n_items: items.length, n_obs: records.length, resampling: 'items, then samples within each item' };
}
