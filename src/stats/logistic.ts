/**
 * Multinomial (softmax) logistic regression with L2 penalty, trained by full-batch Adam on sparse
 * rows: the building block of the value classifier (one three-class model per value) and of the
 * bag-of-words baseline. Rows are sparse so that a 10k-term vocabulary costs only its non-zeros;
 * dense features are rows with every index present. Deterministic: zero initialisation, no
 * sampling, so a model is a pure function of its data and options.
 */
import { StatsInputError } from './input-error.js';

/** One feature row: parallel arrays of column indices and values. */
export interface SparseRow {
  idx: Int32Array;
  val: Float64Array;
}

export function denseRow(values: ArrayLike<number>): SparseRow {
  const n = values.length;
  const idx = new Int32Array(n);
  const val = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    idx[i] = i;
    val[i] = values[i]!;
  }
  return { idx, val };
}

export interface LogisticOptions {
  /** L2 penalty on the weights (not the intercepts), per observation. Default 1e-3. */
  l2?: number;
  /** Full-batch Adam steps. Default 300. */
  epochs?: number;
  learningRate?: number;
  /** 'balanced' weighs each class by n / (K * n_class), so rare labels (-1) are not ignored. */
  classWeight?: 'none' | 'balanced';
}

export interface LogisticModel {
  /** Class labels, in the order of the rows of `weights`. */
  classes: number[];
  dimension: number;
  /** classes x dimension, row-major. */
  weights: number[];
  intercepts: number[];
}

/** Fit a softmax regression of `labels` on `rows` (each row's indices < dimension). */
export function fitLogistic(rows: readonly SparseRow[], labels: readonly number[], dimension: number, options: LogisticOptions = {}): LogisticModel {
  if (rows.length !== labels.length) throw new StatsInputError(`fitLogistic: ${rows.length} rows but ${labels.length} labels`);
  if (rows.length === 0) throw new StatsInputError('fitLogistic: no training rows');
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  const K = classes.length;
  const D = dimension;
  const N = rows.length;
  const l2 = options.l2 ?? 1e-3;
  const epochs = options.epochs ?? 300;
  const lr = options.learningRate ?? 0.05;
  const y = labels.map((l) => classes.indexOf(l));
  const counts = classes.map((_, k) => y.filter((v) => v === k).length);
  const classW = counts.map((c) => (options.classWeight === 'balanced' ? N / (K * c) : 1));
  const totalW = y.reduce((s, k) => s + classW[k]!, 0);
  const sampleW = y.map((k) => classW[k]! / totalW);
  if (K === 1) return { classes, dimension: D, weights: new Array<number>(D).fill(0), intercepts: [0] };

  const W = new Float64Array(K * D);
  const b = new Float64Array(K);
  const gW = new Float64Array(K * D);
  const gb = new Float64Array(K);
  const mW = new Float64Array(K * D), vW = new Float64Array(K * D);
  const mb = new Float64Array(K), vb = new Float64Array(K);
  const z = new Float64Array(K);
  const beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  for (let t = 1; t <= epochs; t++) {
    gW.fill(0);
    gb.fill(0);
    for (let i = 0; i < N; i++) {
      const row = rows[i]!;
      softmaxInto(row, W, b, D, z);
      const w = sampleW[i]!;
      for (let k = 0; k < K; k++) {
        const err = (z[k]! - (y[i] === k ? 1 : 0)) * w;
        if (err === 0) continue;
        gb[k] += err;
        const off = k * D;
        for (let j = 0; j < row.idx.length; j++) gW[off + row.idx[j]!] += err * row.val[j]!;
      }
    }
    for (let q = 0; q < W.length; q++) gW[q] += l2 * W[q]!;
    const c1 = 1 - beta1 ** t, c2 = 1 - beta2 ** t;
    for (let q = 0; q < W.length; q++) {
      mW[q] = beta1 * mW[q]! + (1 - beta1) * gW[q]!;
      vW[q] = beta2 * vW[q]! + (1 - beta2) * gW[q]! * gW[q]!;
      W[q] -= (lr * (mW[q]! / c1)) / (Math.sqrt(vW[q]! / c2) + eps);
    }
    for (let k = 0; k < K; k++) {
      mb[k] = beta1 * mb[k]! + (1 - beta1) * gb[k]!;
      vb[k] = beta2 * vb[k]! + (1 - beta2) * gb[k]! * gb[k]!;
      b[k] -= (lr * (mb[k]! / c1)) / (Math.sqrt(vb[k]! / c2) + eps);
    }
  }
  return { classes, dimension: D, weights: Array.from(W), intercepts: Array.from(b) };
}

function softmaxInto(row: SparseRow, W: ArrayLike<number>, b: ArrayLike<number>, D: number, out: Float64Array): void {
  const K = out.length;
  for (let k = 0; k < K; k++) {
    let s = b[k]!;
    const off = k * D;
    for (let j = 0; j < row.idx.length; j++) s += W[off + row.idx[j]!]! * row.val[j]!;
    out[k] = s;
  }
  softmaxInPlace(out, K);
}

/** The first `n` entries of `z` (scores) become probabilities, stably (the max is subtracted first). */
export function softmaxInPlace(z: Float64Array, n: number): void {
  let max = -Infinity;
  for (let k = 0; k < n; k++) if (z[k]! > max) max = z[k]!;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    z[k] = Math.exp(z[k]! - max);
    sum += z[k]!;
  }
  for (let k = 0; k < n; k++) z[k] = z[k]! / sum;
}

/** Class probabilities for one row, in the order of `model.classes`. */
export function predictProba(model: LogisticModel, row: SparseRow): number[] {
  const out = new Float64Array(model.classes.length);
  if (model.classes.length === 1) return [1];
  softmaxInto(row, model.weights, model.intercepts, model.dimension, out);
  return Array.from(out);
}

/** Most probable class of one row. */
export function predictClass(model: LogisticModel, row: SparseRow): number {
  const p = predictProba(model, row);
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  return model.classes[best]!;
}
