/**
 * Choosing the number of clusters for k-means: by mean silhouette width, and by the gap statistic
 * (Tibshirani, Walther & Hastie 2001). Gap uses log W_k = log(within-cluster sum of squares) (R's
 * cluster::clusGap with d.power = 2), B reference sets drawn uniformly in the data's bounding box
 * (clusGap's spaceH0 = "original"), SE_k = sd(log W*_k)·sqrt(1 + 1/B), and the Tibshirani rule
 * (clusGap's "Tibs2001SEmax"): the smallest k with gap(k) ≥ gap(k+1) − SE(k+1).
 */
import { StatsInputError } from '../input-error.js';
import { createRng } from '../rng.js';
import { kmeans } from './kmeans.js';
import { checkPoints, type Points } from './points.js';
import { silhouette } from './silhouette.js';

export interface KChoiceOptions {
  seed?: number;
  restarts?: number;
}

export interface SilhouetteChoice {
  k: number;
  /** Mean silhouette width for each k tried. */
  scores: { k: number; mean: number }[];
}

export function chooseKBySilhouette(x: Points, kMin: number, kMax: number, options: KChoiceOptions = {}): SilhouetteChoice {
  checkPoints(x);
  if (kMin < 2 || kMax < kMin || kMax > x.length - 1) throw new StatsInputError(`chooseKBySilhouette: need 2 ≤ kMin ≤ kMax ≤ ${x.length - 1}`);
  const scores: { k: number; mean: number }[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const res = kmeans(x, k, { seed: options.seed ?? 1, restarts: options.restarts ?? 5 });
    scores.push({ k, mean: silhouette(x, res.labels).mean });
  }
  const best = scores.reduce((a, b) => (b.mean > a.mean ? b : a));
  return { k: best.k, scores };
}

export interface GapResult {
  k: number;
  table: { k: number; logW: number; expectedLogW: number; gap: number; se: number }[];
}

export function gapStatistic(x: Points, kMax: number, options: KChoiceOptions & { references?: number } = {}): GapResult {
  const d = checkPoints(x);
  const n = x.length;
  if (kMax < 1 || kMax > n - 1) throw new StatsInputError(`gapStatistic: kMax must be in 1..${n - 1}`);
  const B = options.references ?? 50;
  if (B < 2) throw new StatsInputError('gapStatistic: needs at least 2 reference sets');
  const rng = createRng(options.seed ?? 1);
  const lo = new Float64Array(d).fill(Infinity), hi = new Float64Array(d).fill(-Infinity);
  for (const p of x) for (let j = 0; j < d; j++) {
    lo[j] = Math.min(lo[j]!, p[j]!);
    hi[j] = Math.max(hi[j]!, p[j]!);
  }
  const logW = (pts: Points, k: number, seed: number): number =>
    Math.log(kmeans(pts, k, { seed, restarts: options.restarts ?? 3 }).inertia);
  const table: GapResult['table'] = [];
  const refLogW: number[][] = Array.from({ length: kMax }, () => []);
  for (let b = 0; b < B; b++) {
    const ref = Array.from({ length: n }, () => Float64Array.from({ length: d }, (_, j) => lo[j]! + rng.next() * (hi[j]! - lo[j]!)));
    const seed = Math.floor(rng.next() * 2 ** 31);
    for (let k = 1; k <= kMax; k++) refLogW[k - 1]!.push(logW(ref, k, seed));
  }
  for (let k = 1; k <= kMax; k++) {
    const sims = refLogW[k - 1]!;
    const mean = sims.reduce((s, v) => s + v, 0) / B;
    const variance = sims.reduce((s, v) => s + (v - mean) ** 2, 0) / (B - 1);
    const lw = logW(x, k, options.seed ?? 1);
    table.push({ k, logW: lw, expectedLogW: mean, gap: mean - lw, se: Math.sqrt(variance * (1 + 1 / B)) });
  }
  let k = kMax;
  for (let i = 0; i < kMax - 1; i++) {
    if (table[i]!.gap >= table[i + 1]!.gap - table[i + 1]!.se) {
      k = i + 1;
      break;
    }
  }
  return { k, table };
}
