import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { intraclassCorrelation, ipsativeStability, type IccEstimate } from '../../src/stats/icc.js';
import { fQuantile } from '../../src/stats/f-quantile.js';
import { fSurvival } from '../../src/stats/probability.js';
import { StatsInputError } from '../../src/stats/input-error.js';

type Row = IccEstimate;
type Psych = Record<'ICC1' | 'ICC2' | 'ICC3' | 'ICC1k' | 'ICC2k' | 'ICC3k', Row> & { MSB: number; MSJ: number; MSE: number };
interface IccFixture { name: string; x: number[][]; anova: Psych; lmer: Psych }
const load = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/r/inference/${name}.json`, import.meta.url), 'utf8')) as T;
const cases = load<IccFixture[]>('icc');
const TOL = 1e-4;

describe('intraclassCorrelation equals psych::ICC', () => {
  for (const c of cases) {
    it(`${c.name}: all six ICCs with F, df, p and bounds (lmer = FALSE)`, () => {
      const r = intraclassCorrelation(c.x);
      const ours: Record<keyof Omit<Psych, 'MSB' | 'MSJ' | 'MSE'>, IccEstimate> = { ICC1: r.icc1, ICC2: r.icc2, ICC3: r.icc3, ICC1k: r.icc1k, ICC2k: r.icc2k, ICC3k: r.icc3k };
      for (const [type, est] of Object.entries(ours) as [keyof typeof ours, IccEstimate][]) {
        for (const f of ['icc', 'F', 'df1', 'df2', 'p', 'lower', 'upper'] as const) {
          expect(Math.abs(est[f] - c.anova[type][f]), `${type}.${f}`).toBeLessThan(TOL);
        }
      }
      expect(r.ms.between).toBeCloseTo(c.anova.MSB, 10);
      expect(r.ms.raters).toBeCloseTo(c.anova.MSJ, 10);
      expect(r.ms.error).toBeCloseTo(c.anova.MSE, 10);
    });
    it(`${c.name}: ICC(2,1) also equals psych's default (lmer = TRUE) where no component is at 0`, () => {
      const r = intraclassCorrelation(c.x);
      for (const f of ['icc', 'F', 'p', 'lower', 'upper'] as const) expect(Math.abs(r.icc2[f] - c.lmer.ICC2[f]), f).toBeLessThan(TOL);
    });
  }

  it('reproduces Shrout & Fleiss (1979) table 4: ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71', () => {
    const r = intraclassCorrelation(cases[0]!.x);
    expect(r.icc1.icc).toBeCloseTo(0.17, 2);
    expect(r.icc2.icc).toBeCloseTo(0.29, 2);
    expect(r.icc3.icc).toBeCloseTo(0.71, 2);
  });

  it('absolute agreement is lower than consistency when the second run shifts every score', () => {
    const x = [[1, 2.1], [2, 3.0], [3, 3.9], [4, 5.2], [5, 6.0]];
    const r = intraclassCorrelation(x);
    expect(r.icc3.icc).toBeGreaterThan(0.95);
    expect(r.icc2.icc).toBeLessThan(r.icc3.icc - 0.1);
    expect(r.icc2.lower).toBeLessThan(r.icc2.icc);
    expect(r.icc2.upper).toBeGreaterThan(r.icc2.icc);
  });

  it('rejects incomplete or degenerate tables', () => {
    expect(() => intraclassCorrelation([[1, 2]])).toThrow(/2 subjects/);
    expect(() => intraclassCorrelation([[1], [2]])).toThrow(/2 raters/);
    expect(() => intraclassCorrelation([[1, 2], [3]])).toThrow(/complete/);
    expect(() => intraclassCorrelation([[1, NaN], [3, 4]])).toThrow(StatsInputError);
    expect(() => intraclassCorrelation([[1, 1], [2, 2], [3, 3]])).toThrow(/no residual variance/);
  });
});

describe('fQuantile', () => {
  it('inverts the F distribution, for fractional df too', () => {
    for (const [p, d1, d2] of [[0.975, 5, 15], [0.025, 3.7, 40.2], [0.5, 1, 1], [0.999, 11, 2.5], [0.975, 200, 3]] as const) {
      const q = fQuantile(p, d1, d2);
      expect(1 - fSurvival(q, d1, d2)).toBeCloseTo(p, 12);
    }
    expect(fQuantile(0, 2, 3)).toBe(0);
    expect(fQuantile(1, 2, 3)).toBe(Infinity);
  });
});

describe('ipsativeStability', () => {
  const fx = load<{ a: number[]; b: number[]; r: number }>('ipsative');
  it('is the Pearson correlation of the two profiles (R cor)', () => {
    const s = ipsativeStability(fx.a, fx.b);
    expect(s.r).toBeCloseTo(fx.r, 12);
    expect(s.n_dimensions).toBe(fx.a.length);
  });
  it('ignores a shift and a rescaling of the whole profile, not a change of its shape', () => {
    expect(ipsativeStability([1, 2, 3, 4], [11, 13, 15, 17]).r).toBeCloseTo(1, 12);
    expect(ipsativeStability([1, 2, 3, 4], [4, 3, 2, 1]).r).toBeCloseTo(-1, 12);
  });
  it('rejects flat or mismatched profiles', () => {
    expect(() => ipsativeStability([1, 1, 1], [1, 2, 3])).toThrow(/flat/);
    expect(() => ipsativeStability([1, 2, 3], [1, 2])).toThrow(StatsInputError);
    expect(() => ipsativeStability([1, 2], [1, 2])).toThrow(/3 dimensions/);
  });
});
