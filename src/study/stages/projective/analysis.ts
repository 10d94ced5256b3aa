/**
 * The projective stage's inference, recomputed from the stored scores whenever it is asked for (the
 * stage, the report, the library), so a run made by an older version shows the current rules' numbers.
 *
 * The design of the data decides every unit (issue 18): models are sampled from a population of
 * models, stems (items) from a population of items, and samples are repeated measurements of one model
 * on one item. Hence:
 *  - a model's profile interval resamples its items and then the samples within each item: it speaks
 *    for other stems of the same kind, not only for more samples of the same stems;
 *  - a comparison of model groups (any tag) has one observation per model: exact permutation of the
 *    group labels over models (Monte Carlo beyond 100,000 relabelings), the smallest p the design can
 *    reach, no p at all when a group has one model, Hedges' g with a two-stage bootstrap interval
 *    (models within groups, then items), and Holm or BH across the whole family of comparisons;
 *  - variance components per dimension (models, items, model x item, samples; REML as lme4) give the
 *    between-model ICC and the G coefficient of a profile score: whether the instrument separates
 *    models at all;
 *  - test-retest compares two independent administrations (other seeds), model by model: ICC(2,1)
 *    and Spearman's rank-order stability of models per dimension, ipsative stability per model.
 */
import { groupBy } from '../../../core/group-by.js';
import { combineJudges } from '../../../judge/checks.js';
import { adjustComparisonFamily, compareGroupsByModel, modelProfileInterval, type AdjustedGroupComparison, type FamilyAdjustment, type GroupedModelScore } from '../../../stats/model-level.js';
import { intraclassCorrelation, ipsativeStability, type IccEstimate } from '../../../stats/icc.js';
import { spearmanTest } from '../../../stats/permutation.js';
import { varianceComponents, type VarianceComponentsResult } from '../../../stats/variance-components.js';
import type { ScoreRow } from './tables.js';

/** One completion's score on one dimension, the judges' scores combined (mean or majority). */
export interface CompletionScore {
  model: string;
  item: string;
  /** The completion (one sample of the model on the item). */
  completion: string;
  dimension: string;
  value: number;
}

/** A model with the tags its groups are read from. */
export interface TaggedModel {
  name: string;
  tags: Record<string, unknown>;
}

/**
 * Combine the judges' scores of each completion and dimension (mean, or majority with ties -> 0), in
 * one order on every database (the bootstrap and permutation draws depend on it).
 */
export function combineCompletionScores(rows: readonly ScoreRow[], combine: 'mean' | 'majority'): CompletionScore[] {
  const groups = groupBy(rows, (r) => `${r.id}\u0000${r.dimension}`);
  const out: CompletionScore[] = [];
  for (const rs of groups.values()) {
    const r = rs[0]!;
    out.push({ model: r.model, item: r.item, completion: r.id, dimension: r.dimension, value: combineJudges(rs.map((x) => x.score), combine) });
  }
  const key = (s: CompletionScore): string[] => [s.model, s.item, s.completion, s.dimension];
  return out.sort((a, b) => {
    const ka = key(a), kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
}

export interface ProfileRow {
  model: string;
  dimension: string;
  /** Mean over items of the item means (samples of an item averaged first). */
  mean: number;
  /** Two-stage bootstrap percentile interval (items, then samples within items); null with fewer than 2 items. */
  ci_low: number | null;
  ci_high: number | null;
  /** Items (stems) the mean rests on: the unit the interval resamples. */
  n: number;
  unit: 'items';
  /** Completions (samples) behind the mean. */
  n_samples: number;
  level: number;
  resampling: 'items, then samples within each item';
}

export interface ProfileOptions {
  seed?: number;
  iterations?: number;
  level?: number;
}

/** Per model and dimension: the mean with an interval that generalizes over items (see the module comment). */
export function profileRows(scores: readonly CompletionScore[], models: readonly string[], dimensions: readonly string[], opts: ProfileOptions = {}): ProfileRow[] {
  const level = opts.level ?? 0.95;
  const by = groupBy(scores, (s) => `${s.model}\u0000${s.dimension}`);
  const rows: ProfileRow[] = [];
  for (const model of models) {
    for (const dimension of dimensions) {
      const own = by.get(`${model}\u0000${dimension}`);
      if (!own || own.length === 0) continue;
      const records = own.map((s) => ({ item: s.item, sample: s.completion, value: s.value }));
      const items = new Set(own.map((s) => s.item)).size;
      const base = { model, dimension, n: items, unit: 'items' as const, n_samples: own.length, level, resampling: 'items, then samples within each item' as const };
      if (items < 2) {
        const m = own.reduce((s, x) => s + x.value, 0) / own.length;
        rows.push({ ...base, mean: m, ci_low: null, ci_high: null });
        continue;
      }
      const ci = modelProfileInterval(records, { iterations: opts.iterations ?? 2000, level, seed: opts.seed ?? 1 });
      rows.push({ ...base, mean: ci.mean, ci_low: ci.lower, ci_high: ci.upper });
    }
  }
  return rows;
}

/** A comparison of two groups of models (one tag's two values) on one dimension, with the model as the unit. */
export interface TagComparison extends AdjustedGroupComparison {
  tag: string;
  dimension: string;
  /**
   * Why `interval` is null although it could be computed: where no test can reach significance (a
   * group of one, or so few models that p_min > alpha) a bootstrap over those few models gives
   * intervals too narrow to trust, which would contradict the test; they are withheld.
   */
  interval_withheld: string | null;
}

export interface ComparisonFamilySummary {
  /** holm controls the familywise error rate, BH the false discovery rate. */
  method: FamilyAdjustment;
  alpha: number;
  /** Comparisons adjusted together: every tag x pair of its groups x dimension comparison with a p-value. */
  family_size: number;
  description: string;
  /** Comparisons left out of the family because a group has a single model (no test is possible). */
  excluded: string[];
  /** Tags not compared, and why. */
  skipped_tags: Array<{ tag: string; reason: string }>;
  unit: 'models';
}

export interface TagComparisonOptions {
  correction?: FamilyAdjustment;
  alpha?: number;
  seed?: number;
  /** Two-stage bootstrap replicates for the intervals (default 2,000; 0 skips them). */
  bootstrap?: number;
  /** Tags with more groups than this are not compared pairwise (default 6). */
  maxGroups?: number;
}

/**
 * Every tag's groups compared pairwise on every dimension, one observation per model, and the family
 * adjusted together. Models without a tag, or without scores, take no part in that tag's comparisons.
 */
export function compareTagGroups(scores: readonly CompletionScore[], models: readonly TaggedModel[], dimensions: readonly string[], opts: TagComparisonOptions = {}): { family: ComparisonFamilySummary; comparisons: TagComparison[] } {
  const alpha = opts.alpha ?? 0.05;
  const method = opts.correction ?? 'holm';
  const maxGroups = opts.maxGroups ?? 6;
  const byModelDim = groupBy(scores, (s) => `${s.model}\u0000${s.dimension}`);
  const scored = new Set(scores.map((s) => s.model));
  const tags = [...new Set(models.flatMap((m) => Object.keys(m.tags)))].sort();
  const raw: Array<{ tag: string; dimension: string; result: ReturnType<typeof compareGroupsByModel> }> = [];
  const skipped: ComparisonFamilySummary['skipped_tags'] = [];
  for (const tag of tags) {
    const groups = new Map<string, string[]>();
    for (const m of models) {
      const v = m.tags[tag];
      if (v === undefined || v === null || !scored.has(m.name)) continue;
      const g = String(v);
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(m.name);
    }
    const names = [...groups.keys()].sort();
    if (names.length < 2) {
      skipped.push({ tag, reason: names.length === 0 ? 'no scored model has this tag' : `every scored model with this tag has the value ${names[0]}` });
      continue;
    }
    if (names.length > maxGroups) {
      skipped.push({ tag, reason: `${names.length} groups (more than ${maxGroups}): ${names.length * (names.length - 1) / 2} pairwise comparisons per dimension would be too many to read` });
      continue;
    }
    for (let a = 0; a < names.length; a++) {
      for (let b = a + 1; b < names.length; b++) {
        for (const dimension of dimensions) {
          const records: GroupedModelScore[] = [];
          for (const g of [names[a]!, names[b]!]) {
            for (const model of groups.get(g)!) for (const s of byModelDim.get(`${model}\u0000${dimension}`) ?? []) records.push({ model, group: g, item: s.item, value: s.value });
          }
          const present = new Set(records.map((r) => r.group));
          if (present.size < 2) continue;
          const result = compareGroupsByModel(records, {
            groups: [names[a]!, names[b]!],
            label: `${tag}: ${names[a]} vs ${names[b]}, ${dimension}`,
            alpha,
            seed: opts.seed ?? 1,
            bootstrap: opts.bootstrap ?? 2000,
          });
          raw.push({ tag, dimension, result });
        }
      }
    }
  }
  const family = adjustComparisonFamily(raw.map((r) => r.result), { method, alpha });
  const comparisons: TagComparison[] = family.comparisons.map((c, i) => {
    const withheld = !c.testable && c.p !== null ? `with ${c.n_a} vs ${c.n_b} models, resampling models cannot give a trustworthy interval (no test can reach significance either)` : null;
    return { ...c, ...(withheld ? { interval: null } : {}), interval_withheld: withheld, tag: raw[i]!.tag, dimension: raw[i]!.dimension };
  });
  return {
    family: {
      method,
      alpha,
      family_size: family.family_size,
      description: `every comparison of two groups of one tag on one dimension in this run that has a p-value (${family.family_size}), adjusted together by ${method === 'holm' ? 'Holm (familywise error rate)' : 'Benjamini-Hochberg (false discovery rate)'}`,
      excluded: family.excluded.map((l) => l ?? ''),
      skipped_tags: skipped,
      unit: 'models',
    },
    comparisons,
  };
}

/** Variance components of one dimension's scores, or why they could not be estimated. */
export interface DimensionVariance {
  dimension: string;
  fit: VarianceComponentsResult | null;
  reason: string | null;
}

/** Per dimension: REML variance components of single scores over models, items, model x item and samples. */
export function dimensionVariances(scores: readonly CompletionScore[], dimensions: readonly string[]): DimensionVariance[] {
  const byDim = groupBy(scores, (s) => s.dimension);
  return dimensions.map((dimension) => {
    const own = byDim.get(dimension) ?? [];
    try {
      return { dimension, fit: varianceComponents(own.map((s) => ({ model: s.model, item: s.item, sample: s.completion, value: s.value }))), reason: null };
    } catch (e) {
      return { dimension, fit: null, reason: (e as Error).message };
    }
  });
}

export interface RetestDimension {
  dimension: string;
  unit: 'models';
  /** Models scored in both administrations. */
  n_models: number;
  /** ICC(2,1): two-way random, absolute agreement of a model's score across administrations, with its interval. */
  icc: (IccEstimate & { level: number }) | null;
  /** Rank-order stability of models: Spearman's rho with its permutation p. */
  spearman: { rho: number; p: number; p_min: number; method: 'exact' | 'monte-carlo'; mc_se: number | null } | null;
  reason: string | null;
}

export interface RetestModel {
  model: string;
  unit: 'dimensions';
  n_dimensions: number;
  /** Ipsative stability: Pearson r of the model's profile (its dimension scores) across administrations. */
  r: number | null;
  reason: string | null;
}

export interface RetestResult {
  administrations: 2;
  design: string;
  /** Completions behind each administration's model scores. */
  n_samples: [number, number];
  per_dimension: RetestDimension[];
  per_model: RetestModel[];
}

function modelScores(scores: readonly CompletionScore[]): Map<string, number> {
  // A model's score: mean over its items of the item means (as its profile).
  const out = new Map<string, number>();
  for (const [key, rs] of groupBy(scores, (s) => `${s.model}\u0000${s.dimension}`)) {
    const items = [...groupBy(rs, (s) => s.item).values()].map((xs) => xs.reduce((a, x) => a + x.value, 0) / xs.length);
    out.set(key, items.reduce((a, x) => a + x, 0) / items.length);
  }
  return out;
}

/** Test-retest stability of model scores across two independent administrations (see the module comment). */
export function retestStability(first: readonly CompletionScore[], second: readonly CompletionScore[], models: readonly string[], dimensions: readonly string[], opts: { seed?: number; level?: number } = {}): RetestResult {
  const level = opts.level ?? 0.95;
  const a = modelScores(first), b = modelScores(second);
  const per_dimension: RetestDimension[] = dimensions.map((dimension) => {
    const both = models.filter((m) => a.has(`${m}\u0000${dimension}`) && b.has(`${m}\u0000${dimension}`));
    const x = both.map((m) => a.get(`${m}\u0000${dimension}`)!), y = both.map((m) => b.get(`${m}\u0000${dimension}`)!);
    const row: RetestDimension = { dimension, unit: 'models', n_models: both.length, icc: null, spearman: null, reason: null };
    const reasons: string[] = [];
    try {
      row.icc = { ...intraclassCorrelation(both.map((_, i) => [x[i]!, y[i]!]), { level }).icc2, level };
    } catch (e) {
      reasons.push(`ICC: ${(e as Error).message}`);
    }
    try {
      const s = spearmanTest(x, y, { seed: opts.seed ?? 1 });
      row.spearman = { rho: s.rho, p: s.p, p_min: s.p_min, method: s.method, mc_se: s.mc_se };
    } catch (e) {
      reasons.push(`Spearman: ${(e as Error).message}`);
    }
    if (reasons.length) row.reason = reasons.join('; ');
    return row;
  });
  const per_model: RetestModel[] = [];
  for (const model of models) {
    const dims = dimensions.filter((d) => a.has(`${model}\u0000${d}`) && b.has(`${model}\u0000${d}`));
    if (dims.length === 0) continue;
    try {
      const r = ipsativeStability(dims.map((d) => a.get(`${model}\u0000${d}`)!), dims.map((d) => b.get(`${model}\u0000${d}`)!));
      per_model.push({ model, unit: 'dimensions', n_dimensions: dims.length, r: r.r, reason: null });
    } catch (e) {
      per_model.push({ model, unit: 'dimensions', n_dimensions: dims.length, r: null, reason: (e as Error).message });
    }
  }
  const completions = (s: readonly CompletionScore[]): number => new Set(s.map((x) => x.completion)).size;
  return {
    administrations: 2,
    design: 'two independent administrations of the same stems to the same models, with other sampling seeds; each model scored per administration as the mean over items of its item means',
    n_samples: [completions(first), completions(second)],
    per_dimension,
    per_model,
  };
}
