/**
 * k-means: k-means++ seeding (seeded), several restarts, Lloyd iterations; the restart with the
 * lowest inertia (within-cluster sum of squares) wins. `initialCenters` skips seeding, to reproduce
 * R's `kmeans(x, centers, algorithm = "Lloyd")` exactly.
 */
import { StatsInputError } from '../input-error.js';
import { createRng, type Rng } from '../rng.js';
import { checkPoints, squaredEuclidean, type Points } from './points.js';

export interface KMeansOptions {
  seed?: number;
  restarts?: number;
  maxIterations?: number;
  initialCenters?: readonly ArrayLike<number>[];
}

export interface KMeansResult {
  /** Cluster of each point, 0-based. */
  labels: Int32Array;
  centers: Float64Array[];
  /** Total within-cluster sum of squared distances. */
  inertia: number;
  iterations: number;
  converged: boolean;
}

function kmeansPlusPlus(x: Points, k: number, rng: Rng): Float64Array[] {
  const n = x.length;
  const centers: Float64Array[] = [Float64Array.from(x[rng.int(n)]!)];
  const d2 = new Float64Array(n).fill(Infinity);
  while (centers.length < k) {
    const c = centers[centers.length - 1]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = squaredEuclidean(x[i]!, c);
      if (d < d2[i]!) d2[i] = d;
      total += d2[i]!;
    }
    let pick = n - 1;
    if (total > 0) {
      let r = rng.next() * total;
      for (let i = 0; i < n; i++) {
        r -= d2[i]!;
        if (r < 0) {
          pick = i;
          break;
        }
      }
    } else pick = rng.int(n);
    centers.push(Float64Array.from(x[pick]!));
  }
  return centers;
}

function lloyd(x: Points, start: Float64Array[], maxIterations: number): KMeansResult {
  const n = x.length, k = start.length, d = x[0]!.length;
  const centers = start.map((c) => Float64Array.from(c));
  const labels = new Int32Array(n).fill(-1);
  let iterations = 0, converged = false;
  while (iterations < maxIterations) {
    iterations++;
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0, bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const dist = squaredEuclidean(x[i]!, centers[c]!);
        if (dist < bestD) {
          bestD = dist;
          best = c;
        }
      }
      if (labels[i] !== best) {
        labels[i] = best;
        changed = true;
      }
    }
    if (!changed) {
      converged = true;
      break;
    }
    const sums = centers.map(() => new Float64Array(d));
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const s = sums[labels[i]!]!, p = x[i]!;
      counts[labels[i]!]!++;
      for (let j = 0; j < d; j++) s[j]! += p[j]!;
    }
    // An emptied cluster keeps its old center (as R's Lloyd does).
    for (let c = 0; c < k; c++) if (counts[c]! > 0) for (let j = 0; j < d; j++) centers[c]![j] = sums[c]![j]! / counts[c]!;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += squaredEuclidean(x[i]!, centers[labels[i]!]!);
  return { labels, centers, inertia, iterations, converged };
}

export function kmeans(x: Points, k: number, options: KMeansOptions = {}): KMeansResult {
  const d = checkPoints(x);
  if (!Number.isInteger(k) || k < 1 || k > x.length) throw new StatsInputError(`kmeans: k must be an integer in 1..${x.length}, got ${k}`);
  const maxIterations = options.maxIterations ?? 100;
  if (options.initialCenters) {
    if (options.initialCenters.length !== k || options.initialCenters.some((c) => c.length !== d)) {
      throw new StatsInputError(`kmeans: initialCenters must be ${k} vectors of dimension ${d}`);
    }
    return lloyd(x, options.initialCenters.map((c) => Float64Array.from(c)), maxIterations);
  }
  const rng = createRng(options.seed ?? 1);
  let best: KMeansResult | undefined;
  for (let r = 0; r < Math.max(1, options.restarts ?? 10); r++) {
    const res = lloyd(x, kmeansPlusPlus(x, k, rng), maxIterations);
    if (!best || res.inertia < best.inertia) best = res;
  }
  return best!;
}
