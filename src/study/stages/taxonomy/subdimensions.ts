/**
 * Subdimensions as the paper made them: the words of one dimension clustered by k-means (k-means++
 * starts, several restarts) on their embeddings. Whether there are subdimensions at all is asked
 * first (the gap statistic can answer k = 1: no subdimensions); only then is k >= 2 chosen, by the
 * mean silhouette width (default) or by the reproducibility of the partition under bootstrap
 * resampling. Pure given the embeddings.
 */
import { chooseK, type KChoiceMethod } from '../../../stats/cluster/number-of-clusters.js';

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
  const points = vectors.map((v) => Float64Array.from(v));
  const choice = chooseK(points, { kMax, method, seed, restarts: 20 });
  if (choice.k === 1) return { k: 1, rule: choice.rule, clusters: [] };
  const clusters: string[][] = Array.from({ length: choice.k }, () => []);
  choice.labels.forEach((c, i) => clusters[c]!.push(words[i]!));
  return { k: choice.k, rule: choice.rule, clusters: clusters.filter((c) => c.length > 0) };
}
