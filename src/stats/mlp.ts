/**
 * A small multi-output perceptron: one shared ReLU hidden layer and, per output, a softmax head
 * over that output's classes (the value classifier: ten values, three labels each). Trained with
 * mini-batch Adam, L2 on the weights, inverted dropout on the hidden layer, and per-output
 * balanced class weights so rare labels count. Seeded: the same data, options and seed give the
 * same model.
 */
import { createRng, shuffleInPlace } from './rng.js';
import { StatsInputError } from './input-error.js';
import { softmaxInPlace } from './logistic.js';

export interface MlpOptions {
  hidden?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  l2?: number;
  dropout?: number;
  seed?: number;
}

export interface MlpModel {
  inputs: number;
  hidden: number;
  /** Class labels of each output head. */
  classes: number[][];
  /** hidden x inputs, row-major. */
  w1: number[];
  b1: number[];
  /** Per head: classes x hidden, row-major. */
  w2: number[][];
  b2: number[][];
}

/** Fit on rows `x` (dense) and labels `y` (rows x outputs). */
export function fitMlp(x: readonly ArrayLike<number>[], y: readonly (readonly number[])[], options: MlpOptions = {}): MlpModel {
  const N = x.length;
  if (N === 0 || y.length !== N) throw new StatsInputError(`fitMlp: ${N} rows but ${y.length} label rows`);
  const D = x[0]!.length;
  const K = y[0]!.length;
  const H = options.hidden ?? 64;
  const epochs = options.epochs ?? 40;
  const B = Math.max(1, Math.min(N, options.batchSize ?? 32));
  const lr = options.learningRate ?? 0.003;
  const l2 = options.l2 ?? 1e-2;
  const drop = options.dropout ?? 0.3;
  const rng = createRng(options.seed ?? 1);
  const classes = Array.from({ length: K }, (_, k) => [...new Set(y.map((r) => r[k]!))].sort((a, b) => a - b));
  const yi = y.map((r) => r.map((v, k) => classes[k]!.indexOf(v)));
  const weight = classes.map((cs, k) => {
    const counts = cs.map((_, c) => yi.filter((r) => r[k] === c).length);
    return counts.map((n) => (n > 0 ? N / (cs.length * n) : 0));
  });

  const w1 = Float64Array.from({ length: H * D }, () => rng.normal() * Math.sqrt(2 / D));
  const b1 = new Float64Array(H);
  const w2 = classes.map((cs) => Float64Array.from({ length: cs.length * H }, () => rng.normal() * Math.sqrt(1 / H)));
  const b2 = classes.map((cs) => new Float64Array(cs.length));
  const params: Float64Array[] = [w1, b1, ...w2, ...b2];
  const grads = params.map((p) => new Float64Array(p.length));
  const m1 = params.map((p) => new Float64Array(p.length));
  const m2 = params.map((p) => new Float64Array(p.length));
  const decay = new Set<Float64Array>([w1, ...w2]);
  const h = new Float64Array(H);
  const mask = new Float64Array(H);
  const dh = new Float64Array(H);
  const z = new Float64Array(Math.max(...classes.map((c) => c.length)));
  const order = Array.from({ length: N }, (_, i) => i);
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleInPlace(rng, order);
    for (let start = 0; start < N; start += B) {
      const batch = order.slice(start, start + B);
      for (const g of grads) g.fill(0);
      for (const n of batch) {
        const xn = x[n]!;
        for (let j = 0; j < H; j++) {
          let s = b1[j]!;
          const o = j * D;
          for (let d = 0; d < D; d++) s += w1[o + d]! * xn[d]!;
          mask[j] = drop > 0 ? (rng.next() < drop ? 0 : 1 / (1 - drop)) : 1;
          h[j] = s > 0 ? s * mask[j]! : 0;
        }
        dh.fill(0);
        for (let k = 0; k < K; k++) {
          const C = classes[k]!.length;
          const W = w2[k]!;
          for (let c = 0; c < C; c++) {
            let s = b2[k]![c]!;
            const o = c * H;
            for (let j = 0; j < H; j++) s += W[o + j]! * h[j]!;
            z[c] = s;
          }
          softmaxInPlace(z, C);
          const target = yi[n]![k]!;
          const w = weight[k]![target]! / batch.length;
          const gW = grads[2 + k]!, gb = grads[2 + K + k]!;
          for (let c = 0; c < C; c++) {
            const e = (z[c]! - (c === target ? 1 : 0)) * w;
            if (e === 0) continue;
            gb[c] += e;
            const o = c * H;
            for (let j = 0; j < H; j++) {
              gW[o + j] += e * h[j]!;
              dh[j] += e * W[o + j]!;
            }
          }
        }
        const g1 = grads[0]!, gb1 = grads[1]!;
        for (let j = 0; j < H; j++) {
          if (h[j]! <= 0) continue;
          const e = dh[j]! * mask[j]!;
          gb1[j] += e;
          const o = j * D;
          for (let d = 0; d < D; d++) g1[o + d] += e * xn[d]!;
        }
      }
      step++;
      const c1 = 1 - 0.9 ** step, c2 = 1 - 0.999 ** step;
      params.forEach((p, pi) => {
        const g = grads[pi]!, a = m1[pi]!, v = m2[pi]!;
        const reg = decay.has(p) ? l2 : 0;
        for (let q = 0; q < p.length; q++) {
          const gq = g[q]! + reg * p[q]!;
          a[q] = 0.9 * a[q]! + 0.1 * gq;
          v[q] = 0.999 * v[q]! + 0.001 * gq * gq;
          p[q] -= (lr * (a[q]! / c1)) / (Math.sqrt(v[q]! / c2) + 1e-8);
        }
      });
    }
  }
  return { inputs: D, hidden: H, classes, w1: Array.from(w1), b1: Array.from(b1), w2: w2.map((w) => Array.from(w)), b2: b2.map((b) => Array.from(b)) };
}

/** Class probabilities of every head for one row (in each head's `classes` order). */
export function predictMlp(model: MlpModel, x: ArrayLike<number>): number[][] {
  const { inputs: D, hidden: H } = model;
  const h = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    let s = model.b1[j]!;
    const o = j * D;
    for (let d = 0; d < D; d++) s += model.w1[o + d]! * x[d]!;
    h[j] = s > 0 ? s : 0;
  }
  return model.classes.map((cs, k) => {
    const z = Float64Array.from(cs, (_, c) => {
      let s = model.b2[k]![c]!;
      const o = c * H;
      for (let j = 0; j < H; j++) s += model.w2[k]![o + j]! * h[j]!;
      return s;
    });
    softmaxInPlace(z, z.length);
    return Array.from(z);
  });
}
