/**
 * The same L2-penalised softmax regression as `fitLogistic` (same objective, same model), solved
 * by L-BFGS on a compressed sparse row matrix: each objective evaluation costs one pass over the
 * non-zeros per class, and L-BFGS needs tens of evaluations where full-batch Adam needs hundreds
 * of epochs that also touch every weight. A 20,000-term bag of words fits in tens of milliseconds.
 *
 * Objective (per observation, sample weights normalised to sum 1):
 *   sum_i s_i * -log softmax(W x_i + b)[y_i]  +  (l2 / 2) * ||W||^2   (intercepts not penalised)
 * with s_i proportional to the class weight of y_i ('balanced': n / (K * n_class)).
 */
import { lbfgs, type LbfgsOptions } from './lbfgs.js';
import { StatsInputError } from './input-error.js';
import type { LogisticModel, SparseRow } from './logistic.js';

/** Rows in compressed sparse row form. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  /** Row r's entries are indptr[r] .. indptr[r + 1]. */
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

/** Pack sparse rows (indices < cols) into one CSR matrix. */
export function toCsr(rows: readonly SparseRow[], cols: number): CsrMatrix {
  const indptr = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (indptr[i + 1] = indptr[i]! + r.idx.length));
  const indices = new Int32Array(indptr[rows.length]!);
  const data = new Float64Array(indptr[rows.length]!);
  rows.forEach((r, i) => {
    indices.set(r.idx, indptr[i]!);
    data.set(r.val, indptr[i]!);
    for (let j = 0; j < r.idx.length; j++) if (r.idx[j]! >= cols || r.idx[j]! < 0) throw new StatsInputError(`toCsr: row ${i} has column ${r.idx[j]} outside 0..${cols - 1}`);
  });
  return { rows: rows.length, cols, indptr, indices, data };
}

export interface SparseLogisticOptions extends LbfgsOptions {
  /** L2 penalty on the weights, per observation. Default 1e-3. */
  l2?: number;
  classWeight?: 'none' | 'balanced';
  /** Per-row weights multiplying the class weights (default all 1). */
  sampleWeights?: readonly number[];
  /** Starting point (a model of the same classes and dimension), e.g. the fit on all rows when refitting on a subset. */
  init?: LogisticModel;
}

/** Fit a softmax regression of `labels` on the rows of `x` by L-BFGS. */
export function fitSparseLogistic(x: CsrMatrix, labels: readonly number[], options: SparseLogisticOptions = {}): LogisticModel & { iterations: number; evaluations: number; converged: boolean } {
  const N = x.rows, D = x.cols;
  if (labels.length !== N) throw new StatsInputError(`fitSparseLogistic: ${N} rows but ${labels.length} labels`);
  if (N === 0) throw new StatsInputError('fitSparseLogistic: no training rows');
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  const K = classes.length;
  if (K === 1) return { classes, dimension: D, weights: new Array<number>(D).fill(0), intercepts: [0], iterations: 0, evaluations: 0, converged: true };
  const l2 = options.l2 ?? 1e-3;
  const y = Int32Array.from(labels, (l) => classes.indexOf(l));
  const counts = classes.map((_, k) => y.reduce((c, v) => c + (v === k ? 1 : 0), 0));
  const classW = counts.map((c) => (options.classWeight === 'balanced' ? N / (K * c) : 1));
  const sw = Float64Array.from(y, (k, i) => classW[k]! * (options.sampleWeights?.[i] ?? 1));
  const total = sw.reduce((a, b) => a + b, 0);
  for (let i = 0; i < N; i++) sw[i] = sw[i]! / total;

  // Parameters: K x D weights, then K intercepts.
  const { indptr, indices, data } = x;
  const z = new Float64Array(K);
  const ez = new Float64Array(K);
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const bOff = K * D;
    for (let i = 0; i < N; i++) {
      const from = indptr[i]!, to = indptr[i + 1]!;
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        let s = theta[bOff + k]!;
        const off = k * D;
        for (let p = from; p < to; p++) s += theta[off + indices[p]!]! * data[p]!;
        z[k] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(z[k]! - max);
        ez[k] = e;
        sum += e;
      }
      const w = sw[i]!;
      loss += w * (max + Math.log(sum) - z[y[i]!]!);
      for (let k = 0; k < K; k++) {
        const err = w * (ez[k]! / sum - (y[i] === k ? 1 : 0));
        if (err === 0) continue;
        grad[bOff + k]! += err;
        const off = k * D;
        for (let p = from; p < to; p++) grad[off + indices[p]!]! += err * data[p]!;
      }
    }
    let pen = 0;
    for (let q = 0; q < K * D; q++) {
      pen += theta[q]! * theta[q]!;
      grad[q]! += l2 * theta[q]!;
    }
    return loss + 0.5 * l2 * pen;
  };
  const start = new Float64Array(K * D + K);
  const init = options.init;
  if (init && init.dimension === D && init.classes.length === K && init.classes.every((c, k) => c === classes[k])) {
    start.set(init.weights, 0);
    start.set(init.intercepts, K * D);
  }
  // Tolerances: past a relative change of 1e-7 in the penalised log loss, no decision moves.
  const res = lbfgs(objective, start, {
    maxIterations: options.maxIterations ?? 500,
    gradientTolerance: options.gradientTolerance ?? 1e-5,
    relativeTolerance: options.relativeTolerance ?? 1e-7,
    ...(options.memory ? { memory: options.memory } : {}),
  });
  return {
    classes,
    dimension: D,
    weights: Array.from(res.x.subarray(0, K * D)),
    intercepts: Array.from(res.x.subarray(K * D)),
    iterations: res.iterations,
    evaluations: res.evaluations,
    converged: res.converged,
  };
}

/** Class scores (logits) of every row of `x`, rows x classes, row-major. */
export function sparseLogits(model: LogisticModel, x: CsrMatrix): Float64Array {
  const K = model.classes.length, D = model.dimension;
  const out = new Float64Array(x.rows * K);
  if (K === 1) return out;
  for (let i = 0; i < x.rows; i++) {
    for (let k = 0; k < K; k++) {
      let s = model.intercepts[k]!;
      const off = k * D;
      for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) s += model.weights[off + x.indices[p]!]! * x.data[p]!;
      out[i * K + k] = s;
    }
  }
  return out;
}
