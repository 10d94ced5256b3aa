import { describe, expect, it } from 'vitest';
import { omega, omegaFromSchmid, schmidLeiman } from '../../src/stats/omega.js';
import { csvData, fixture, maxAbsDiff, TOL, type BfiFixture, type MatrixFixture } from '../helpers/r-fixtures.js';

interface OmegaFixture {
  nfactors: number;
  omega_h: number;
  omega_tot: number;
  omega_lim: number;
  alpha: number;
  G6: number;
  ECV: number;
  sl: number[][];
  orthog: number[][];
  oblique: number[][];
  phi: number[][];
  gloading: number[];
  key: number[];
  group: { total: number[]; general: number[]; group: number[] };
}

const om = fixture<Record<'thurstone' | 'harman74' | 'bfi', OmegaFixture>>('omega.json');
const correlations = {
  thurstone: fixture<MatrixFixture>('thurstone.json').r,
  harman74: fixture<MatrixFixture>('harman74.json').r,
  bfi: fixture<BfiFixture>('bfi.json').pearson,
};

describe.each(['thurstone', 'harman74', 'bfi'] as const)('Schmid-Leiman and omega on %s against psych::omega, given psych\'s oblimin solution', (name) => {
  const fx = om[name];
  const sl = schmidLeiman({ orthogonal: fx.orthog, oblique: fx.oblique, phi: fx.phi });
  const res = omegaFromSchmid(correlations[name], sl);
  const col = (c: number): number[] => fx.sl.map((row) => row[c]!);
  it('second-order loadings and the Schmid-Leiman matrix (g, F*, h2, u2, p2)', () => {
    expect(maxAbsDiff(sl.gLoadings, fx.gloading)).toBeLessThan(TOL);
    expect(res.keys).toEqual(fx.key);
    expect(maxAbsDiff(res.schmid.general, col(0))).toBeLessThan(TOL);
    expect(maxAbsDiff(res.schmid.group, fx.sl.map((row) => row.slice(1, fx.nfactors + 1)))).toBeLessThan(TOL);
    expect(maxAbsDiff(sl.communality, col(fx.nfactors + 1))).toBeLessThan(TOL);
    expect(maxAbsDiff(sl.uniqueness, col(fx.nfactors + 2))).toBeLessThan(TOL);
    expect(maxAbsDiff(sl.generalShare, col(fx.nfactors + 3))).toBeLessThan(TOL);
  });
  it('omega_h, omega_total, omega limit, alpha, G6, ECV and group omegas', () => {
    expect(Math.abs(res.omegaH - fx.omega_h)).toBeLessThan(TOL);
    expect(Math.abs(res.omegaTotal - fx.omega_tot)).toBeLessThan(TOL);
    expect(Math.abs(res.omegaLimit - fx.omega_lim)).toBeLessThan(TOL);
    expect(Math.abs(res.alpha - fx.alpha)).toBeLessThan(TOL);
    expect(Math.abs(res.g6 - fx.G6)).toBeLessThan(TOL);
    expect(Math.abs(res.ecv - fx.ECV)).toBeLessThan(TOL);
    expect(maxAbsDiff(res.groups.total, fx.group.total)).toBeLessThan(TOL);
    expect(maxAbsDiff(res.groups.general, fx.group.general)).toBeLessThan(TOL);
    expect(maxAbsDiff(res.groups.group, fx.group.group)).toBeLessThan(TOL);
  });
});

describe('schmidLeiman input checks', () => {
  it('needs two or more factors of matching sizes', () => {
    expect(() => schmidLeiman({ orthogonal: [[0.5], [0.6]], oblique: [[0.5], [0.6]], phi: [[1]] })).toThrow(/at least 2/);
    expect(() => schmidLeiman({ orthogonal: [[0.5, 0.1]], oblique: [[0.5, 0.1], [0.2, 0.3]], phi: [[1, 0.3], [0.3, 1]] })).toThrow(/size/);
  });
  it('two factors use psych\'s "equal" option: both load sqrt(|phi12|)', () => {
    const sl = schmidLeiman({ orthogonal: [[0.7, 0.1], [0.6, 0.2], [0.1, 0.7], [0.2, 0.6]], oblique: [[0.7, 0], [0.6, 0.1], [0, 0.7], [0.1, 0.6]], phi: [[1, 0.36], [0.36, 1]] });
    expect(sl.gLoadings[0]).toBeCloseTo(0.6, 12);
    expect(sl.gLoadings[1]).toBeCloseTo(0.6, 12);
  });
});

describe('omega end to end (minres + varimax + oblimin + Schmid-Leiman) against psych::omega', () => {
  it.each(['thurstone', 'harman74'] as const)('%s correlation matrix', (name) => {
    const fx = om[name];
    const res = omega({ r: correlations[name] }, { nfactors: fx.nfactors });
    expect(Math.abs(res.omegaH - fx.omega_h)).toBeLessThan(TOL);
    expect(Math.abs(res.omegaTotal - fx.omega_tot)).toBeLessThan(TOL);
    expect(Math.abs(res.omegaLimit - fx.omega_lim)).toBeLessThan(TOL);
    expect(Math.abs(res.alpha - fx.alpha)).toBeLessThan(TOL);
    expect(Math.abs(res.ecv - fx.ECV)).toBeLessThan(TOL);
    expect(maxAbsDiff(res.schmid.general, fx.sl.map((row) => row[0]!))).toBeLessThan(TOL);
    expect(maxAbsDiff(res.schmid.communality, fx.sl.map((row) => row[fx.nfactors + 1]!))).toBeLessThan(TOL);
    expect(maxAbsDiff(res.groups.total, fx.group.total)).toBeLessThan(TOL);
  });
  it('bfi raw data (25 items with missing values, 5 factors, reversed items)', () => {
    const fx = om.bfi;
    const res = omega({ data: csvData('bfi.csv') }, { nfactors: 5 });
    expect(res.keys).toEqual(fx.key);
    expect(Math.abs(res.omegaH - fx.omega_h)).toBeLessThan(TOL);
    expect(Math.abs(res.omegaTotal - fx.omega_tot)).toBeLessThan(TOL);
    expect(Math.abs(res.alpha - fx.alpha)).toBeLessThan(TOL);
    expect(Math.abs(res.g6 - fx.G6)).toBeLessThan(TOL);
  });
  it('rejects too few variables or factors', () => {
    expect(() => omega({ r: correlations.thurstone }, { nfactors: 5 })).toThrow(/at least 10 variables/);
    expect(() => omega({ r: correlations.thurstone }, { nfactors: 1 })).toThrow(/nfactors >= 2/);
  });
});
