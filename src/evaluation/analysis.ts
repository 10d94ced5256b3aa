/**
 * What value vectors say about models and risks: per-source value profiles with bootstrap
 * intervals (and how often each source opposes each value), distances between profiles, the
 * value-by-risk table (per-risk mean vectors, point-biserial correlations of risk membership with
 * each value), the values that separate answers to risky prompts from answers to the others, and a
 * 2-D map of the vectors. Inputs are labels or evaluator scores alike.
 */
import { bootstrapMeanCI } from '../stats/bootstrap.js';
import { mean } from '../stats/descriptive.js';
import { distance } from './distance.js';
import { groupBy } from '../core/group-by.js';
import { cohensD, correlationTest, mannWhitneyU } from '../stats/effects.js';
import { pAdjust } from '../stats/multiple.js';
import { pca2d } from '../stats/pca.js';
import type { RunStore } from '../store/store.js';
import type { ValuePair } from '../values/pairs.js';
import { risksOf } from './dataset.js';

export interface ValueProfileRow {
  source: string;
  value: string;
  n: number;
  mean: number;
  ci_low: number;
  ci_high: number;
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

export interface RiskRow {
  risk: string;
  n: number;
  mean: Record<string, number>;
  /** Point-biserial correlation of membership in this risk with each value, Holm-adjusted p over the table. */
  correlation: Record<string, { r: number; p_holm: number }>;
}

export interface SeparationRow {
  value: string;
  /** Cohen's d, answers to risky prompts minus answers to uncategorised ones. */
  d: number;
  p_holm: number;
  mean_risky: number;
  mean_other: number;
}

export interface ValueAnalysis {
  values: string[];
  pairs: number;
  profiles: ValueProfileRow[];
  distances: ProfileDistance[];
  risks?: RiskRow[];
  separation?: SeparationRow[];
  map: Array<{ id: string; source: string; x: number; y: number }>;
}

const score = (p: ValuePair, v: string): number => p.values?.[v] ?? 0;

export function valueProfiles(pairs: readonly ValuePair[], values: readonly string[], opts: { seed?: number; iterations?: number } = {}): ValueProfileRow[] {
  const bySource = groupBy(pairs.filter((p) => p.values), (p) => p.source ?? 'all');
  const rows: ValueProfileRow[] = [];
  for (const [source, group] of [...bySource.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    for (const v of values) {
      const x = group.map((p) => score(p, v));
      const m = mean(x);
      let lo = m, hi = m;
      if (x.length >= 2 && x.some((y) => y !== x[0])) {
        const ci = bootstrapMeanCI(x, { iterations: opts.iterations ?? 1000, seed: opts.seed ?? 1 });
        lo = ci.lower;
        hi = ci.upper;
      }
      rows.push({ source, value: v, n: x.length, mean: m, ci_low: lo, ci_high: hi, opposes: x.filter((y) => y <= -0.5).length / x.length, supports: x.filter((y) => y >= 0.5).length / x.length });
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

/** Per-risk mean vectors and correlations; categories with fewer than `minN` pairs are left out. */
export function riskTable(pairs: readonly ValuePair[], values: readonly string[], minN = 5): RiskRow[] {
  const labeled = pairs.filter((p) => p.values);
  const categories = [...new Set(labeled.flatMap(risksOf))].filter((r) => r !== 'none').sort();
  const rows: RiskRow[] = [];
  const ps: number[] = [];
  for (const risk of categories) {
    const member = labeled.map((p) => (risksOf(p).includes(risk) ? 1 : 0));
    const n = member.reduce((s: number, m) => s + m, 0);
    if (n < minN || n === labeled.length) continue;
    const inRisk = labeled.filter((_, i) => member[i] === 1);
    const row: RiskRow = { risk, n, mean: {}, correlation: {} };
    for (const v of values) {
      row.mean[v] = mean(inRisk.map((p) => score(p, v)));
      const x = labeled.map((p) => score(p, v));
      let r = 0, p = 1;
      if (x.some((y) => y !== x[0])) {
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

/** Values that separate answers to risky prompts from answers to uncategorised ("none") prompts. */
export function riskSeparation(pairs: readonly ValuePair[], values: readonly string[]): SeparationRow[] | undefined {
  const labeled = pairs.filter((p) => p.values && (p.risks !== undefined || p.risk !== undefined));
  const risky = labeled.filter((p) => risksOf(p).some((r) => r !== 'none'));
  const other = labeled.filter((p) => !risksOf(p).some((r) => r !== 'none'));
  if (risky.length < 2 || other.length < 2) return undefined;
  const rows = values.map((v) => {
    const a = risky.map((p) => score(p, v)), b = other.map((p) => score(p, v));
    const constant = [...a, ...b].every((y) => y === a[0]);
    return { value: v, d: constant ? 0 : cohensD(a, b), p: constant ? 1 : mannWhitneyU(a, b).p, mean_risky: mean(a), mean_other: mean(b) };
  });
  const adj = pAdjust(rows.map((r) => r.p), 'holm');
  return rows.map((r, i) => ({ value: r.value, d: r.d, p_holm: adj[i]!, mean_risky: r.mean_risky, mean_other: r.mean_other })).sort((x, y) => Math.abs(y.d) - Math.abs(x.d));
}

/** Everything above for one set of vectors; the map keeps at most `mapPoints` pairs (evenly spaced). */
export function analyseValues(pairs: readonly ValuePair[], values: readonly string[], opts: { seed?: number; mapPoints?: number } = {}): ValueAnalysis {
  const labeled = pairs.filter((p) => p.values);
  const profiles = valueProfiles(labeled, values, opts);
  const out: ValueAnalysis = { values: [...values], pairs: labeled.length, profiles, distances: profileDistances(profiles, values), map: [] };
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

export function saveValueAnalysis(store: RunStore, analysis: ValueAnalysis): void {
  store.setMetaJson(VALUE_ANALYSIS_KEY, analysis);
}

/** The value analysis stored in a run, if any. */
export function loadValueAnalysis(store: RunStore): ValueAnalysis | undefined {
  return store.getMetaJson<ValueAnalysis>(VALUE_ANALYSIS_KEY);
}
