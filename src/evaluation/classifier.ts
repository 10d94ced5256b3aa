/**
 * The trained value evaluator: one three-class (-1/0/+1) softmax regression per value on text
 * embeddings of the pair, saved as one JSON file that loads offline. Also the two baselines it
 * must beat (majority class; bag-of-words logistic regression) and k-fold cross-validation that
 * scores any of the three on out-of-fold predictions.
 */
import type { Embedder } from '../embed/types.js';
import { classificationReport, exactMatch, stratifiedKFold } from '../stats/classification.js';
import { fitLogistic, predictProba, type LogisticModel, type LogisticOptions, type SparseRow } from '../stats/logistic.js';
import { fitMlp, predictMlp, type MlpModel, type MlpOptions } from '../stats/mlp.js';
import { InputError } from '../core/errors.js';
import type { ValuePair } from '../values/pairs.js';
import { bagOfWordsRows, embeddingFeatures, fitBagOfWords, fitStandardiser, standardisedRows, type BagOfWordsModel, type EmbeddingFeatureModel } from './features.js';

export const CLASSIFIER_FORMAT = 'valuelex-value-classifier';

export interface ClassifierFile {
  format: typeof CLASSIFIER_FORMAT;
  version: 1;
  /** Value ids, in output order. */
  values: string[];
  features: EmbeddingFeatureModel | BagOfWordsModel;
  /** One softmax regression per value; labels -1/0/1 (a value with one class seen is constant). */
  models: Record<string, LogisticModel>;
  /** With `learner: mlp`: one multi-output perceptron over all values instead of `models`. */
  mlp?: MlpModel;
  learner?: ClassifierLearner;
  training: { pairs: number; label_counts: Record<string, Record<string, number>>; options: LogisticOptions | MlpOptions };
}

/** logistic: one softmax regression per value; mlp: a shared hidden layer with a head per value. */
export type ClassifierLearner = 'logistic' | 'mlp';

export const DEFAULT_MLP_OPTIONS: MlpOptions = { hidden: 64, epochs: 200, batchSize: 100_000, learningRate: 0.005, l2: 0.01, dropout: 0.3, seed: 1 };

export interface ValuePrediction {
  /** Most probable label per value. */
  values: Record<string, number>;
  /** Expected label per value, p(+1) - p(-1), in [-1, 1]. */
  expected: Record<string, number>;
}

export const DEFAULT_CLASSIFIER_OPTIONS: LogisticOptions = { l2: 0.01, epochs: 250, learningRate: 0.03, classWeight: 'balanced' };

function labelOf(p: ValuePair, value: string): number {
  return Math.round(p.values?.[value] ?? 0);
}

function requireLabels(pairs: readonly ValuePair[]): void {
  const unlabeled = pairs.findIndex((p) => !p.values);
  if (unlabeled >= 0) throw new InputError(`training pair ${pairs[unlabeled]!.id} has no "values" labels`);
  if (pairs.length < 10) throw new InputError(`training needs at least 10 labeled pairs, got ${pairs.length}`);
}

function fitModels(rows: SparseRow[], pairs: readonly ValuePair[], values: readonly string[], dimension: number, options: LogisticOptions): Record<string, LogisticModel> {
  return Object.fromEntries(values.map((v) => [v, fitLogistic(rows, pairs.map((p) => labelOf(p, v)), dimension, options)]));
}

function labelCounts(pairs: readonly ValuePair[], values: readonly string[]): Record<string, Record<string, number>> {
  return Object.fromEntries(values.map((v) => {
    const c: Record<string, number> = { '-1': 0, '0': 0, '1': 0 };
    for (const p of pairs) c[String(labelOf(p, v))]++;
    return [v, c];
  }));
}

/** Train the embedding classifier on labeled pairs (softmax regression per value, or an MLP). */
export async function trainClassifier(pairs: readonly ValuePair[], values: readonly string[], embedder: Embedder, options: LogisticOptions = DEFAULT_CLASSIFIER_OPTIONS, learner: ClassifierLearner = 'logistic', mlpOptions: MlpOptions = DEFAULT_MLP_OPTIONS): Promise<ClassifierFile> {
  requireLabels(pairs);
  return fitEmbeddingModel(await embeddingFeatures(embedder, pairs), pairs, values, embedder.id, learner, learner === 'mlp' ? mlpOptions : options);
}

function fitEmbeddingModel(raw: readonly Float64Array[], pairs: readonly ValuePair[], values: readonly string[], embedderId: string, learner: ClassifierLearner, options: LogisticOptions | MlpOptions): ClassifierFile {
  const features = fitStandardiser(embedderId, raw);
  const rows = standardisedRows(features, raw);
  const training = { pairs: pairs.length, label_counts: labelCounts(pairs, values), options };
  if (learner === 'mlp') {
    // The full batch by default: the L2 penalty then applies once per epoch, as tuned.
    const mlp = fitMlp(rows.map((r) => r.val), pairs.map((p) => values.map((v) => labelOf(p, v))), options as MlpOptions);
    return { format: CLASSIFIER_FORMAT, version: 1, values: [...values], features, models: {}, mlp, learner, training };
  }
  return { format: CLASSIFIER_FORMAT, version: 1, values: [...values], features, models: fitModels(rows, pairs, values, features.dimension, options as LogisticOptions), learner, training };
}

/** Train the bag-of-words baseline (same file format, so it evaluates the same way). */
export function trainBagOfWords(pairs: readonly ValuePair[], values: readonly string[], options: LogisticOptions = DEFAULT_CLASSIFIER_OPTIONS): ClassifierFile {
  requireLabels(pairs);
  const features = fitBagOfWords(pairs);
  const rows = bagOfWordsRows(features, pairs);
  return { format: CLASSIFIER_FORMAT, version: 1, values: [...values], features, models: fitModels(rows, pairs, values, features.vocabulary.length, options), training: { pairs: pairs.length, label_counts: labelCounts(pairs, values), options } };
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
  return rows.map((row) => {
    const values: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const v of model.values) {
      const m = model.models[v]!;
      const p = predictProba(m, row);
      let best = 0;
      for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
      values[v] = m.classes[best]!;
      expected[v] = m.classes.reduce((s, c, k) => s + c * p[k]!, 0);
    }
    return { values, expected };
  });
}

/** Value vectors for pairs from a trained model; the embedder must be the one it was trained with. */
export async function predictWithClassifier(model: ClassifierFile, pairs: readonly ValuePair[], embedder?: Embedder): Promise<ValuePrediction[]> {
  if (model.features.kind === 'bow') return predictRows(model, bagOfWordsRows(model.features, pairs));
  if (!embedder) throw new InputError(`classifier was trained on ${model.features.embedder} embeddings; no embedder given`);
  if (embedder.id !== model.features.embedder) throw new InputError(`classifier was trained on ${model.features.embedder} embeddings, not ${embedder.id}`);
  return predictRows(model, standardisedRows(model.features, await embeddingFeatures(embedder, pairs)));
}

/** Parse a classifier file, with errors naming what is wrong. */
export function parseClassifier(text: string, file: string): ClassifierFile {
  let obj: ClassifierFile;
  try {
    obj = JSON.parse(text) as ClassifierFile;
  } catch (e) {
    throw new InputError(`${file}: not JSON (${(e as Error).message})`);
  }
  if (obj?.format !== CLASSIFIER_FORMAT) throw new InputError(`${file}: not a ValueLex value classifier (format "${String(obj?.format)}")`);
  if (obj.version !== 1) throw new InputError(`${file}: classifier version ${String(obj.version)} is not supported`);
  if (obj.mlp) {
    const m = obj.mlp;
    if (m.classes.length !== obj.values.length || m.w1.length !== m.hidden * m.inputs || m.w2.length !== obj.values.length) throw new InputError(`${file}: the MLP does not match the classifier's ${obj.values.length} values`);
    return obj;
  }
  for (const v of obj.values ?? []) {
    const m = obj.models?.[v];
    if (!m || m.weights.length !== m.classes.length * m.dimension) throw new InputError(`${file}: model for value "${v}" is missing or has the wrong shape`);
  }
  return obj;
}

// ---------- cross-validation ----------

export type CvMethod = 'majority' | 'bow' | 'classifier';

export interface CvValueMetrics {
  macro_f1: number;
  kappa: number | null;
  accuracy: number;
}

export interface CvResult {
  method: CvMethod;
  /** The classifier's learner (method classifier only). */
  learner?: ClassifierLearner;
  folds: number;
  per_value: Record<string, CvValueMetrics>;
  /** Mean over values of macro-F1 and kappa (kappa NA counted as 0). */
  mean_macro_f1: number;
  mean_kappa: number;
  exact_match: number;
}

/**
 * k-fold cross-validation on out-of-fold predictions (pooled over folds), folds stratified on the
 * whole label vector so rare labels are spread over folds. Embeddings are computed once.
 */
export async function crossValidate(pairs: readonly ValuePair[], values: readonly string[], method: CvMethod, opts: { folds?: number; seed?: number; embedder?: Embedder; options?: LogisticOptions; learner?: ClassifierLearner } = {}): Promise<CvResult> {
  requireLabels(pairs);
  const k = opts.folds ?? 5;
  const folds = stratifiedKFold(pairs.map((p) => values.map((v) => labelOf(p, v)).join(',')), k, opts.seed ?? 1);
  const predicted: Record<string, number>[] = new Array(pairs.length);
  const raw = method === 'classifier' ? await embeddingFeatures(required(opts.embedder), pairs) : undefined;
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
      const learner = opts.learner ?? 'logistic';
      const model = fitEmbeddingModel(fold.train.map((i) => raw![i]!), train, values, opts.embedder!.id, learner, learner === 'mlp' ? DEFAULT_MLP_OPTIONS : (opts.options ?? DEFAULT_CLASSIFIER_OPTIONS));
      out = predictRows(model, standardisedRows(model.features as EmbeddingFeatureModel, fold.test.map((i) => raw![i]!))).map((p) => p.values);
    }
    fold.test.forEach((i, j) => (predicted[i] = out[j]!));
  }
  const per_value: Record<string, CvValueMetrics> = {};
  for (const v of values) {
    const rep = classificationReport(pairs.map((p) => labelOf(p, v)), predicted.map((p) => p[v]!));
    per_value[v] = { macro_f1: rep.macroF1, kappa: rep.kappa ?? null, accuracy: rep.accuracy };
  }
  const m = Object.values(per_value);
  return {
    method,
    ...(method === 'classifier' ? { learner: opts.learner ?? 'logistic' } : {}),
    folds: k,
    per_value,
    mean_macro_f1: m.reduce((s, x) => s + x.macro_f1, 0) / m.length,
    mean_kappa: m.reduce((s, x) => s + (x.kappa ?? 0), 0) / m.length,
    exact_match: exactMatch(pairs.map((p) => values.map((v) => labelOf(p, v))), predicted.map((p) => values.map((v) => p[v]!))),
  };
}

function required(e: Embedder | undefined): Embedder {
  if (!e) throw new InputError('cross-validating the classifier needs an embedder');
  return e;
}
