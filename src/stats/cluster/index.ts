export * from './points.js';
export * from './kmeans.js';
export * from './agglomerative.js';
export * from './silhouette.js';
export * from './ari.js';
export * from './choose-k.js';
export * from './stability.js';
