/**
 * Evaluation of a classifier (or judge) against reference labels, built for the 3-class value
 * labels {-1, 0, 1} but valid for any numeric label set: confusion matrix, accuracy,
 * per-class precision/recall/F1, macro averages, Cohen's kappa, exact match of label vectors,
 * mean absolute error, and seeded stratified k-fold splits.
 */
import { StatsInputError } from './input-error.js';
import { cohensKappa } from './agreement.js';
import { createRng, shuffleInPlace } from './rng.js';

export const VALUE_LABELS: readonly number[] = [-1, 0, 1];

export interface ConfusionMatrix {
  labels: number[];
  /** matrix[i][j] = number of items with true label labels[i] predicted as labels[j]. */
  matrix: number[][];
  n: number;
}

function sameLength(truth: readonly unknown[], predicted: readonly unknown[]): void {
  if (truth.length !== predicted.length) throw new StatsInputError(`truth and predictions differ in length (${truth.length} vs ${predicted.length})`);
  if (truth.length === 0) throw new StatsInputError('no items to evaluate');
}

export function confusionMatrix(truth: readonly number[], predicted: readonly number[], labels: readonly number[] = VALUE_LABELS): ConfusionMatrix {
  sameLength(truth, predicted);
  const index = new Map(labels.map((l, i) => [l, i]));
  if (index.size !== labels.length) throw new StatsInputError('labels contain duplicates');
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  truth.forEach((t, k) => {
    const i = index.get(t), j = index.get(predicted[k]!);
    if (i === undefined) throw new StatsInputError(`true label ${t} at item ${k} is not one of ${labels.join(', ')}`);
    if (j === undefined) throw new StatsInputError(`predicted label ${predicted[k]} at item ${k} is not one of ${labels.join(', ')}`);
    matrix[i]![j]!++;
  });
  return { labels: [...labels], matrix, n: truth.length };
}

export interface ClassMetrics {
  label: number;
  precision: number;
  recall: number;
  f1: number;
  /** Number of items whose true label is this class. */
  support: number;
}

export interface ClassificationReport {
  confusion: ConfusionMatrix;
  accuracy: number;
  perClass: ClassMetrics[];
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  /** Support-weighted F1. */
  weightedF1: number;
  /** Cohen's kappa of predictions against truth (undefined when chance agreement is 1). */
  kappa?: number;
  /** Metrics that were 0/0 and set to 0 (as scikit-learn's zero_division = 0). */
  warnings: string[];
}

/** Accuracy, per-class and macro precision/recall/F1 (averaged over all given labels), kappa. */
export function classificationReport(truth: readonly number[], predicted: readonly number[], labels: readonly number[] = VALUE_LABELS): ClassificationReport {
  const confusion = confusionMatrix(truth, predicted, labels);
  const { matrix, n } = confusion;
  const warnings: string[] = [];
  let correct = 0;
  const perClass = labels.map((label, i) => {
    const tp = matrix[i]![i]!;
    correct += tp;
    const support = matrix[i]!.reduce((s, v) => s + v, 0);
    const predictedCount = matrix.reduce((s, r) => s + r[i]!, 0);
    let precision = 0, recall = 0;
    if (predictedCount > 0) precision = tp / predictedCount; else warnings.push(`precision of label ${label} is 0/0 (never predicted); set to 0`);
    if (support > 0) recall = tp / support; else warnings.push(`recall of label ${label} is 0/0 (no true items); set to 0`);
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const k = labels.length;
  const avg = (f: (m: ClassMetrics) => number): number => perClass.reduce((s, m) => s + f(m), 0) / k;
  let kappa: number | undefined;
  try {
    kappa = cohensKappa(truth, predicted, { categories: labels }).kappa;
  } catch {
    warnings.push('kappa is undefined (a single label used throughout)');
  }
  return {
    confusion,
    accuracy: correct / n,
    perClass,
    macroPrecision: avg((m) => m.precision),
    macroRecall: avg((m) => m.recall),
    macroF1: avg((m) => m.f1),
    weightedF1: perClass.reduce((s, m) => s + m.f1 * m.support, 0) / n,
    ...(kappa === undefined ? {} : { kappa }),
    warnings,
  };
}

/** Share of items whose whole label vector matches exactly (e.g. all value dimensions of a text). */
export function exactMatch(truth: readonly (readonly number[])[], predicted: readonly (readonly number[])[]): number {
  sameLength(truth, predicted);
  let hits = 0;
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    if (t.length !== p.length) throw new StatsInputError(`label vectors of item ${i} differ in length (${t.length} vs ${p.length})`);
    if (t.every((v, j) => v === p[j])) hits++;
  });
  return hits / truth.length;
}

export function meanAbsoluteError(truth: readonly number[], predicted: readonly number[]): number {
  sameLength(truth, predicted);
  let s = 0;
  truth.forEach((t, i) => {
    const d = Math.abs(t - predicted[i]!);
    if (!Number.isFinite(d)) throw new StatsInputError(`item ${i} is not a finite number`);
    s += d;
  });
  return s / truth.length;
}

export interface Fold {
  train: number[];
  test: number[];
}

/**
 * Seeded stratified k-fold split: items of each label are shuffled and dealt round-robin over the
 * folds (continuing across labels), so every fold gets each label in proportion and fold sizes
 * differ by at most one. Indices within a fold are ascending.
 */
export function stratifiedKFold(labels: readonly (number | string)[], k: number, seed = 1): Fold[] {
  const n = labels.length;
  if (!(Number.isInteger(k) && k >= 2)) throw new StatsInputError(`k must be an integer >= 2, got ${k}`);
  if (k > n) throw new StatsInputError(`cannot split ${n} items into ${k} folds`);
  const rng = createRng(seed);
  const byLabel = new Map<number | string, number[]>();
  labels.forEach((l, i) => {
    const g = byLabel.get(l);
    if (g) g.push(i); else byLabel.set(l, [i]);
  });
  const keys = [...byLabel.keys()].sort((a, b) => String(a).localeCompare(String(b)));
  const testSets: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const key of keys) {
    const idx = shuffleInPlace(rng, byLabel.get(key)!);
    for (const i of idx) { testSets[next]!.push(i); next = (next + 1) % k; }
  }
  return testSets.map((test) => {
    const inTest = new Set(test);
    return { test: [...test].sort((a, b) => a - b), train: labels.map((_, i) => i).filter((i) => !inTest.has(i)) };
  });
}
