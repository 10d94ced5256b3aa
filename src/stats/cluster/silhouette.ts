/**
 * Silhouette widths (Rousseeuw 1987), as cluster::silhouette: s(i) = (b − a) / max(a, b), with
 * s(i) = 0 for a point alone in its cluster. Euclidean or cosine distance.
 */
import { StatsInputError } from '../input-error.js';
import { checkPoints, cosineDistance, squaredEuclidean, type Points } from './points.js';

export type DistanceMetric = 'euclidean' | 'cosine';

export interface SilhouetteResult {
  widths: Float64Array;
  mean: number;
}

export function silhouette(x: Points, labels: ArrayLike<number>, metric: DistanceMetric = 'euclidean'): SilhouetteResult {
  checkPoints(x);
  const n = x.length;
  if (labels.length !== n) throw new StatsInputError(`silhouette: ${labels.length} labels for ${n} points`);
  const ids = [...new Set(Array.from(labels))];
  if (ids.length < 2 || ids.length > n - 1) throw new StatsInputError(`silhouette: needs 2..${n - 1} clusters, got ${ids.length}`);
  const slot = new Map(ids.map((c, i) => [c, i]));
  const lab = Int32Array.from(Array.from(labels, (c) => slot.get(c)!));
  const size = new Int32Array(ids.length);
  for (let i = 0; i < n; i++) size[lab[i]!]!++;
  const dist = metric === 'cosine' ? cosineDistance : (p: ArrayLike<number>, q: ArrayLike<number>) => Math.sqrt(squaredEuclidean(p, q));
  const widths = new Float64Array(n);
  const sums = new Float64Array(ids.length);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[lab[j]!]! += dist(x[i]!, x[j]!);
    const own = lab[i]!;
    if (size[own] === 1) continue;
    const a = sums[own]! / (size[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < ids.length; c++) if (c !== own) b = Math.min(b, sums[c]! / size[c]!);
    const m = Math.max(a, b);
    widths[i] = m === 0 ? 0 : (b - a) / m;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += widths[i]!;
  return { widths, mean: mean / n };
}
