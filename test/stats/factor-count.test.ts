import { describe, expect, it } from 'vitest';
import { factorCountEvidence } from '../../src/stats/factor-count.js';
import { parallelAnalysis, type CorrelationFunction } from '../../src/stats/parallel.js';
import { polychoric, tetrachoric } from '../../src/stats/polychoric.js';
import { velicerMap } from '../../src/stats/map.js';
import { simulateFactorData, simpleStructure } from '../../src/stats/simulate-factors.js';
import { maxAbsDiff, rReference } from './r-reference.js';

/** Written by test/fixtures/r/factor-count.R: planted 3-factor data and psych's answers on them. */
interface PlantedFixture {
  data: number[][];
  n: number;
  cor: 'poly' | 'tet';
  rho: number[][];
  fa_values: number[];
  pc_values: number[];
  map2: number[];
  map4: number[];
  resample: { iter: number; pc_mean: number[]; fa_mean: number[]; pc_sd: number[]; fa_sd: number[]; pc_q95: number[]; fa_q95: number[]; nfact: number; ncomp: number };
  psych_default: { nfact: number; ncomp: number };
}

const poly: CorrelationFunction = (d) => polychoric(d).rho;
const tet: CorrelationFunction = (d) => tetrachoric(d).rho;
const fixtures: [string, PlantedFixture, CorrelationFunction][] = [
  ['5-point ratings, polychoric (300 x 12)', rReference<PlantedFixture>('factor-count', 'ordinal.json'), poly],
  ['binary terms, tetrachoric (400 x 15)', rReference<PlantedFixture>('factor-count', 'binary.json'), tet],
];

/** Null means from different random streams agree within 4 standard errors of their difference. */
function expectWithinMonteCarlo(ours: number[], theirs: number[], sd: number[], iterOurs: number, iterTheirs: number): void {
  ours.forEach((v, k) => {
    const se = sd[k]! * Math.sqrt(1 / iterOurs + 1 / iterTheirs);
    expect(Math.abs(v - theirs[k]!), `eigenvalue ${k + 1}`).toBeLessThan(Math.max(4 * se, 1e-3));
  });
}

describe.each(fixtures)('factor-count evidence on planted 3-factor data: %s', (_name, fx, cor) => {
  it('observed correlations, eigenvalues and MAP equal psych', () => {
    const r = cor(fx.data);
    expect(maxAbsDiff(r, fx.rho)).toBeLessThan(1e-4);
    const pa = parallelAnalysis({ data: fx.data, r }, { null: 'permutation', iter: 2 });
    expect(maxAbsDiff(pa.pcValues, fx.pc_values)).toBeLessThan(1e-4);
    expect(maxAbsDiff(pa.faValues, fx.fa_values)).toBeLessThan(1e-4);
    const map = velicerMap(r, r.length - 1);
    expect(maxAbsDiff(map.map2, fx.map2)).toBeLessThan(1e-4);
    expect(maxAbsDiff(map.map4, fx.map4)).toBeLessThan(1e-4);
  });

  it("the resample null is psych's fa.parallel(sim = FALSE): null means within Monte Carlo error, same counts", () => {
    const iter = 40;
    const res = parallelAnalysis({ data: fx.data }, { null: 'resample', correlation: cor, iter, seed: 5 });
    expectWithinMonteCarlo(res.pcSimMean!, fx.resample.pc_mean, fx.resample.pc_sd, iter, fx.resample.iter);
    expectWithinMonteCarlo(res.faSimMean!, fx.resample.fa_mean, fx.resample.fa_sd, iter, fx.resample.iter);
    expect(res.nfact).toBe(fx.resample.nfact);
    expect(res.ncomp).toBe(fx.resample.ncomp);
  });

  it('the permutation null (100 iterations, 95th percentile) finds the 3 planted factors, reported beside MAP and the scree', () => {
    const ev = factorCountEvidence(fx.data, { correlation: cor, seed: 2 });
    expect(ev.parallel.iter).toBe(100);
    expect(ev.parallel.nullModel).toBe('permutation');
    expect(ev.counts.parallelFactors).toBe(3);
    expect(ev.counts.parallelComponents).toBe(3);
    expect(ev.counts.map).toBe(fx.map2.indexOf(Math.min(...fx.map2)) + 1);
    expect(ev.scree.map((s) => s.pc)).toEqual(ev.parallel.pcValues);
    expect(ev.scree[2]!.fa).toBeGreaterThan(ev.scree[2]!.faThreshold);
    expect(ev.scree[3]!.fa).toBeLessThanOrEqual(ev.scree[3]!.faThreshold);
    expect(ev.r).toEqual(cor(fx.data));
  });
});

describe('the old null against the data-based one', () => {
  it('psych default and the taxonomy call (normal Pearson null, 20 iterations, fa means) keep too many factors on the binary fixture', () => {
    const fx = fixtures[1]![1];
    expect(fx.psych_default.nfact).toBeGreaterThan(3);
    const old = parallelAnalysis({ r: tet(fx.data), n: fx.n }, { iter: 20, fa: 'fa', seed: 1 });
    expect(old.criterion).toBe('mean');
    expect(old.nfact).toBeGreaterThan(3);
  });

  it('over replications of planted binary data (3 x 5 items, 400 respondents), the permutation null finds 3 where the old one overestimates', () => {
    const loadings = simpleStructure(3, 5, 0.6);
    const phi = [[1, 0.3, 0.3], [0.3, 1, 0.3], [0.3, 0.3, 1]];
    const thresholds = loadings.map((_, j) => [0.3 + 0.25 * (j % 5)]);
    const oldCounts: number[] = [], newCounts: number[] = [];
    for (let rep = 0; rep < 4; rep++) {
      const data = simulateFactorData({ n: 400, loadings, phi, thresholds, seed: 700 + rep });
      const r = tet(data);
      oldCounts.push(parallelAnalysis({ r, n: data.length }, { iter: 20, fa: 'fa', seed: rep }).nfact!);
      newCounts.push(parallelAnalysis({ data, r }, { null: 'permutation', correlation: tet, iter: 60, seed: rep }).nfact!);
    }
    expect(newCounts.filter((k) => k === 3).length).toBeGreaterThanOrEqual(3);
    expect(oldCounts.filter((k) => k > 3).length).toBeGreaterThanOrEqual(3);
  });

  it('finds no common factor (0 or 1) in data without structure, binary and ordinal', () => {
    const none = [[0], [0], [0], [0], [0], [0], [0], [0], [0], [0], [0], [0]];
    for (let rep = 0; rep < 2; rep++) {
      const bin = simulateFactorData({ n: 300, loadings: none, thresholds: none.map((_, j) => [0.2 + 0.2 * (j % 5)]), seed: 900 + rep });
      const ord = simulateFactorData({ n: 300, loadings: none, thresholds: none.map(() => [-1.8, -0.9, 0, 0.9]), seed: 950 + rep });
      expect(factorCountEvidence(bin, { correlation: tet, iter: 40, seed: rep }).counts.parallelFactors).toBeLessThanOrEqual(1);
      expect(factorCountEvidence(ord, { correlation: poly, iter: 40, seed: rep }).counts.parallelFactors).toBeLessThanOrEqual(1);
    }
  });

  it('under a true null the first component beats its 95th null percentile about 5% of the time (Pearson, permutation)', () => {
    const none = Array.from({ length: 8 }, () => [0]);
    let retained = 0;
    const reps = 40;
    for (let rep = 0; rep < reps; rep++) {
      const data = simulateFactorData({ n: 120, loadings: none, thresholds: none.map(() => [-1, 0, 1]), seed: 1200 + rep });
      if (parallelAnalysis({ data }, { null: 'permutation', iter: 39, fa: 'pc', seed: rep }).ncomp! > 0) retained++;
    }
    // Binomial(40, 0.05): P(X >= 7) < 0.004; and a rule that never fires would be suspicious too.
    expect(retained).toBeLessThanOrEqual(6);
  });
});

describe('data-based null mechanics', () => {
  const data: (number | null)[][] = [
    [1, 0, 2], [null, 1, 1], [2, 1, null], [3, 0, 0], [1, null, 2], [0, 1, 1], [2, 0, 0], [3, 1, 2], [1, 1, null], [0, 0, 1],
  ];
  it('permutation keeps each column’s values and its missing cells where they were', () => {
    const seen: (number | null)[][][] = [];
    const spy: CorrelationFunction = (d) => { seen.push(d.map((row) => [...row])); return pearsonObserved(d); };
    parallelAnalysis({ data }, { null: 'permutation', correlation: spy, iter: 5, seed: 3 });
    expect(seen.length).toBe(6); // the observed matrix, then one per iteration
    for (const d of seen.slice(1)) {
      for (let j = 0; j < 3; j++) {
        expect(d.map((row) => row[j] === null)).toEqual(data.map((row) => row[j] === null));
        const sorted = (rows: (number | null)[][]) => rows.map((row) => row[j]).filter((v) => v !== null).sort();
        expect(sorted(d)).toEqual(sorted(data));
      }
    }
    expect(seen.slice(1).some((d) => JSON.stringify(d) !== JSON.stringify(data))).toBe(true);
  });

  it('resample redraws a draw whose correlations are undefined (a rare column turned constant), as psych does', () => {
    const rare = Array.from({ length: 60 }, (_, i) => [i % 2, (i * 7) % 3 === 0 ? 1 : 0, i === 5 ? 1 : 0]);
    const res = parallelAnalysis({ data: rare }, { null: 'resample', iter: 20, seed: 4 });
    expect(res.redraws).toBeGreaterThan(0);
    expect(res.pcSimMean!.every(Number.isFinite)).toBe(true);
    // the permutation null never makes a column constant
    expect(parallelAnalysis({ data: rare }, { null: 'permutation', iter: 20, seed: 4 }).redraws).toBe(0);
  });

  it('is seeded, and data-based nulls refuse a bare correlation matrix', () => {
    const a = parallelAnalysis({ data }, { null: 'permutation', iter: 10, seed: 8 });
    expect(parallelAnalysis({ data }, { null: 'permutation', iter: 10, seed: 8 })).toEqual(a);
    expect(parallelAnalysis({ data }, { null: 'permutation', iter: 10, seed: 9 }).pcSimMean).not.toEqual(a.pcSimMean);
    expect(() => parallelAnalysis({ r: [[1, 0.2], [0.2, 1]], n: 50 }, { null: 'permutation' })).toThrow(/needs the raw data/);
  });
});

/** Pearson on the observed cells, enough for the mechanics tests. */
function pearsonObserved(d: (number | null)[][]): number[][] {
  const p = d[0]!.length;
  return Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => {
    if (a === b) return 1;
    const pairs = d.filter((row) => row[a] !== null && row[b] !== null).map((row) => [row[a]!, row[b]!] as const);
    const ma = pairs.reduce((s, x) => s + x[0], 0) / pairs.length, mb = pairs.reduce((s, x) => s + x[1], 0) / pairs.length;
    let sab = 0, saa = 0, sbb = 0;
    for (const [x, y] of pairs) { sab += (x - ma) * (y - mb); saa += (x - ma) ** 2; sbb += (y - mb) ** 2; }
    return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
  }));
}

describe('simulateFactorData', () => {
  it('reproduces the implied correlations Λ Φ Λ′ (continuous) and cuts at the thresholds', () => {
    const loadings = [[0.8, 0], [0.6, 0], [0, 0.7], [0, 0.5]];
    const phi = [[1, 0.4], [0.4, 1]];
    const x = simulateFactorData({ n: 20000, loadings, phi, seed: 3 });
    const r = pearsonObserved(x);
    const implied = (a: number, b: number): number => loadings[a]!.reduce((s, la, f) => s + loadings[b]!.reduce((t, lb, g) => t + la * phi[f]![g]! * lb, 0), 0);
    for (let a = 0; a < 4; a++) for (let b = 0; b < a; b++) expect(Math.abs(r[a]![b]! - implied(a, b))).toBeLessThan(0.03);
    const cut = simulateFactorData({ n: 5000, loadings, phi, thresholds: loadings.map(() => [-1, 0, 1]), seed: 3 });
    expect(new Set(cut.flat())).toEqual(new Set([0, 1, 2, 3]));
    const share0 = cut.filter((row) => row[0] === 0).length / cut.length;
    expect(Math.abs(share0 - 0.1587)).toBeLessThan(0.02); // P(Z <= -1)
    expect(() => simulateFactorData({ n: 10, loadings: [[0.9, 0.5]] })).toThrow(/communality/);
  });
});
