/**
 * The report model: everything a report shows, as plain typed data, built from the run database
 * by the sections of ./sections/index.ts in order. Its JSON form is a contract (`valuelex report
 * --format json`, README "Commands"); sections a run did not produce are absent.
 */
import type { AlignSummary } from '../evaluation/align.js';
import type { ValueAnalysis } from '../evaluation/analysis.js';
import type { CostSummary, RunStore, StageRunRow } from '../store/store.js';
import type { ComparisonFamilySummary, DimensionVariance, ProfileRow, RetestResult, TagComparison } from '../study/stages/projective/analysis.js';
import type { JudgeQuality } from '../study/stages/projective/judge-quality.js';
import type { JudgeAgreement } from '../study/stages/projective/stage.js';
import type { MtmmReport } from '../study/mtmm.js';
import type { PlantedVsRecovered } from '../study/planted.js';
import type { ChoicesResult } from '../study/stages/choices/stage.js';
import type { TaxonomyResult } from '../study/stages/taxonomy/stage.js';

export interface ReportContext {
  population?: string;
  populationDescription?: string;
}

export interface CostSection {
  requests: number;
  cached: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  per_model: CostSummary[];
}

export interface LexiconReportRow {
  descriptor: string;
  count: number;
  models: number;
  per_model: Record<string, number>;
}

export interface TaxonomyReportDimension {
  id: string;
  label: string;
  parent: string | null;
  words: string[];
  loadings: Record<string, number>;
  definition: string;
}

export interface TaxonomySection
  extends Pick<TaxonomyResult, 'nfactors' | 'kmo' | 'alpha' | 'source' | 'correlation' | 'bartlett' | 'scree' | 'validation' | 'cross_loadings'>,
    Partial<Pick<TaxonomyResult, 'status' | 'status_reason' | 'adequate' | 'unit' | 'reduction' | 'factor_count' | 'subdimensions' | 'ordinal_fit' | 'ordinal_fit_error' | 'validation_note' | 'schwartz_fit' | 'sources' | 'response_style' | 'retest' | 'unassigned' | 'warnings'>> {
  dimensions: TaxonomyReportDimension[];
  omega?: TaxonomyResult['omega'];
  schwartz_overlap?: TaxonomyResult['schwartz_overlap'];
  comparison?: TaxonomyResult['comparison'];
}

/** Forced choices (`choices` stage): the JSON contract is `choices: {priorities, consistency, position_bias, intransitivity}`; the rest is provenance. */
export type ChoicesSection = Pick<ChoicesResult, 'system' | 'framings' | 'samples' | 'priorities' | 'fits' | 'consistency' | 'position_bias' | 'intransitivity' | 'answers' | 'dilemmas' | 'generator' | 'verifier'> & {
  dimensions: Array<{ id: string; label: string }>;
  /** The dilemmas the models answered (generated text: untrusted, escaped wherever shown). */
  items: Array<{ id: string; value_a: string; value_b: string; template: string; setting: string; dilemma: string; option_a: string; option_b: string }>;
};

export interface ReportModel {
  study: string;
  models: string[];
  /** Models and judges answered by a simulated population (synthetic, never evidence about real models). */
  simulated_models?: string[];
  /** Why each simulated model is labelled so: its provider is the simulator, or its server declared it. */
  simulation_evidence?: Record<string, { source: 'provider' | 'server'; detail: string }>;
  population?: string;
  cost: CostSection;
  lexicon?: LexiconReportRow[];
  taxonomy?: TaxonomySection;
  profiles?: ProfileRow[];
  profile_system?: string;
  profile_dimensions?: Array<{ id: string; label: string }>;
  /** Group comparisons by model tags: one observation per model (`unit`), with `n_a`, `n_b`, `p_min`; `p` null when no test is possible. */
  comparisons?: TagComparison[];
  /** The family the comparisons' p-values were adjusted in, and how. */
  comparison_family?: ComparisonFamilySummary;
  /** Per dimension: variance of single scores between models, items, model x item and samples; the between-model ICC. */
  variance_components?: DimensionVariance[];
  /** Test-retest across two independent administrations (projective.retest: true). */
  retest?: RetestResult;
  judge_agreement?: Record<string, JudgeAgreement> | null;
  judges?: Array<Record<string, unknown>>;
  judge_quality?: JudgeQuality;
  choices?: ChoicesSection;
  /** Stated against revealed values: the multitrait-multimethod matrix over every method the run used. */
  mtmm?: MtmmReport;
  value_vectors?: ValueAnalysis;
  align?: AlignSummary[];
  /**
   * SIMULATED runs only (every model simulated, planted truth known): what the method recovered of
   * the planted structure, profiles and null; a test of the method, never evidence about models.
   */
  planted_vs_recovered?: PlantedVsRecovered;
  /** Provenance: every stage run with the configuration it ran with. */
  stages?: StageRunRow[];
}

/** The keys a section contributes (in its order), or undefined when the run has no such result. */
export type SectionPart = Partial<Omit<ReportModel, 'study' | 'models' | 'simulated_models' | 'simulation_evidence' | 'population' | 'cost'>>;

export interface ReportSection {
  name: string;
  build(store: RunStore): SectionPart | undefined;
}
