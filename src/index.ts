/**
 * The ValueLex library API. The CLI is a thin layer over these exports.
 */
export * from './engine/types.js';
export { Engine, EngineError, renderChatAsPrompt } from './engine/engine.js';
export type { EngineRequest, EngineResult, EngineOptions, ParsedResult } from './engine/engine.js';
export { createProvider, registerProviderFactory } from './engine/providers/index.js';
export { startSimServer, type SimServer, type FaultPlan } from './sim/server.js';
export { DEFAULT_POPULATION, PLANTED_DIMENSIONS, type SimModel } from './sim/population.js';
export { registerSimResponder, type SimResponder, type SimContext } from './sim/responder.js';
export { redactSecrets } from './core/secrets.js';
export { RunStore, type CostSummary } from './store/store.js';
export * from './config/schema.js';
export { InputError } from './core/errors.js';
export { loadConfigFile, loadStudyConfig, parseConfigText } from './config/load.js';
export { loadStudy, type LoadedStudy } from './config/study.js';
export { runConfig, runStudyFile, type RunOptions, type RunResult } from './valuelex/runner.js';
export { registerStage, runStage, runStudy, STAGE_ORDER, type StageDefinition, type StageContext } from './study/run.js';
export { detectPopulation, demoStudy, registerDemoPopulation, type DemoPopulation } from './study/demo.js';
export { buildReportModel, registerReportSection, type ReportModel } from './report/model.js';
export * from './study/stages/elicit/stage.js';
export * from './study/stages/elicit/lexicon.js';
export * from './study/stages/elicit/prompts.js';
export * from './text/parse.js';
export * from './text/normalize.js';
export { isRefusal, isNonEnglish } from './text/refusal.js';
export * from './embed/index.js';
// Value evaluation (FULCRA), alignment and the judge.
export * from './values/pairs.js';
export * from './evaluation/dataset.js';
export * from './evaluation/evaluate.js';
export * from './evaluation/classifier.js';
export * from './evaluation/analysis.js';
export * from './evaluation/align.js';
export * from './judge/judge.js';
export * from './judge/calibrate-judge.js';
export * from './judge/checks.js';
export { nameWithJudge, NAMING_TEMPLATE_VERSION } from './judge/naming.js';
export { runProjective, computeProfiles, loadProfiles, loadItemBank, resolveValueSystem, readImportedCompletions, type ProjectiveResult, type JudgeQuality, type ValueSystem, type ItemBank } from './study/stages/projective/stage.js';
export { buildTaxonomy, discoverStructure, dimensionOmega, overlapWithSchwartz, nearestSchwartz, compareSystems, loadTaxonomy, type TaxonomyResult } from './study/stages/taxonomy/stage.js';
export { ratingMatrix, parseRatings } from './study/stages/rate/stage.js';
export { isPostgresUrl, redactUrl } from './store/store.js';
