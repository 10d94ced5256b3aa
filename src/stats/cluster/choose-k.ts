/**
 * Choosing the number of clusters for k-means: by mean silhouette width, and by the gap statistic
 * (Tibshirani, Walther & Hastie 2001). Gap uses log W_k = log(within-cluster sum of squares), as
 * the paper's W_k with squared Euclidean distances (R's cluster::clusGap with d.power = 2 sums
 * each unordered pair once and so reports log W_k − log 2; gaps are the same), B reference sets
 * drawn uniformly in a box around the data, SE_k = sd(log W*_k)·sqrt(1 + 1/B), and the
 * Tibshirani rule (clusGap's "Tibs2001SEmax"): the smallest k with gap(k) ≥ gap(k+1) − SE(k+1),
 * which can be k = 1 (no cluster structure). That rule stops at 1 when k = 2 is a poor split,
 * as with three equidistant clusters (clusGap does the same); maxSE's other rules, available as
 * `rule`, look for the maximum of the gap curve first.
 *
 * The box is the data's bounding box ('box', clusGap's spaceH0 = "original") or the box of the
 * data in its principal axes ('pca', clusGap's "scaledPCA", its default and Tibshirani's second
 * proposal): for high-dimensional, elongated data such as word embeddings the axis-aligned box is
 * mostly empty space and makes every k look better than the reference.
 */
import { StatsInputError } from '../input-error.js';
import { eigenSymmetricFlat } from '../eigen.js';
import { createRng, type Rng } from '../rng.js';
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

export type GapReferenceSpace = 'box' | 'pca';

/** cluster::maxSE's rules for reading k off the gap curve (see gapRuleK). */
export type GapRule = 'Tibs2001SEmax' | 'firstSEmax' | 'globalSEmax';

export interface GapOptions extends KChoiceOptions {
  /** Number of reference sets B (default 50); ignored when referenceSets is given. */
  references?: number;
  /** Where the uniform references are drawn (default 'box', clusGap's "original"). */
  referenceSpace?: GapReferenceSpace;
  /** Reference sets drawn elsewhere (e.g. by R, to reproduce clusGap), each with the data's shape. */
  referenceSets?: readonly Points[];
  /** Rule for k (default 'Tibs2001SEmax'). */
  rule?: GapRule;
}

/**
 * The reference box: the data centred and, for 'pca', rotated onto their principal axes (the
 * right singular vectors; from the n × n Gram matrix when n < d, as embeddings usually are),
 * with each axis's range. A draw is uniform in the ranges, rotated back and re-centred.
 */
function referenceSampler(x: Points, space: GapReferenceSpace): (rng: Rng) => Float64Array[] {
  const n = x.length, d = x[0]!.length;
  const mean = new Float64Array(d);
  for (const p of x) for (let j = 0; j < d; j++) mean[j]! += p[j]! / n;
  const centred = x.map((p) => Float64Array.from({ length: d }, (_, j) => p[j]! - mean[j]!));
  if (space === 'box') {
    // Axis-aligned: no rotation (d² work per point would dominate for embeddings).
    const lo = new Float64Array(d).fill(Infinity), hi = new Float64Array(d).fill(-Infinity);
    for (const p of centred) for (let j = 0; j < d; j++) {
      lo[j] = Math.min(lo[j]!, p[j]!);
      hi[j] = Math.max(hi[j]!, p[j]!);
    }
    return (rng) => Array.from({ length: n }, () => Float64Array.from({ length: d }, (_, j) => mean[j]! + lo[j]! + rng.next() * (hi[j]! - lo[j]!)));
  }
  const axes = principalAxes(centred);
  const lo = axes.map(() => Infinity), hi = axes.map(() => -Infinity);
  for (const p of centred) {
    axes.forEach((v, a) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += p[j]! * v[j]!;
      lo[a] = Math.min(lo[a]!, s);
      hi[a] = Math.max(hi[a]!, s);
    });
  }
  return (rng) => Array.from({ length: n }, () => {
    const z = Float64Array.from(mean);
    axes.forEach((v, a) => {
      const s = lo[a]! + rng.next() * (hi[a]! - lo[a]!);
      for (let j = 0; j < d; j++) z[j]! += s * v[j]!;
    });
    return z;
  });
}

/** Unit principal axes of centred points with non-zero variance, largest first. */
function principalAxes(centred: Float64Array[]): Float64Array[] {
  const n = centred.length, d = centred[0]!.length;
  const axes: Float64Array[] = [];
  if (d <= n) {
    const cov = new Float64Array(d * d);
    for (const p of centred) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b]! += p[a]! * p[b]!;
    const { values, vectors } = eigenSymmetricFlat(cov, d, { vectors: true });
    const tol = Math.max(values[0]!, 0) * 1e-12;
    for (let k = 0; k < d; k++) if (values[k]! > tol) axes.push(Float64Array.from({ length: d }, (_, j) => vectors![j * d + k]!));
    return axes;
  }
  // n < d: eigenvectors u of the Gram matrix X X' give the axes X' u / |X' u|.
  const gram = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b <= a; b++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += centred[a]![j]! * centred[b]![j]!;
    gram[a * n + b] = gram[b * n + a] = s;
  }
  const { values, vectors } = eigenSymmetricFlat(gram, n, { vectors: true });
  const tol = Math.max(values[0]!, 0) * 1e-12;
  for (let k = 0; k < n; k++) {
    if (!(values[k]! > tol)) continue;
    const v = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const u = vectors![i * n + k]!;
      for (let j = 0; j < d; j++) v[j]! += u * centred[i]![j]!;
    }
    const norm = Math.hypot(...v);
    for (let j = 0; j < d; j++) v[j]! /= norm;
    axes.push(v);
  }
  return axes;
}

export function gapStatistic(x: Points, kMax: number, options: GapOptions = {}): GapResult {
  const d = checkPoints(x);
  const n = x.length;
  if (!Number.isInteger(kMax) || kMax < 1 || kMax > n - 1) throw new StatsInputError(`gapStatistic: kMax must be an integer in 1..${n - 1}`);
  const given = options.referenceSets;
  const B = given ? given.length : options.references ?? 50;
  if (B < 2) throw new StatsInputError('gapStatistic: needs at least 2 reference sets');
  given?.forEach((ref, b) => {
    if (ref.length !== n || checkPoints(ref, `referenceSets[${b}]`) !== d) throw new StatsInputError(`gapStatistic: referenceSets[${b}] must have ${n} points of dimension ${d}`);
  });
  const rng = createRng(options.seed ?? 1);
  const draw = given ? null : referenceSampler(x, options.referenceSpace ?? 'box');
  const logW = (pts: Points, k: number, seed: number): number =>
    Math.log(kmeans(pts, k, { seed, restarts: options.restarts ?? 3 }).inertia);
  const table: GapResult['table'] = [];
  const refLogW: number[][] = Array.from({ length: kMax }, () => []);
  for (let b = 0; b < B; b++) {
    const ref = given ? given[b]! : draw!(rng);
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
  return { k: gapRuleK(table.map((t) => t.gap), table.map((t) => t.se), options.rule ?? 'Tibs2001SEmax'), table };
}

/**
 * cluster::maxSE: the k (1-based) a rule reads off gap(k) and SE(k).
 * - Tibs2001SEmax: smallest k with gap(k) >= gap(k+1) - SE(k+1) (Tibshirani et al.'s rule);
 * - firstSEmax: the first local maximum of gap, then the smallest k before it within one SE of it;
 * - globalSEmax: the same from the global maximum (Dudoit & Fridlyand 2002).
 */
export function gapRuleK(gap: readonly number[], se: readonly number[], rule: GapRule): number {
  const K = gap.length;
  if (K < 1 || se.length !== K) throw new StatsInputError('gapRuleK: gap and SE need the same, non-zero length');
  const withinOneSe = (nc: number): number => {
    for (let k = 1; k < nc; k++) if (gap[k - 1]! >= gap[nc - 1]! - se[nc - 1]!) return k;
    return nc;
  };
  if (rule === 'Tibs2001SEmax') {
    for (let k = 1; k < K; k++) if (gap[k - 1]! >= gap[k]! - se[k]!) return k;
    return K;
  }
  if (rule === 'firstSEmax') {
    let nc = K;
    for (let k = 1; k < K; k++) if (gap[k]! - gap[k - 1]! <= 0) { nc = k; break; }
    return withinOneSe(nc);
  }
  let nc = 1;
  for (let k = 2; k <= K; k++) if (gap[k - 1]! > gap[nc - 1]!) nc = k;
  return withinOneSe(nc);
}
