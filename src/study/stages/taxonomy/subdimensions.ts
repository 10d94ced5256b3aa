/**
 * Subdimensions as the paper made them: the words of one dimension clustered by k-means (k-means++
 * starts, several restarts) on their embeddings (unit length, on their first principal axes). Whether there are subdimensions at all is asked
 * first (the gap statistic can answer k = 1: no subdimensions); only then is k >= 2 chosen, by the
 * mean silhouette width (default) or by the reproducibility of the partition under bootstrap
 * resampling. Pure given the embeddings.
 */
import { chooseK, type KChoiceMethod } from '../../../stats/cluster/number-of-clusters.js';
import { pca } from '../../../stats/pca.js';

/** Principal axes of the (unit) embeddings the words are clustered on. */
export const PROJECTION = 3;

export interface SubdimensionSplit {
  /** 1 = no subdimensions. */
  k: number;
  /** How k was chosen, in words. */
  rule: string;
  /** The words of each cluster (k >= 2), in the input order. */
  clusters: string[][];
}

/** Fewest words for which a dimension is split at all. */
export const MIN_WORDS_FOR_SUBDIMENSIONS = 6;

export function splitDimension(words: readonly string[], vectors: ReadonlyArray<ArrayLike<number>>, method: KChoiceMethod, seed: number): SubdimensionSplit {
  if (words.length < MIN_WORDS_FOR_SUBDIMENSIONS) return { k: 1, rule: `fewer than ${MIN_WORDS_FOR_SUBDIMENSIONS} words: not split`, clusters: [] };
  // At least three words per cluster on average, and at most 5 clusters.
  const kMax = Math.max(2, Math.min(5, Math.floor(words.length / 3)));
  // Cosine geometry (unit vectors, as embedding similarity is read), projected on the first
  // PROJECTION principal axes: a dozen points in 100 dimensions leave the gap statistic's uniform
  // reference no power (it answered k = 1 even for two plainly distinct groups of GloVe words).
  const unit = vectors.map((v) => {
    const norm = Math.hypot(...Array.from(v));
    return Float64Array.from(v, (x) => (norm > 0 ? x / norm : 0));
  });
  const points = pca(unit, Math.min(PROJECTION, words.length - 1, unit[0]!.length)).scores.map((row) => Float64Array.from(row));
  const choice = chooseK(points, { kMax, method, seed, restarts: 20 });
  if (choice.k === 1) return { k: 1, rule: choice.rule, clusters: [] };
  const clusters: string[][] = Array.from({ length: choice.k }, () => []);
  choice.labels.forEach((c, i) => clusters[c]!.push(words[i]!));
  return { k: choice.k, rule: choice.rule, clusters: clusters.filter((c) => c.length > 0) };
}
