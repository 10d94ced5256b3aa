/**
 * Agglomerative clustering (Ward = R's "ward.D2", average, complete, single) on Euclidean or cosine
 * distance, by the nearest-neighbour-chain algorithm with Lance–Williams updates: O(n²) time and one
 * n × n Float64 distance matrix, so the input is capped at `MAX_AGGLOMERATIVE_POINTS` (5,000 points
 * = 200 MB); cluster larger sets with k-means.
 *
 * The dendrogram is returned in R's `hclust` format so a report can draw it and results compare
 * with R: `merge` rows [a, b] where a negative number −j is observation j (1-based) and a positive
 * number m is the cluster formed at step m; rows sorted by `height`; `order` is the leaf order.
 */
import { StatsInputError } from '../input-error.js';
import { checkPoints, cosineDistance, squaredEuclidean, type Points } from './points.js';
import type { DistanceMetric } from './silhouette.js';

export type Linkage = 'ward' | 'average' | 'complete' | 'single';
export const MAX_AGGLOMERATIVE_POINTS = 5000;

export interface Dendrogram {
  /** n − 1 rows of [a, b] in R's hclust convention. */
  merge: [number, number][];
  height: number[];
  /** 1-based observation indices in dendrogram leaf order (R's `order`). */
  order: number[];
  linkage: Linkage;
  metric: DistanceMetric;
}

export function agglomerative(x: Points, linkage: Linkage = 'ward', metric: DistanceMetric = 'euclidean'): Dendrogram {
  checkPoints(x);
  const n = x.length;
  if (n < 2) throw new StatsInputError('agglomerative: needs at least 2 points');
  if (n > MAX_AGGLOMERATIVE_POINTS) {
    throw new StatsInputError(`agglomerative: ${n} points exceed the cap of ${MAX_AGGLOMERATIVE_POINTS} (memory); use kmeans`);
  }
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let d = metric === 'cosine' ? cosineDistance(x[i]!, x[j]!) : Math.sqrt(squaredEuclidean(x[i]!, x[j]!));
      // Ward works on squared distances (R's ward.D2 squares the input and reports the root).
      if (linkage === 'ward') d *= d;
      D[i * n + j] = D[j * n + i] = d;
    }
  }
  const active = new Uint8Array(n).fill(1);
  const size = new Float64Array(n).fill(1);
  const id = Array.from({ length: n }, (_, i) => -(i + 1));
  const raw: { a: number; b: number; h: number }[] = [];
  const chain: number[] = [];
  let remaining = n;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const top = chain[chain.length - 1]!;
    const prev = chain.length > 1 ? chain[chain.length - 2]! : -1;
    // Nearest active neighbour; ties prefer the previous chain element so the chain cannot cycle.
    let nn = prev, best = prev >= 0 ? D[top * n + prev]! : Infinity;
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === top) continue;
      const d = D[top * n + k]!;
      if (d < best) {
        best = d;
        nn = k;
      }
    }
    if (nn !== prev) {
      chain.push(nn);
      continue;
    }
    chain.pop();
    chain.pop();
    const i = Math.min(top, prev), j = Math.max(top, prev);
    const ni = size[i]!, nj = size[j]!, dij = D[i * n + j]!;
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === i || k === j) continue;
      const dki = D[k * n + i]!, dkj = D[k * n + j]!, nk = size[k]!;
      let d: number;
      if (linkage === 'ward') d = ((ni + nk) * dki + (nj + nk) * dkj - nk * dij) / (ni + nj + nk);
      else if (linkage === 'average') d = (ni * dki + nj * dkj) / (ni + nj);
      else if (linkage === 'complete') d = Math.max(dki, dkj);
      else d = Math.min(dki, dkj);
      D[k * n + i] = D[i * n + k] = d;
    }
    raw.push({ a: id[i]!, b: id[j]!, h: linkage === 'ward' ? Math.sqrt(Math.max(0, dij)) : dij });
    active[j] = 0;
    size[i] = ni + nj;
    id[i] = raw.length;
    remaining--;
  }
  // Sort by height (stable: a parent never precedes its children), then renumber cluster ids.
  const sorted = raw.map((m, step) => ({ ...m, step: step + 1 })).sort((p, q) => p.h - q.h);
  const newStep = new Map<number, number>();
  sorted.forEach((m, i) => newStep.set(m.step, i + 1));
  const relabel = (v: number): number => (v < 0 ? v : newStep.get(v)!);
  const merge = sorted.map((m): [number, number] => {
    const a = relabel(m.a), b = relabel(m.b);
    if (a < 0 && b < 0) return a > b ? [a, b] : [b, a];
    if (a < 0 || b < 0) return a < 0 ? [a, b] : [b, a];
    return a < b ? [a, b] : [b, a];
  });
  const order: number[] = [];
  const stack = [n - 1];
  while (stack.length) {
    const v = stack.pop()!;
    if (v < 0) order.push(-v);
    else {
      const [a, b] = merge[v - 1]!;
      stack.push(b, a);
    }
  }
  return { merge, height: sorted.map((m) => m.h), order: order, linkage, metric };
}

/** Labels (0-based, numbered by first appearance as R's cutree) for k clusters. */
export function cutTree(tree: Dendrogram, k: number): Int32Array {
  const n = tree.merge.length + 1;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new StatsInputError(`cutTree: k must be in 1..${n}, got ${k}`);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const rep: number[] = [];
  const member = (v: number): number => (v < 0 ? -v - 1 : rep[v - 1]!);
  for (let s = 0; s < n - 1; s++) {
    const [a, b] = tree.merge[s]!;
    const ra = find(member(a)), rb = find(member(b));
    if (s < n - k) parent[rb] = ra;
    rep.push(ra);
  }
  const labels = new Int32Array(n);
  const seen = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (!seen.has(r)) seen.set(r, seen.size);
    labels[i] = seen.get(r)!;
  }
  return labels;
}
