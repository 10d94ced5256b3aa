/**
 * src/stats/efa.ts against R psych (fa, principal) on five of its datasets, raw and correlation
 * input, with missing values: loadings, Phi, communalities, uniquenesses, variance accounted for
 * and fit statistics to 1e-4, up to factor order and sign.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fa, faData, factorScores, type FactorMethod } from '../../src/stats/efa.js';
import type { RotationName } from '../../src/stats/rotations.js';

const dir = fileURLToPath(new URL('../fixtures/r/efa/', import.meta.url));
const TOL = 1e-4;

/**
 * Two minres solutions sit in a flat valley of the criterion, where R's L-BFGS-B (factr 1e7) stops
 * before the optimum: our exact solution has the same RMSR to 1e-9 but loadings differ from R's
 * stopping point by up to 3e-4. For these the criterion is checked to 1e-6 and the loadings and
 * chi-square with the looser bounds below; every other case is held to 1e-4.
 */
const FLAT_OPTIMA: Record<string, { loadings: number; chisqRelative: number }> = {
  'reise minres 5 oblimin': { loadings: 5e-4, chisqRelative: 1e-4 },
  'satact minres 2 oblimin': { loadings: 1e-4, chisqRelative: 5e-5 },
};

interface Case {
  fm: string; nf: number; rotate: string;
  loadings: number[][] | number[]; communality: number[]; uniquenesses: number[]; phi: number[][] | null;
  vaccounted: number[][] | number[]; rms: number; objective: number; statistic: number | null; dof: number;
  tli: number | null; rmsea: number[] | null; bic: number | null; fit_off: number; values: number[]; e_values: number[];
}
interface FixtureSet { name: string; is_cor: boolean; n_obs: number; names: string[]; r?: number[][]; data?: (number | null)[][]; kmo: { overall: number; items: number[] }; bartlett: { chisq: number; df: number; p: number }; cases: Case[] }

const sets: FixtureSet[] = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(dir + f, 'utf8')) as FixtureSet);
const asMatrix = (x: number[][] | number[]): number[][] => (Array.isArray(x[0]) ? (x as number[][]) : (x as number[]).map((v) => [v]));
const rotationOf = (r: string): RotationName => (r === 'geominQ' ? 'geomin' : (r as RotationName));

/** Match our columns to R's (factor order may differ) and flip signs; returns the permutation and signs. */
function align(ours: number[][], theirs: number[][]): { perm: number[]; sign: number[] } {
  const k = theirs[0]!.length;
  const perm: number[] = [];
  const sign: number[] = [];
  const used = new Set<number>();
  for (let j = 0; j < k; j++) {
    let best = -1, bestScore = -Infinity, bestSign = 1;
    for (let c = 0; c < k; c++) {
      if (used.has(c)) continue;
      const dot = theirs.reduce((s, row, i) => s + row[j]! * ours[i]![c]!, 0);
      if (Math.abs(dot) > bestScore) { bestScore = Math.abs(dot); best = c; bestSign = dot < 0 ? -1 : 1; }
    }
    used.add(best);
    perm.push(best);
    sign.push(bestSign);
  }
  return { perm, sign };
}

function expectClose(actual: number, expected: number, what: string, tol = TOL): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThan(tol);
}

/**
 * Statistics scaled by the sample size (chi-square, BIC) inherit R's optimizer tolerance times n:
 * compared relative to their size (1e-5), which is 1e-4 or better on the objective itself.
 */
function expectCloseRelative(actual: number, expected: number, what: string, tol = 1e-5): void {
  expect(Math.abs(actual - expected) / Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`).toBeLessThan(tol);
}

describe('fa equals R psych', () => {
  for (const set of sets) {
    describe(set.name, () => {
      for (const c of set.cases) {
        it(`${c.fm} ${c.nf} factors, ${c.rotate}`, () => {
          const opts = { nfactors: c.nf, fm: c.fm as FactorMethod, rotate: rotationOf(c.rotate), nObs: set.n_obs };
          const res = set.is_cor ? fa(set.r!, opts) : faData(set.data!, opts);
          const flat = FLAT_OPTIMA[`${set.name} ${c.fm} ${c.nf} ${c.rotate}`];
          const loadTol = flat?.loadings ?? TOL;
          if (flat) expectClose(res.fit.rmsr, c.rms, 'RMSR (criterion)', 1e-6);
          const theirs = asMatrix(c.loadings);
          const { perm, sign } = align(res.loadings, theirs);
          theirs.forEach((row, i) => row.forEach((v, j) => expectClose(sign[j]! * res.loadings[i]![perm[j]!]!, v, `loading [${i + 1},${j + 1}]`, loadTol)));
          c.communality.forEach((v, i) => expectClose(res.communalities[i]!, v, `h2[${i + 1}]`, loadTol));
          c.uniquenesses.forEach((v, i) => expectClose(res.uniquenesses[i]!, v, `u2[${i + 1}]`, loadTol));
          if (c.phi) {
            expect(res.phi).not.toBeNull();
            c.phi.forEach((row, i) => row.forEach((v, j) => expectClose(sign[i]! * sign[j]! * res.phi![perm[i]!]![perm[j]!]!, v, `phi[${i + 1},${j + 1}]`, loadTol)));
          } else if (c.fm !== 'pc') expect(res.phi).toBeNull();
          const va = asMatrix(c.vaccounted);
          const ss = res.variance_explained.ss_loadings;
          va[0]!.forEach((v, j) => expectClose(ss[perm[j]!]!, v, `SS loadings ${j + 1}`, loadTol));
          if (c.fm !== 'pc') {
            expectClose(res.fit.rmsr, c.rms, 'RMSR');
            expectClose(res.fit.objective, c.objective, 'objective', loadTol);
            expectClose(res.fit.fit_off, c.fit_off, 'fit.off');
            if (c.statistic !== null) expectCloseRelative(res.fit.chisq!, c.statistic, 'chi-square', flat?.chisqRelative);
            expect(res.fit.dof).toBe(c.dof);
            if (c.tli !== null) expectClose(res.fit.tli!, c.tli, 'TLI', loadTol);
            if (c.rmsea) {
              expectClose(res.fit.rmsea!.estimate, c.rmsea[0]!, 'RMSEA', loadTol);
              if (c.rmsea[1] !== null) expectClose(res.fit.rmsea!.lower ?? NaN, c.rmsea[1]!, 'RMSEA lower', loadTol);
              if (c.rmsea[2] !== null) expectClose(res.fit.rmsea!.upper ?? NaN, c.rmsea[2]!, 'RMSEA upper', loadTol);
            }
            // BIC = chi-square - dof log(n): its error is the chi-square's, so it is judged on that scale.
            if (c.bic !== null) expectCloseRelative(res.fit.bic! + c.dof * Math.log(set.n_obs), c.bic + c.dof * Math.log(set.n_obs), 'BIC', flat?.chisqRelative);
            c.values.forEach((v, i) => expectClose(res.values[i]!, v, `reduced eigenvalue ${i + 1}`, loadTol));
          }
          c.e_values?.forEach((v, i) => expectClose(res.e_values[i]!, v, `eigenvalue ${i + 1}`));
        });
      }
    });
  }

  it('degenerate input gets clear errors', () => {
    const r = [[1, 0.5, 0.4], [0.5, 1, 0.3], [0.4, 0.3, 1]];
    expect(() => fa(r, { nfactors: 3 })).toThrow(/more factors than the data allow/);
    expect(() => fa([[1, 0.5], [0.4, 1]], { nfactors: 1 })).toThrow(/not symmetric/);
    expect(() => fa([[1, NaN], [NaN, 1]], { nfactors: 1 })).toThrow(/not a finite number/);
    expect(() => faData([[1, 2, 3], [1, 3, 4], [1, 4, 2], [1, 5, 1]], { nfactors: 1 })).toThrow(/constant|zero variance|no variance/i);
  });

  it('smooths a non-positive-definite matrix with a warning', () => {
    const r = [[1, 0.9, 0.9, 0.1], [0.9, 1, 0.1, 0.3], [0.9, 0.1, 1, 0.2], [0.1, 0.3, 0.2, 1]];
    const res = fa(r, { nfactors: 1, rotate: 'none' });
    expect(res.warnings.join(' ')).toMatch(/not positive definite; it was smoothed/);
    expect(res.loadings.flat().every(Number.isFinite)).toBe(true);
  });
});

describe('factor scores equal psych::factor.scores', () => {
  const sc = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/r/efa-scores/bfi.json', import.meta.url)), 'utf8')) as {
    loadings: number[][]; phi: number[][]; regression: (number | null)[][]; bartlett: (number | null)[][];
  };
  const bfi = sets.find((s) => s.name === 'bfi')!;
  const data = bfi.data!;
  const r = faData(data, { nfactors: 5, fm: 'minres', rotate: 'oblimin' }).r;
  for (const method of ['regression', 'bartlett'] as const) {
    it(method, () => {
      // Standardization uses the whole sample, as scale(x) does: score all rows, compare the first 30.
      const full = factorScores(data, { loadings: sc.loadings, phi: sc.phi }, r, method).slice(0, 30);
      const theirs = sc[method];
      theirs.forEach((row, i) => {
        if (row.some((v) => v === null)) expect(full[i]).toBeNull();
        else row.forEach((v, k) => expectClose(full[i]![k]!, v!, `${method} score [${i + 1},${k + 1}]`));
      });
    });
  }
});
