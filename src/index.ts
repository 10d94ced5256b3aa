/**
 * The ValueLex library API, name by name (the command line is a thin layer over it; statistics
 * alone are `valuelex/stats`). This module is also the library's composition root: it is the one
 * place outside src/sim and the command line that hands out the simulated population.
 * etc/valuelex.api.md records this API; `npm run api` checks it.
 */

// core
export { InputError } from './core/errors.js';
export { redactSecrets } from './core/secrets.js';
export { terminalSafe } from './core/terminal.js';
export { readTextFile, readTextLines } from './core/text-file.js';

// values
export { SCHWARTZ_VALUES, schwartzSystem, schwartzValues, type SchwartzValue } from './values/schwartz.js';
export { leafSystem, loadValueSystem, valueSystemSchema, type ValueDimension, type ValueSystem } from './values/value-system.js';
export { FULCRA_REWARD_ORDER, fromFulcra, fromFulcraScored, readPairs, sourceFromFileName, streamPairs, type ImportIssue, type PairFormat, type ValuePair } from './values/pairs.js';

// config
export {
  choicesConfigSchema,
  elicitConfigSchema,
  embeddingConfigSchema,
  modelConfigSchema,
  projectiveConfigSchema,
  CONFIG_LIMITS,
  providerNames,
  rateConfigSchema,
  studyConfigSchema,
  taxonomyConfigSchema,
  type ModelConfig,
  type ModelConfigInput,
  type StudyConfig,
  type StudyConfigInput,
} from './config/schema.js';
export { loadConfigFile, loadStudyConfig, parseConfigText } from './config/load.js';
export { loadStudy, type LoadedStudy } from './config/study.js';
export { inlineModel, judgeFromEnv } from './config/inline-model.js';

// text
export { answerText, itemHead, parseElicitation, type ItemReject, type ParsedItem, type ParsedResponse, type ResponseFormat, type ResponseReject } from './text/parse.js';
export { DescriptorNormalizer, normalizeDescriptor, termKey, type NormalizedDescriptor } from './text/normalize.js';
export { LemmaTable, type Lemma, type LemmaTableHeader } from './text/lemma-table.js';
export { declinesRequest, isNonEnglish, isRefusal } from './text/refusal.js';

// store
export { RunStore, isPostgresUrl, redactUrl, type CostSummary, type ModelRow, type OpenStoreOptions, type RunLockOptions, type SimulationEvidence, type StageRunRow } from './store/store.js';

// engine
export {
  declaresSimulation,
  ProviderError,
  SIMULATED_HEADER,
  type ChatMessage,
  type EmbeddingResponse,
  type GenerationParams,
  type JsonSchema,
  type ModelKind,
  type Provider,
  type ProviderRequest,
  type ProviderResponse,
  type Role,
  type TokenUsage,
} from './engine/types.js';
export { Engine, EngineError, MAX_ANSWER_CHARS, renderChatAsPrompt, type EngineOptions, type EngineRequest, type EngineResult, type ParsedResult } from './engine/engine.js';
export { createProvider, DEFAULT_PROVIDERS, type ProviderFactories, type ProviderFactory } from './engine/providers/index.js';

// embed
export { EmbeddingError, type EmbedReport, type Embedder, type TextEmbedding } from './embed/types.js';
export { convertWinkJson, defaultCacheDir, embedPhrase, ensureGloveCache, GLOVE_MEAN_ID, GLOVE_SIF_ID, GloveEmbedder, loadGlove, lookupWord, parseGloveBinary, tokenize, wordVariants, type GloveEmbedderOptions, type GloveLoadOptions, type PhraseOptions, type WordSource, type WordVectors } from './embed/glove.js';
export { OpenAIEmbedder, type OpenAIEmbedderOptions } from './embed/openai.js';
export { OllamaEmbedder, type OllamaEmbedderOptions } from './embed/ollama.js';
export { TransformersEmbedder, type TransformersEmbedderOptions } from './embed/transformers.js';
export { CachedEmbedder } from './embed/cache.js';
export { createEmbedder, embedderFromSpec, type EmbeddingConfig } from './embed/create.js';
export { checkVectors } from './embed/validate.js';

// sim: the simulated population, its server and its provider
export {
  DEFAULT_NOISE,
  DEFAULT_SEED,
  defaultPopulation,
  drawPopulation,
  itemEffects,
  plantedWord,
  plantedTruthOf,
  populationForSeed,
  resolveSimModel,
  respondentAcquiescence,
  respondentTraits,
  SIM_NOTICE,
  simModelId,
  TRAININGS,
  wordUtility,
  type GroupEffectSpec,
  type PlantedDimension,
  type PlantedGroupEffect,
  type ResolvedSimModel,
  type SimModel,
  type SimNoise,
  type SimPopulation,
  type SimPopulationOptions,
  type SimTruth,
  type Training,
} from './sim/population.js';
export { VALUE_WORD_FAMILIES, VALUE_WORD_POOL } from './sim/value-words.js';
export { expectedProjectiveScores, GULLIBLE_RATE } from './sim/responders/projective.js';
export { nameFromWords } from './sim/responders/naming.js';
export { startSimServer, type FaultPlan, type SimServer, type SimServerOptions } from './sim/server.js';
export { SIMULATED_PROVIDERS, SimulatedProvider, simulatedProviders } from './sim/provider.js';
export { noisySimulatedEvaluator, type NoisyEvaluatorOptions } from './sim/noisy-evaluator.js';
export type { SimContext, SimResponder } from './sim/responder.js';

// judge
export {
  JUDGE_TEMPLATE_VERSIONS,
  judgeConfigChange,
  judgeFingerprint,
  judgeJsonSchema,
  JUDGE_VARIANT_COUNT,
  judgePrompt,
  judgeStability,
  judgeText,
  majorityScores,
  parseJudgeScores,
  rubricHash,
  rubricText,
  sameJudgeConfig,
  type JudgeFingerprint,
  type JudgeRescore,
  type JudgeResult,
  type JudgeScore,
  type JudgeScores,
  type JudgeSettings,
  type JudgeStabilityOptions,
  type JudgeSubject,
} from './judge/judge.js';
export { calibratedMean, confusionRates, correctedDistribution, SCORE_LABELS, type CalibratedMean } from './judge/calibrate-judge.js';
export { combineJudges, flipRates, INJECTED_INSTRUCTION, injectionEffect, judgeStabilityOf, kappaOrNull, lengthBias, pairedShift, selfPreference, withInjection, type CorrelationEffect, type InjectionEffect, type InjectionPair, type FlipRates, type GroupEffect, type JudgeStability, type RepeatedScores, type RescoredUnit, type ShiftEffect, type StabilityStatus } from './judge/checks.js';
export { nameWithJudge, NAMING_TEMPLATE_VERSION } from './judge/naming.js';
export { ANSWER_KIND_TEMPLATE_VERSION, answerKindPrompt, judgeAnswerKind, JUDGED_ANSWER_KINDS, type AnswerKindResult, type JudgedAnswerKind } from './judge/answer-kind.js';

// study
export { STAGE_ORDER, type StageName } from './study/stage-names.js';
export { auxiliaryModelsOf, judgesOf, MAX_PLANNED_REQUESTS, type StageContext, type StageDefinition, type StageSummary } from './study/stage.js';
export { STAGES, type StageEntry } from './study/stages/index.js';
export { loadStage, runConfig, runStage, runStudy, runStudyFile, studyEngine, type RunOptions, type RunResult, type StageOutcome } from './study/run.js';
export { demoStudy, detectPopulation, simulatedPopulation, type DemoPopulation, type SimulatedModelInfo, type SimulatedPopulationInfo } from './study/demo.js';
export { loadPlantedRecord, nullTagCheck, plantedVsRecovered, RECOVERY_CRITERIA, recordPlantedTruth, type NullCheck, type PlantedRecord, type PlantedTruth, type PlantedTruthResolver, type PlantedVsRecovered, type RankRecovery } from './study/planted.js';
export { exportBatch, importBatch, type ExportResult, type ImportResult } from './study/batch.js';
export { dimensionWords, resolveValueSystem } from './study/value-systems.js';
export {
  analyseResponse,
  describeElicitation,
  elicitStage,
  planRespondents,
  respondentId,
  runElicitation,
  type DescriptorRow,
  type ElicitOptions,
  type ElicitPlanOptions,
  type ElicitSummary,
  type Respondent,
} from './study/stages/elicit/stage.js';
export { ELICIT_SCHEMA, ELICIT_SCHEMA_VERSION, ensureElicitSchema, ensureLexiconSchema, LEXICON_SCHEMA } from './study/stages/elicit/tables.js';
export {
  buildLexicon,
  exportLexicon,
  listLexicon,
  listMerges,
  mergeSynonyms,
  respondentTermMatrix,
  elicitationMatrix,
  lexiconReduction,
  setMergeActive,
  termSources,
  type ElicitationCells,
  type ElicitationMatrix,
  type ElicitationRespondent,
  type LexiconReduction,
  type LexiconEntry,
  type LexiconFilter,
  type LexiconMerge,
  type TermMatrix,
  type TermSource,
} from './study/stages/elicit/lexicon.js';
export { DEFAULT_BANK_FILE, elicitPromptSchema, loadPromptBank, promptBankSchema, selectPrompts, type ElicitPrompt, type PromptBank } from './study/stages/elicit/prompts.js';
export { parseRatings, ratingMatrix, type RatingMatrix } from './study/stages/rate/stage.js';
export { ipsatize, rateItems, responseStyle, styleVarianceExplained, valueAntonyms, type ModelStyle, type RateItem, type RateItemKind, type RespondentStyle, type StyleShare } from './study/stages/rate/style.js';
export {
  buildTaxonomy, compareSystems, describeTaxonomy, dimensionOmega, discoverStructure, InadequateDataError, loadTaxonomy, nearestSchwartz, overlapWithSchwartz,
  type ResponseStyleReport, type SourceAgreement, type TaxonomyReduction, type TaxonomyResult, type TaxonomyUnit,
} from './study/stages/taxonomy/stage.js';
export { modelFolds, ordinalCfa, validateByModels, type FoldResult, type ModelValidation, type OrdinalFit, type ValidationInput } from './study/stages/taxonomy/validation.js';
export { modelDimensionScores, retestStability as ratingsRetestStability, type RetestDimension as RatingsRetestDimension, type RetestResult as RatingsRetestResult } from './study/stages/taxonomy/retest.js';
export type { CorrelationKind, FactorCountSummary, Structure, StructureOptions } from './study/stages/taxonomy/structure.js';
export {
  analyseProjectiveRun,
  loadItemBank,
  loadProfiles,
  loadProjective,
  readImportedCompletions,
  RETEST_SAMPLE_OFFSET,
  runProjective,
  type ItemBank,
  type JudgeAgreement,
  type JudgeQuality,
  type ProjectiveResult,
} from './study/stages/projective/stage.js';
export {
  combineCompletionScores,
  compareTagGroups,
  dimensionVariances,
  profileRows,
  retestStability,
  type ComparisonFamilySummary,
  type CompletionScore,
  type DimensionVariance,
  type ProfileRow,
  type RetestDimension,
  type RetestModel,
  type RetestResult,
  type TagComparison,
  type TaggedModel,
} from './study/stages/projective/analysis.js';
export {
  choiceRecords,
  choicesStage,
  generatorOf,
  loadChoices,
  recode,
  runChoices,
  type ChoicesResult,
} from './study/stages/choices/stage.js';
export {
  analyseChoices,
  comparisonsOf,
  type AnalysisOptions,
  type AnswerCounts,
  type ChoiceRecord,
  type ChoicesAnalysis,
  type ConsistencyRow,
  type IntransitivityRow,
  type ModelConsistency,
  type PairConsistency,
  type PositionBiasRow,
  type PriorityFit,
  type PriorityRow,
} from './study/stages/choices/analysis.js';
export {
  CHOICES_PROMPT_VERSION,
  choiceMessages,
  FRAMING_QUESTION,
  generatorMessages,
  parseChoice,
  parseGenerated,
  parseVerification,
  verifyMessages,
  type Framing,
  type GeneratedDilemma,
  type Letter,
  type OptionOrder,
} from './study/stages/choices/prompts.js';
export { findDuplicates, normalizeText, textSimilarity, type DedupeVerdict } from './study/stages/choices/dedupe.js';
export { loadTemplateBank, templateBankSchema, type DilemmaTemplate, type TemplateBank } from './study/stages/choices/templates.js';
export {
  buildMtmm,
  choiceScores,
  elicitationScores,
  METHOD_INFO,
  MODELS_FOR_VERDICTS,
  MTMM_METHODS,
  mtmmFromScores,
  mtmmTraits,
  projectiveScores,
  readTrait,
  selfRatingScores,
  type FamilyAgreement,
  type MethodFamily,
  type MethodScores,
  type MtmmMethod,
  type MtmmReport,
  type MtmmTraitReading,
  type TraitDefinition,
  type ValidityReading,
} from './study/mtmm.js';

// evaluation
export { datasetStats, pairsToCsv, pairsToJsonl, parseCsv, readPairsCsv, risksOf, splitPairs, stratifiedKFold, type DatasetStats } from './evaluation/dataset.js';
export {
  classifierEvaluator,
  ensembleEvaluator,
  evaluatePairs,
  judgeEngine,
  judgeEvaluator,
  loadClassifierFile,
  pairText,
  scoreAgainstLabels,
  toLabel,
  type EvaluatedPair,
  type EvaluationReport,
  type ValueEvaluator,
  type ValueMetrics,
} from './evaluation/evaluate.js';
export { evaluateFile, loadPairsFile, trainEvaluatorFromFile, valueProfilesOfFiles, type EvaluateFileOptions, type EvaluateFileResult, type TrainEvaluatorOptions, type TrainEvaluatorResult } from './evaluation/evaluate-file.js';
export {
  CLASSIFIER_FORMAT,
  classifierEmbedderId,
  crossValidate,
  DEFAULT_CLASSIFIER_OPTIONS,
  DEFAULT_MLP_OPTIONS,
  DEFAULT_TRAIN_OPTIONS,
  parseClassifier,
  predictWithClassifier,
  trainBagOfWords,
  trainClassifier,
  trainValueClassifier,
  type ClassifierFile,
  type ClassifierLearner,
  type ClassifierTrainOptions,
  type CvMethod,
  type CvResult,
  type CvValueMetrics,
  type FeatureKind,
  type FeatureModel,
  type ValuePrediction,
} from './evaluation/classifier.js';
export {
  analyseValues,
  loadValueAnalysis,
  profileDistances,
  promptKey,
  riskSeparation,
  riskTable,
  saveValueAnalysis,
  sourceComparisons,
  VALUE_ANALYSIS_KEY,
  valueProfiles,
  type ProfileDistance,
  type RiskRow,
  type SeparationRow,
  type SourceComparison,
  type ValueAnalysis,
  type ValueProfileRow,
} from './evaluation/analysis.js';
export {
  agreement,
  ALIGN_STRATEGIES,
  alignPrompt,
  alignStages,
  chooseCandidate,
  distance,
  expandedBootstrapLevel,
  gainSummary,
  loadAlignSummaries,
  runAlign,
  summariseAlign,
  valueConditionedPrompt,
  type AlignObjective,
  type AlignOptions,
  type AlignPrompt,
  type AlignResult,
  type AlignStrategy,
  type AlignSummary,
  type AnswerKindCounts,
  type Candidate,
  type CandidateScore,
  type DistanceMetric,
  type GainSummary,
} from './evaluation/align.js';
export { NAMED_TARGETS, parseTarget, TARGET_ORDERS, targetFromVectors, type Target, type TargetOrder } from './evaluation/align-target.js';
export { PAIRS_FORMATS, preferencePairs, type PairsFormat, type PreferencePairs } from './evaluation/align-pairs.js';
export { ANSWER_KINDS, classifyAnswer, isEligible, judgeKindChecker, type AnswerKind, type AnswerKindChecker, type AnswerKindReading, type KindSource, type RefusalPolicy } from './evaluation/answer-kind.js';
export { ALIGN_OBJECTIVES, FULCRA_CONFIDENCE, fulcraReward, objectiveLoss } from './evaluation/distance.js';
export { alignFile, readEvaluatedVectors, readPrompts, type AlignFileOptions, type AlignFileResult } from './evaluation/align-file.js';

// report
export { buildReportModel } from './report/build.js';
export { SECTIONS } from './report/sections/index.js';
export { REPORT_FORMATS, renderJson, renderReport, type ReportFormat } from './report/render.js';
export { renderCsv, renderMarkdown } from './report/text.js';
export { writeRunReport, type WrittenReport } from './report/write.js';
export type { ChoicesSection, ReportContext, ReportModel, ReportSection, SectionPart } from './report/model.js';
