import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { categoryCounts, cohensKappa, fleissKappa, krippendorffAlpha, percentAgreement } from '../../src/stats/agreement.js';
import { StatsInputError } from '../../src/stats/input-error.js';

const load = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/r/more/${name}.json`, import.meta.url), 'utf8')) as T;
const psych = load<{ a: number[]; b: number[]; kappa: number; weighted: number; varKappa: number; linear: number }>('kappa');
const fce = load<Record<'linear' | 'quadratic' | 'none', { kappa: number; var: number }>>('kappa_fce');

describe("Cohen's kappa", () => {
  it('matches psych::cohen.kappa and the Fleiss-Cohen-Everitt variance', () => {
    const u = cohensKappa(psych.a, psych.b);
    expect(u.kappa).toBeCloseTo(psych.kappa, 12);
    expect(u.se ** 2).toBeCloseTo(psych.varKappa, 12);
    const q = cohensKappa(psych.a, psych.b, { weights: 'quadratic' });
    expect(q.kappa).toBeCloseTo(psych.weighted, 12);
    expect(q.se ** 2).toBeCloseTo(fce.quadratic.var, 12);
    const l = cohensKappa(psych.a, psych.b, { weights: 'linear' });
    expect(l.kappa).toBeCloseTo(psych.linear, 12);
    expect(l.se ** 2).toBeCloseTo(fce.linear.var, 12);
    expect(u.ci[0]).toBeCloseTo(u.kappa - 1.959963984540054 * u.se, 10);
  });
  it('is 1 for perfect agreement and 0 when agreement equals chance', () => {
    expect(cohensKappa([1, 0, -1, 1], [1, 0, -1, 1]).kappa).toBe(1);
    // Each rater 50/50, independent cross-table: po = pe = 0.5.
    expect(cohensKappa([0, 0, 1, 1], [0, 1, 0, 1]).kappa).toBeCloseTo(0, 12);
  });
  it('rejects degenerate input', () => {
    expect(() => cohensKappa([], [])).toThrow(StatsInputError);
    expect(() => cohensKappa([1, 2], [1])).toThrow(StatsInputError);
    expect(() => cohensKappa([1, 1], [1, 1])).toThrow(/undefined/);
    expect(() => cohensKappa([1, 5], [1, 1], { categories: [1, 2] })).toThrow(StatsInputError);
  });
});

describe("Fleiss' kappa", () => {
  // Fleiss (1971) style example from the Wikipedia article: 10 subjects, 14 raters, 5 categories.
  const table = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
  ];
  it('reproduces the worked example (P = 0.378, Pe = 0.213, kappa = 0.210)', () => {
    const r = fleissKappa(table);
    expect(r.observed).toBeCloseTo(0.378, 3);
    expect(r.expected).toBeCloseTo(0.2128, 4);
    expect(r.kappa).toBeCloseTo(0.2099, 4);
    expect(r.z).toBeGreaterThan(0);
  });
  it('equals Cohen-style chance correction built from labels', () => {
    const { counts } = categoryCounts([[1, 1, 0], [0, 0, 0], [-1, 1, -1], [1, 1, 1]]);
    expect(counts).toEqual([[0, 1, 2], [0, 3, 0], [2, 0, 1], [0, 0, 3]]);
    expect(fleissKappa(counts).kappa).toBeLessThan(1);
    expect(() => fleissKappa([[1, 1], [2, 1]])).toThrow(/constant number of raters/);
    expect(() => fleissKappa([])).toThrow(StatsInputError);
  });
});

describe("Krippendorff's alpha", () => {
  // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", 4 coders x 12 units, missing values.
  const coders: (number | null)[][] = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
    [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
  ];
  const units = coders[0]!.map((_, u) => coders.map((c) => c[u]!));
  it('reproduces the published values', () => {
    expect(krippendorffAlpha(units, 'nominal').alpha).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(units, 'ordinal').alpha).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(units, 'interval').alpha).toBeCloseTo(0.849, 3);
    expect(krippendorffAlpha(units, 'ratio').alpha).toBeCloseTo(0.797, 3);
    const r = krippendorffAlpha(units, 'nominal');
    expect(r.pairable).toBeCloseTo(40, 12); // unit 12 has a single value and is not pairable
    expect(r.units).toBe(11);
  });
  it('is 1 for perfect agreement and rejects data without variation', () => {
    expect(krippendorffAlpha([[1, 1], [2, 2], [3, null, 3]], 'interval').alpha).toBe(1);
    expect(() => krippendorffAlpha([[1, 1], [1, 1]])).toThrow(StatsInputError);
    expect(() => krippendorffAlpha([[1, null], [null, 2]])).toThrow(StatsInputError);
  });
});

describe('percent agreement', () => {
  it('averages pairwise agreement over units rated at least twice', () => {
    expect(percentAgreement([[1, 1], [1, 0], [0, 0], [1, null]])).toBeCloseTo(2 / 3, 12);
    expect(percentAgreement([[1, 1, 0]])).toBeCloseTo(1 / 3, 12);
    expect(() => percentAgreement([[1, null]])).toThrow(StatsInputError);
  });
});
