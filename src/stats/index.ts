export * from './input-error.js';
export * from './probability.js';
export * from './cfa.js';
export * from './descriptive.js';
export * from './multiple.js';
export * from './effects.js';
export * from './agreement.js';
export * from './bootstrap.js';
export * from './classification.js';
export * from './calibration.js';
export * from './correlation.js';
export * from './polychoric.js';
export * from './bivariate-normal.js';
export * from './adequacy.js';
export * from './parallel.js';
export * from './map.js';
export * from './reliability.js';
export * from './congruence.js';
export * from './omega.js';
export * from './efa.js';
export * from './rotations.js';
export * from './cluster/index.js';
export * from './pca.js';
export * from './umap.js';
export { nelderMead } from './nelder-mead.js';
export type { NelderMeadOptions, NelderMeadResult } from './nelder-mead.js';
export { varianceComponents } from './variance-components.js';
export type { ModelItemScore, VarianceComponentsOptions, VarianceComponentEstimates, VarianceComponentsResult } from './variance-components.js';
export { fQuantile } from './f-quantile.js';
export { intraclassCorrelation, ipsativeStability } from './icc.js';
export type { IccEstimate, IccResult, IpsativeStabilityResult } from './icc.js';
export { adjustComparisonFamily, compareGroupsByModel, modelProfileInterval } from './model-level.js';
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
