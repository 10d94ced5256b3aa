/**
 * Cluster stability by bootstrap: cluster each resample (with replacement) and compare its labels
 * with the full-data clustering restricted to the resampled points, by adjusted Rand index. A mean
 * ARI near 1 means the partition is reproducible; near 0, it is noise.
 */
import { StatsInputError } from '../input-error.js';
import { createRng } from '../rng.js';
import { adjustedRandIndex } from './ari.js';
import { checkPoints, type Points } from './points.js';

export interface StabilityResult {
  meanAri: number;
  aris: number[];
}

/** `cluster(points, seed)` must return one label per point. */
export function bootstrapStability(
  x: Points,
  cluster: (points: Points, seed: number) => ArrayLike<number>,
  options: { resamples?: number; seed?: number } = {},
): StabilityResult {
  checkPoints(x);
  const n = x.length;
  if (n < 3) throw new StatsInputError('bootstrapStability: needs at least 3 points');
  const B = options.resamples ?? 20;
  if (B < 1) throw new StatsInputError('bootstrapStability: needs at least 1 resample');
  const rng = createRng(options.seed ?? 1);
  const full = cluster(x, options.seed ?? 1);
  if (full.length !== n) throw new StatsInputError('bootstrapStability: clustering returned the wrong number of labels');
  const aris: number[] = [];
  for (let b = 0; b < B; b++) {
    const idx = Array.from({ length: n }, () => rng.int(n));
    const labels = cluster(idx.map((i) => x[i]!), Math.floor(rng.next() * 2 ** 31));
    aris.push(adjustedRandIndex(idx.map((i) => full[i]!), labels));
  }
  return { meanAri: aris.reduce((s, v) => s + v, 0) / B, aris };
}
