/**
 * k-means: k-means++ seeding (seeded), several restarts, Lloyd iterations, then Hartigan's
 * single-point transfers; the restart with the lowest inertia (within-cluster sum of squares)
 * wins. `initialCenters` skips seeding and refinement, to reproduce R's
 * `kmeans(x, centers, algorithm = "Lloyd")` exactly.
 *
 * Why the transfers: a Lloyd fixed point only guarantees each point is nearest its own centre,
 * but moving a point also moves both centres; Hartigan's criterion counts that, so its local
 * optima are a subset of Lloyd's (Telgarsky & Vattani 2010). On small or high-dimensional sets
 * (a dimension's 30 word embeddings in 100-D) plain Lloyd with 200 restarts stayed above the
 * inertia R's default Hartigan-Wong finds, which biased the gap statistic's log W_k.
 */
import { StatsInputError } from '../input-error.js';
import { createRng, type Rng } from '../rng.js';
import { checkPoints, squaredEuclidean, type Points } from './points.js';

export interface KMeansOptions {
  seed?: number;
  restarts?: number;
  maxIterations?: number;
  initialCenters?: readonly ArrayLike<number>[];
  /** Hartigan transfers after Lloyd (default) or none (default with initialCenters: R's Lloyd). */
  refine?: 'hartigan' | 'none';
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

/**
 * Lloyd iterations with Elkan's bounds (Elkan 2003): each point keeps an upper bound on the
 * distance to its center and a lower bound on the distance to every other center; the triangle
 * inequality then skips most distance computations. The result is exactly Lloyd's.
 */
function lloyd(x: Points, start: Float64Array[], maxIterations: number): KMeansResult {
  const n = x.length, k = start.length, d = x[0]!.length;
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) X.set(x[i]!, i * d);
  const C = new Float64Array(k * d);
  start.forEach((c, ci) => C.set(c, ci * d));
  const dist = (i: number, c: number): number => {
    const xo = i * d, co = c * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = X[xo + j]! - C[co + j]!;
      s += t * t;
    }
    return Math.sqrt(s);
  };
  const labels = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  const cc = new Float64Array(k * k);
  const half = new Float64Array(k);
  const moved = new Float64Array(k);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  const old = new Float64Array(k * d);
  // Initial assignment: a full scan that also fills every lower bound.
  for (let i = 0; i < n; i++) {
    let best = 0, bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const dc = dist(i, c);
      lower[i * k + c] = dc;
      if (dc < bestD) {
        bestD = dc;
        best = c;
      }
    }
    labels[i] = best;
    upper[i] = bestD;
  }
  let iterations = 0, converged = false;
  for (;;) {
    // Move centers to the means of their points.
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const so = labels[i]! * d, xo = i * d;
      counts[labels[i]!]!++;
      for (let j = 0; j < d; j++) sums[so + j]! += X[xo + j]!;
    }
    old.set(C);
    // An emptied cluster keeps its old center (as R's Lloyd does).
    for (let c = 0; c < k; c++) if (counts[c]! > 0) for (let j = 0; j < d; j++) C[c * d + j] = sums[c * d + j]! / counts[c]!;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = C[c * d + j]! - old[c * d + j]!;
        s += t * t;
      }
      moved[c] = Math.sqrt(s);
    }
    for (let i = 0; i < n; i++) {
      upper[i]! += moved[labels[i]!]!;
      const lo = i * k;
      for (let c = 0; c < k; c++) lower[lo + c] = Math.max(0, lower[lo + c]! - moved[c]!);
    }
    iterations++;
    if (iterations >= maxIterations) break;
    // Reassign with the bounds.
    half.fill(Infinity);
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        let s = 0;
        for (let j = 0; j < d; j++) {
          const t = C[a * d + j]! - C[b * d + j]!;
          s += t * t;
        }
        const h = Math.sqrt(s) / 2;
        cc[a * k + b] = cc[b * k + a] = h;
        if (h < half[a]!) half[a] = h;
        if (h < half[b]!) half[b] = h;
      }
    }
    let changed = false;
    for (let i = 0; i < n; i++) {
      let a = labels[i]!;
      if (upper[i]! <= half[a]!) continue;
      let stale = true;
      const lo = i * k;
      for (let c = 0; c < k; c++) {
        if (c === a || upper[i]! <= lower[lo + c]! || upper[i]! <= cc[a * k + c]!) continue;
        if (stale) {
          upper[i] = lower[lo + a] = dist(i, a);
          stale = false;
          if (upper[i]! <= lower[lo + c]! || upper[i]! <= cc[a * k + c]!) continue;
        }
        const dc = dist(i, c);
        lower[lo + c] = dc;
        // Ties keep the lower-numbered center, as a plain scan does.
        if (dc < upper[i]! || (dc === upper[i]! && c < a)) {
          a = c;
          upper[i] = dc;
        }
      }
      if (labels[i] !== a) {
        labels[i] = a;
        changed = true;
      }
    }
    if (!changed) {
      converged = true;
      break;
    }
  }
  const centers = Array.from({ length: k }, (_, c) => C.slice(c * d, (c + 1) * d));
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += squaredEuclidean(x[i]!, centers[labels[i]!]!);
  return { labels, centers, inertia, iterations, converged };
}

/**
 * Hartigan's single-point transfers until none lowers the inertia: moving x from cluster a (size
 * na) to b changes the inertia by nb/(nb+1)·|x−cb|² − na/(na−1)·|x−ca|²; each point goes to the
 * best b when that is negative. Clusters are never emptied. Centres are updated in place.
 *
 * A live set (as in Hartigan and Wong's algorithm) makes a pass cheap once few points move: a
 * point whose own cluster has not changed since it was last examined, when no transfer was worth
 * making, can only gain by moving to a cluster that changed since, so only those are tried. Every
 * examination decides exactly as a full scan would, so the result is the full algorithm's.
 */
function hartiganRefine(x: Points, res: KMeansResult, maxPasses = 100): KMeansResult {
  const n = x.length, k = res.centers.length, d = x[0]!.length;
  const labels = Int32Array.from(res.labels);
  const centers = res.centers.map((c) => Float64Array.from(c));
  const size = new Int32Array(k);
  for (let i = 0; i < n; i++) size[labels[i]!]!++;
  // Centres from the final labels (Lloyd's last move may have left them a step behind).
  for (const c of centers) c.fill(0);
  for (let i = 0; i < n; i++) { const c = centers[labels[i]!]!, p = x[i]!; for (let j = 0; j < d; j++) c[j]! += p[j]!; }
  for (let c = 0; c < k; c++) if (size[c]! > 0) for (let j = 0; j < d; j++) centers[c]![j]! /= size[c]!;
  // Transfers are numbered; a cluster remembers the last one that changed it, a point the number
  // reached when it was last examined (-1: never, so every cluster counts as changed).
  let transfers = 0;
  const changedAt = new Int32Array(k);
  const examinedAt = new Int32Array(n).fill(-1);
  let moved = true;
  for (let pass = 0; pass < maxPasses && moved; pass++) {
    moved = false;
    for (let i = 0; i < n; i++) {
      const a = labels[i]!;
      if (size[a]! <= 1) continue;
      const seen = examinedAt[i]!;
      const whole = changedAt[a]! > seen;
      if (!whole) {
        let any = false;
        for (let b = 0; b < k && !any; b++) any = changedAt[b]! > seen;
        if (!any) continue;
      }
      examinedAt[i] = transfers;
      const p = x[i]!;
      const removeGain = (size[a]! / (size[a]! - 1)) * squaredEuclidean(p, centers[a]!);
      let best = -1, bestCost = removeGain;
      for (let b = 0; b < k; b++) {
        if (b === a || (!whole && changedAt[b]! <= seen)) continue;
        const cost = (size[b]! / (size[b]! + 1)) * squaredEuclidean(p, centers[b]!);
        if (cost < bestCost) { bestCost = cost; best = b; }
      }
      // A relative margin keeps rounding from moving a point back and forth forever.
      if (best < 0 || !(bestCost < removeGain * (1 - 1e-12))) continue;
      transfers++;
      changedAt[a] = transfers;
      changedAt[best] = transfers;
      const ca = centers[a]!, cb = centers[best]!;
      const na = size[a]!, nb = size[best]!;
      for (let j = 0; j < d; j++) {
        ca[j] = (ca[j]! * na - p[j]!) / (na - 1);
        cb[j] = (cb[j]! * nb + p[j]!) / (nb + 1);
      }
      size[a] = na - 1;
      size[best] = nb + 1;
      labels[i] = best;
      moved = true;
    }
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += squaredEuclidean(x[i]!, centers[labels[i]!]!);
  return { ...res, labels, centers, inertia };
}

export function kmeans(x: Points, k: number, options: KMeansOptions = {}): KMeansResult {
  const d = checkPoints(x);
  if (!Number.isInteger(k) || k < 1 || k > x.length) throw new StatsInputError(`kmeans: k must be an integer in 1..${x.length}, got ${k}`);
  const maxIterations = options.maxIterations ?? 100;
  if (options.initialCenters) {
    if (options.initialCenters.length !== k || options.initialCenters.some((c) => c.length !== d)) {
      throw new StatsInputError(`kmeans: initialCenters must be ${k} vectors of dimension ${d}`);
    }
    const res = lloyd(x, options.initialCenters.map((c) => Float64Array.from(c)), maxIterations);
    return options.refine === 'hartigan' ? hartiganRefine(x, res) : res;
  }
  const rng = createRng(options.seed ?? 1);
  let best: KMeansResult | undefined;
  for (let r = 0; r < Math.max(1, options.restarts ?? 10); r++) {
    const lloydResult = lloyd(x, kmeansPlusPlus(x, k, rng), maxIterations);
    const res = options.refine === 'none' ? lloydResult : hartiganRefine(x, lloydResult);
    if (!best || res.inertia < best.inertia) best = res;
  }
  return best!;
}
