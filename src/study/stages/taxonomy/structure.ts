/**
 * The statistical core of the taxonomy, pure (no store, no model): correlations that fit the data
 * (polychoric for counts and Likert ratings, tetrachoric for named / not named, Pearson for
 * continuous or ipsatized scores), adequacy (KMO, Bartlett), the number of factors from three
 * kinds of evidence (parallel analysis against a null built from the data themselves with the same
 * correlations, Velicer's MAP, the scree), oblique EFA, and the assignment of each term to its
 * highest salient loading with cross-loadings reported.
 */
import { InputError } from '../../../core/errors.js';
import { bartlett, kmo } from '../../../stats/adequacy.js';
import { pearsonPairwise } from '../../../stats/correlation.js';
import { fa, type FaResult } from '../../../stats/efa.js';
import { factorCountEvidence, type FactorCountEvidence, type ScreePoint } from '../../../stats/factor-count.js';
import { polychoric, tetrachoric } from '../../../stats/polychoric.js';

export type CorrelationKind = 'polychoric' | 'tetrachoric' | 'pearson';

export interface StructureOptions {
  cor: CorrelationKind;
  factors: 'auto' | number;
  fm: 'minres' | 'ml' | 'pa';
  rotate: 'none' | 'varimax' | 'promax' | 'oblimin' | 'quartimin' | 'geomin';
  threshold: number;
  seed: number;
  /** Throw on inadequate data (default true); false records the weakness and goes on. */
  enforceAdequacy?: boolean;
  /** Null data sets of the permutation parallel analysis (default 100). */
  paIter?: number;
}

/** The number of factors and the evidence behind it, as the report shows it. */
export interface FactorCountSummary {
  /** What decided: parallel analysis on factors (permutation null, same correlations), or a fixed number. */
  rule: string;
  /** The number analysed. */
  chosen: number;
  parallel: number;
  parallel_components: number;
  map: number | null;
  map4: number | null;
  kaiser: number;
  iter: number;
  quantile: number;
  correlation: CorrelationKind;
  scree: ScreePoint[];
}

export interface Structure {
  corKind: CorrelationKind;
  r: number[][];
  /** KMO and Bartlett, on Pearson correlations of the same data (see discoverStructure). */
  adequacy: ReturnType<typeof kmo>;
  sphericity: ReturnType<typeof bartlett>;
  /** False when KMO < .5 or Bartlett p > .05 (only possible with enforceAdequacy false). */
  adequate: boolean;
  evidence: FactorCountEvidence;
  factorCount: FactorCountSummary;
  /** 0 when no factor beats the null: the data show no common structure. */
  nfactors: number;
  /** Null when nfactors is 0. */
  res: FaResult | null;
  /** Item indices assigned to each factor by their highest salient loading. */
  members: number[][];
  crossLoadings: Array<{ term: string; dimensions: string[] }>;
  unassigned: string[];
  warnings: string[];
}

export function correlationFunction(kind: CorrelationKind, warnings?: string[]): (d: (number | null)[][]) => number[][] {
  if (kind === 'pearson') return pearsonPairwise;
  return (d) => {
    const res = kind === 'polychoric' ? polychoric(d) : tetrachoric(d);
    warnings?.push(...res.warnings);
    return res.rho;
  };
}

export function correlate(kind: CorrelationKind, data: (number | null)[][], warnings: string[] = []): number[][] {
  return correlationFunction(kind, warnings)(data);
}

/**
 * Polychoric correlations suit Likert ratings when every word was rated on the same observed
 * categories (global thresholds, as psych's default); ragged category sets force pairwise
 * thresholds with many continuity-corrected empty cells, where Pearson is the steadier choice.
 */
export function ratingCorrelation(matrix: (number | null)[][]): CorrelationKind {
  const cats = matrix[0]!.map((_, j) => new Set(matrix.map((row) => row[j]).filter((v) => v !== null)).size);
  const all = new Set(matrix.flat().filter((v): v is number => v !== null));
  return all.size <= 8 && cats.every((c) => c === all.size) ? 'polychoric' : 'pearson';
}

/** Drop columns nobody varied on (a constant column has no correlation). */
export function usableColumns<T extends number | null>(data: T[][], terms: readonly string[]): { data: T[][]; terms: string[]; dropped: string[] } {
  const keep: number[] = [];
  const dropped: string[] = [];
  terms.forEach((t, j) => {
    const vals = new Set(data.map((row) => row[j]).filter((v) => v !== null));
    if (vals.size >= 2) keep.push(j);
    else dropped.push(t);
  });
  return { data: data.map((row) => keep.map((j) => row[j]!)), terms: keep.map((j) => terms[j]!), dropped };
}

/** Items assigned to each factor by their highest absolute loading, when it reaches the threshold. */
export function assignItems(loadings: readonly (readonly number[])[], nfactors: number, threshold: number): number[][] {
  const groups: number[][] = Array.from({ length: nfactors }, () => []);
  loadings.forEach((row, i) => {
    const abs = row.map(Math.abs);
    const best = abs.indexOf(Math.max(...abs));
    if (abs[best]! >= threshold) groups[best]!.push(i);
  });
  return groups;
}

/**
 * Items unfit for the factor analysis by their own measure of sampling adequacy (Kaiser's MSA, the
 * item's KMO, on Pearson correlations as in discoverStructure): the worst item below `min` is dropped and the MSAs recomputed, one item at a time,
 * while one is below `min` and more than `keepAtLeast` items remain (Kaiser & Rice 1974; Hair et al.),
 * and only when the overall KMO already reaches `min`.
 * Words that share nothing with the others (named at random, or only by one kind of prompt) are
 * what this removes. Pure: works on the correlation matrix; returns the indices kept.
 */
export function pruneLowMsa(r: readonly (readonly number[])[], min: number, keepAtLeast = 4): { keep: number[]; dropped: Array<{ index: number; msa: number }>; kmoBefore: number } {
  let keep = r.map((_, i) => i);
  const dropped: Array<{ index: number; msa: number }> = [];
  const sub = (): number[][] => keep.map((i) => keep.map((j) => r[i]![j]!));
  let k = kmo(sub());
  const kmoBefore = k.overall;
  // Pruning refines an adequate matrix; it must not rescue an inadequate one: on structureless
  // data, dropping the worst terms until the rest look adequate selects chance correlations that
  // a parallel analysis of the survivors then takes for factors (2 found on pure noise).
  if (!(kmoBefore >= min)) return { keep, dropped, kmoBefore };
  while (keep.length > keepAtLeast) {
    const worst = k.items.reduce((best, v, i) => (v < k.items[best]! ? i : best), 0);
    if (!(k.items[worst]! < min)) break;
    dropped.push({ index: keep[worst]!, msa: k.items[worst]! });
    keep = keep.filter((_, i) => i !== worst);
    k = kmo(sub());
  }
  return { keep, dropped, kmoBefore };
}

export function adequacyMessage(kmoValue: number, bartlettP: number): string {
  return `the data are not suitable for factor analysis (KMO ${kmoValue.toFixed(2)}, needs >= 0.50; Bartlett p ${bartlettP.toExponential(2)}, needs <= 0.05)`;
}

/**
 * Correlations, adequacy, the number of factors and the EFA of `data` (rows respondents, null
 * missing). With `factors: 'auto'` the count is parallel analysis on the factor eigenvalues against
 * a permutation null (each column shuffled independently, so its marginal is kept, correlations
 * recomputed with the same function): a normal-theory null keeps too many factors on ordinal or
 * binary items. MAP and the scree are computed beside it for the report.
 */
export function discoverStructure(data: (number | null)[][], terms: readonly string[], opts: StructureOptions): Structure {
  const warnings: string[] = [];
  const n = data.length;
  const corKind = opts.cor;
  const fn = correlationFunction(corKind);
  const r = correlate(corKind, data, warnings);
  // Adequacy is judged on Pearson (phi) correlations of the same data. A tetrachoric or polychoric
  // matrix is often not positive definite; smoothed, its inverse inflates the partial correlations
  // KMO rests on (planted four-factor binary data: KMO 0.40 on the smoothed tetrachoric matrix,
  // 0.82 on the phi matrix; structureless data: below 0.50 on both).
  const rAdequacy = corKind === 'pearson' ? r : pearsonPairwise(data);
  const adequacy = kmo(rAdequacy);
  const sphericity = bartlett(rAdequacy, n);
  const adequate = adequacy.overall >= 0.5 && sphericity.p <= 0.05;
  if (!adequate) {
    const msg = adequacyMessage(adequacy.overall, sphericity.p);
    if (opts.enforceAdequacy ?? true) throw new InadequateDataError(`taxonomy: ${msg}: collect more respondents or more varied answers, or set taxonomy.enforce_adequacy: false to report what the data support`);
    warnings.push(msg);
  }
  // The observed matrix is computed once; the permutation nulls call the same function.
  const evidence = factorCountEvidence(data, { correlation: (d) => (d === data ? r : fn(d)), iter: opts.paIter ?? 100, seed: opts.seed, null: 'permutation' });
  const auto = opts.factors === 'auto';
  const nfactors = auto ? Math.min(evidence.counts.parallelFactors, terms.length - 1) : Math.min(opts.factors as number, terms.length - 1);
  const factorCount: FactorCountSummary = {
    rule: auto
      ? `parallel analysis on factor eigenvalues: observed above the ${Math.round(100 * evidence.parallel.quantile)}th percentile of ${evidence.parallel.iter} permutation nulls (${corKind} correlations, marginals kept)`
      : `fixed by taxonomy.factors: ${String(opts.factors)}`,
    chosen: nfactors,
    parallel: evidence.counts.parallelFactors,
    parallel_components: evidence.counts.parallelComponents,
    map: evidence.counts.map,
    map4: evidence.counts.map4,
    kaiser: evidence.counts.kaiser,
    iter: evidence.parallel.iter,
    quantile: evidence.parallel.quantile,
    correlation: corKind,
    scree: evidence.scree,
  };
  if (nfactors < 1) {
    return { corKind, r, adequacy, sphericity, adequate, evidence, factorCount, nfactors: 0, res: null, members: [], crossLoadings: [], unassigned: [...terms], warnings };
  }
  const res: FaResult = fa(r, { nfactors, fm: opts.fm, rotate: opts.rotate, nObs: n });
  warnings.push(...res.warnings);
  const members = assignItems(res.loadings, nfactors, opts.threshold);
  const assigned = new Set(members.flat());
  const unassigned = terms.filter((_, i) => !assigned.has(i));
  const crossLoadings: Array<{ term: string; dimensions: string[] }> = [];
  res.loadings.forEach((row, i) => {
    if (!assigned.has(i)) return;
    const abs = row.map(Math.abs);
    const best = abs.indexOf(Math.max(...abs));
    const others = abs.map((a, k) => (k !== best && a >= opts.threshold ? `dim${k + 1}` : '')).filter(Boolean);
    if (others.length > 0) crossLoadings.push({ term: terms[i]!, dimensions: [`dim${best + 1}`, ...others] });
  });
  return { corKind, r, adequacy, sphericity, adequate, evidence, factorCount, nfactors, res, members, crossLoadings, unassigned, warnings };
}

/** Data unfit for factor analysis while the study enforces adequacy (the user's to fix: exit code 2). */
export class InadequateDataError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'InadequateDataError';
  }
}

/**
 * McDonald's omega (total) of one dimension from a one-factor minres fit to its items'
 * correlations: (Σλ)² / ((Σλ)² + Σψ), loadings signed as the dimension defines them.
 */
export function dimensionOmega(r: readonly (readonly number[])[], items: readonly number[]): number | null {
  if (items.length < 3) return null;
  const sub = items.map((i) => items.map((j) => r[i]![j]!));
  const one = fa(sub, { nfactors: 1, fm: 'minres', rotate: 'none' });
  const lam = one.loadings.map((row) => row[0]!);
  // Negatively loading items are reversed, as psych::omega does.
  const sumL = lam.reduce((s, x) => s + Math.abs(x), 0);
  const uniq = lam.reduce((s, x) => s + (1 - x * x), 0);
  return (sumL * sumL) / (sumL * sumL + uniq);
}
