import { describe, expect, it } from 'vitest';
import { parseCfaSyntax, resolveCfaSyntax } from '../../src/stats/cfa-syntax.js';
import { cfaWlsmv, type CfaWlsmvModel, type CfaWlsmvResult } from '../../src/stats/cfa-wlsmv.js';
import { StatsInputError } from '../../src/stats/input-error.js';
import { ordinalSampleStats } from '../../src/stats/polychoric-acov.js';
import { meanVarianceAdjustedTest, scaledShiftedTest, ugammaTraces } from '../../src/stats/robust-test.js';
import { modelColumns, ORDINAL_FIXTURES, ordinalFixture, simulateOrdinal, type OrdinalFixture } from './cfa-ordinal-fixtures.js';

/*
 * Reference: lavaan 0.6.14, cfa(model, data, ordered = TRUE, std.lv = TRUE) (one fixture uses the
 * marker default std.lv = FALSE, one orthogonal = TRUE). lavaan orders items by first appearance
 * in the model; loadings are listed factor by factor in the order the model lists them; a factor's
 * sign is the one that makes its first listed item load positively (lavaan's positive starting
 * values lead to the same solution on these data).
 *
 * Tolerances: our polychoric correlations are the exact maximum (lavaan's nlminb stops ~1e-8 from
 * it), which moves chi-squares of size 10-3000 by up to ~1e-4; everything else agrees to ~1e-6.
 */
const EST = 1e-5;
const CHISQ = 1e-3;

function modelOf(fx: OrdinalFixture): CfaWlsmvModel {
  const resolved = resolveCfaSyntax(parseCfaSyntax(fx.model), fx.ov);
  return { factors: resolved.factors, itemNames: resolved.items, identification: fx.std_lv ? 'std.lv' : 'marker', orthogonal: fx.orthogonal };
}

function fitFixture(fx: OrdinalFixture): CfaWlsmvResult {
  return cfaWlsmv(modelColumns(fx), modelOf(fx));
}

const close = (actual: number | null | undefined, expected: number, tol: number, what: string): void => {
  expect(actual, what).not.toBeNull();
  if (Math.abs(actual! - expected) > tol) throw new Error(`${what}: ${actual} vs lavaan ${expected} (|diff| ${Math.abs(actual! - expected).toExponential(2)} > ${tol})`);
};

describe('ordinal sample statistics equal lavaan (thresholds, polychorics, Gamma)', () => {
  for (const name of ORDINAL_FIXTURES) {
    it(name, () => {
      const fx = ordinalFixture(name);
      const rows = modelColumns(fx).filter((r) => r.every((v) => v !== null)) as number[][];
      const ss = ordinalSampleStats(rows);
      expect(ss.nObs).toBe(fx.nobs);
      ss.thresholds.flat().forEach((t, k) => close(t, fx.sample!.th[k]!, 1e-10, `threshold ${k}`));
      ss.correlation.forEach((row, i) => row.forEach((r, j) => close(r, fx.sample!.cor[i]![j]!, 1e-6, `polychoric [${i},${j}]`)));
      expect(ss.gamma.length).toBe(fx.sample!.gamma.length);
      ss.gamma.forEach((row, a) => row.forEach((g, b) => close(g, fx.sample!.gamma[a]![b]!, 1e-5, `Gamma [${a},${b}]`)));
      // lavaan's DWLS weights are 1 / diag(Gamma).
      ss.gamma.forEach((row, a) => close(1 / row[a]!, fx.sample!.wls_v[a]!, 1e-4 * fx.sample!.wls_v[a]!, `W [${a}]`));
    });
  }

  it('records lavaan\'s empty-cell handling in 2x2 tables (0.5 added, margins kept)', () => {
    const fx = ordinalFixture('binary_zero_cell');
    const rows = modelColumns(fx) as number[][];
    const ss = ordinalSampleStats(rows);
    expect(ss.zeroCellPairs.length).toBeGreaterThan(0);
    // Without the correction an empty cell would drive the tetrachoric to ±1; lavaan's value is interior.
    expect(Math.abs(ss.correlation[1]![0]!)).toBeLessThan(0.99);
  });

  it('codes categories by value, whatever the numbers (1..K, 10, 20, ...)', () => {
    const fx = ordinalFixture('cat4_1f');
    const rows = modelColumns(fx) as number[][];
    const a = ordinalSampleStats(rows);
    const b = ordinalSampleStats(rows.map((r) => r.map((v) => 10 * v + 7)));
    expect(b.levels[0]).toEqual([7, 17, 27, 37]);
    expect(b.correlation).toEqual(a.correlation);
    expect(b.gamma).toEqual(a.gamma);
  });
});

describe('cfaWlsmv equals lavaan cfa(..., ordered = TRUE) (estimator WLSMV)', () => {
  for (const name of ORDINAL_FIXTURES) {
    it(`${name}: ${ordinalFixture(name).note}`, () => {
      const fx = ordinalFixture(name);
      const res = fitFixture(fx);
      expect(res.nObs).toBe(fx.nobs);
      expect(res.items).toEqual(fx.ov);

      expect(res.loadings.map((l) => [l.factor, l.item])).toEqual(fx.loadings.map((l) => [l.factor, l.item]));
      res.loadings.forEach((l, k) => {
        const ref = fx.loadings[k]!;
        close(l.est, ref.est, EST, `${l.factor}=~${l.item} est`);
        close(l.se, ref.se, EST, `${l.factor}=~${l.item} se`);
        close(l.std, ref.std, EST, `${l.factor}=~${l.item} std.all`);
      });

      expect(res.thresholds.map((t) => `${t.item}|${t.threshold}`)).toEqual(fx.thresholds.map((t) => `${t.item}|${t.threshold}`));
      res.thresholds.forEach((t, k) => {
        close(t.est, fx.thresholds[k]!.est, 1e-9, `${t.item}|${t.threshold} est`);
        close(t.se, fx.thresholds[k]!.se, 1e-7, `${t.item}|${t.threshold} se`);
      });

      expect(res.factorCovariances.map((c) => [c.a, c.b])).toEqual(fx.factor_cov.map((c) => [c.a, c.b]));
      res.factorCovariances.forEach((c, k) => {
        const ref = fx.factor_cov[k]!;
        close(c.cov, ref.est, EST, `${c.a}~~${c.b} est`);
        close(c.cor, ref.cor, EST, `${c.a}~~${c.b} std.all`);
        if (fx.orthogonal) expect(c.se).toBeNull(); // fixed at zero (lavaan prints se 0)
        else close(c.se, ref.se, EST, `${c.a}~~${c.b} se`);
      });

      const f = res.fit;
      const want = fx.fit;
      expect(f.df).toBe(want.df);
      expect(f.dfScaled).toBe(want['df.scaled']);
      expect(f.baselineDf).toBe(want['baseline.df']);
      expect(f.npar).toBe(want.npar);
      close(f.chisq, want.chisq!, CHISQ, 'chisq');
      close(f.chisqScaled, want['chisq.scaled']!, CHISQ, 'chisq.scaled');
      close(f.baselineChisq, want['baseline.chisq']!, CHISQ, 'baseline.chisq');
      close(f.baselineChisqScaled, want['baseline.chisq.scaled']!, CHISQ, 'baseline.chisq.scaled');
      close(f.pvalue, want.pvalue!, EST, 'pvalue');
      close(f.pvalueScaled, want['pvalue.scaled']!, EST, 'pvalue.scaled');
      close(f.scalingFactor, want['chisq.scaling.factor']!, EST, 'chisq.scaling.factor');
      for (const [ours, theirs] of [['cfi', 'cfi'], ['tli', 'tli'], ['rmsea', 'rmsea'], ['srmr', 'srmr'], ['cfiScaled', 'cfi.scaled'], ['tliScaled', 'tli.scaled'], ['rmseaScaled', 'rmsea.scaled']] as const) {
        close(f[ours], want[theirs]!, EST, theirs);
      }
      close(f.traceUGamma, fx.trace_ugamma!, EST, 'tr(UGamma)');
      close(f.traceUGamma2, fx.trace_ugamma2!, EST, 'tr(UGamma^2)');
      const mva = fx.mean_var_adjusted!;
      close(f.meanVarianceAdjusted.stat, mva.stat, CHISQ, 'mean.var.adjusted stat');
      close(f.meanVarianceAdjusted.df, mva.df, EST, 'mean.var.adjusted df');
      close(f.meanVarianceAdjusted.pvalue, mva.pvalue, EST, 'mean.var.adjusted pvalue');
      // lavaan's implied latent-response correlations.
      res.impliedCorrelation.forEach((row, i) => row.forEach((v, j) => close(v, fx.sample!.implied_cor[i]![j]!, EST, `implied [${i},${j}]`)));
    });
  }

  it('reports the Heywood cases lavaan warns about in the badly fitting 5-category model', () => {
    const res = fitFixture(ordinalFixture('cat5_2f_misfit'));
    expect(res.residualVariances.filter((v) => v < 0)).toHaveLength(2);
    expect(res.warnings.join('\n')).toMatch(/Heywood case: item y4/);
  });

  it('drops incomplete rows (listwise) and counts them', () => {
    const fx = ordinalFixture('mixed_missing_marker');
    const res = fitFixture(fx);
    const complete = modelColumns(fx).filter((r) => r.every((v) => v !== null)).length;
    expect(res.nObs).toBe(complete);
    expect(res.nDropped).toBe(fx.data.length - complete);
    expect(res.nDropped).toBeGreaterThan(0);
  });
});

describe('cfaWlsmv behaviour', () => {
  const fx = ordinalFixture('cat5_3f');
  const base = fitFixture(fx);

  it('marker and std.lv identification are the same model (fit and standardized loadings agree)', () => {
    const marker = cfaWlsmv(modelColumns(fx), { ...modelOf(fx), identification: 'marker' });
    close(marker.fit.chisq, base.fit.chisq, 1e-8, 'chisq');
    close(marker.fit.chisqScaled, base.fit.chisqScaled, 1e-7, 'chisq.scaled');
    close(marker.fit.cfiScaled, base.fit.cfiScaled, 1e-9, 'cfi.scaled');
    marker.loadings.forEach((l, k) => close(l.std, base.loadings[k]!.std, 1e-7, `${l.item} std`));
    marker.factorCovariances.forEach((c, k) => close(c.cor, base.factorCovariances[k]!.cor, 1e-7, `${c.a}~~${c.b}`));
    expect(marker.loadings.filter((l) => !l.free).map((l) => l.est)).toEqual([1, 1, 1]);
  });

  it('a reverse-coded first item flips its loading only; the factor keeps the first item positive', () => {
    const data = modelColumns(fx).map((r) => r.map((v, i) => (i === 0 && v !== null ? 4 - v : v)));
    const res = cfaWlsmv(data, modelOf(fx));
    close(res.fit.chisq, base.fit.chisq, 1e-8, 'chisq');
    expect(res.loadings[0]!.est).toBeGreaterThan(0);
    // v1 now measures -A: the other A loadings turn negative, A's correlations with B and C too.
    close(res.loadings[1]!.est, -base.loadings[1]!.est, 1e-7, 'v2');
    close(res.factorCovariances[0]!.cor, -base.factorCovariances[0]!.cor, 1e-7, 'A~~B');
    close(res.factorCovariances[2]!.cor, base.factorCovariances[2]!.cor, 1e-7, 'B~~C');
  });

  it('does not depend on the order of the data columns', () => {
    const perm = [8, 0, 4, 1, 7, 2, 6, 3, 5];
    const cols = modelColumns(fx);
    const names = fx.ov;
    const res = cfaWlsmv(cols.map((r) => perm.map((c) => r[c]!)), {
      factors: modelOf(fx).factors.map((f) => ({ ...f, items: f.items.map((it) => perm.indexOf(it)) })),
      itemNames: perm.map((c) => names[c]!),
    });
    close(res.fit.chisqScaled, base.fit.chisqScaled, 1e-7, 'chisq.scaled');
    res.loadings.forEach((l, k) => close(l.se, base.loadings[k]!.se, 1e-8, `${l.item} se`));
  });

  it('refuses bad input with messages that name the item', () => {
    const rows = modelColumns(fx) as number[][];
    const model = modelOf(fx);
    expect(() => cfaWlsmv(rows.map((r) => [0, ...r.slice(1)]), model)).toThrow(/item v1 has a single category/);
    // A category that only occurs in rows dropped for missing values: lavaan refuses too.
    const gap = rows.map((r, n) => (n === 0 ? [9, ...r.slice(1)] : r)).map((r, n) => (n === 0 ? [r[0]!, null, ...r.slice(2)] : r));
    expect(() => cfaWlsmv(gap, model)).toThrow(/item v1: category 9 is empty/);
    expect(() => cfaWlsmv(rows.map((r) => r.slice(0, 2)), { factors: [{ name: 'F', items: [0, 1] }] })).toThrow(/not identified/);
    expect(() => cfaWlsmv(rows, { factors: [{ name: 'F', items: [0, 1, 2] }] })).toThrow(StatsInputError);
    expect(() => cfaWlsmv([], model)).toThrow(/no rows/);
  });
});

describe('robust test pieces', () => {
  it('the independence model has tr(UΓ) = number of correlations (W = diag(Γ)⁻¹)', () => {
    const fx = ordinalFixture('cat4_1f');
    const ss = ordinalSampleStats(modelColumns(fx) as number[][]);
    const nth = ss.thresholds.flat().length;
    const g = ss.gamma.slice(nth).map((row) => row.slice(nth));
    const t = ugammaTraces(g.map((row, a) => 1 / row[a]!), g.map(() => []), g);
    close(t.trace, g.length, 1e-12, 'trace');
  });
  it('scaled-shifted and mean-variance adjusted statistics follow their definitions', () => {
    const ss = scaledShiftedTest(20, 10, { trace: 8, trace2: 6 });
    const a = Math.sqrt(10 / 6);
    close(ss.stat, a * 20 + 10 - a * 8, 1e-12, 'scaled-shifted');
    close(ss.scalingFactor, 1 / a, 1e-12, 'scaling');
    const mv = meanVarianceAdjustedTest(20, 10, { trace: 8, trace2: 6 });
    close(mv.df, 64 / 6, 1e-12, 'df');
    close(mv.stat, 20 / (8 / (64 / 6)), 1e-12, 'stat');
    expect(scaledShiftedTest(0, 0, { trace: 0, trace2: 0 }).pvalue).toBeNull();
  });
});

/*
 * Behaviour under a true model. Two correlated factors, three 3-category items each (uneven
 * thresholds), N = 300, 200 replications. A correct robust test rejects at .05 about 5% of the
 * time: with 200 replications the binomial standard error is 1.5 points, so the band [1.5%, 9.5%]
 * is about ±3 SE. The plain DWLS chi-square is not chi-square distributed (its mean is tr(UΓ),
 * not df), which is why lavaan scales it; the test checks that too.
 */
describe('the scaled-shifted test under a true and a misspecified model', () => {
  const lambda = [[0.7, 0], [0.6, 0], [0.5, 0], [0, 0.7], [0, 0.6], [0, 0.55]];
  const cuts = lambda.map((_, i) => [-0.8 + 0.1 * i, 0.5]);
  const twoFactors: CfaWlsmvModel = { factors: [{ name: 'F1', items: [0, 1, 2] }, { name: 'F2', items: [3, 4, 5] }] };

  it('p-values are roughly uniform when the model is true (200 replications)', () => {
    const R = 200;
    const p: number[] = [], plain: number[] = [];
    for (let s = 1; s <= R; s++) {
      const fit = cfaWlsmv(simulateOrdinal(s, 300, lambda, [[1, 0.4], [0.4, 1]], cuts), twoFactors).fit;
      p.push(fit.pvalueScaled!);
      plain.push(fit.pvalue!);
    }
    const rate = (xs: number[], alpha: number): number => xs.filter((x) => x < alpha).length / xs.length;
    expect(rate(p, 0.05)).toBeGreaterThanOrEqual(0.015);
    expect(rate(p, 0.05)).toBeLessThanOrEqual(0.095);
    expect(rate(p, 0.2)).toBeGreaterThanOrEqual(0.13);
    expect(rate(p, 0.2)).toBeLessThanOrEqual(0.27);
    const mean = p.reduce((a, b) => a + b, 0) / R;
    expect(mean).toBeGreaterThan(0.44);
    expect(mean).toBeLessThan(0.56);
    // Kolmogorov–Smirnov distance to the uniform below the 1% critical value 1.63/√R.
    const sorted = [...p].sort((a, b) => a - b);
    const ks = Math.max(...sorted.map((x, k) => Math.max((k + 1) / R - x, x - k / R)));
    expect(ks).toBeLessThan(1.63 / Math.sqrt(R));
    // The unscaled statistic is far from calibrated.
    const plainMean = plain.reduce((a, b) => a + b, 0) / R;
    expect(Math.abs(plainMean - 0.5)).toBeGreaterThan(Math.abs(mean - 0.5));
  });

  it('rejects a one-factor model for two-factor data, and its scaled CFI/RMSEA say it fits badly', () => {
    const oneFactor: CfaWlsmvModel = { factors: [{ name: 'G', items: [0, 1, 2, 3, 4, 5] }] };
    let rejected = 0;
    const R = 30;
    for (let s = 1001; s < 1001 + R; s++) {
      const data = simulateOrdinal(s, 500, lambda, [[1, 0.2], [0.2, 1]], cuts);
      const bad = cfaWlsmv(data, oneFactor).fit;
      if (bad.pvalueScaled! < 0.05) rejected++;
      expect(bad.rmseaScaled).toBeGreaterThan(cfaWlsmv(data, twoFactors).fit.rmseaScaled);
    }
    expect(rejected / R).toBeGreaterThanOrEqual(0.9);
  });
});
