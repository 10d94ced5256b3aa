/**
 * The report model: everything a report shows, as plain typed data, built from the run database
 * by the sections of ./sections/index.ts in order. Its JSON form is a contract (`valuelex report
 * --format json`, README "Commands"); sections a run did not produce are absent.
 */
import type { AlignSummary } from '../evaluation/align.js';
import type { ValueAnalysis } from '../evaluation/analysis.js';
import type { CostSummary, RunStore, StageRunRow } from '../store/store.js';
import type { GroupComparison, JudgeQuality, ProfileRow, RetestRow } from '../study/stages/projective/stage.js';
import type { MtmmReport } from '../study/mtmm.js';
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

export interface TaxonomySection extends Pick<TaxonomyResult, 'nfactors' | 'kmo' | 'alpha' | 'source' | 'correlation' | 'bartlett' | 'scree' | 'validation' | 'cross_loadings'> {
  dimensions: TaxonomyReportDimension[];
  /** Not carried into the report yet (the HTML's reliability table leaves their columns empty). */
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
  simulated_models?: string[];
  population?: string;
  cost: CostSection;
  lexicon?: LexiconReportRow[];
  taxonomy?: TaxonomySection;
  profiles?: ProfileRow[];
  profile_system?: string;
  profile_dimensions?: Array<{ id: string; label: string }>;
  comparisons?: GroupComparison[];
  judge_agreement?: Record<string, number> | null;
  judges?: Array<Record<string, unknown>>;
  judge_quality?: JudgeQuality;
  test_retest?: RetestRow[];
  choices?: ChoicesSection;
  /** Stated against revealed values: the multitrait-multimethod matrix over every method the run used. */
  mtmm?: MtmmReport;
  value_vectors?: ValueAnalysis;
  align?: AlignSummary[];
  /** Provenance: every stage run with the configuration it ran with. */
  stages?: StageRunRow[];
}

/** The keys a section contributes (in its order), or undefined when the run has no such result. */
export type SectionPart = Partial<Omit<ReportModel, 'study' | 'models' | 'simulated_models' | 'population' | 'cost'>>;

export interface ReportSection {
  name: string;
  build(store: RunStore): SectionPart | undefined;
}
