import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cfa, cfaFromData, rmseaInterval, CfaConvergenceError, type CfaModel, type CfaResult } from '../../src/stats/cfa.js';
import { StatsInputError } from '../../src/stats/input-error.js';

interface LavaanFixture {
  S: number[][];
  N: number;
  factors: Record<string, number[]>;
  orthogonal: boolean;
  marker: boolean;
  rawData: boolean;
  data: (number | null)[][] | null;
  fit: Record<string, number>;
  lambda: number[][];
  phi: number[][];
  theta: number[];
  lambdaSe: number[][];
  thetaSe: number[];
  stdLambda: number[][];
  stdPhi: number[][];
}

const load = (name: string): LavaanFixture =>
  JSON.parse(readFileSync(new URL(`../fixtures/r/more/${name}.json`, import.meta.url), 'utf8')) as LavaanFixture;

function modelOf(fx: LavaanFixture): CfaModel {
  return {
    factors: Object.entries(fx.factors).map(([name, items]) => ({ name, items })),
    orthogonal: fx.orthogonal,
    identification: fx.marker ? 'marker' : 'std.lv',
  };
}

function fitOf(fx: LavaanFixture): CfaResult {
  // jsonlite writes R's NA as null; cfaFromData takes NaN for a missing value.
  return fx.rawData && fx.data ? cfaFromData(fx.data.map((r) => r.map((v) => v ?? NaN)), modelOf(fx)) : cfa(fx.S, fx.N, modelOf(fx));
}

function expectClose(actual: number, expected: number, tol: number, what: string): void {
  if (Math.abs(actual - expected) > tol) throw new Error(`${what}: got ${actual}, lavaan ${expected}`);
}

const cases = ['cfa_hs_raw', 'cfa_hs_raw_orth_marker', 'cfa_hs_cov', 'cfa_hs_cov_marker', 'cfa_hs_cross', 'cfa_hs_2f', 'cfa_hs_2f_orth', 'cfa_bfi', 'cfa_bfi_raw', 'cfa_poldem', 'cfa_heywood'];
const expectedWarnings: Record<string, RegExp> = { cfa_heywood: /^Heywood case: item 0 \(x1\)/, cfa_bfi_raw: /364 row\(s\) with missing values dropped/ };

describe('cfa matches lavaan 0.6', () => {
  for (const name of cases) {
    it(name, () => {
      const fx = load(name);
      const r = fitOf(fx);
      const f = fx.fit;
      expect(r.fit.df).toBe(f['df']);
      expect(r.fit.npar).toBe(f['npar']);
      expectClose(r.fit.chisq, f['chisq']!, 1e-4 * Math.max(1, f['chisq']!), 'chisq');
      expectClose(r.fit.fml / 2, f['fmin']!, 1e-8, 'fmin');
      expectClose(r.fit.pValue!, f['pvalue']!, 1e-6, 'pvalue');
      expectClose(r.fit.baselineChisq, f['baseline.chisq']!, 1e-6 * f['baseline.chisq']!, 'baseline chisq');
      expect(r.fit.baselineDf).toBe(f['baseline.df']);
      for (const [ours, theirs] of [['cfi', 'cfi'], ['tli', 'tli'], ['rmsea', 'rmsea'], ['rmseaLower', 'rmsea.ci.lower'], ['rmseaUpper', 'rmsea.ci.upper'], ['rmseaPClose', 'rmsea.pvalue'], ['srmr', 'srmr']] as const) {
        expectClose(r.fit[ours]!, f[theirs]!, 1e-5, ours);
      }
      expectClose(r.fit.logLik, f['logl']!, 1e-3, 'logl');
      expectClose(r.fit.aic, f['aic']!, 1e-3, 'aic');
      expectClose(r.fit.bic, f['bic']!, 1e-3, 'bic');
      fx.lambda.forEach((row, i) => row.forEach((x, k) => {
        expectClose(r.loadings[i]![k]!, x, 1e-4, `lambda[${i}][${k}]`);
        expectClose(r.standardizedLoadings[i]![k]!, fx.stdLambda[i]![k]!, 1e-4, `std lambda[${i}][${k}]`);
      }));
      fx.phi.forEach((row, k) => row.forEach((x, l) => expectClose(r.factorCovariance[k]![l]!, x, 1e-4, `phi[${k}][${l}]`)));
      fx.theta.forEach((x, i) => expectClose(r.residualVariances[i]!, x, 1e-4, `theta[${i}]`));
      for (const par of r.parameters) {
        if (par.kind === 'loading' && par.free) expectClose(par.se!, fx.lambdaSe[par.item!]![par.factor!]!, 1e-4, `se lambda ${par.item}`);
        if (par.kind === 'factor-covariance' && par.free) expectClose(par.se!, (fx as LavaanFixture & { phiSe: number[][] }).phiSe[par.factor2!]![par.factor!]!, 1e-4, `se phi ${par.factor}`);
        if (par.kind === 'residual-variance') expectClose(par.se!, fx.thetaSe[par.item!]!, 1e-4, `se theta ${par.item}`);
      }
      const w = expectedWarnings[name];
      if (w) {
        expect(r.warnings).toHaveLength(1);
        expect(r.warnings[0]).toMatch(w);
      } else expect(r.warnings).toEqual([]);
      expect(r.nObs).toBe(fx.N);
    });
  }

  it('std.lv and marker identification give the same fit and standardized solution', () => {
    const a = fitOf(load('cfa_hs_cov'));
    const b = fitOf(load('cfa_hs_cov_marker'));
    expect(b.fit.chisq).toBeCloseTo(a.fit.chisq, 6);
    expect(a.parameters.map((x) => x.label).slice(0, 2)).toEqual(['visual=~x1', 'visual=~x2']);
    expect(a.parameters.find((x) => x.label === 'visual~~textual')?.free).toBe(true);
    expect(b.parameters.find((x) => x.label === 'visual=~x1')).toMatchObject({ estimate: 1, free: false });
    a.standardizedLoadings.forEach((row, i) => row.forEach((x, k) => expect(b.standardizedLoadings[i]![k]!).toBeCloseTo(x, 6)));
  });
});

describe('cfa input checking', () => {
  const S = [[1, 0.5, 0.4], [0.5, 1, 0.45], [0.4, 0.45, 1]];
  it('rejects bad input with StatsInputError', () => {
    expect(() => cfa([], 10, { factors: [{ name: 'f', items: [] }] })).toThrow(StatsInputError);
    expect(() => cfa(S, 1, { factors: [{ name: 'f', items: [0, 1, 2] }] })).toThrow(StatsInputError);
    expect(() => cfa(S, 100, { factors: [{ name: 'f', items: [0, 1, 5] }] })).toThrow(StatsInputError);
    expect(() => cfa(S, 100, { factors: [{ name: 'f', items: [0, 1] }] })).toThrow(/unused/);
    expect(() => cfa([[1, 0.5], [0.4, 1]], 100, { factors: [{ name: 'f', items: [0, 1] }] })).toThrow(/symmetric/);
    expect(() => cfa([[1, 0.5], [0.5, 1]], 100, { factors: [{ name: 'f', items: [0, 1] }] })).toThrow(/not identified/);
    expect(() => cfaFromData([[1, 2, 3]], { factors: [{ name: 'f', items: [0, 1, 2] }] })).toThrow(StatsInputError);
  });
  it('a just-identified one-factor model reproduces S exactly (chisq 0, df 0)', () => {
    const r = cfa(S, 200, { factors: [{ name: 'f', items: [0, 1, 2] }] });
    expect(r.fit.df).toBe(0);
    expect(r.fit.chisq).toBeLessThan(1e-10);
    expect(r.fit.pValue).toBeNull();
    expect(r.fit.rmseaPClose).toBeNull();
    expect(r.fit.rmsea).toBe(0);
    r.impliedCovariance.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(S[i]![j]! * 199 / 200, 10)));
  });
  it('flags a Heywood case instead of failing', () => {
    // r12 * r13 / r23 > 1 forces a loading above 1 for item 0.
    const H = [[1, 0.8, 0.75], [0.8, 1, 0.5], [0.75, 0.5, 1]];
    const r = cfa(H, 300, { factors: [{ name: 'f', items: [0, 1, 2] }], itemNames: ['care', 'fair', 'loyal'] });
    expect(r.warnings.some((w) => w.includes('Heywood case: item 0 (care)'))).toBe(true);
    expect(r.parameters.map((x) => x.label)).toContain('f=~loyal');
    expect(() => cfa(H, 300, { factors: [{ name: 'f', items: [0, 1, 2] }], itemNames: ['a'] })).toThrow(StatsInputError);
  });
  it('reports non-convergence as an error', () => {
    const fx = load('cfa_hs_cov');
    expect(() => cfa(fx.S, fx.N, modelOf(fx), { maxIterations: 1 })).toThrow(CfaConvergenceError);
  });
  it('names an empirically under-identified factor when the fit diverges', () => {
    // r12 r13 / r23 < 0: no admissible loading for item 0, the ML solution runs off to infinity.
    const bad = [[1, 0.3, 0.3], [0.3, 1, -0.05], [0.3, -0.05, 1]];
    expect(() => cfa(bad, 300, { factors: [{ name: 'weak', items: [0, 1, 2] }] })).toThrow(/under-identified.*weak/);
  });
  it('stops a fit that is not converging early, with or without a runaway factor beside a good one', () => {
    // The same runaway factor next to a well-measured one: the objective flattens while the
    // gradient grows, and the fit stops well before maxIterations with the cause named.
    const bad = [[1, 0.3, 0.3], [0.3, 1, -0.05], [0.3, -0.05, 1]];
    const good = [[1, 0.5, 0.45], [0.5, 1, 0.4], [0.45, 0.4, 1]];
    const S = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i < 3 && j < 3 ? bad[i]![j]! : i >= 3 && j >= 3 ? good[i - 3]![j - 3]! : 0.1)));
    for (const [s, factors] of [
      [bad, [{ name: 'weak', items: [0, 1, 2] }]],
      [S, [{ name: 'weak', items: [0, 1, 2] }, { name: 'strong', items: [3, 4, 5] }]],
    ] as const) {
      let message = '';
      try {
        cfa(s.map((r) => [...r]), 300, { factors: factors.map((f) => ({ ...f, items: [...f.items] })) }, { maxIterations: 2000 });
      } catch (e) {
        expect(e).toBeInstanceOf(CfaConvergenceError);
        message = (e as Error).message;
      }
      const stoppedAfter = Number(/stopped after (\d+) iterations/.exec(message)?.[1]);
      expect(stoppedAfter, message).toBeGreaterThanOrEqual(50);
      expect(stoppedAfter, message).toBeLessThan(1000);
      expect(message).toMatch(/under-identified.*weak/);
      expect(message).not.toMatch(/strong/);
    }
  });
  it('rmseaInterval is zero when df < 1 and brackets the point estimate', () => {
    expect(rmseaInterval(3, 0, 100)).toEqual({ lower: 0, upper: 0 });
    const ci = rmseaInterval(85.3055, 24, 301);
    expect(ci.lower).toBeLessThan(0.0921);
    expect(ci.upper).toBeGreaterThan(0.0921);
  });
});
