// Invariants that must hold for any input (fast-check), complementing the R fixtures.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pAdjust } from '../../src/stats/multiple.js';
import { cohensKappa, krippendorffAlpha } from '../../src/stats/agreement.js';
import { nonCentralChiSquare, regularizedBeta, studentTCdf } from '../../src/stats/probability.js';
import { quantile, averageRanks } from '../../src/stats/descriptive.js';
import { projectToSimplex } from '../../src/stats/calibration.js';
import { mannWhitneyU } from '../../src/stats/effects.js';

const label = fc.constantFrom(-1, 0, 1);

describe('invariants', () => {
  it('p.adjust never lowers a p-value, keeps order, and stays in [0, 1]', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.constantFrom('holm', 'bonferroni', 'hochberg', 'BH', 'BY' as const), (ps, method) => {
      const adj = pAdjust(ps, method);
      adj.forEach((a, i) => {
        expect(a).toBeGreaterThanOrEqual(ps[i]! - 1e-15);
        expect(a).toBeLessThanOrEqual(1);
        adj.forEach((b, j) => { if (ps[i]! < ps[j]!) expect(a).toBeLessThanOrEqual(b + 1e-15); });
      });
    }));
  });
  it('unweighted kappa is symmetric in the raters and at most 1', () => {
    fc.assert(fc.property(fc.array(fc.tuple(label, label), { minLength: 2, maxLength: 40 }), (pairs) => {
      const a = pairs.map((p) => p[0]), b = pairs.map((p) => p[1]);
      let k1: number, k2: number;
      try { k1 = cohensKappa(a, b).kappa; } catch { return; }
      k2 = cohensKappa(b, a).kappa;
      expect(k1).toBeCloseTo(k2, 12);
      expect(k1).toBeLessThanOrEqual(1 + 1e-12);
    }));
  });
  it("Krippendorff's alpha does not depend on the order of coders or units", () => {
    fc.assert(fc.property(fc.array(fc.array(fc.option(label, { nil: null }), { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 15 }), (units) => {
      let a: number;
      try { a = krippendorffAlpha(units, 'ordinal').alpha; } catch { return; }
      const shuffled = [...units].reverse().map((u) => [u[2]!, u[0]!, u[1]!]);
      expect(krippendorffAlpha(shuffled, 'ordinal').alpha).toBeCloseTo(a, 12);
    }));
  });
  it('noncentral chi-square tails sum to 1 and the CDF falls as ncp grows', () => {
    fc.assert(fc.property(fc.double({ min: 0.01, max: 500, noNaN: true }), fc.integer({ min: 1, max: 300 }), fc.double({ min: 0, max: 400, noNaN: true }), (x, df, ncp) => {
      const a = nonCentralChiSquare(x, df, ncp), b = nonCentralChiSquare(x, df, ncp + 1);
      expect(a.lower + a.upper).toBeCloseTo(1, 10);
      expect(b.lower).toBeLessThanOrEqual(a.lower + 1e-12);
    }));
  });
  it('t CDF is symmetric and the incomplete beta satisfies I_x(a,b) = 1 - I_{1-x}(b,a)', () => {
    fc.assert(fc.property(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0.5, max: 200, noNaN: true }), (t, df) => {
      expect(studentTCdf(t, df) + studentTCdf(-t, df)).toBeCloseTo(1, 12);
    }));
    fc.assert(fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 0.1, max: 100, noNaN: true }), fc.double({ min: 0.1, max: 100, noNaN: true }), (x, a, b) => {
      expect(regularizedBeta(x, a, b) + regularizedBeta(1 - x, b, a)).toBeCloseTo(1, 10);
    }));
  });
  it('quantiles lie within the data, ranks sum to n(n+1)/2, simplex projection is a distribution', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, p) => {
      const q = quantile(xs, p);
      expect(q).toBeGreaterThanOrEqual(Math.min(...xs));
      expect(q).toBeLessThanOrEqual(Math.max(...xs));
      expect(averageRanks(xs).reduce((s, r) => s + r, 0)).toBeCloseTo((xs.length * (xs.length + 1)) / 2, 9);
    }));
    fc.assert(fc.property(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 6 }), (v) => {
      const s = projectToSimplex(v);
      expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      s.forEach((x) => expect(x).toBeGreaterThanOrEqual(0));
    }));
  });
  it('Mann-Whitney p is symmetric in the samples', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 15 }), fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 15 }), (x, y) => {
      let a: number;
      try { a = mannWhitneyU(x, y).p; } catch { return; }
      expect(mannWhitneyU(y, x).p).toBeCloseTo(a, 12);
    }));
  });
});
