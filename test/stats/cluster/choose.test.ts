import { describe, expect, it } from 'vitest';
import { chooseKBySilhouette, gapStatistic } from '../../../src/stats/cluster/choose-k.js';
import { bootstrapStability } from '../../../src/stats/cluster/stability.js';
import { kmeans } from '../../../src/stats/cluster/kmeans.js';
import { umap2d } from '../../../src/stats/umap.js';
import { pca2d } from '../../../src/stats/pca.js';
import { createRng } from '../../../src/stats/rng.js';

function blobs(perBlob: number, seed: number): number[][] {
  const rng = createRng(seed);
  const centers = [[0, 0], [10, 0], [0, 10]];
  return centers.flatMap((c) => Array.from({ length: perBlob }, () => [c[0]! + rng.normal(), c[1]! + rng.normal()]));
}
function uniform(n: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => [rng.next(), rng.next()]);
}

describe('choosing k', () => {
  const x = blobs(20, 3);
  it('silhouette picks the three planted blobs', () => {
    expect(chooseKBySilhouette(x, 2, 6).k).toBe(3);
  });
  it('gap statistic picks 3 on blobs and 1 on uniform noise; seeded', () => {
    const g = gapStatistic(x, 5, { references: 10, seed: 2 });
    expect(g.k).toBe(3);
    expect(gapStatistic(x, 5, { references: 10, seed: 2 })).toEqual(g);
    expect(gapStatistic(uniform(60, 4), 5, { references: 10, seed: 2 }).k).toBe(1);
  });
});

describe('bootstrap stability', () => {
  const km = (k: number) => (p: readonly ArrayLike<number>[], seed: number) => kmeans(p, k, { seed, restarts: 3 }).labels;
  it('is near 1 for planted clusters and lower for noise', () => {
    const stable = bootstrapStability(blobs(20, 5), km(3), { resamples: 10, seed: 1 });
    expect(stable.meanAri).toBeGreaterThan(0.95);
    const noise = bootstrapStability(uniform(60, 6), km(6), { resamples: 10, seed: 1 });
    expect(noise.meanAri).toBeLessThan(stable.meanAri - 0.2);
  });
});

describe('2-D maps', () => {
  const x = blobs(15, 9).map((p, i) => [p[0]!, p[1]!, (i % 7) * 0.01]);
  it('umap is reproducible for a seed and keeps blobs apart', () => {
    const a = umap2d(x, { seed: 4, nNeighbors: 10 }), b = umap2d(x, { seed: 4, nNeighbors: 10 });
    expect(a).toEqual(b);
    expect(umap2d(x, { seed: 5, nNeighbors: 10 })).not.toEqual(a);
    expect(a.length).toBe(45);
  });
  it('pca2d gives one point per input', () => {
    expect(pca2d(x).length).toBe(45);
  });
});
