/**
 * The trained value evaluator, saved as one JSON file that loads offline, the two baselines it must
 * beat (majority class; bag-of-words logistic regression) and k-fold cross-validation that scores
 * any of them on out-of-fold predictions.
 *
 * The default classifier, per value: an L2 softmax regression (-1/0/+1, balanced class weights)
 * on `combined` features (TF-IDF word 1-2-grams of response and prompt + phrase embeddings; see
 * features.ts), solved by L-BFGS on sparse rows; then a decision rule fitted on inner
 * cross-validation of the training pairs: a temperature that calibrates the probabilities and
 * per-label offsets that maximise macro-F1, which moves the thresholds of the rare labels (a value
 * opposed in 1% of the pairs is never predicted by argmax). The bag-of-words baseline is the same
 * regression on the response's TF-IDF alone, deciding by argmax, as before.
 */
import type { Embedder } from '../embed/types.js';
import { classificationReport, exactMatch, stratifiedKFold } from '../stats/classification.js';
import { decide, fitDecisionRule, logProbabilities, type DecisionRule } from '../stats/decision.js';
import { predictProba, type LogisticModel, type LogisticOptions, type SparseRow } from '../stats/logistic.js';
import { fitMlp, predictMlp, type MlpModel, type MlpOptions } from '../stats/mlp.js';
import { fitSparseLogistic, sparseLogits, toCsr } from '../stats/sparse-logistic.js';
import { InputError } from '../core/errors.js';
import type { ValuePair } from '../values/pairs.js';
import {
  bagOfWordsRows, combinedDimension, combinedRows, DEFAULT_BLOCK_WEIGHTS, embeddingFeatures, fitBagOfWords, fitCombined, fitStandardiser, standardisedRows,
  type BagOfWordsModel, type CombinedFeatureModel, type EmbeddingFeatureModel,
} from './features.js';

export const CLASSIFIER_FORMAT = 'valuelex-value-classifier';

export type FeatureModel = EmbeddingFeatureModel | BagOfWordsModel | CombinedFeatureModel;
export type FeatureKind = FeatureModel['kind'];

export interface ClassifierFile {
  format: typeof CLASSIFIER_FORMAT;
  /** 1: embedding or bow features, argmax; 2: adds combined features and decision rules. */
  version: 1 | 2;
  /** Value ids, in output order. */
  values: string[];
  features: FeatureModel;
  /** One softmax regression per value; labels -1/0/1 (a value with one class seen is constant). */
  models: Record<string, LogisticModel>;
  /** Per value: calibration temperature and label offsets (absent: argmax of the raw probabilities). */
  decision?: Record<string, DecisionRule>;
  /** With `learner: mlp`: one multi-output perceptron over all values instead of `models`. */
  mlp?: MlpModel;
  learner?: ClassifierLearner;
  training: { pairs: number; label_counts: Record<string, Record<string, number>>; options: LogisticOptions | MlpOptions | ClassifierTrainOptions };
}

/** logistic: one softmax regression per value; mlp: a shared hidden layer with a head per value. */
export type ClassifierLearner = 'logistic' | 'mlp';

export const DEFAULT_MLP_OPTIONS: MlpOptions = { hidden: 64, epochs: 200, batchSize: 100_000, learningRate: 0.005, l2: 0.01, dropout: 0.3, seed: 1 };

export interface ClassifierTrainOptions {
  /** combined (default) | embedding | bow. */
  features?: FeatureKind;
  learner?: ClassifierLearner;
  /** L2 penalty per observation (default: 1e-4 combined, 0.01 embedding and bow). */
  l2?: number;
  /** Fit decision rules (temperature + label offsets) by inner cross-validation. Default: true for combined. */
  tune?: boolean;
  /** Inner folds for the decision rules. Default 3. */
  innerFolds?: number;
  seed?: number;
  /** Block weights of the combined features. */
  promptWeight?: number;
  embeddingWeight?: number;
  mlp?: MlpOptions;
}

export const DEFAULT_TRAIN_OPTIONS: Required<Omit<ClassifierTrainOptions, 'l2' | 'tune' | 'mlp'>> = {
  features: 'combined', learner: 'logistic', innerFolds: 3, seed: 1, ...DEFAULT_BLOCK_WEIGHTS,
};

export interface ValuePrediction {
  /** Decided label per value. */
  values: Record<string, number>;
  /** Expected label per value, p(+1) - p(-1) from the calibrated probabilities, in [-1, 1]. */
  expected: Record<string, number>;
}

/** The pre-2 options of the embedding and bag-of-words regressions (Adam); kept for their `l2`. */
export const DEFAULT_CLASSIFIER_OPTIONS: LogisticOptions = { l2: 0.01, epochs: 250, learningRate: 0.03, classWeight: 'balanced' };

function labelOf(p: ValuePair, value: string): number {
  return Math.round(p.values?.[value] ?? 0);
}

function requireLabels(pairs: readonly ValuePair[]): void {
  const unlabeled = pairs.findIndex((p) => !p.values);
  if (unlabeled >= 0) throw new InputError(`training pair ${pairs[unlabeled]!.id} has no "values" labels`);
  if (pairs.length < 10) throw new InputError(`training needs at least 10 labeled pairs, got ${pairs.length}`);
}

function labelCounts(pairs: readonly ValuePair[], values: readonly string[]): Record<string, Record<string, number>> {
  return Object.fromEntries(values.map((v) => {
    const c: Record<string, number> = { '-1': 0, '0': 0, '1': 0 };
    for (const p of pairs) c[String(labelOf(p, v))]++;
    return [v, c];
  }));
}

function defaultL2(features: FeatureKind): number {
  // Chosen by 5-fold CV on FULCRA's 1,296 pairs among 1e-4..3e-3 (lower was better for the
  // combined rows; the embedding and bag-of-words regressions keep their first-release value).
  return features === 'combined' ? 1e-4 : 0.01;
}

/** Feature rows of pairs under a fitted feature model (raw embedding features given when needed). */
function featureRows(features: FeatureModel, pairs: readonly ValuePair[], raw: readonly Float64Array[] | undefined): SparseRow[] {
  if (features.kind === 'bow') return bagOfWordsRows(features, pairs);
  if (features.kind === 'embedding') return standardisedRows(features, raw!);
  return combinedRows(features, pairs, raw!);
}

function featureDimension(features: FeatureModel): number {
  if (features.kind === 'bow') return features.vocabulary.length;
  if (features.kind === 'embedding') return features.dimension;
  return combinedDimension(features);
}

/**
 * Fit per-value regressions on rows, and (when `tune`) each value's decision rule on inner
 * cross-validation: the same regression fitted on k-1 inner folds scores the k-th, and the
 * temperature and offsets are fitted on those out-of-fold scores. The features stay those fitted
 * on all training pairs (the inner folds share the vocabulary and standardisation, which use no
 * labels).
 */
function fitRegressions(rows: readonly SparseRow[], dimension: number, pairs: readonly ValuePair[], values: readonly string[], l2: number, tune: boolean, innerFolds: number, seed: number): { models: Record<string, LogisticModel>; decision?: Record<string, DecisionRule> } {
  const x = toCsr(rows, dimension);
  const models: Record<string, LogisticModel> = {};
  const decision: Record<string, DecisionRule> = {};
  for (const v of values) {
    const y = pairs.map((p) => labelOf(p, v));
    const fitted = fitSparseLogistic(x, y, { l2, classWeight: 'balanced' });
    models[v] = { classes: fitted.classes, dimension: fitted.dimension, weights: fitted.weights, intercepts: fitted.intercepts };
    const K = fitted.classes.length;
    if (!tune || K < 2) continue;
    // Inner folds need each class in training: with fewer members than folds, use fewer folds.
    const minCount = Math.min(...fitted.classes.map((c) => y.filter((l) => l === c).length));
    const k = Math.min(innerFolds, minCount);
    if (k < 2) continue;
    const folds = stratifiedKFold(y, k, seed);
    const oof = new Float64Array(y.length * K);
    let usable = true;
    for (const f of folds) {
      // Warm-started from the fit on all rows: a few iterations move it to the subset's optimum.
      const sub = fitSparseLogistic(toCsr(f.train.map((i) => rows[i]!), dimension), f.train.map((i) => y[i]!), { l2, classWeight: 'balanced', init: fitted });
      if (sub.classes.length !== K) {
        usable = false;
        break;
      }
      const logits = sparseLogits(sub, toCsr(f.test.map((i) => rows[i]!), dimension));
      f.test.forEach((i, j) => oof.set(logits.subarray(j * K, (j + 1) * K), i * K));
    }
    if (!usable) continue;
    const rule = fitDecisionRule(oof, y.map((l) => fitted.classes.indexOf(l)), K);
    decision[v] = { temperature: rule.temperature, offsets: rule.offsets };
  }
  return tune ? { models, decision } : { models };
}

function fitFromRaw(pairs: readonly ValuePair[], raw: readonly Float64Array[] | undefined, values: readonly string[], embedderId: string | undefined, opts: ClassifierTrainOptions): ClassifierFile {
  const kind = opts.features ?? DEFAULT_TRAIN_OPTIONS.features;
  const learner = opts.learner ?? 'logistic';
  const base = { format: CLASSIFIER_FORMAT, values: [...values] } satisfies Pick<ClassifierFile, 'format' | 'values'>;
  const training = { pairs: pairs.length, label_counts: labelCounts(pairs, values) };
  if (learner === 'mlp') {
    if (kind !== 'embedding') throw new InputError('the mlp learner works on embedding features only (--features embedding)');
    const features = fitStandardiser(embedderId!, raw!);
    const rows = standardisedRows(features, raw!);
    const mlpOptions = opts.mlp ?? DEFAULT_MLP_OPTIONS;
    const mlp = fitMlp(rows.map((r) => r.val), pairs.map((p) => values.map((v) => labelOf(p, v))), mlpOptions);
    return { ...base, version: 1, features, models: {}, mlp, learner, training: { ...training, options: mlpOptions } };
  }
  const features: FeatureModel =
    kind === 'bow' ? fitBagOfWords(pairs)
    : kind === 'embedding' ? fitStandardiser(embedderId!, raw!)
    : fitCombined(pairs, raw!, embedderId!, { promptWeight: opts.promptWeight ?? DEFAULT_TRAIN_OPTIONS.promptWeight, embeddingWeight: opts.embeddingWeight ?? DEFAULT_TRAIN_OPTIONS.embeddingWeight });
  const l2 = opts.l2 ?? defaultL2(kind);
  const tune = opts.tune ?? kind === 'combined';
  const fitted = fitRegressions(featureRows(features, pairs, raw), featureDimension(features), pairs, values, l2, tune, opts.innerFolds ?? DEFAULT_TRAIN_OPTIONS.innerFolds, opts.seed ?? DEFAULT_TRAIN_OPTIONS.seed);
  const options: ClassifierTrainOptions = { features: kind, learner, l2, tune, innerFolds: opts.innerFolds ?? DEFAULT_TRAIN_OPTIONS.innerFolds, seed: opts.seed ?? DEFAULT_TRAIN_OPTIONS.seed };
  return { ...base, version: kind === 'combined' || fitted.decision ? 2 : 1, features, ...fitted, learner, training: { ...training, options } };
}

/** Train a value classifier (default: combined features, sparse logistic regression, tuned decisions). */
export async function trainValueClassifier(pairs: readonly ValuePair[], values: readonly string[], embedder: Embedder | undefined, opts: ClassifierTrainOptions = {}): Promise<ClassifierFile> {
  requireLabels(pairs);
  const kind = opts.features ?? DEFAULT_TRAIN_OPTIONS.features;
  if (kind !== 'bow' && !embedder) throw new InputError(`${kind} features need an embedder`);
  const raw = kind === 'bow' ? undefined : await embeddingFeatures(embedder!, pairs);
  return fitFromRaw(pairs, raw, values, embedder?.id, opts);
}

/**
 * Train the classifier: the default (combined features, tuned decisions) for the logistic learner,
 * the MLP on embedding features for `learner: 'mlp'`. (The signature of the first release.)
 */
export async function trainClassifier(pairs: readonly ValuePair[], values: readonly string[], embedder: Embedder, options?: LogisticOptions, learner: ClassifierLearner = 'logistic', mlpOptions: MlpOptions = DEFAULT_MLP_OPTIONS): Promise<ClassifierFile> {
  return trainValueClassifier(pairs, values, embedder, learner === 'mlp' ? { features: 'embedding', learner, mlp: mlpOptions } : { ...(options?.l2 !== undefined ? { l2: options.l2 } : {}) });
}

/** Train the bag-of-words baseline (same file format, so it evaluates the same way). */
export function trainBagOfWords(pairs: readonly ValuePair[], values: readonly string[], options: LogisticOptions = DEFAULT_CLASSIFIER_OPTIONS): ClassifierFile {
  requireLabels(pairs);
  return fitFromRaw(pairs, undefined, values, undefined, { features: 'bow', l2: options.l2 ?? defaultL2('bow'), tune: false });
}

function predictRows(model: ClassifierFile, rows: readonly SparseRow[]): ValuePrediction[] {
  if (model.mlp) {
    const mlp = model.mlp;
    return rows.map((row) => {
      const heads = predictMlp(mlp, row.val);
      const values: Record<string, number> = {};
      const expected: Record<string, number> = {};
      model.values.forEach((v, k) => {
        const p = heads[k]!, cs = mlp.classes[k]!;
        let best = 0;
        for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
        values[v] = cs[best]!;
        expected[v] = cs.reduce((s, c, i) => s + c * p[i]!, 0);
      });
      return { values, expected };
    });
  }
  const out: ValuePrediction[] = rows.map(() => ({ values: {}, expected: {} }));
  if (rows.length === 0) return out;
  const x = toCsr(rows, featureDimension(model.features));
  for (const v of model.values) {
    const m = model.models[v]!;
    const K = m.classes.length;
    const rule = model.decision?.[v];
    if (K === 1) {
      for (const o of out) {
        o.values[v] = m.classes[0]!;
        o.expected[v] = m.classes[0]!;
      }
      continue;
    }
    if (!rule) {
      rows.forEach((row, i) => {
        const p = predictProba(m, row);
        let best = 0;
        for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
        out[i]!.values[v] = m.classes[best]!;
        out[i]!.expected[v] = m.classes.reduce((s, c, k) => s + c * p[k]!, 0);
      });
      continue;
    }
    const logits = sparseLogits(m, x);
    const decided = decide(logits, K, rule);
    for (let i = 0; i < rows.length; i++) {
      const lp = logProbabilities(logits.subarray(i * K, (i + 1) * K), rule.temperature);
      out[i]!.values[v] = m.classes[decided[i]!]!;
      out[i]!.expected[v] = m.classes.reduce((s, c, k) => s + c * Math.exp(lp[k]!), 0);
    }
  }
  return out;
}

/** Value vectors for pairs from a trained model; the embedder must be the one it was trained with. */
export async function predictWithClassifier(model: ClassifierFile, pairs: readonly ValuePair[], embedder?: Embedder): Promise<ValuePrediction[]> {
  if (model.features.kind === 'bow') return predictRows(model, bagOfWordsRows(model.features, pairs));
  const trainedOn = model.features.kind === 'embedding' ? model.features.embedder : model.features.embedding.embedder;
  if (!embedder) throw new InputError(`classifier was trained on ${trainedOn} embeddings; no embedder given`);
  if (embedder.id !== trainedOn) throw new InputError(`classifier was trained on ${trainedOn} embeddings, not ${embedder.id}`);
  return predictRows(model, featureRows(model.features, pairs, await embeddingFeatures(embedder, pairs)));
}

/** The embedder id a classifier file was trained with (undefined for bag of words). */
export function classifierEmbedderId(model: ClassifierFile): string | undefined {
  return model.features.kind === 'bow' ? undefined : model.features.kind === 'embedding' ? model.features.embedder : model.features.embedding.embedder;
}

/** Parse a classifier file (version 1 or 2), with errors naming what is wrong. */
export function parseClassifier(text: string, file: string): ClassifierFile {
  let obj: ClassifierFile;
  try {
    obj = JSON.parse(text) as ClassifierFile;
  } catch (e) {
    throw new InputError(`${file}: not JSON (${(e as Error).message})`);
  }
  if (obj?.format !== CLASSIFIER_FORMAT) throw new InputError(`${file}: not a ValueLex value classifier (format "${String(obj?.format)}")`);
  if (obj.version !== 1 && obj.version !== 2) throw new InputError(`${file}: classifier version ${String(obj.version)} is not supported (this valuelex reads versions 1 and 2)`);
  if (!['bow', 'embedding', 'combined'].includes(obj.features?.kind)) throw new InputError(`${file}: unknown feature kind "${String(obj.features?.kind)}"`);
  if (obj.mlp) {
    const m = obj.mlp;
    if (m.classes.length !== obj.values.length || m.w1.length !== m.hidden * m.inputs || m.w2.length !== obj.values.length) throw new InputError(`${file}: the MLP does not match the classifier's ${obj.values.length} values`);
    return obj;
  }
  const dim = featureDimension(obj.features);
  for (const v of obj.values ?? []) {
    const m = obj.models?.[v];
    if (!m || m.weights.length !== m.classes.length * m.dimension || (m.classes.length > 1 && m.dimension !== dim)) throw new InputError(`${file}: model for value "${v}" is missing or has the wrong shape`);
    const rule = obj.decision?.[v];
    if (rule && (!(rule.temperature > 0) || rule.offsets.length !== m.classes.length)) throw new InputError(`${file}: decision rule for value "${v}" does not match its model`);
  }
  return obj;
}

// ---------- cross-validation ----------

export type CvMethod = 'majority' | 'bow' | 'classifier';

export interface CvValueMetrics {
  macro_f1: number;
  kappa: number | null;
  accuracy: number;
  /** F1 of each label (-1, 0, 1), pooled over folds. */
  f1_by_label: Record<string, number>;
}

export interface CvResult {
  method: CvMethod;
  /** The classifier's learner and features (method classifier only). */
  learner?: ClassifierLearner;
  features?: FeatureKind;
  folds: number;
  per_value: Record<string, CvValueMetrics>;
  /** Mean over values of macro-F1 and kappa (kappa NA counted as 0), pooled out-of-fold predictions. */
  mean_macro_f1: number;
  mean_kappa: number;
  exact_match: number;
  /** Mean over values of macro-F1 within each fold (for intervals and paired comparisons: same seed, same folds). */
  fold_macro_f1: number[];
}

/**
 * k-fold cross-validation on out-of-fold predictions (pooled over folds), folds stratified on the
 * whole label vector so rare labels are spread over folds. Embeddings are computed once (they are
 * not fitted); every fitted part (vocabulary, standardisation, regressions, decision rules) is
 * fitted on the training folds only.
 */
export async function crossValidate(pairs: readonly ValuePair[], values: readonly string[], method: CvMethod, opts: { folds?: number; seed?: number; embedder?: Embedder; options?: LogisticOptions; learner?: ClassifierLearner; train?: ClassifierTrainOptions } = {}): Promise<CvResult> {
  requireLabels(pairs);
  const k = opts.folds ?? 5;
  const folds = stratifiedKFold(pairs.map((p) => values.map((v) => labelOf(p, v)).join(',')), k, opts.seed ?? 1);
  const predicted: Record<string, number>[] = new Array(pairs.length);
  const learner = opts.learner ?? opts.train?.learner ?? 'logistic';
  const trainOpts: ClassifierTrainOptions = { ...(learner === 'mlp' ? { features: 'embedding' as const } : {}), ...opts.train, learner, ...(opts.options?.l2 !== undefined && !opts.train?.l2 ? { l2: opts.options.l2 } : {}) };
  const kind = trainOpts.features ?? DEFAULT_TRAIN_OPTIONS.features;
  const raw = method === 'classifier' && kind !== 'bow' ? await embeddingFeatures(required(opts.embedder), pairs) : undefined;
  const foldF1: number[] = [];
  for (const fold of folds) {
    const train = fold.train.map((i) => pairs[i]!);
    const test = fold.test.map((i) => pairs[i]!);
    let out: Record<string, number>[];
    if (method === 'majority') {
      const counts = labelCounts(train, values);
      const mode = Object.fromEntries(values.map((v) => [v, Number(Object.entries(counts[v]!).sort((a, b) => b[1] - a[1])[0]![0])]));
      out = test.map(() => ({ ...mode }));
    } else if (method === 'bow') {
      const model = trainBagOfWords(train, values, opts.options);
      out = predictRows(model, bagOfWordsRows(model.features as BagOfWordsModel, test)).map((p) => p.values);
    } else {
      const trainRaw = raw ? fold.train.map((i) => raw[i]!) : undefined;
      const model = fitFromRaw(train, trainRaw, values, opts.embedder?.id, trainOpts);
      out = predictRows(model, featureRows(model.features, test, raw ? fold.test.map((i) => raw[i]!) : undefined)).map((p) => p.values);
    }
    fold.test.forEach((i, j) => (predicted[i] = out[j]!));
    foldF1.push(values.reduce((s, v) => s + classificationReport(test.map((p) => labelOf(p, v)), out.map((o) => o[v]!)).macroF1, 0) / values.length);
  }
  const per_value: Record<string, CvValueMetrics> = {};
  for (const v of values) {
    const rep = classificationReport(pairs.map((p) => labelOf(p, v)), predicted.map((p) => p[v]!));
    per_value[v] = { macro_f1: rep.macroF1, kappa: rep.kappa ?? null, accuracy: rep.accuracy, f1_by_label: Object.fromEntries(rep.perClass.map((c) => [String(c.label), c.f1])) };
  }
  const m = Object.values(per_value);
  return {
    method,
    ...(method === 'classifier' ? { learner, features: kind } : {}),
    folds: k,
    per_value,
    mean_macro_f1: m.reduce((s, x) => s + x.macro_f1, 0) / m.length,
    mean_kappa: m.reduce((s, x) => s + (x.kappa ?? 0), 0) / m.length,
    exact_match: exactMatch(pairs.map((p) => values.map((v) => labelOf(p, v))), predicted.map((p) => values.map((v) => p[v]!))),
    fold_macro_f1: foldF1,
  };
}

function required(e: Embedder | undefined): Embedder {
  if (!e) throw new InputError('cross-validating the classifier needs an embedder');
  return e;
}
