/**
 * One answer to "how many clusters, if any?" for k-means (issue 19: subdimensions of each
 * taxonomy dimension from its terms' embeddings, where k = 1 means no subdimensions).
 *
 * Silhouette widths and bootstrap stability cannot score k = 1 (a single cluster has no
 * silhouette and is trivially stable), so every method first asks the gap statistic
 * (Tibshirani, Walther & Hastie 2001), which can answer 1. Its k is read with cluster::maxSE's
 * "firstSEmax" rule by default: the first local maximum of gap(k), then the smallest k within
 * one SE of it. Tibshirani's own rule (smallest k with gap(k) >= gap(k+1) - SE(k+1)) is
 * available as `gapRule: 'Tibs2001SEmax'`, but it answers 1 on three equidistant clusters, where
 * gap(2) is hardly above gap(1) (R's clusGap agrees; see test/fixtures/r/choose-k.R).
 * - 'gap' (default): k from the gap rule alone.
 * - 'silhouette': 1 if the gap rule says 1, otherwise the k in 2..kMax with the largest mean
 *   silhouette width (Rousseeuw 1987).
 * - 'stability': 1 if the gap rule says 1, otherwise the k in 2..kMax whose k-means partition is
 *   most reproducible under bootstrap resampling (mean adjusted Rand index, as in Hennig 2007's
 *   clusterboot); k within 0.02 of the best count as tied and the larger wins, because merging
 *   two clusters that are close can be as stable as keeping them apart.
 * References are drawn in the data's principal-axes box by default (clusGap's "scaledPCA").
 */
import { StatsInputError } from '../input-error.js';
import { gapStatistic, type GapReferenceSpace, type GapResult, type GapRule } from './choose-k.js';
import { kmeans } from './kmeans.js';
import { checkPoints, type Points } from './points.js';
import { silhouette } from './silhouette.js';
import { bootstrapStability } from './stability.js';

export type KChoiceMethod = 'gap' | 'silhouette' | 'stability';

export interface ChooseKOptions {
  /** Largest k considered (capped at n − 1). */
  kMax: number;
  method?: KChoiceMethod;
  seed?: number;
  /** k-means++ restarts for each clustering, the gap references included (default 10). */
  restarts?: number;
  /** Gap reference sets (default 50). */
  references?: number;
  /** Gap reference box (default 'pca'). */
  referenceSpace?: GapReferenceSpace;
  /** Rule for reading k off the gap curve (default 'firstSEmax'). */
  gapRule?: GapRule;
  /** Bootstrap resamples per k for 'stability' (default 20). */
  resamples?: number;
}

/** Stability ties: mean ARIs this close to the best count as equal (the larger k wins). */
export const STABILITY_TIE = 0.02;

export interface KChoice {
  k: number;
  method: KChoiceMethod;
  /** Points clustered and the largest k tried. */
  n: number;
  kMax: number;
  /** Always computed: it decides whether there is any structure (k > 1). */
  gap: GapResult;
  /** Mean silhouette width per k in 2..kMax ('silhouette' only, and only when the gap rule found structure). */
  silhouette: { k: number; mean: number }[] | null;
  /** Mean bootstrap ARI per k in 2..kMax ('stability' only, and only when the gap rule found structure). */
  stability: { k: number; meanAri: number }[] | null;
  /** k-means labels (0-based) at the chosen k; all 0 when k = 1. */
  labels: Int32Array;
  /** How k was picked, in words, for a report. */
  rule: string;
}

export function chooseK(points: Points, options: ChooseKOptions): KChoice {
  checkPoints(points);
  const n = points.length;
  const method = options.method ?? 'gap';
  if (!['gap', 'silhouette', 'stability'].includes(method)) throw new StatsInputError(`chooseK: unknown method ${String(method)}`);
  if (!Number.isInteger(options.kMax) || options.kMax < 1) throw new StatsInputError(`chooseK: kMax must be a positive integer, got ${options.kMax}`);
  if (n < 2) throw new StatsInputError('chooseK: needs at least 2 points');
  const kMax = Math.min(options.kMax, n - 1);
  const seed = options.seed ?? 1;
  const restarts = options.restarts ?? 10;
  const gapRule = options.gapRule ?? 'firstSEmax';
  const gap = gapStatistic(points, kMax, { seed, restarts, references: options.references ?? 50, referenceSpace: options.referenceSpace ?? 'pca', rule: gapRule });
  const labelsAt = (k: number): Int32Array => (k === 1 ? new Int32Array(n) : kmeans(points, k, { seed, restarts }).labels);
  const base = { method, n, kMax, gap, silhouette: null, stability: null };
  if (method === 'gap' || gap.k === 1 || kMax < 2) {
    const rule = method === 'gap'
      ? `gap statistic, ${gapRule} rule (k = ${gap.k})`
      : `gap statistic found no cluster structure (k = 1), so ${method} was not consulted`;
    return { ...base, k: gap.k, labels: labelsAt(gap.k), rule };
  }
  if (method === 'silhouette') {
    const scores: { k: number; mean: number }[] = [];
    let best = 2, bestLabels = labelsAt(2);
    for (let k = 2; k <= kMax; k++) {
      const labels = k === 2 ? bestLabels : labelsAt(k);
      const mean = silhouette(points, labels).mean;
      scores.push({ k, mean });
      if (mean > scores.find((s) => s.k === best)!.mean) { best = k; bestLabels = labels; }
    }
    return { ...base, k: best, silhouette: scores, labels: bestLabels, rule: `gap statistic found structure; k in 2..${kMax} with the largest mean silhouette width (k = ${best})` };
  }
  const resamples = options.resamples ?? 20;
  const stability = Array.from({ length: kMax - 1 }, (_, i) => {
    const k = i + 2;
    const cluster = (p: Points, s: number): Int32Array => kmeans(p, k, { seed: s, restarts }).labels;
    return { k, meanAri: bootstrapStability(points, cluster, { resamples, seed: seed + k }).meanAri };
  });
  const top = Math.max(...stability.map((s) => s.meanAri));
  const best = Math.max(...stability.filter((s) => s.meanAri >= top - STABILITY_TIE).map((s) => s.k));
  return { ...base, k: best, stability, labels: labelsAt(best), rule: `gap statistic found structure; k in 2..${kMax} with the most reproducible k-means partition (mean bootstrap ARI; ties within ${STABILITY_TIE} go to the larger k; k = ${best})` };
}
