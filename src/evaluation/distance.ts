/**
 * Distances between value vectors (records of value id -> score in [-1, 1]; a missing value is 0):
 * used to compare model profiles and to measure how close an answer lands to an alignment target.
 */
import { cosineDistance } from '../stats/cluster/points.js';

export type ValueVector = Record<string, number>;
export type DistanceMetric = 'l2' | 'l1' | 'cosine';

export function distance(a: ValueVector, b: ValueVector, values: readonly string[], metric: DistanceMetric = 'l2'): number {
  const x = values.map((v) => a[v] ?? 0), y = values.map((v) => b[v] ?? 0);
  if (metric === 'l1') return x.reduce((s, xi, i) => s + Math.abs(xi - y[i]!), 0);
  if (metric === 'l2') return Math.sqrt(x.reduce((s, xi, i) => s + (xi - y[i]!) ** 2, 0));
  // A zero vector (an answer touching no value) is as far as orthogonal from any direction.
  return x.every((v) => v === 0) || y.every((v) => v === 0) ? 1 : cosineDistance(x, y);
}
