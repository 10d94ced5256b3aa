/**
 * The statistics library (`valuelex/stats`), name by name: pure numerics, no I/O and no LLM
 * knowledge. Each module is one concept; this index re-exports each public name explicitly.
 */
export { requireFinite, requireLength, StatsInputError } from './input-error.js';
export { brentRoot, chiSquareCdf, chiSquareSurvival, fSurvival, logGamma, nonCentralChiSquare, nonCentralChiSquareCdf, normalCdf, normalQuantile, normalSurvival, regularizedBeta, regularizedGamma, studentTCdf, studentTQuantile, studentTTwoSided } from './probability.js';
export { binomialPmf, binomialTest, clopperPearson, type BinomialTest } from './binomial.js';
export { cfa, CfaConvergenceError, cfaFromData, rmseaInterval, type CfaFactor, type CfaFit, type CfaModel, type CfaOptions, type CfaParameter, type CfaParameterKind, type CfaResult } from './cfa.js';
export { averageRanks, mean, median, minMax, quantile, quantiles, quantileSorted, sd, sum, tieGroupSizes, variance } from './descriptive.js';
export { pAdjust, type PAdjustMethod } from './multiple.js';
export { cliffsDelta, cohensD, correlationTest, kruskalWallis, mannWhitneyU, oneWayAnova, pairedCohensD, pairedPermutationTest, pairedTTest, permutationTest, tTest, wilcoxonSignedRank, type AnovaResult, type CliffsDeltaOptions, type CliffsDeltaResult, type CohensDOptions, type CorrelationTestResult, type KruskalWallisResult, type PermutationOptions, type PermutationResult, type RankTestResult, type TTestOptions, type TTestResult } from './effects.js';
export { categoryCounts, cohensKappa, fleissKappa, krippendorffAlpha, percentAgreement, type AlphaLevel, type CohensKappaOptions, type CohensKappaResult, type FleissKappaResult, type KappaWeights, type KrippendorffResult } from './agreement.js';
export { bootstrapCI, bootstrapInterval, bootstrapMeanCI, type BootstrapInterval, type BootstrapMethod, type BootstrapOptions, type BootstrapQuantileRule } from './bootstrap.js';
export { classificationReport, confusionMatrix, exactMatch, meanAbsoluteError, stratifiedKFold, VALUE_LABELS, type ClassificationReport, type ClassMetrics, type ConfusionMatrix, type Fold } from './classification.js';
export { correctDistribution, correctedPrevalence, projectToSimplex, roganGladen, type PrevalenceInterval, type PrevalenceOptions } from './calibration.js';
export { constantColumnIndices, corSmooth, DegenerateDataError, MIN_JOINT_OBSERVATIONS, pearsonPairwise, validateRespondentData, type SmoothedCorrelation } from './correlation.js';
export { polychoric, tetrachoric, tetrachoricTable, type PolychoricOptions, type PolychoricResult, type TetrachoricResult } from './polychoric.js';
export { bivariateNormalCdf, bivariateNormalRectangle } from './bivariate-normal.js';
export { bartlett, kmo } from './adequacy.js';
export { minresReducedEigenvalues, parallelAnalysis, type CorrelationFunction, type ParallelCriterion, type ParallelInput, type ParallelKind, type ParallelNull, type ParallelOptions, type ParallelResult } from './parallel.js';
export { velicerMap, type MapResult } from './map.js';
export { cronbachAlpha, type AlphaOptions, type AlphaResult, type AlphaStats } from './reliability.js';
export { factorCongruence, matchFactors, type FactorMatch } from './congruence.js';
export { omega, omegaFromSchmid, schmidLeiman, type ObliqueSolution, type OmegaOptions, type OmegaResult, type SchmidLeimanResult } from './omega.js';
export { fa, FACTOR_METHODS, factorScores, faData, faFitStatistics, type FactorMethod, type FactorScoreMethod, type FaFit, type FaOptions, type FaResult, type VarianceExplained } from './efa.js';
export { gpfOblique, OBLIQUE_ROTATIONS, promax, rotate, ROTATIONS, varimax, type RotationName, type RotationResult } from './rotations.js';
export { adjustedRandIndex, agglomerative, bootstrapStability, checkPoints, chooseKBySilhouette, cosineDistance, cutTree, gapRuleK, gapStatistic, type GapOptions, type GapReferenceSpace, type GapRule, kmeans, MAX_AGGLOMERATIVE_POINTS, silhouette, squaredEuclidean, type Dendrogram, type DistanceMetric, type GapResult, type KChoiceOptions, type KMeansOptions, type KMeansResult, type Linkage, type Points, type SilhouetteChoice, type SilhouetteResult, type StabilityResult } from './cluster/index.js';
export { pca, pca2d, type PcaResult } from './pca.js';
export { statsJobBytes, type StatsJob, type StatsJobSize } from './job-size.js';
export { umap2d, type UmapOptions } from './umap.js';
export { nelderMead } from './nelder-mead.js';
export type { NelderMeadOptions, NelderMeadResult } from './nelder-mead.js';
export { varianceComponents } from './variance-components.js';
export type { ModelItemScore, VarianceComponentsOptions, VarianceComponentEstimates, VarianceComponentsResult } from './variance-components.js';
export { fQuantile } from './f-quantile.js';
export { intraclassCorrelation, ipsativeStability } from './icc.js';
export type { IccEstimate, IccResult, IpsativeStabilityResult } from './icc.js';
export { adjustComparisonFamily, compareGroupsByModel, modelProfileInterval } from './model-level.js';
export { signFlipTest, spearmanTest, twoSamplePermutationTest, type PermutationTestOptions, type SpearmanTestResult, type UnitPermutationResult } from './permutation.js';
export type {
  AdjustedGroupComparison, CompareGroupsOptions, ComparisonFamily, FamilyAdjustment, GroupComparison, GroupedModelScore,
  ItemSampleScore, ProfileInterval, ProfileIntervalOptions, TwoStageInterval,
} from './model-level.js';
export { parseCfaSyntax, resolveCfaSyntax, type CfaSyntax, type CfaSyntaxFactor, type ResolvedCfaModel } from './cfa-syntax.js';
export {
  cfaWlsmv, fitDwls, CfaWlsmvConvergenceError,
  type CfaWlsmvModel, type CfaWlsmvFactor, type CfaWlsmvOptions, type CfaWlsmvResult, type CfaWlsmvFit,
  type CfaWlsmvLoading, type CfaWlsmvThreshold, type CfaWlsmvFactorCovariance,
} from './cfa-wlsmv.js';
export { ordinalSampleStats, ordinalLevels, correlationPairs, type OrdinalSampleStats, type OrdinalSampleStatsOptions } from './polychoric-acov.js';
export {
  ugammaTraces, scaledShiftedTest, meanVarianceAdjustedTest,
  type UGammaTraces, type ScaledShiftedTest, type MeanVarianceAdjustedTest,
} from './robust-test.js';
export { lavaanCfi, lavaanTli, lavaanRmsea } from './fit-indices.js';
export { factorCountEvidence, type FactorCountOptions, type FactorCountEvidence, type ScreePoint } from './factor-count.js';
export { simulateFactorData, simpleStructure, type FactorSimulationOptions } from './simulate-factors.js';
export { chooseK, STABILITY_TIE, type ChooseKOptions, type KChoice, type KChoiceMethod } from './cluster/number-of-clusters.js';
export { bradleyTerry, bootstrapBradleyTerry, type PairOutcome, type PairedComparison, type GroupedComparison, type BradleyTerryOptions, type BradleyTerryResult, type BradleyTerryBootstrapOptions, type BradleyTerryBootstrap } from './bradley-terry.js';
export { circularTriads, type CircularTriadsOptions, type CircularTriadsResult } from './circular-triads.js';
export { mtmm, type MtmmColumn, type MtmmOptions, type MtmmVerdict, type ConvergentValidity, type MtmmTrait, type MtmmResult } from './mtmm.js';
