import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { agglomerative, cutTree } from '../../../src/stats/cluster/agglomerative.js';
import { kmeans } from '../../../src/stats/cluster/kmeans.js';
import { silhouette } from '../../../src/stats/cluster/silhouette.js';
import { adjustedRandIndex } from '../../../src/stats/cluster/ari.js';
import { pca } from '../../../src/stats/pca.js';
import { StatsInputError } from '../../../src/stats/input-error.js';
import { createRng } from '../../../src/stats/rng.js';

interface Fixture {
  x: number[][];
  [key: string]: unknown;
}
const R = JSON.parse(readFileSync(new URL('../../fixtures/r/cluster.json', import.meta.url), 'utf8')) as Fixture;
const x = R.x;
type H = { height: number[]; cut3: number[]; cut5?: number[] };
const minus1 = (v: number[]): number[] => v.map((c) => c - 1);

describe('agglomerative vs R hclust on iris', () => {
  for (const [method, linkage] of [['ward.D2', 'ward'], ['average', 'average'], ['complete', 'complete'], ['single', 'single']] as const) {
    it(method, () => {
      const ref = R[`hclust_${method}`] as H;
      const tree = agglomerative(x, linkage);
      expect(tree.height.length).toBe(149);
      tree.height.forEach((h, i) => expect(h).toBeCloseTo(ref.height[i]!, 9));
      expect(Array.from(cutTree(tree, 3))).toEqual(minus1(ref.cut3));
      expect(Array.from(cutTree(tree, 5))).toEqual(minus1(ref.cut5!));
      expect([...tree.order].sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
      // hclust convention: a positive entry refers to an earlier row.
      tree.merge.forEach(([a, b], i) => {
        if (a > 0) expect(a).toBeLessThanOrEqual(i);
        if (b > 0) expect(b).toBeLessThanOrEqual(i);
      });
    });
  }
  it('cosine average', () => {
    const ref = R.hclust_cosine_average as H;
    const tree = agglomerative(x, 'average', 'cosine');
    tree.height.forEach((h, i) => expect(h).toBeCloseTo(ref.height[i]!, 9));
    expect(Array.from(cutTree(tree, 3))).toEqual(minus1(ref.cut3));
  });
});

describe('k-means, silhouette, ARI, PCA vs R', () => {
  it('kmeans Lloyd from fixed centers matches R', () => {
    const ref = R.kmeans as { start: number[][]; labels: number[]; inertia: number };
    const res = kmeans(x, 3, { initialCenters: ref.start });
    expect(Array.from(res.labels)).toEqual(minus1(ref.labels));
    expect(res.inertia).toBeCloseTo(ref.inertia, 9);
  });
  it('kmeans++ with restarts is seeded and finds the iris optimum', () => {
    const a = kmeans(x, 3, { seed: 7, restarts: 5 }), b = kmeans(x, 3, { seed: 7, restarts: 5 });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(a.inertia).toBeCloseTo(78.851, 2);
  });
  it('silhouette widths match cluster::silhouette', () => {
    const ref = R.silhouette_species as { labels: number[]; widths: number[] };
    const s = silhouette(x, ref.labels);
    s.widths.forEach((w, i) => expect(w).toBeCloseTo(ref.widths[i]!, 10));
  });
  it('ARI matches the formula in R; 1 for relabelings', () => {
    const ref = R.ari as { a: number[]; b: number[]; value: number };
    expect(adjustedRandIndex(ref.a, ref.b)).toBeCloseTo(ref.value, 12);
    expect(adjustedRandIndex([0, 0, 1, 1], [5, 5, 2, 2])).toBe(1);
    expect(() => adjustedRandIndex([0], [0, 1])).toThrow(StatsInputError);
  });
  it('PCA scores match prcomp up to sign', () => {
    const ref = R.pca as { scores: number[][]; sdev: number[] };
    const p = pca(x, 2);
    p.sdev.forEach((s, i) => expect(s).toBeCloseTo(ref.sdev[i]!, 9));
    for (let k = 0; k < 2; k++) {
      const sign = Math.sign(p.scores[0]![k]!) === Math.sign(ref.scores[0]![k]!) ? 1 : -1;
      p.scores.forEach((r, i) => expect(sign * r[k]!).toBeCloseTo(ref.scores[i]![k]!, 9));
    }
  });
  it('bad input gives clear errors', () => {
    expect(() => kmeans([], 2)).toThrow(/no points/);
    expect(() => kmeans([[1, 2], [1]], 1)).toThrow(/dimension 1, expected 2/);
    expect(() => agglomerative([[1, NaN], [0, 0]])).toThrow(/non-finite/);
    expect(() => kmeans([[1], [2]], 3)).toThrow(/k must be/);
  });
});

describe('k-means bounds give exactly plain Lloyd', () => {
  function naive(x: number[][], start: number[][], iters: number): number[] {
    let c = start.map((r) => [...r]);
    let labels: number[] = [];
    for (let it = 0; it < iters; it++) {
      labels = x.map((p) => {
        let best = 0, bd = Infinity;
        c.forEach((q, j) => {
          const d = p.reduce((s, v, t) => s + (v - q[t]!) ** 2, 0);
          if (d < bd) { bd = d; best = j; }
        });
        return best;
      });
      c = c.map((q, j) => {
        const m = x.filter((_, i) => labels[i] === j);
        return m.length ? q.map((_, t) => m.reduce((s, p) => s + p[t]!, 0) / m.length) : q;
      });
    }
    return labels;
  }
  it('on random data with many clusters', () => {
    const rng = createRng(11);
    const pts = Array.from({ length: 300 }, () => Array.from({ length: 5 }, () => rng.normal()));
    for (const k of [2, 7, 15]) {
      const start = pts.slice(0, k);
      const res = kmeans(pts, k, { initialCenters: start, maxIterations: 500 });
      expect(res.converged).toBe(true);
      expect(Array.from(res.labels)).toEqual(naive(pts, start, res.iterations + 1));
    }
  });
});
