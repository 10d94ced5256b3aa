/**
 * Shared input checks for clustering: a non-empty list of equal-length, finite vectors.
 */
import { StatsInputError } from '../input-error.js';

export type Points = readonly ArrayLike<number>[];

/** Throws StatsInputError unless every point has the same dimension and only finite values. */
export function checkPoints(points: Points, what = 'points'): number {
  if (points.length === 0) throw new StatsInputError(`${what}: no points`);
  const d = points[0]!.length;
  if (d === 0) throw new StatsInputError(`${what}: points have dimension 0`);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.length !== d) throw new StatsInputError(`${what}[${i}] has dimension ${p.length}, expected ${d}`);
    for (let j = 0; j < d; j++) if (!Number.isFinite(p[j]!)) throw new StatsInputError(`${what}[${i}] contains a non-finite value`);
  }
  return d;
}

export function squaredEuclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const t = a[j]! - b[j]!;
    s += t * t;
  }
  return s;
}

/** 1 − cosine similarity; throws on a zero vector (its direction is undefined). */
export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let j = 0; j < a.length; j++) {
    ab += a[j]! * b[j]!;
    aa += a[j]! * a[j]!;
    bb += b[j]! * b[j]!;
  }
  if (aa === 0 || bb === 0) throw new StatsInputError('cosine distance: zero vector');
  return 1 - ab / Math.sqrt(aa * bb);
}
