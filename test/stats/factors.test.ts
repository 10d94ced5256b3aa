import { describe, expect, it } from 'vitest';
import { bartlett, kmo } from '../../src/stats/adequacy.js';
import { velicerMap } from '../../src/stats/map.js';
import { parallelAnalysis, type ParallelResult } from '../../src/stats/parallel.js';
import { DegenerateDataError } from '../../src/stats/correlation.js';
import { csvData, fixture, maxAbsDiff, TOL, type BfiFixture, type MatrixFixture } from '../helpers/r-fixtures.js';

const bfiFx = fixture<BfiFixture>('bfi.json');
const sets: [string, number[][], MatrixFixture | BfiFixture][] = [
  ['Thurstone', fixture<MatrixFixture>('thurstone.json').r, fixture<MatrixFixture>('thurstone.json')],
  ['Harman74', fixture<MatrixFixture>('harman74.json').r, fixture<MatrixFixture>('harman74.json')],
  ['bfi (pairwise Pearson)', bfiFx.pearson, bfiFx],
];

describe.each(sets)('adequacy and MAP on %s against psych', (_name, r, fx) => {
  it('KMO overall and per item (psych::KMO)', () => {
    const k = kmo(r);
    expect(Math.abs(k.overall - fx.kmo.overall)).toBeLessThan(TOL);
    expect(maxAbsDiff(k.items, fx.kmo.items)).toBeLessThan(TOL);
  });
  it("Bartlett's sphericity test (psych::cortest.bartlett)", () => {
    const b = bartlett(r, fx.n);
    expect(Math.abs(b.chisq - fx.bartlett.chisq) / fx.bartlett.chisq).toBeLessThan(1e-10);
    expect(b.df).toBe(fx.bartlett.df);
    expect(Math.abs(b.p - fx.bartlett.p)).toBeLessThanOrEqual(Math.max(1e-300, fx.bartlett.p * 1e-6));
  });
  it("Velicer's MAP: psych::vss()$map and the 4th-power revision", () => {
    const m = velicerMap(r, 8);
    expect(maxAbsDiff(m.map2, fx.map.vss_map)).toBeLessThan(1e-8);
    expect(maxAbsDiff(m.map4, fx.map.map4)).toBeLessThan(1e-8);
    expect(m.nfactMap2).toBe(fx.map.map2.indexOf(Math.min(...fx.map.map2)) + 1);
    expect(m.nfactMap4).toBe(fx.map.map4.indexOf(Math.min(...fx.map.map4)) + 1);
  });
});

/**
 * psych's simulated eigenvalues come from R's RNG, ours from createRng, so simulated means are
 * compared within Monte Carlo error: 4 standard errors of the difference of two means of `iter`
 * draws (estimated from our spread), and at least 0.02. The first factor eigenvalue of random data
 * is bimodal (Heywood cases), so its Monte Carlo error is far larger than the others'.
 */
function expectSimulatedClose(ours: number[], sd: number[], theirs: number[], iter: number): void {
  ours.forEach((v, k) => {
    const tol = Math.max(0.02, 4 * Math.SQRT2 * (sd[k]! / Math.sqrt(iter)));
    expect(Math.abs(v - theirs[k]!), `eigenvalue ${k + 1}`).toBeLessThan(tol);
  });
}

function checkParallel(res: ParallelResult, fx: MatrixFixture | BfiFixture): void {
  expect(maxAbsDiff(res.pcValues, fx.parallel.pc_values)).toBeLessThan(1e-10);
  expect(maxAbsDiff(res.faValues, fx.parallel.fa_values)).toBeLessThan(TOL);
  expectSimulatedClose(res.pcSimMean!, res.pcSimSd!, fx.parallel.pc_sim, fx.parallel.iter);
  expectSimulatedClose(res.faSimMean!, res.faSimSd!, fx.parallel.fa_sim, fx.parallel.iter);
  expect(res.nfact).toBe(fx.parallel.nfact);
  expect(res.ncomp).toBe(fx.parallel.ncomp);
}

describe('parallel analysis against psych::fa.parallel (iter = 100)', () => {
  it('Thurstone (correlation matrix, n = 213)', () => {
    const fx = fixture<MatrixFixture>('thurstone.json');
    const res = parallelAnalysis({ r: fx.r, n: fx.n }, { iter: 100, seed: 11 });
    checkParallel(res, fx);
    expect(res.kaiser).toBe(fx.parallel.pc_values.filter((v) => v > 1).length);
  });
  it('Harman74 (correlation matrix, n = 145)', () => {
    const fx = fixture<MatrixFixture>('harman74.json');
    checkParallel(parallelAnalysis({ r: fx.r, n: fx.n }, { iter: 100, seed: 11 }), fx);
  });
  it('bfi raw data with missing values (pairwise Pearson)', () => {
    checkParallel(parallelAnalysis({ data: csvData('bfi.csv') }, { iter: 100, seed: 11 }), bfiFx);
  });
  it('is reproducible from its seed and changes with it', () => {
    const fx = fixture<MatrixFixture>('thurstone.json');
    const a = parallelAnalysis({ r: fx.r, n: fx.n }, { iter: 5, seed: 42 });
    const b = parallelAnalysis({ r: fx.r, n: fx.n }, { iter: 5, seed: 42 });
    const c = parallelAnalysis({ r: fx.r, n: fx.n }, { iter: 5, seed: 43 });
    expect(b).toEqual(a);
    expect(c.pcSimMean).not.toEqual(a.pcSimMean);
  });
  it("keeps psych's rule for fa = 'fa' on a correlation matrix: observed factor eigenvalues against the simulated means", () => {
    const fx = fixture<MatrixFixture>('thurstone.json');
    const res = parallelAnalysis({ r: fx.r, n: fx.n }, { iter: 50, fa: 'fa', seed: 5 });
    const k = res.faValues.findIndex((v, i) => !(v > res.faSimMean![i]!));
    expect(res.nfact).toBe(k);
    expect(res.nfact).toBe(3); // psych: fa.parallel(Thurstone, n.obs = 213, fa = "fa")$nfact
    expect(res.pcSimMean).toBeNull();
  });
  it('computes only the requested kind', () => {
    const fx = fixture<MatrixFixture>('thurstone.json');
    const pc = parallelAnalysis({ r: fx.r, n: fx.n }, { iter: 3, fa: 'pc' });
    expect(pc.nfact).toBeNull();
    expect(pc.faSimMean).toBeNull();
    expect(pc.ncomp).not.toBeNull();
  });
  it('rejects too few observations and bad options', () => {
    const fx = fixture<MatrixFixture>('thurstone.json');
    expect(() => parallelAnalysis({ r: fx.r, n: 5 })).toThrow(DegenerateDataError);
    expect(() => parallelAnalysis({ r: fx.r, n: 200 }, { iter: 0 })).toThrow(/iter/);
  });
});

describe('adequacy input errors', () => {
  it('singular or non-square matrices give a clear error', () => {
    expect(() => kmo([[1, 1], [1, 1]])).toThrow(/singular/);
    expect(() => bartlett([[1, 1], [1, 1]], 100)).toThrow(/determinant/);
    expect(() => kmo([[1, 0.2, 0.1], [0.2, 1, 0.3]])).toThrow(/square/);
    expect(() => bartlett([[1, 0.2], [0.2, 1]], 1)).toThrow(/observations/);
  });
});
