/** Clustering of points (k-means, agglomerative), its quality (silhouette, gap, ARI) and stability, name by name. */
export { checkPoints, cosineDistance, squaredEuclidean, type Points } from './points.js';
export { kmeans, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { agglomerative, cutTree, MAX_AGGLOMERATIVE_POINTS, type Dendrogram, type Linkage } from './agglomerative.js';
export { silhouette, type DistanceMetric, type SilhouetteResult } from './silhouette.js';
export { adjustedRandIndex } from './ari.js';
export { chooseKBySilhouette, gapRuleK, gapStatistic, type GapOptions, type GapReferenceSpace, type GapResult, type GapRule, type KChoiceOptions, type SilhouetteChoice } from './choose-k.js';
export { bootstrapStability, type StabilityResult } from './stability.js';
