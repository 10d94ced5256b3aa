import { describe, expect, it } from 'vitest';
import { gapRuleK, gapStatistic, type GapRule } from '../../src/stats/cluster/choose-k.js';
import { chooseK } from '../../src/stats/cluster/number-of-clusters.js';
import { kmeans } from '../../src/stats/cluster/kmeans.js';
import { adjustedRandIndex } from '../../src/stats/cluster/ari.js';
import { maxAbsDiff, rReference } from './r-reference.js';

/** test/fixtures/r/choose-k.R: planted clusters and cluster::clusGap (d.power = 2) on them. */
interface GapFixture {
  name: string;
  planted: number;
  space: 'scaledPCA' | 'original';
  data: number[][];
  labels: number[];
  clusgap: { B: number; logW: number[]; E_logW: number[]; gap: number[]; SE: number[]; k: Record<GapRule, number> };
  fixed?: { references: number[][][]; logW: number[]; E_logW: number[]; gap: number[]; SE: number[]; k: Record<GapRule, number> };
}
const names = ['d2_k1', 'd2_k2', 'd2_k3', 'd2_k3_box', 'd100_k1', 'd100_k2', 'd100_k3'];
const fx = Object.fromEntries(names.map((n) => [n, rReference<GapFixture>('choose-k', `${n}.json`)])) as Record<string, GapFixture>;
const RULES: GapRule[] = ['Tibs2001SEmax', 'firstSEmax', 'globalSEmax'];
/** clusGap sums each unordered pair once, so its W_k is half of Tibshirani's (ours). */
const clusGapLogW = (v: number) => v - Math.LN2;

describe('gap statistic against cluster::clusGap', () => {
  it.each(['d2_k1', 'd2_k2', 'd2_k3', 'd2_k3_box'])('%s: same reference sets give the same log W, E log W*, gap, SE and k for every maxSE rule (1e-4)', (name) => {
    const f = fx[name]!;
    for (const rule of RULES) {
      const g = gapStatistic(f.data, 5, { referenceSets: f.fixed!.references, restarts: 50, rule });
      expect(maxAbsDiff(g.table.map((t) => clusGapLogW(t.logW)), f.fixed!.logW)).toBeLessThan(1e-4);
      expect(maxAbsDiff(g.table.map((t) => clusGapLogW(t.expectedLogW)), f.fixed!.E_logW)).toBeLessThan(1e-4);
      expect(maxAbsDiff(g.table.map((t) => t.gap), f.fixed!.gap)).toBeLessThan(1e-4);
      expect(maxAbsDiff(g.table.map((t) => t.se), f.fixed!.SE)).toBeLessThan(1e-4);
      expect(g.k, rule).toBe(f.fixed!.k[rule]);
    }
  });

  it.each(['d2_k2', 'd2_k3', 'd2_k3_box', 'd100_k3'])('%s: our own reference draws give clusGap’s E log W* within Monte Carlo error and its k', (name) => {
    const f = fx[name]!;
    const B = 30;
    const g = gapStatistic(f.data, 5, { references: B, restarts: 10, referenceSpace: f.space === 'original' ? 'box' : 'pca', rule: 'firstSEmax', seed: 3 });
    g.table.forEach((t, i) => {
      const sd = f.clusgap.SE[i]! / Math.sqrt(1 + 1 / f.clusgap.B);
      expect(Math.abs(clusGapLogW(t.expectedLogW) - f.clusgap.E_logW[i]!)).toBeLessThan(4 * sd * Math.sqrt(1 / B + 1 / f.clusgap.B));
    });
    expect(g.k).toBe(f.clusgap.k.firstSEmax);
  });

  it('observed log W in 100-D equals clusGap’s (k-means with Hartigan transfers reaches R’s optimum)', () => {
    for (const name of ['d100_k1', 'd100_k2', 'd100_k3']) {
      const f = fx[name]!;
      const ours = [1, 2, 3, 4, 5].map((k) => clusGapLogW(Math.log(kmeans(f.data, k, { restarts: 200, seed: 1 }).inertia)));
      expect(maxAbsDiff(ours, f.clusgap.logW), name).toBeLessThan(1e-4);
    }
  });

  it("Tibshirani's rule stops at 1 on three equidistant clusters, in R as here; firstSEmax does not", () => {
    const f = fx.d2_k3!;
    expect(f.clusgap.k.Tibs2001SEmax).toBe(1);
    expect(f.clusgap.k.firstSEmax).toBe(3);
    expect(gapStatistic(f.data, 5, { referenceSets: f.fixed!.references, restarts: 20 }).k).toBe(1);
  });
});

describe('gapRuleK reads cluster::maxSE rules', () => {
  // Expected values from R: cluster::maxSE(gap, se, method) on the same curves.
  const curves: [number[], number[], Record<GapRule, number>][] = [
    [[0.1, 0.5, 0.45, 0.9, 0.85], [0.1, 0.1, 0.1, 0.1, 0.1], { Tibs2001SEmax: 2, firstSEmax: 2, globalSEmax: 4 }],
    [[0.5, 0.45, 0.4], [0.1, 0.1, 0.1], { Tibs2001SEmax: 1, firstSEmax: 1, globalSEmax: 1 }],
    [[0.1, 0.2, 0.3], [0.2, 0.2, 0.2], { Tibs2001SEmax: 1, firstSEmax: 1, globalSEmax: 1 }],
    [[0.1, 0.2, 0.3], [0.01, 0.01, 0.01], { Tibs2001SEmax: 3, firstSEmax: 3, globalSEmax: 3 }],
  ];
  it.each(curves)('gap %j, SE %j', (gap, se, expected) => {
    for (const rule of RULES) expect(gapRuleK(gap, se, rule), rule).toBe(expected[rule]);
  });
});

describe('chooseK: k = 1 allowed, planted 1, 2 and 3 clusters in 2-D and in 100-D', () => {
  // Every method in 2-D; in 100-D (slower) the gap everywhere, stability on noise, silhouette on 3 clusters.
  const cases: [string, 'gap' | 'silhouette' | 'stability'][] = [
    ...['d2_k1', 'd2_k2', 'd2_k3'].flatMap((n) => (['gap', 'silhouette', 'stability'] as const).map((m): [string, typeof m] => [n, m])),
    ['d100_k1', 'gap'], ['d100_k2', 'gap'], ['d100_k3', 'gap'], ['d100_k1', 'stability'], ['d100_k3', 'silhouette'],
  ];
  it.each(cases)('%s by %s', (name, method) => {
    const f = fx[name]!;
    const res = chooseK(f.data, { kMax: 5, method, references: 20, seed: 2, restarts: name.startsWith('d100') ? 5 : 10 });
    expect(res.k).toBe(f.planted);
    expect(res.method).toBe(method);
    expect(res.gap.table.length).toBe(5);
    if (f.planted > 1) {
      expect(adjustedRandIndex(res.labels, f.labels)).toBeGreaterThan(0.95);
      if (method === 'silhouette') expect(res.silhouette!.length).toBe(4);
      if (method === 'stability') expect(res.stability!.every((s) => s.meanAri <= 1)).toBe(true);
    } else {
      expect([...res.labels].every((l) => l === 0)).toBe(true);
      expect(res.rule).toMatch(method === 'gap' ? /gap statistic/ : /no cluster structure/);
    }
  });

  it('is seeded, caps kMax at n - 1 and rejects bad input', () => {
    const f = fx.d2_k2!;
    expect(chooseK(f.data, { kMax: 4, references: 10, seed: 4 })).toEqual(chooseK(f.data, { kMax: 4, references: 10, seed: 4 }));
    expect(chooseK(f.data.slice(0, 3), { kMax: 10, references: 5 }).kMax).toBe(2);
    expect(() => chooseK(f.data, { kMax: 0 })).toThrow(/kMax/);
    expect(() => chooseK([[1, 2]], { kMax: 2 })).toThrow(/at least 2 points/);
  });
});
