import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { corSmooth, DegenerateDataError, pearsonPairwise } from '../../src/stats/correlation.js';
import { polychoric, tetrachoric, tetrachoricTable } from '../../src/stats/polychoric.js';
import { bivariateNormalCdf } from '../../src/stats/bivariate-normal.js';
import { StatsInputError } from '../../src/stats/input-error.js';
import { csvData, fixture, maxAbsDiff, TOL, type BfiFixture } from '../helpers/r-fixtures.js';

const bfi = csvData('bfi.csv');
const bfiFx = fixture<BfiFixture>('bfi.json');

describe('bivariate normal CDF (Genz BVND) against mnormt::pmnorm', () => {
  it('agrees to 1e-12 over a grid of limits and correlations', () => {
    const pts = fixture<{ x: number; y: number; r: number; p: number }[]>('bvn.json');
    for (const pt of pts) expect(Math.abs(bivariateNormalCdf(pt.x, pt.y, pt.r) - pt.p)).toBeLessThan(1e-12);
  });
  it('handles infinite limits', () => {
    expect(bivariateNormalCdf(-Infinity, 0.3, 0.5)).toBe(0);
    expect(bivariateNormalCdf(Infinity, 0, 0.5)).toBeCloseTo(0.5, 14);
    expect(bivariateNormalCdf(0, 0, 0)).toBeCloseTo(0.25, 14);
  });
});

describe('pearsonPairwise against cor(use = "pairwise") on bfi (2800 x 25 with NAs)', () => {
  it('matches R', () => {
    expect(maxAbsDiff(pearsonPairwise(bfi), bfiFx.pearson)).toBeLessThan(1e-12);
  });
  it('is symmetric with a unit diagonal and entries in [-1, 1] (property)', () => {
    const cell = fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 5 }));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { minLength: 8, maxLength: 30 }), (rows) => {
        let r: number[][];
        try {
          r = pearsonPairwise(rows);
        } catch (e) {
          return e instanceof DegenerateDataError; // constant column or too few pairs: a clear error, never NaN
        }
        return r.every((row, i) => row.every((v, j) => v === r[j]![i] && (i === j ? v === 1 : v >= -1 && v <= 1 && Number.isFinite(v))));
      }),
      { numRuns: 200 },
    );
  });
  it('rejects degenerate input with DegenerateDataError', () => {
    expect(() => pearsonPairwise([[1, 2], [1, 3], [1, 4]])).toThrow(/column 1 is constant/);
    expect(() => pearsonPairwise([[1, 2], [2, NaN], [3, 4]])).toThrow(DegenerateDataError);
    expect(() => pearsonPairwise([[1, null], [2, 5], [3, null], [null, 4], [5, 6]])).toThrow(/observed together in only 2 row/);
    expect(() => pearsonPairwise([])).toThrow(StatsInputError);
  });
});

describe('polychoric against psych::polychoric (bfi A1-A5, C1-C5)', () => {
  const cols = bfiFx.polychoric.names.map((n) => bfiFx.names.indexOf(n));
  const data = bfi.map((row) => cols.map((c) => row[c]!));
  const res = polychoric(data);
  it('matches rho and the global thresholds', () => {
    expect(maxAbsDiff(res.rho, bfiFx.polychoric.rho)).toBeLessThan(TOL);
    expect(maxAbsDiff(res.tau, bfiFx.polychoric.tau)).toBeLessThan(1e-10);
    expect(res.global).toBe(true);
  });
  it('matches psych with global = FALSE (pairwise thresholds, 0.5 correction of empty cells) on the first 300 rows', () => {
    const local = polychoric(data.slice(0, 300), { global: false });
    expect(maxAbsDiff(local.rho, bfiFx.polychoric_local_300.rho)).toBeLessThan(TOL);
    expect(local.warnings.join(' ')).toMatch(/adjusted for 0 values/);
  });
  it('of two 0/1 items equals their tetrachoric correlation (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 5, max: 60 }), { minLength: 4, maxLength: 4 }), ([a, b, c, d]) => {
        const rows: number[][] = [];
        const push = (x: number, y: number, k: number): void => { for (let i = 0; i < k; i++) rows.push([x, y]); };
        push(0, 0, a!); push(1, 0, b!); push(0, 1, c!); push(1, 1, d!);
        const poly = polychoric(rows, { smooth: false }).rho[0]![1]!;
        const tet = tetrachoric(rows, { smooth: false }).rho[0]![1]!;
        const table = tetrachoricTable([[a!, c!], [b!, d!]]);
        return Math.abs(poly - tet) < 1e-6 && Math.abs(table - tet) < 1e-6;
      }),
      { numRuns: 40 },
    );
  });
  it('rejects too many categories, non-integer codes and constant items', () => {
    expect(() => polychoric([[1, 2], [9, 3], [4, 5]])).toThrow(/more than 8/);
    expect(() => polychoric([[1.5, 2], [2, 3], [3, 1]])).toThrow(/not an integer/);
    expect(() => polychoric([[1, 2], [1, 3], [1, 1]])).toThrow(/constant/);
  });
  it('falls back to pairwise thresholds with psych\'s warning when items differ in their number of categories', () => {
    const rows = bfi.slice(0, 400).map((r) => [r[0]!, r[1] === null ? null : Math.min(r[1]!, 4), r[2]!]);
    const out = polychoric(rows);
    expect(out.global).toBe(false);
    expect(out.warnings.join(' ')).toMatch(/global set to FALSE/);
  });
});

describe('tetrachoric against psych::tetrachoric', () => {
  const fx = fixture<{ lsat6: { rho: number[][]; tau: number[] }; bfi_binary: { rho: number[][]; tau: number[] } }>('tetrachoric.json');
  it('matches on lsat6 (1000 x 5)', () => {
    const res = tetrachoric(csvData('lsat6.csv'));
    expect(maxAbsDiff(res.rho, fx.lsat6.rho)).toBeLessThan(TOL);
    expect(maxAbsDiff(res.tau, fx.lsat6.tau)).toBeLessThan(1e-10);
  });
  it('matches on dichotomized bfi items with missing values', () => {
    const res = tetrachoric(csvData('bfi-binary.csv'));
    expect(maxAbsDiff(res.rho, fx.bfi_binary.rho)).toBeLessThan(TOL);
    expect(maxAbsDiff(res.tau, fx.bfi_binary.tau)).toBeLessThan(1e-10);
  });
  it('rejects non-dichotomous data', () => {
    expect(() => tetrachoric([[0, 1], [1, 2], [0, 0], [1, 1]])).toThrow(/dichotomous/);
  });
});

describe('corSmooth against psych::cor.smooth', () => {
  it('smooths a non-positive-definite matrix exactly as psych and says so', () => {
    const fx = fixture<{ r: number[][]; smoothed: number[][] }>('smooth.json');
    const out = corSmooth(fx.r);
    expect(out.smoothed).toBe(true);
    expect(out.warnings[0]).toMatch(/not positive definite/);
    expect(maxAbsDiff(out.r, fx.smoothed)).toBeLessThan(1e-10);
  });
  it('leaves a positive-definite matrix alone', () => {
    const r = [[1, 0.3], [0.3, 1]];
    expect(corSmooth(r)).toEqual({ r, smoothed: false, warnings: [] });
  });
});
