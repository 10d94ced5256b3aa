/**
 * Stage `taxonomy`: from the paper's respondent x term matrix of the elicitation (default; one
 * respondent = one model answering one prompt, its repeated samples aggregated within the row) or
 * from the models' ratings, to a value system. Correlations that fit the data (polychoric for
 * counts and ratings, tetrachoric for named / not named), adequacy (KMO, Bartlett), the number of
 * factors by parallel analysis against a permutation null beside MAP and the scree, oblique EFA,
 * reliability per dimension, subdimensions by k-means of each dimension's words (k = 1 allowed),
 * names from a judge model (bipolar factors named as such), validation over held-out models
 * (EFA on the others; ordinal CFA by WLSMV, congruence and reliability on the held-out ones), the
 * agreement of the two sources when both exist, the ratings' response style, and the retest.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfigFile } from '../../../config/load.js';
import type { ModelConfig, StudyConfig } from '../../../config/schema.js';
import { InputError } from '../../../core/errors.js';
import { groupBy } from '../../../core/group-by.js';
import { createEmbedder } from '../../../embed/create.js';
import type { Embedder } from '../../../embed/types.js';
import type { Engine } from '../../../engine/engine.js';
import type { JudgeFingerprint } from '../../../judge/judge.js';
import { nameWithJudge, type NamingOptions } from '../../../judge/naming.js';
import { cosineDistance } from '../../../stats/cluster/points.js';
import { factorCongruence, matchFactors } from '../../../stats/congruence.js';
import { pearsonPairwise } from '../../../stats/correlation.js';
import { statsJobBytes } from '../../../stats/job-size.js';
import { requireMemory } from '../../../core/memory.js';
import { fa, type FaResult } from '../../../stats/efa.js';
import { parallelAnalysis } from '../../../stats/parallel.js';
import { polychoric, tetrachoric } from '../../../stats/polychoric.js';
import { quantile } from '../../../stats/descriptive.js';
import { cronbachAlpha } from '../../../stats/reliability.js';
import type { RunStore } from '../../../store/store.js';
import { schwartzValues } from '../../../values/schwartz.js';
import { loadingsSystemSchema } from '../../../values/value-system.js';
import { judgesOf, type StageDefinition, type StageSummary } from '../../stage.js';
import { elicitationMatrix, lexiconReduction, listLexicon, type LexiconReduction } from '../elicit/lexicon.js';
import { ratingMatrix, type RatingMatrix } from '../rate/stage.js';
import { ipsatize, responseStyle, styleVarianceExplained, type ModelStyle, type StyleShare } from '../rate/style.js';
import { ensureRateSchema } from '../rate/tables.js';
import { retestStability, modelDimensionScores, type RetestResult } from './retest.js';
import { adequacyMessage, correlate, discoverStructure, dimensionOmega, pruneLowMsa, ratingCorrelation, usableColumns, type CorrelationKind, type FactorCountSummary, type Structure } from './structure.js';
import { splitDimension } from './subdimensions.js';
import { replaceDimensions } from './tables.js';
import { ordinalCfa, validateByModels, type ModelValidation, type OrdinalFit } from './validation.js';

export { dimensionOmega, discoverStructure, InadequateDataError, type Structure, type StructureOptions } from './structure.js';

export interface TaxonomyDimension {
  id: string;
  label: string;
  definition: string;
  examples: string[];
  parent: string | null;
  /** The words of this dimension and their loadings on it. */
  loadings: Record<string, number>;
}

export interface ValueSystemFile {
  name: string;
  source: 'ratings' | 'elicitation';
  dimensions: TaxonomyDimension[];
}

/** Who the rows of the analysed matrix are. */
export interface TaxonomyUnit {
  /** The paper's respondent (one model answering one prompt), or one sampled rating respondent of a model. */
  respondent: 'model x prompt' | 'model x rating respondent';
  respondents: number;
  models: number;
  prompts?: number;
  /** Elicitation: parsed samples per respondent (at most), aggregated within the row. */
  samples_per_respondent?: number;
  cells?: 'count' | 'any';
  /**
   * Elicitation: each respondent's agreement with itself across its samples (mean pairwise Jaccard
   * of the analysed terms its samples named), the reliability of its row.
   */
  row_reliability?: {
    respondents: number;
    mean: number;
    min: number;
    q1: number;
    median: number;
    q3: number;
    max: number;
    per_model: Record<string, number>;
  };
}

/** From everything elicited to the terms analysed. */
export interface TaxonomyReduction extends LexiconReduction {
  /** Terms considered from the source (the lexicon, or the rated terms). */
  candidates: number;
  /** Respondents who must name a term (and must not) for it to be analysed (elicitation). */
  min_respondents?: number;
  /** Candidates named by too few respondents (or by nearly all). */
  too_rare: number;
  /** Cut by taxonomy.max_terms (the least frequent). */
  over_max: number;
  max_terms: number;
  /** Dropped for a measure of sampling adequacy below taxonomy.min_msa (worst first), with the KMO before. */
  low_msa: Array<{ term: string; msa: number }>;
  min_msa: number;
  kmo_before_msa?: number;
  analysed: number;
}

export interface SourceAgreement {
  /** The second source, factored on its own (its own parallel analysis) on the terms both share. */
  other: 'ratings' | 'elicitation';
  shared_terms: number;
  nfactors: number;
  /** Each dimension's matched factor in the other source and their Tucker congruence. */
  pairs: Array<{ dimension: string; other_factor: number | null; congruence: number | null }>;
  mean_congruence: number | null;
  note?: string;
}

export interface ResponseStyleReport {
  scale: number;
  /** Balanced (term, opposite) pairs rated. */
  pairs: number;
  items: Array<{ item: string; kind: string; reverses: string | null }>;
  models: ModelStyle[];
  /** Share of the between-model variance of each dimension's rating score that acquiescence explains. */
  variance_explained: StyleShare[];
  /** The same structure analysed on ipsatized (within-respondent centred) ratings. */
  ipsatized?: { nfactors: number; parallel: number; congruence: Array<{ dimension: string; congruence: number | null }>; error?: string };
  /** Factors of the raw ratings by their own parallel analysis (with the elicitation as source: on the words both share). */
  raw_nfactors?: number;
}

export interface TaxonomyResult {
  system: ValueSystemFile;
  source: 'ratings' | 'elicitation';
  correlation: CorrelationKind;
  /** ok, or no-structure: no factor beat the null (or the data were unfit), so no dimensions are claimed. */
  status: 'ok' | 'no-structure';
  status_reason?: string;
  /** False when KMO < .5 or Bartlett p > .05 (then only reported because enforce_adequacy was false). */
  adequate: boolean;
  respondents: number;
  unit: TaxonomyUnit;
  reduction: TaxonomyReduction;
  terms: string[];
  nfactors: number;
  kmo: number;
  bartlett: { chisq: number; df: number; p: number };
  /** Factor eigenvalues and the permutation null's thresholds (the full evidence is in factor_count). */
  scree: { observed: number[]; parallel: number[] | null };
  factor_count: FactorCountSummary;
  /** terms x factors, in `terms` order. */
  loadings: number[][];
  phi: number[][] | null;
  /** In-sample reliability per dimension (the data that defined it). */
  alpha: Record<string, number>;
  /** McDonald's omega (total) per dimension with at least three words, in sample. */
  omega: Record<string, number>;
  /** How each dimension was split into subdimensions (k = 1: none). */
  subdimensions: Array<{ dimension: string; k: number; rule: string }>;
  /** Which of Schwartz's values each dimension's words fall nearest to in embedding space. */
  schwartz_overlap?: Array<{ dimension: string; label: string; nearest: Record<string, number>; top: string; share: number }>;
  /** Tucker congruence with another value system's loadings on the shared words (taxonomy.compare). */
  comparison?: { file: string; shared_terms: number; pairs: Array<{ dimension: string; other: string; congruence: number }> };
  cross_loadings: Array<{ term: string; dimensions: string[] }>;
  unassigned: string[];
  naming: 'judge' | 'top-words';
  /** The judge configuration that named the dimensions (when a judge did). */
  naming_judge?: JudgeFingerprint;
  /** The structure's ordinal CFA (WLSMV) on all respondents: in sample, for reference beside the held-out fit. */
  ordinal_fit?: OrdinalFit | null;
  ordinal_fit_error?: string;
  /** Validation over held-out models; null with `validation_note` saying why when it could not run. */
  validation: ModelValidation | null;
  validation_note?: string;
  /** Schwartz's structure (words grouped by their nearest Schwartz value) fitted by WLSMV on all respondents. */
  schwartz_fit?: { factors: Record<string, string[]>; fit: OrdinalFit | null; error?: string };
  sources?: SourceAgreement;
  response_style?: ResponseStyleReport;
  retest?: RetestResult;
  warnings: string[];
}

async function nameDimension(engine: Engine, judge: ModelConfig | undefined, words: string[], options: NamingOptions, log: (m: string) => void): Promise<{ label: string; definition: string; by: 'judge' | 'top-words'; fingerprint?: JudgeFingerprint }> {
  const loadings = options.loadings ?? [];
  const bipolar = loadings.some((l) => l < 0) && loadings.some((l) => l > 0);
  const cap = (w: string): string => w[0]!.toUpperCase() + w.slice(1);
  const pos = words.filter((_, i) => (loadings[i] ?? 1) >= 0);
  const neg = words.filter((_, i) => (loadings[i] ?? 1) < 0);
  const fallback = {
    label: bipolar ? `${cap(pos[0]!)} vs. ${cap(neg[0]!)}` : words.slice(0, 3).map(cap).join(' / '),
    definition: bipolar ? `A bipolar dimension: ${pos.slice(0, 3).join(', ')} against ${neg.slice(0, 3).join(', ')}.` : `Values such as ${words.slice(0, 5).join(', ')}.`,
    by: 'top-words' as const,
  };
  if (!judge) return fallback;
  try {
    const named = await nameWithJudge(engine, judge, words, 'taxonomy-naming', options);
    return { label: named.label, definition: named.definition, by: 'judge', fingerprint: named.fingerprint };
  } catch (e) {
    log(`taxonomy: judge naming failed (${(e as Error).message}); using the top words`);
    return fallback;
  }
}

/** Each word's nearest Schwartz value: cosine of its embedding with the value's label and examples. */
export async function nearestSchwartz(embedder: Embedder, words: readonly string[]): Promise<Array<string | null>> {
  const schwartz = schwartzValues().dimensions;
  const anchors = await embedder.embed(schwartz.map((d) => [d.label, ...(d.examples ?? [])].join(' ')));
  const vecs = await embedder.embed([...words]);
  // A word the embedder gives no direction (a zero vector) is near no value: null, not an error.
  const direction = (v: Float32Array): boolean => v.some((x) => x !== 0);
  return vecs.map((v) => {
    if (!direction(v)) return null;
    const d = anchors.map((a) => (direction(a) ? cosineDistance(v, a) : Infinity));
    const best = Math.min(...d);
    return best === Infinity ? null : schwartz[d.indexOf(best)]!.id;
  });
}

/** Nearest Schwartz value for each word of each dimension, counted per dimension. */
export async function overlapWithSchwartz(embedder: Embedder, dims: ReadonlyArray<{ id: string; label: string; loadings: Record<string, number> }>): Promise<NonNullable<TaxonomyResult['schwartz_overlap']>> {
  const out: NonNullable<TaxonomyResult['schwartz_overlap']> = [];
  for (const d of dims) {
    const words = Object.keys(d.loadings);
    if (words.length === 0) continue;
    const nearest: Record<string, number> = {};
    for (const v of await nearestSchwartz(embedder, words)) if (v !== null) nearest[v] = (nearest[v] ?? 0) + 1;
    // The share counts every word of the dimension, those near no value included.
    const top = Object.entries(nearest).sort((a, b) => b[1] - a[1])[0];
    if (!top) continue;
    out.push({ dimension: d.id, label: d.label, nearest, top: top[0], share: top[1] / words.length });
  }
  return out;
}

/** Tucker congruence between our dimensions and another value system's, on the words both load. */
export function compareSystems(dims: ReadonlyArray<{ id: string; loadings: Record<string, number> }>, file: string): NonNullable<TaxonomyResult['comparison']> {
  const other = loadConfigFile(file, loadingsSystemSchema).dimensions.filter((d) => d.loadings && Object.keys(d.loadings).length > 0 && !d.parent);
  if (other.length === 0) throw new InputError(`taxonomy.compare: ${file} has no top-level dimensions with loadings`);
  const shared = [...new Set(dims.flatMap((d) => Object.keys(d.loadings)))].filter((w) => other.some((o) => o.loadings![w] !== undefined));
  if (shared.length < 3) throw new InputError(`taxonomy.compare: ${file} shares only ${shared.length} words with this taxonomy; congruence needs at least 3`);
  const a = shared.map((w) => dims.map((d) => d.loadings[w] ?? 0));
  const b = shared.map((w) => other.map((o) => o.loadings![w] ?? 0));
  const m = matchFactors(a, b);
  // Congruence keeps its sign here: a dimension that is another's reverse shows as negative.
  const phi = factorCongruence(a, b);
  const pairs = dims.map((d, i) => ({ dimension: d.id, other: m.match[i]! >= 0 ? other[m.match[i]!]!.id : '', congruence: m.match[i]! >= 0 ? phi[i]![m.match[i]!]! : NaN })).filter((p) => p.other);
  return { file, shared_terms: shared.length, pairs };
}

/** The source's matrix with its rows' models, before column selection. */
interface SourceData {
  data: (number | null)[][];
  terms: string[];
  rowModels: string[];
  correlation: CorrelationKind;
  unit: TaxonomyUnit;
  /** Elicitation only: respondents needed to name a term. */
  minRespondents?: number;
}

function rowReliability(rel: ReadonlyArray<number | null>, models: readonly string[]): TaxonomyUnit['row_reliability'] {
  const values = rel.filter((v): v is number => v !== null);
  if (values.length === 0) return undefined;
  const perModel: Record<string, number> = {};
  for (const m of [...new Set(models)].sort()) {
    const vs = rel.filter((v, i): v is number => v !== null && models[i] === m);
    if (vs.length > 0) perModel[m] = vs.reduce((s, v) => s + v, 0) / vs.length;
  }
  return {
    respondents: values.length,
    mean: values.reduce((s, v) => s + v, 0) / values.length,
    min: Math.min(...values),
    q1: quantile(values, 0.25),
    median: quantile(values, 0.5),
    q3: quantile(values, 0.75),
    max: Math.max(...values),
    per_model: perModel,
  };
}

function elicitationSource(store: RunStore, config: StudyConfig): SourceData | undefined {
  const terms = listLexicon(store, { minCount: config.elicit.min_count, minModels: config.elicit.min_models }).map((e) => e.descriptor);
  const m = elicitationMatrix(store, { terms, cells: config.taxonomy.cells });
  if (m.respondents.length === 0) return undefined;
  const rowModels = m.respondents.map((r) => r.model);
  const binary = m.cells === 'any' || m.maxSamples <= 1;
  return {
    data: m.matrix,
    terms: m.terms,
    rowModels,
    correlation: binary ? 'tetrachoric' : 'polychoric',
    minRespondents: Math.max(5, Math.ceil(config.taxonomy.min_share * m.respondents.length)),
    unit: {
      respondent: 'model x prompt',
      respondents: m.respondents.length,
      models: new Set(rowModels).size,
      prompts: new Set(m.respondents.map((r) => r.prompt_id)).size,
      samples_per_respondent: m.maxSamples,
      cells: binary ? 'any' : 'count',
      ...(m.maxSamples >= 2 ? { row_reliability: rowReliability(m.reliability, rowModels) } : {}),
    },
  };
}

function hasRatings(store: RunStore): boolean {
  if (!store.hasTable('ratings')) return false;
  ensureRateSchema(store);
  return ratingMatrix(store).respondents.length > 0;
}

function ratingsSource(ratings: RatingMatrix): SourceData {
  const rowModels = ratings.respondents.map((r) => r.model);
  return {
    data: ratings.matrix,
    terms: ratings.terms,
    rowModels,
    correlation: ratingCorrelation(ratings.matrix),
    unit: { respondent: 'model x rating respondent', respondents: ratings.respondents.length, models: new Set(rowModels).size },
  };
}

/**
 * Keep the columns a correlation can use: terms named by at least `minRespondents` respondents and
 * left unnamed by as many (elicitation), varying at all (ratings); then the most frequent
 * `maxTerms`.
 */
function selectColumns(src: SourceData, maxTerms: number): { data: (number | null)[][]; terms: string[]; tooRare: number; overMax: number } {
  const min = src.minRespondents ?? 1;
  const named = src.terms.map((_, j) => src.data.filter((row) => (row[j] ?? 0) > 0).length);
  const notNamed = src.terms.map((_, j) => src.data.filter((row) => row[j] === 0).length);
  let cols = src.terms.map((_, j) => j);
  if (src.minRespondents !== undefined) cols = cols.filter((j) => named[j]! >= min && notNamed[j]! >= min);
  const varying = usableColumns(src.data.map((row) => cols.map((j) => row[j]!)), cols.map((j) => src.terms[j]!));
  const kept = cols.filter((j) => varying.terms.includes(src.terms[j]!));
  const tooRare = src.terms.length - kept.length;
  // Most frequent first (for ratings: as rated), capped.
  const ordered = src.minRespondents !== undefined ? [...kept].sort((a, b) => named[b]! - named[a]! || a - b) : kept;
  const final = ordered.slice(0, maxTerms).sort((a, b) => a - b);
  return { data: src.data.map((row) => final.map((j) => row[j]!)), terms: final.map((j) => src.terms[j]!), tooRare, overMax: ordered.length - final.length };
}

export async function buildTaxonomy(engine: Engine, config: StudyConfig, log: (m: string) => void = () => {}): Promise<TaxonomyResult> {
  const store = engine.store;
  const tx = config.taxonomy;
  const source = tx.source;
  const enforce = tx.enforce_adequacy;
  const warnings: string[] = [];
  const ratingsExist = hasRatings(store);
  const ratings = ratingsExist ? ratingMatrix(store) : undefined;
  let src: SourceData;
  if (source === 'ratings') {
    if (!ratings) throw new InputError('taxonomy: no ratings in the run database; run the rate stage first (or set taxonomy.source: elicitation, the default)');
    src = ratingsSource(ratings);
  } else {
    if (!store.hasTable('elicit_respondents')) throw new InputError('taxonomy: no elicitation in the run database; run the elicit stage first');
    const e = elicitationSource(store, config);
    if (!e) throw new InputError('taxonomy: no parsed elicitation answers in the run database; run the elicit stage first');
    src = e;
  }
  const lexicon = store.hasTable('lexicon') ? lexiconReduction(store, { minCount: config.elicit.min_count, minModels: config.elicit.min_models }) : { descriptors: 0, unique_terms: 0, lexicon_terms: 0, min_count: config.elicit.min_count, min_models: config.elicit.min_models };
  const cols = selectColumns(src, tx.max_terms);
  const correlation = tx.cor === 'auto' ? src.correlation : tx.cor;
  let data = cols.data;
  let terms = cols.terms;
  let lowMsa: TaxonomyReduction['low_msa'] = [];
  let kmoBefore: number | undefined;
  if (tx.min_msa > 0 && terms.length > 4) {
    try {
      // On Pearson correlations, as adequacy is judged (see discoverStructure).
      const pruned = pruneLowMsa(correlate('pearson', data), tx.min_msa);
      kmoBefore = pruned.kmoBefore;
      lowMsa = pruned.dropped.map((d) => ({ term: terms[d.index]!, msa: d.msa }));
      const keep = [...pruned.keep].sort((a, b) => a - b);
      data = data.map((row) => keep.map((j) => row[j]!));
      terms = keep.map((j) => terms[j]!);
    } catch (e) {
      warnings.push(`sampling adequacy per term not checked: ${(e as Error).message}`);
    }
  }
  const reduction: TaxonomyReduction = {
    ...lexicon,
    candidates: src.terms.length,
    ...(src.minRespondents !== undefined ? { min_respondents: src.minRespondents } : {}),
    too_rare: cols.tooRare,
    over_max: cols.overMax,
    max_terms: tx.max_terms,
    low_msa: lowMsa,
    min_msa: tx.min_msa,
    ...(kmoBefore !== undefined ? { kmo_before_msa: kmoBefore } : {}),
    analysed: terms.length,
  };
  const n = data.length;
  log(
    `taxonomy: ${src.unit.respondents} respondents (${src.unit.respondent}${src.unit.samples_per_respondent ? `, ${src.unit.samples_per_respondent} samples each aggregated` : ''}) from ${src.unit.models} models; ` +
      `${reduction.descriptors} descriptors -> ${reduction.unique_terms} unique terms -> ${reduction.lexicon_terms} in the lexicon -> ${reduction.analysed} analysed`,
  );
  const base = { source, correlation, respondents: n, unit: src.unit, reduction, terms };
  if (terms.length < 4) {
    const reason = `only ${terms.length} terms are named often enough to be analysed (factor analysis needs at least 4)`;
    if (enforce) throw new InputError(`taxonomy: ${reason}; collect more answers or relax elicit.min_count/min_models and taxonomy.min_share, or set taxonomy.enforce_adequacy: false to complete without a structure`);
    return emptyResult(config, base, reason, warnings);
  }
  if (n < terms.length) warnings.push(`fewer respondents (${n}) than terms (${terms.length}): estimates are unstable; add models or prompts`);
  const structureOpts = { cor: correlation, factors: tx.factors, fm: tx.fm, rotate: tx.rotate, threshold: tx.threshold, seed: tx.seed, enforceAdequacy: enforce, paIter: tx.pa_iter };
  // Refused before the work starts, not ended by an out-of-memory abort (lower the lexicon's size
  // with elicit.min_count / min_models, taxonomy.max_terms or rate.max_terms).
  requireMemory('taxonomy', `factor analysis of ${terms.length} terms x ${n} respondents`, statsJobBytes('efa', { n, p: terms.length }));
  let found: Structure;
  const t0 = Date.now();
  const elapsed = (): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  try {
    found = discoverStructure(data, terms, structureOpts);
    log(`taxonomy: ${found.nfactors} factors by parallel analysis (${found.factorCount.iter} permutation nulls, ${correlation}) [${elapsed()}]`);
  } catch (e) {
    if (enforce || !(e instanceof Error)) throw e;
    return emptyResult(config, base, `the factor analysis could not run: ${e.message}`, warnings);
  }
  warnings.push(...found.warnings);
  const adequacyNote = found.adequate ? '' : `${adequacyMessage(found.adequacy.overall, found.sphericity.p)}; `;
  if (found.nfactors === 0 || !found.res) {
    const reason = `${adequacyNote}no factor's eigenvalue exceeds the ${Math.round(100 * found.factorCount.quantile)}th percentile of ${found.factorCount.iter} permutation nulls: the terms go together no more than chance would make them`;
    return { ...emptyResult(config, base, reason, warnings), adequate: found.adequate, kmo: found.adequacy.overall, bartlett: found.sphericity, factor_count: found.factorCount, scree: screeOf(found) };
  }
  if (!found.adequate) warnings.push(`the structure is reported although ${adequacyMessage(found.adequacy.overall, found.sphericity.p)} (taxonomy.enforce_adequacy: false): treat it as weak`);
  const res = found.res;
  const { nfactors, members, r } = found;

  let embedder: Embedder | undefined;
  try {
    embedder = createEmbedder(config.embedding);
  } catch (e) {
    warnings.push(`subdimensions and the overlap with Schwartz's values skipped: ${(e as Error).message}`);
  }
  const judge = judgesOf(config)[0];
  const dimensions: TaxonomyDimension[] = [];
  const alpha: Record<string, number> = {};
  const omega: Record<string, number> = {};
  const subdimensions: TaxonomyResult['subdimensions'] = [];
  let naming: 'judge' | 'top-words' = 'top-words';
  let namingJudge: JudgeFingerprint | undefined;
  const ids: string[] = [];
  for (let k = 0; k < nfactors; k++) {
    const id = `dim${k + 1}`;
    ids.push(id);
    const items = [...members[k]!].sort((a, b) => Math.abs(res.loadings[b]![k]!) - Math.abs(res.loadings[a]![k]!));
    if (items.length === 0) continue;
    const words = items.map((i) => terms[i]!);
    const loads = items.map((i) => res.loadings[i]![k]!);
    const named = await nameDimension(engine, judge, words, { loadings: loads }, log);
    // Two dimensions may get the same name from a judge; a reader must still tell them apart.
    const taken = dimensions.filter((d) => d.parent === null && (d.label === named.label || d.label.startsWith(`${named.label} (`))).length;
    if (taken > 0) named.label = `${named.label} (${taken + 1})`;
    naming = named.by === 'judge' ? 'judge' : naming;
    if (named.fingerprint) namingJudge = named.fingerprint;
    dimensions.push({ id, label: named.label, definition: named.definition, examples: words.slice(0, 5), parent: null, loadings: Object.fromEntries(items.map((i) => [terms[i]!, res.loadings[i]![k]!])) });
    if (items.length >= 2) {
      // Negatively loading words are reversed, as the factor defines them.
      const keys = items.map((i) => (res.loadings[i]![k]! < 0 ? -1 : 1));
      try {
        alpha[id] = cronbachAlpha(data.map((row) => items.map((i) => row[i]!)), { keys }).total.rawAlpha;
        const w = dimensionOmega(r, items);
        if (w !== null) omega[id] = w;
      } catch (e) {
        warnings.push(`reliability of ${id}: ${(e as Error).message}`);
      }
    }
    if (embedder && tx.subdimensions !== 'none') {
      try {
        const split = splitDimension(words, await embedder.embed(words), tx.subdimensions, tx.seed);
        subdimensions.push({ dimension: id, k: split.k, rule: split.rule });
        for (const [c, sub] of split.clusters.entries()) {
          const subLoads = sub.map((w) => res.loadings[terms.indexOf(w)]![k]!);
          const subNamed = await nameDimension(engine, judge, sub, { loadings: subLoads, within: named.label }, log);
          dimensions.push({ id: `${id}.${c + 1}`, label: subNamed.label, definition: subNamed.definition, examples: sub.slice(0, 5), parent: id, loadings: Object.fromEntries(sub.map((w, i) => [w, subLoads[i]!])) });
        }
      } catch (e) {
        warnings.push(`subdimensions of ${id} skipped: ${(e as Error).message}`);
      }
    }
  }
  const roots = dimensions.filter((d) => d.parent === null);

  let schwartzOverlap: TaxonomyResult['schwartz_overlap'];
  if (embedder) {
    try {
      schwartzOverlap = await overlapWithSchwartz(embedder, roots);
    } catch (e) {
      warnings.push(`overlap with Schwartz's values skipped: ${(e as Error).message}`);
    }
  }
  let comparison: TaxonomyResult['comparison'];
  if (tx.compare) comparison = compareSystems(roots, tx.compare);

  // Integer categories (counts, any-mention, Likert) are ordinal: their CFA is WLSMV.
  const ordinal = data.every((row) => row.every((v) => v === null || Number.isInteger(v)));
  const groups = members.map((g, k) => [...g].sort((a, b) => Math.abs(res.loadings[b]![k]!) - Math.abs(res.loadings[a]![k]!))).filter((g) => g.length > 0);
  let ordinalFit: OrdinalFit | null = null;
  let ordinalFitError: string | undefined;
  if (ordinal) {
    try {
      ordinalFit = ordinalCfa(data, terms, groups);
    } catch (e) {
      ordinalFitError = (e as Error).message;
    }
  }
  log(`taxonomy: dimensions named, subdimensions found, in-sample CFA done [${elapsed()}]`);
  const validated = validateByModels({ data, terms, rowModels: src.rowModels, loadings: res.loadings, dimensionIds: ids, cor: correlation, fm: tx.fm, rotate: tx.rotate, threshold: tx.threshold, folds: tx.folds, seed: tx.seed, ordinal });
  const validation = typeof validated === 'string' ? null : validated;
  if (typeof validated === 'string') warnings.push(validated);

  log(`taxonomy: validation on held-out models done [${elapsed()}]`);
  let schwartzFit: TaxonomyResult['schwartz_fit'];
  if (embedder && ordinal) schwartzFit = await fitSchwartz(embedder, data, terms, warnings);

  const sources = tx.compare_sources ? otherSource(store, config, source, ratings, roots, correlation, warnings) : undefined;
  const style = ratings ? ratingsStyle(ratings, roots, tx, warnings, source === 'ratings' ? nfactors : sources?.nfactors) : undefined;
  log(`taxonomy: the other source and the response style done [${elapsed()}]`);
  let retest: RetestResult | undefined;
  if (ratings && ratingMatrix(store, 2).respondents.length > 0) {
    retest = retestStability(ratings, ratingMatrix(store, 2), roots, ratings.scale);
    warnings.push(...retest.warnings);
  }

  const system: ValueSystemFile = { name: `${config.name}-taxonomy`, source, dimensions };
  return {
    system,
    ...base,
    status: 'ok',
    adequate: found.adequate,
    nfactors,
    kmo: found.adequacy.overall,
    bartlett: found.sphericity,
    scree: screeOf(found),
    factor_count: found.factorCount,
    loadings: res.loadings,
    phi: res.phi,
    alpha,
    omega,
    subdimensions,
    ...(schwartzOverlap ? { schwartz_overlap: schwartzOverlap } : {}),
    ...(comparison ? { comparison } : {}),
    cross_loadings: found.crossLoadings,
    unassigned: found.unassigned,
    naming,
    ...(namingJudge ? { naming_judge: namingJudge } : {}),
    ordinal_fit: ordinalFit,
    ...(ordinalFitError ? { ordinal_fit_error: ordinalFitError } : {}),
    validation,
    ...(typeof validated === 'string' ? { validation_note: validated } : {}),
    ...(schwartzFit ? { schwartz_fit: schwartzFit } : {}),
    ...(sources ? { sources } : {}),
    ...(style ? { response_style: style } : {}),
    ...(retest ? { retest } : {}),
    warnings,
  };
}

function screeOf(found: Structure): TaxonomyResult['scree'] {
  return { observed: found.factorCount.scree.map((s) => s.fa), parallel: found.factorCount.scree.map((s) => s.faThreshold) };
}

/** A result without dimensions: what was analysed, and why no structure is claimed. */
function emptyResult(
  config: StudyConfig,
  base: Pick<TaxonomyResult, 'source' | 'correlation' | 'respondents' | 'unit' | 'reduction' | 'terms'>,
  reason: string,
  warnings: string[],
): TaxonomyResult {
  return {
    system: { name: `${config.name}-taxonomy`, source: base.source, dimensions: [] },
    ...base,
    status: 'no-structure',
    status_reason: reason,
    adequate: false,
    nfactors: 0,
    kmo: NaN,
    bartlett: { chisq: NaN, df: 0, p: NaN },
    scree: { observed: [], parallel: null },
    factor_count: { rule: 'not run', chosen: 0, parallel: 0, parallel_components: 0, map: null, map4: null, kaiser: 0, iter: 0, quantile: 0.95, correlation: base.correlation, scree: [] },
    loadings: [],
    phi: null,
    alpha: {},
    omega: {},
    subdimensions: [],
    cross_loadings: [],
    unassigned: [...base.terms],
    naming: 'top-words',
    validation: null,
    validation_note: 'no structure to validate',
    warnings: [...warnings, `no value structure: ${reason}`],
  };
}

/** Schwartz's structure on the same respondents: words grouped by their nearest Schwartz value (3+ words a value). */
async function fitSchwartz(embedder: Embedder, data: (number | null)[][], terms: readonly string[], warnings: string[]): Promise<TaxonomyResult['schwartz_fit']> {
  try {
    const nearest = await nearestSchwartz(embedder, terms);
    const byValue = groupBy(nearest.map((_, i) => i), (i) => nearest[i]!);
    // Three indicators per factor keep each factor identified on its own.
    const sFactors = [...byValue.entries()].filter(([, items]) => items.length >= 3);
    if (sFactors.length < 2) {
      warnings.push("Schwartz's structure not fitted: fewer than two Schwartz values have three or more of the analysed words");
      return undefined;
    }
    const factors = Object.fromEntries(sFactors.map(([name, items]) => [name, items.map((i) => terms[i]!)]));
    try {
      return { factors, fit: ordinalCfa(data, terms, sFactors.map(([, items]) => items)) };
    } catch (e) {
      // A structure the data cannot support is itself the comparison's answer.
      return { factors, fit: null, error: (e as Error).message };
    }
  } catch (e) {
    warnings.push(`Schwartz's structure not fitted: ${(e as Error).message}`);
    return undefined;
  }
}

/**
 * The other source factored on its own (own parallel analysis), on the terms both share, and
 * each dimension's congruence with its matched factor there. Agreement between two methods is
 * evidence; disagreement is a finding to show.
 */
function otherSource(
  store: RunStore,
  config: StudyConfig,
  source: 'ratings' | 'elicitation',
  ratings: RatingMatrix | undefined,
  roots: readonly TaxonomyDimension[],
  correlation: CorrelationKind,
  warnings: string[],
): SourceAgreement | undefined {
  const otherName = source === 'ratings' ? 'elicitation' : 'ratings';
  const other = otherName === 'ratings' ? (ratings ? ratingsSource(ratings) : undefined) : store.hasTable('elicit_respondents') ? elicitationSource(store, config) : undefined;
  if (!other || other.data.length === 0) return undefined;
  const words = new Set(roots.flatMap((d) => Object.keys(d.loadings)));
  const cols = selectColumns(other, config.taxonomy.max_terms);
  const keep = cols.terms.map((t, j) => [t, j] as const).filter(([t]) => words.has(t));
  const out: SourceAgreement = { other: otherName, shared_terms: keep.length, nfactors: 0, pairs: roots.map((d) => ({ dimension: d.id, other_factor: null, congruence: null })), mean_congruence: null };
  if (keep.length < 4) return { ...out, note: `only ${keep.length} of the taxonomy's words can be analysed in the ${otherName} too` };
  try {
    const tx = config.taxonomy;
    const sub = cols.data.map((row) => keep.map(([, j]) => row[j]!));
    const s = discoverStructure(sub, keep.map(([t]) => t), { cor: tx.cor === 'auto' ? other.correlation : correlation, factors: 'auto', fm: tx.fm, rotate: tx.rotate, threshold: tx.threshold, seed: tx.seed, enforceAdequacy: false, paIter: tx.pa_iter });
    out.nfactors = s.nfactors;
    if (!s.res) return { ...out, note: `the ${otherName} show no structure beyond chance on these words` };
    const mine = keep.map(([t]) => roots.map((d) => d.loadings[t] ?? 0));
    const m = matchFactors(mine, s.res.loadings);
    out.pairs = roots.map((d, i) => ({ dimension: d.id, other_factor: m.match[i]! >= 0 ? m.match[i]! + 1 : null, congruence: m.match[i]! >= 0 ? m.congruence[i]! : null }));
    const cs = out.pairs.map((p) => p.congruence).filter((c): c is number => c !== null);
    out.mean_congruence = cs.length > 0 ? cs.reduce((a, b) => a + b, 0) / cs.length : null;
    return out;
  } catch (e) {
    warnings.push(`agreement with the ${otherName}: ${(e as Error).message}`);
    return { ...out, note: (e as Error).message };
  }
}

/** Acquiescence and straight-lining per model, the style's share of between-model variance, and the ipsatized structure. */
function ratingsStyle(ratings: RatingMatrix, roots: readonly TaxonomyDimension[], tx: StudyConfig['taxonomy'], warnings: string[], rawFactors: number | undefined): ResponseStyleReport | undefined {
  const items = [...ratings.terms.map((t) => ({ item: t, kind: 'lexicon' as const, reverses: null })), ...ratings.styleItems];
  const matrix = ratings.matrix.map((row, i) => [...row, ...ratings.styleMatrix[i]!]);
  const style = responseStyle(matrix, items, ratings.respondents, ratings.scale);
  const models = style.models.map((m) => m.model);
  const scores = modelDimensionScores(ratings, roots, ratings.scale, models);
  const allItems = { id: 'all', loadings: Object.fromEntries(ratings.terms.map((t) => [t, 1])) };
  const overall = modelDimensionScores(ratings, [allItems], ratings.scale, models);
  const report: ResponseStyleReport = {
    scale: ratings.scale,
    pairs: style.pairs,
    items: ratings.styleItems,
    models: style.models,
    variance_explained: style.pairs > 0 ? styleVarianceExplained({ ...overall, ...scores }, style.models.map((m) => m.acquiescence)) : [],
  };
  if (style.pairs === 0) warnings.push('no response-style items were rated (rate.style_items: 0, or an older run): acquiescence cannot be separated from the values');
  // The ratings' structure, raw and ipsatized: how much of it is a uniform shift per respondent.
  try {
    const src = ratingsSource(ratings);
    const cols = selectColumns(src, tx.max_terms);
    const opts = { factors: 'auto' as const, fm: tx.fm, rotate: tx.rotate, threshold: tx.threshold, seed: tx.seed, enforceAdequacy: false, paIter: tx.pa_iter };
    if (rawFactors !== undefined) report.raw_nfactors = rawFactors;
    // Centred on the mean over every item the respondent rated, style items included: centring on
    // the analysed items alone makes every row sum to zero and the correlation matrix singular.
    const centred = ipsatize(matrix);
    const colOf = new Map(ratings.terms.map((t, j) => [t, j]));
    const ips = discoverStructure(centred.map((row) => cols.terms.map((t) => row[colOf.get(t)!]!)), cols.terms, { ...opts, cor: 'pearson' });
    const words = cols.terms;
    const mine = words.map((t) => roots.map((d) => d.loadings[t] ?? 0));
    const usable = roots.map((_, k) => mine.some((row) => row[k] !== 0));
    let congruence: Array<{ dimension: string; congruence: number | null }> = roots.map((d) => ({ dimension: d.id, congruence: null }));
    if (ips.res && usable.every(Boolean)) {
      const m = matchFactors(mine, ips.res.loadings);
      congruence = roots.map((d, i) => ({ dimension: d.id, congruence: m.match[i]! >= 0 ? m.congruence[i]! : null }));
    }
    report.ipsatized = { nfactors: ips.nfactors, parallel: ips.factorCount.parallel, congruence };
  } catch (e) {
    report.ipsatized = { nfactors: 0, parallel: 0, congruence: [], error: (e as Error).message };
  }
  return report;
}

export function saveTaxonomy(store: RunStore, result: TaxonomyResult): string {
  replaceDimensions(
    store,
    result.system.dimensions.map((d) => ({ id: d.id, label: d.label, parent: d.parent, definition: d.definition, words: JSON.stringify(Object.keys(d.loadings)), loadings: JSON.stringify(d.loadings) })),
  );
  store.setMetaJson('taxonomy', result);
  const file = join(store.dir, 'taxonomy.yaml');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `# Value system discovered by valuelex taxonomy (${result.source}, ${result.correlation} correlations).\n${stringify(result.system)}`);
  return file;
}

/** The taxonomy of a run (for projective tests, evaluators and the report), if one was built. */
export function loadTaxonomy(store: RunStore): TaxonomyResult | undefined {
  return store.getMetaJson<TaxonomyResult>('taxonomy');
}

export interface TaxonomySummary extends StageSummary {
  source: string;
  status: TaxonomyResult['status'];
  status_reason?: string;
  unit: TaxonomyUnit;
  reduction: TaxonomyReduction;
  nfactors: number;
  factor_count: Omit<FactorCountSummary, 'scree'>;
  dimensions: Array<{ id: string; label: string; words: string[] }>;
  kmo: number;
  held_out?: ModelValidation['pooled'] & { k: number };
  file: string;
}

const f2 = (v: number | null | undefined): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(2) : 'n/a');

/** The terminal's account of a taxonomy, in the paper's terms. */
export function describeTaxonomy(summary: StageSummary): string {
  const s = summary as TaxonomySummary;
  if (!s.unit) return `taxonomy: ${String(s.nfactors)} dimensions`;
  const u = s.unit;
  const r = s.reduction;
  const rel = u.row_reliability ? `; within-respondent agreement across samples (Jaccard) median ${f2(u.row_reliability.median)} [${f2(u.row_reliability.q1)}, ${f2(u.row_reliability.q3)}]` : '';
  const lines = [
    `taxonomy (${s.source}): ${u.respondents} respondents = ${u.respondent}${u.prompts ? ` (${u.models} models x ${u.prompts} prompts)` : ` (${u.models} models)`}${u.samples_per_respondent ? `, up to ${u.samples_per_respondent} samples each aggregated as ${u.cells === 'any' ? 'named at all' : 'counts'}` : ''}${rel}`,
    `  reduction: ${r.descriptors} descriptors -> ${r.unique_terms} unique terms -> ${r.lexicon_terms} in the lexicon (min_count ${r.min_count}, min_models ${r.min_models}) -> ${r.analysed} analysed${r.min_respondents ? ` (named by >= ${r.min_respondents} respondents` : ' ('}${r.low_msa?.length ? `; ${r.low_msa.length} dropped for MSA < ${r.min_msa}: ${r.low_msa.slice(0, 6).map((x) => x.term).join(', ')}` : ''})`.replace(' ()', ''),
  ];
  const fc = s.factor_count;
  if (fc && fc.iter > 0) lines.push(`  factors: ${fc.chosen} (parallel analysis, permutation null of ${fc.iter}: ${fc.parallel}; MAP: ${fc.map ?? 'n/a'}; eigenvalues > 1: ${fc.kaiser}); KMO ${f2(s.kmo)}`);
  if (s.status !== 'ok') lines.push(`  no value structure is claimed: ${s.status_reason ?? ''}`);
  for (const d of s.dimensions) lines.push(`  ${d.id} ${d.label}: ${d.words.join(', ')}`);
  const h = s.held_out;
  if (h) lines.push(`  held-out models (${h.k}-fold): congruence mean ${f2(h.congruence_mean)} (min ${f2(h.congruence_min)}); WLSMV CFA on ${h.cfa_folds} folds: CFI ${f2(h.cfi_scaled)}, RMSEA ${f2(h.rmsea_scaled)}, SRMR ${f2(h.srmr)}`);
  return lines.join('\n');
}

export const taxonomyStage: StageDefinition = {
  name: 'taxonomy',
  description: "factor analysis of the paper's respondent x term matrix (or the ratings) into a value system",
  // The ratings feed the second source, the response style and the retest, so their settings count too.
  configOf: (config) => ({ taxonomy: config.taxonomy, embedding: config.embedding, filters: { min_count: config.elicit.min_count, min_models: config.elicit.min_models }, rate: config.rate }),
  run: async ({ engine, config, log }) => {
    const result = await buildTaxonomy(engine, config, log);
    const file = saveTaxonomy(engine.store, result);
    for (const w of result.warnings) log(`taxonomy: ${w}`);
    const { scree: _scree, ...factorCount } = result.factor_count;
    void _scree;
    const summary: TaxonomySummary = {
      source: result.source,
      status: result.status,
      ...(result.status_reason ? { status_reason: result.status_reason } : {}),
      unit: result.unit,
      reduction: result.reduction,
      nfactors: result.nfactors,
      factor_count: factorCount,
      kmo: Number(result.kmo.toFixed(3)),
      dimensions: result.system.dimensions.filter((d) => d.parent === null).map((d) => ({ id: d.id, label: d.label, words: Object.keys(d.loadings).slice(0, 6) })),
      ...(result.validation ? { held_out: { ...result.validation.pooled, k: result.validation.k } } : {}),
      file,
    };
    log(describeTaxonomy(summary));
    return summary;
  },
  describe: describeTaxonomy,
};
