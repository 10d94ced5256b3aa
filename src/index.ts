/**
 * The ValueLex library API. The CLI is a thin layer over these exports.
 */
export * from './engine/types.js';
export { Engine, EngineError, renderChatAsPrompt } from './engine/engine.js';
export type { EngineRequest, EngineResult, EngineOptions, ParsedResult } from './engine/engine.js';
export { createProvider, registerProviderFactory } from './engine/providers/index.js';
export { startSimServer, type SimServer, type FaultPlan } from './engine/simulated/server.js';
export { DEFAULT_POPULATION, PLANTED_DIMENSIONS, type SimModel } from './engine/simulated/population.js';
export { registerSimResponder, type SimResponder, type SimContext } from './engine/simulated/registry.js';
export { redactSecrets } from './engine/secrets.js';
export { RunStore, type CostSummary } from './store/store.js';
export * from './config/schema.js';
export { InputError, loadConfigFile, loadStudyConfig, parseConfigText } from './config/load.js';
export { loadStudy, type LoadedStudy } from './config/study.js';
export { runConfig, runStudyFile, type RunOptions, type RunResult } from './valuelex/runner.js';
export { registerStage, runStage, runStudy, STAGE_ORDER, type StageDefinition, type StageContext } from './valuelex/pipeline.js';
export { detectPopulation, demoStudy, registerDemoPopulation, type DemoPopulation } from './valuelex/demo.js';
export { buildReportModel, registerReportSection, type ReportModel } from './report/model.js';
export * from './valuelex/elicit.js';
export * from './valuelex/lexicon.js';
export * from './valuelex/prompts.js';
export * from './text/parse.js';
export * from './text/normalize.js';
export { isRefusal, isNonEnglish } from './text/refusal.js';
export * from './embed/index.js';
// Value evaluation (FULCRA), alignment and the judge.
export * from './fulcra/dataset.js';
export * from './fulcra/tooling.js';
export * from './fulcra/evaluate.js';
export * from './fulcra/classifier.js';
export * from './fulcra/analysis.js';
export * from './fulcra/align.js';
export * from './judge/judge.js';
export * from './judge/calibration.js';
export * from './judge/checks.js';
export { nameWithJudge, NAMING_TEMPLATE_VERSION } from './judge/naming.js';
export { runProjective, computeProfiles, loadProfiles, loadItemBank, resolveValueSystem, readImportedCompletions, type ProjectiveResult, type JudgeQuality, type ValueSystem, type ItemBank } from './valuelex/projective.js';
export { buildTaxonomy, discoverStructure, dimensionOmega, overlapWithSchwartz, nearestSchwartz, compareSystems, loadTaxonomy, type TaxonomyResult } from './valuelex/taxonomy.js';
export { ratingMatrix, parseRatings } from './valuelex/rate.js';
export { isPostgresUrl, redactUrl } from './store/store.js';
