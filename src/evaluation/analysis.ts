/**
 * What value vectors say about models and risks: per-source value profiles with intervals, how often
 * each source opposes each value, distances between profiles, comparisons between sources, the
 * value-by-risk table, the values that separate answers to risky prompts from the others, and a 2-D
 * map of the vectors. Inputs are labels or evaluator scores alike.
 *
 * The unit of inference is the prompt (issue 18): answers to one prompt share it, and several sources
 * usually answer the same prompts, so answers are not independent observations.
 *  - A source's profile interval resamples prompts, then its answers within each prompt.
 *  - Two sources that answered the same prompts are compared paired, on the prompts both answered: one
 *    difference per prompt (mean answer of a minus mean answer of b), a sign-flip permutation test
 *    (exact over all sign patterns up to 2^16, else the paired t-test over prompts, which the
 *    permutation distribution of a mean of 17 or more differences is close to) and the mean difference
 *    with a bootstrap interval over prompts. Sources without shared prompts are compared unpaired, one
 *    observation per prompt (exact permutation up to 100,000 relabelings, else Welch's t over prompts).
 *    Holm or BH across the family of source x value comparisons.
 *  - Risk is a property of the prompt: the value-by-risk table correlates risk membership with each
 *    prompt's mean answer (over every source), and the separation of risky from other prompts compares
 *    prompt means; n is the number of prompts.
 */
import { createHash } from 'node:crypto';
import { bootstrapMeanCI } from '../stats/bootstrap.js';
import { mean } from '../stats/descriptive.js';
import { distance } from './distance.js';
import { groupBy } from '../core/group-by.js';
import { cohensD, correlationTest, mannWhitneyU, pairedTTest, tTest } from '../stats/effects.js';
import { modelProfileInterval } from '../stats/model-level.js';
import { pAdjust } from '../stats/multiple.js';
import { pca2d } from '../stats/pca.js';
import { signFlipTest, twoSamplePermutationTest } from '../stats/permutation.js';
import type { RunStore } from '../store/store.js';
import type { ValuePair } from '../values/pairs.js';
import { risksOf } from './dataset.js';
import { replaceValueVectors, valueVectorRows, type ValueVectorRow } from './tables.js';

export interface ValueProfileRow {
  source: string;
  value: string;
  /** Answers behind the mean. */
  n: number;
  /** Prompts those answers respond to: the unit the interval resamples. */
  n_prompts: number;
  unit: 'prompts';
  /** Mean over prompts of the source's mean answer to each prompt. */
  mean: number;
  /** 95% interval resampling prompts, then answers within prompts; null with fewer than 2 prompts. */
  ci_low: number | null;
  ci_high: number | null;
  /** Share of answers opposing (score <= -0.5) and supporting (>= 0.5) the value. */
  opposes: number;
  supports: number;
}

export interface ProfileDistance {
  a: string;
  b: string;
  l2: number;
  cosine: number;
}

export interface SourceComparison {
  a: string;
  b: string;
  value: string;
  unit: 'prompts';
  /** paired: on the prompts both sources answered; unpaired: each source's own prompts. */
  design: 'paired' | 'unpaired';
  /** Paired: shared prompts; unpaired: prompts of a and of b. */
  n_prompts: number;
  n_a: number;
  n_b: number;
  mean_a: number;
  mean_b: number;
  /** Mean difference a - b over prompts (paired: mean of per-prompt differences). */
  diff: number;
  ci_low: number | null;
  ci_high: number | null;
  /** Standardized effect: paired, mean / sd of the per-prompt differences (d_z); unpaired, Cohen's d of prompt means. */
  d: number | null;
  method: 'sign-flip exact' | 'paired t over prompts' | 'permutation exact' | 'Welch t over prompts' | null;
  p: number | null;
  /** Smallest p the design can reach (0 for t-tests, which have no floor). */
  p_min: number;
  p_adjusted: number | null;
  reason: string | null;
}

export interface RiskRow {
  risk: string;
  /** Prompts in the category (the unit) and the answers to them. */
  n: number;
  n_answers: number;
  unit: 'prompts';
  mean: Record<string, number>;
  /** Point-biserial correlation of the category with each prompt's mean answer, Holm-adjusted p over the table. */
  correlation: Record<string, { r: number; p_holm: number }>;
}

export interface SeparationRow {
  value: string;
  /** Cohen's d of prompt means, risky prompts minus uncategorised ones. */
  d: number;
  /** Mann-Whitney p on prompt means, Holm-adjusted over the values. */
  p_holm: number;
  mean_risky: number;
  mean_other: number;
  n_risky: number;
  n_other: number;
  unit: 'prompts';
}

export interface ValueAnalysis {
  values: string[];
  /** Answers (pairs) with a value vector. */
  pairs: number;
  /** Distinct prompts: the unit of every interval and test below. */
  prompts: number;
  unit: 'prompts';
  /** How the data are laid out and what that means for the comparisons, in words. */
  design: string;
  profiles: ValueProfileRow[];
  distances: ProfileDistance[];
  comparisons?: SourceComparison[];
  comparison_family?: { method: 'holm' | 'BH'; alpha: number; family_size: number; description: string };
  risks?: RiskRow[];
  separation?: SeparationRow[];
  map: Array<{ id: string; source: string; x: number; y: number }>;
}

const score = (p: ValuePair, v: string): number => p.values?.[v] ?? 0;

/** Answers to the same prompt text share it; a pair without a prompt is its own prompt. */
export function promptKey(p: Pick<ValuePair, 'id' | 'prompt'> & { prompt_key?: string }): string {
  // Pairs read back from the run database carry the key they were stored with.
  if (p.prompt_key !== undefined) return p.prompt_key;
  const t = p.prompt.trim();
  return t ? createHash('sha256').update(t).digest('hex').slice(0, 16) : `id:${p.id}`;
}

/** A source's mean answer to each prompt, for one value. */
function promptMeans(group: readonly ValuePair[], v: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, ps] of groupBy(group, promptKey)) out.set(k, mean(ps.map((p) => score(p, v))));
  return out;
}

export function valueProfiles(pairs: readonly ValuePair[], values: readonly string[], opts: { seed?: number; iterations?: number } = {}): ValueProfileRow[] {
  const bySource = groupBy(pairs.filter((p) => p.values), (p) => p.source ?? 'all');
  const rows: ValueProfileRow[] = [];
  for (const [source, group] of [...bySource.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const nPrompts = new Set(group.map(promptKey)).size;
    for (const v of values) {
      const x = group.map((p) => score(p, v));
      const records = group.map((p) => ({ item: promptKey(p), value: score(p, v) }));
      let m = mean([...promptMeans(group, v).values()]);
      let lo: number | null = null, hi: number | null = null;
      if (nPrompts >= 2) {
        const ci = modelProfileInterval(records, { iterations: opts.iterations ?? 1000, seed: opts.seed ?? 1 });
        m = ci.mean;
        lo = ci.lower;
        hi = ci.upper;
      }
      rows.push({ source, value: v, n: x.length, n_prompts: nPrompts, unit: 'prompts', mean: m, ci_low: lo, ci_high: hi, opposes: x.filter((y) => y <= -0.5).length / x.length, supports: x.filter((y) => y >= 0.5).length / x.length });
    }
  }
  return rows;
}

export function profileDistances(profiles: readonly ValueProfileRow[], values: readonly string[]): ProfileDistance[] {
  const sources = [...new Set(profiles.map((p) => p.source))];
  const vec = (s: string): Record<string, number> => Object.fromEntries(values.map((v) => [v, profiles.find((p) => p.source === s && p.value === v)?.mean ?? 0]));
  const out: ProfileDistance[] = [];
  for (let i = 0; i < sources.length; i++) {
    for (let j = i + 1; j < sources.length; j++) {
      const a = vec(sources[i]!), b = vec(sources[j]!);
      out.push({ a: sources[i]!, b: sources[j]!, l2: distance(a, b, values, 'l2'), cosine: distance(a, b, values, 'cosine') });
    }
  }
  return out;
}

const constant = (x: readonly number[]): boolean => x.every((y) => y === x[0]);

/** One source pair on one value (see the module comment for the design rules). */
function compareSources(a: string, b: string, ga: readonly ValuePair[], gb: readonly ValuePair[], v: string, seed: number): SourceComparison {
  const ma = promptMeans(ga, v), mb = promptMeans(gb, v);
  const shared = [...ma.keys()].filter((k) => mb.has(k)).sort();
  const base = { a, b, value: v, unit: 'prompts' as const, mean_a: mean([...ma.values()]), mean_b: mean([...mb.values()]) };
  if (shared.length >= 2) {
    const d = shared.map((k) => ma.get(k)! - mb.get(k)!);
    const diff = mean(d);
    const out: SourceComparison = { ...base, design: 'paired', n_prompts: shared.length, n_a: shared.length, n_b: shared.length, mean_a: mean(shared.map((k) => ma.get(k)!)), mean_b: mean(shared.map((k) => mb.get(k)!)), diff, ci_low: null, ci_high: null, d: null, method: null, p: null, p_min: 1, p_adjusted: null, reason: null };
    if (constant(d)) {
      out.ci_low = out.ci_high = diff;
      if (diff === 0) { out.method = 'sign-flip exact'; out.p = 1; out.p_min = 1; out.reason = 'the two sources answer every shared prompt alike on this value'; }
      else out.reason = 'every shared prompt shows the same difference: no spread to test against';
      return out;
    }
    const ci = bootstrapMeanCI(d, { iterations: 1000, seed });
    out.ci_low = ci.lower;
    out.ci_high = ci.upper;
    const sd = Math.sqrt(d.reduce((s, x) => s + (x - diff) ** 2, 0) / (d.length - 1));
    out.d = diff / sd;
    const nonzero = d.filter((x) => x !== 0).length;
    if (nonzero <= 16) {
      const t = signFlipTest(d, { seed });
      out.method = 'sign-flip exact';
      out.p = t.p;
      out.p_min = t.p_min;
    } else {
      out.method = 'paired t over prompts';
      out.p = pairedTTest(shared.map((k) => ma.get(k)!), shared.map((k) => mb.get(k)!)).p;
      out.p_min = 0;
    }
    return out;
  }
  const xa = [...ma.values()], xb = [...mb.values()];
  const out: SourceComparison = { ...base, design: 'unpaired', n_prompts: xa.length + xb.length, n_a: xa.length, n_b: xb.length, diff: base.mean_a - base.mean_b, ci_low: null, ci_high: null, d: null, method: null, p: null, p_min: 1, p_adjusted: null, reason: null };
  if (xa.length < 2 || xb.length < 2) {
    out.reason = `too few prompts for a test (${xa.length} and ${xb.length}; at least 2 each)`;
    return out;
  }
  if (constant([...xa, ...xb])) {
    out.reason = 'every prompt mean is the same on this value';
    return out;
  }
  out.d = constant(xa) && constant(xb) ? null : cohensD(xa, xb);
  const perm = twoSamplePermutationTest(xa, xb, { seed, maxExact: 100_000 });
  if (perm.method === 'exact') {
    out.method = 'permutation exact';
    out.p = perm.p;
    out.p_min = perm.p_min;
  } else {
    const t = tTest(xa, xb);
    out.method = 'Welch t over prompts';
    out.p = t.p;
    out.p_min = 0;
    out.ci_low = t.ci[0];
    out.ci_high = t.ci[1];
  }
  return out;
}

/** Every pair of sources on every value, with the family adjusted together. */
export function sourceComparisons(pairs: readonly ValuePair[], values: readonly string[], opts: { seed?: number; correction?: 'holm' | 'BH'; alpha?: number } = {}): { comparisons: SourceComparison[]; family: NonNullable<ValueAnalysis['comparison_family']> } {
  const method = opts.correction ?? 'holm';
  const alpha = opts.alpha ?? 0.05;
  const bySource = groupBy(pairs.filter((p) => p.values), (p) => p.source ?? 'all');
  const sources = [...bySource.keys()].sort();
  const comparisons: SourceComparison[] = [];
  for (let i = 0; i < sources.length; i++) {
    for (let j = i + 1; j < sources.length; j++) {
      for (const v of values) comparisons.push(compareSources(sources[i]!, sources[j]!, bySource.get(sources[i]!)!, bySource.get(sources[j]!)!, v, opts.seed ?? 1));
    }
  }
  const tested = comparisons.filter((c) => c.p !== null);
  const adjusted = tested.length ? pAdjust(tested.map((c) => c.p!), method) : [];
  tested.forEach((c, k) => (c.p_adjusted = adjusted[k]!));
  return {
    comparisons,
    family: { method, alpha, family_size: tested.length, description: `every pair of sources on every value that has a p-value (${tested.length}), adjusted together by ${method === 'holm' ? 'Holm' : 'Benjamini-Hochberg'}` },
  };
}

/** Each prompt's mean answer (over every source) per value, with its risk categories. */
function promptTable(pairs: readonly ValuePair[], values: readonly string[]): Array<{ risks: Set<string>; answers: number; mean: Record<string, number> }> {
  return [...groupBy(pairs, promptKey).values()].map((ps) => ({
    risks: new Set(ps.flatMap(risksOf)),
    answers: ps.length,
    mean: Object.fromEntries(values.map((v) => [v, mean(ps.map((p) => score(p, v)))])),
  }));
}

/** Per-risk mean vectors and correlations at the prompt level; categories with fewer than `minN` prompts are left out. */
export function riskTable(pairs: readonly ValuePair[], values: readonly string[], minN = 5): RiskRow[] {
  const prompts = promptTable(pairs.filter((p) => p.values), values);
  const categories = [...new Set(prompts.flatMap((p) => [...p.risks]))].filter((r) => r !== 'none').sort();
  const rows: RiskRow[] = [];
  const ps: number[] = [];
  for (const risk of categories) {
    const member = prompts.map((p) => (p.risks.has(risk) ? 1 : 0));
    const n = member.reduce((s: number, m) => s + m, 0);
    if (n < minN || n === prompts.length) continue;
    const inRisk = prompts.filter((_, i) => member[i] === 1);
    const row: RiskRow = { risk, n, n_answers: inRisk.reduce((s, p) => s + p.answers, 0), unit: 'prompts', mean: {}, correlation: {} };
    for (const v of values) {
      row.mean[v] = mean(inRisk.map((p) => p.mean[v]!));
      const x = prompts.map((p) => p.mean[v]!);
      let r = 0, p = 1;
      if (!constant(x) && prompts.length >= 3) {
        const t = correlationTest(member, x);
        r = t.estimate;
        p = t.p;
      }
      row.correlation[v] = { r, p_holm: p };
      ps.push(p);
    }
    rows.push(row);
  }
  const adjusted = pAdjust(ps, 'holm');
  let k = 0;
  for (const row of rows) for (const v of values) row.correlation[v]!.p_holm = adjusted[k++]!;
  return rows;
}

/** Values that separate risky prompts from uncategorised ("none") prompts, prompt means compared. */
export function riskSeparation(pairs: readonly ValuePair[], values: readonly string[]): SeparationRow[] | undefined {
  const labeled = pairs.filter((p) => p.values && (p.risks !== undefined || p.risk !== undefined));
  const prompts = promptTable(labeled, values);
  const risky = prompts.filter((p) => [...p.risks].some((r) => r !== 'none'));
  const other = prompts.filter((p) => ![...p.risks].some((r) => r !== 'none'));
  if (risky.length < 2 || other.length < 2) return undefined;
  const rows = values.map((v) => {
    const a = risky.map((p) => p.mean[v]!), b = other.map((p) => p.mean[v]!);
    const flat = constant([...a, ...b]);
    return { value: v, d: flat || (constant(a) && constant(b)) ? 0 : cohensD(a, b), p: flat ? 1 : mannWhitneyU(a, b).p, mean_risky: mean(a), mean_other: mean(b) };
  });
  const adj = pAdjust(rows.map((r) => r.p), 'holm');
  return rows
    .map((r, i) => ({ value: r.value, d: r.d, p_holm: adj[i]!, mean_risky: r.mean_risky, mean_other: r.mean_other, n_risky: risky.length, n_other: other.length, unit: 'prompts' as const }))
    .sort((x, y) => Math.abs(y.d) - Math.abs(x.d));
}

function describeDesign(pairs: readonly ValuePair[]): string {
  const bySource = groupBy(pairs, (p) => p.source ?? 'all');
  const prompts = new Set(pairs.map(promptKey)).size;
  const sources = bySource.size;
  const perPrompt = [...groupBy(pairs, promptKey).values()].map((ps) => new Set(ps.map((p) => p.source ?? 'all')).size);
  const sharedPrompts = perPrompt.filter((n) => n >= 2).length;
  const base = `${pairs.length} answers from ${sources} source${sources === 1 ? '' : 's'} to ${prompts} prompts; the prompt is the unit of every interval and test`;
  if (sources < 2) return `${base}.`;
  return sharedPrompts > 0
    ? `${base}. ${sharedPrompts} prompts were answered by several sources, so sources that share prompts are compared paired, on the prompts both answered.`
    : `${base}. No prompt was answered by two sources, so sources are compared unpaired, one observation per prompt.`;
}

/** Everything above for one set of vectors; the map keeps at most `mapPoints` pairs (evenly spaced). */
export function analyseValues(pairs: readonly ValuePair[], values: readonly string[], opts: { seed?: number; mapPoints?: number; correction?: 'holm' | 'BH' } = {}): ValueAnalysis {
  // One order whatever the input's (files, the database): the bootstrap draws depend on it.
  const bySourceId = (a: ValuePair, b: ValuePair): number => {
    const sa = a.source ?? 'all', sb = b.source ?? 'all';
    return sa === sb ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : sa < sb ? -1 : 1;
  };
  const labeled = pairs.filter((p) => p.values).sort(bySourceId);
  const profiles = valueProfiles(labeled, values, opts);
  const out: ValueAnalysis = {
    values: [...values], pairs: labeled.length, prompts: new Set(labeled.map(promptKey)).size, unit: 'prompts', design: describeDesign(labeled),
    profiles, distances: profileDistances(profiles, values), map: [],
  };
  if (new Set(labeled.map((p) => p.source ?? 'all')).size >= 2) {
    const { comparisons, family } = sourceComparisons(labeled, values, { seed: opts.seed ?? 1, correction: opts.correction ?? 'holm' });
    out.comparisons = comparisons;
    out.comparison_family = family;
  }
  if (labeled.some((p) => risksOf(p).length > 0)) {
    out.risks = riskTable(labeled, values);
    const sep = riskSeparation(labeled, values);
    if (sep) out.separation = sep;
  }
  const step = Math.max(1, Math.ceil(labeled.length / (opts.mapPoints ?? 1500)));
  const sample = labeled.filter((_, i) => i % step === 0);
  if (sample.length >= 3) {
    const xy = pca2d(sample.map((p) => values.map((v) => score(p, v))));
    out.map = sample.map((p, i) => ({ id: p.id, source: p.source ?? 'all', x: xy[i]![0], y: xy[i]![1] }));
  }
  return out;
}

export const VALUE_ANALYSIS_KEY = 'value_analysis';

/**
 * Keep the vectors an analysis is made from (source, id, a hash of the prompt, risks, vector) in the run
 * database, with the analysis as a snapshot, so that a report recomputes it with the current rules.
 */
export function saveValueAnalysis(store: RunStore, pairs: readonly ValuePair[], values: readonly string[], opts: { seed?: number } = {}): ValueAnalysis {
  const labeled = pairs.filter((p) => p.values);
  replaceValueVectors(
    store,
    labeled.map((p) => ({ source: p.source ?? 'all', id: p.id, prompt_key: promptKey(p), risks: JSON.stringify(risksOf(p)), vector: JSON.stringify(Object.fromEntries(values.map((v) => [v, score(p, v)]))) })),
  );
  const analysis = analyseValues(labeled, values, opts);
  store.setMetaJson(VALUE_ANALYSIS_KEY, { ...analysis, map: [] });
  return analysis;
}

/** The pairs stored by saveValueAnalysis (no texts: a prompt is known by its key, which is all the analysis needs). */
function storedPairs(rows: readonly ValueVectorRow[]): Array<ValuePair & { prompt_key: string }> {
  return rows.map((r) => {
    const risks = JSON.parse(r.risks) as string[];
    return { id: r.id, prompt: '', prompt_key: r.prompt_key, response: '', values: JSON.parse(r.vector) as Record<string, number>, source: r.source, ...(risks.length ? { risks } : {}) };
  });
}

/**
 * The value analysis of a run, recomputed from its stored vectors with the current rules. A run made
 * by an older version kept only its numbers: its means are shown, its intervals and tests (made with
 * the answer as the unit) are not.
 */
export function loadValueAnalysis(store: RunStore): ValueAnalysis | undefined {
  const snapshot = store.getMetaJson<Partial<ValueAnalysis> & { values?: string[] }>(VALUE_ANALYSIS_KEY);
  if (!snapshot) return undefined;
  const values = snapshot.values ?? [];
  // One order on every database (collations differ): the bootstrap draws depend on it.
  const rows = (store.hasTable('value_vectors') ? valueVectorRows(store) : []).sort((a, b) => (a.source === b.source ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.source < b.source ? -1 : 1));
  if (rows.length > 0) return analyseValues(storedPairs(rows), values);
  return {
    values,
    pairs: snapshot.pairs ?? 0,
    prompts: 0,
    unit: 'prompts',
    design: 'made by an older version that did not keep the vectors: its intervals and tests treated each answer as independent and are not shown; re-run `valuelex value-profiles --store` (or evaluate) for intervals and tests with the prompt as the unit',
    profiles: (snapshot.profiles ?? []).map((p) => ({ source: p.source, value: p.value, n: p.n, n_prompts: 0, unit: 'prompts' as const, mean: p.mean, ci_low: null, ci_high: null, opposes: p.opposes, supports: p.supports })),
    distances: snapshot.distances ?? [],
    map: snapshot.map ?? [],
  };
}
