import { describe, expect, it } from 'vitest';
import { classificationReport, confusionMatrix, exactMatch, meanAbsoluteError, stratifiedKFold } from '../../src/stats/classification.js';
import { correctDistribution, correctedPrevalence, projectToSimplex, roganGladen } from '../../src/stats/calibration.js';
import { createRng } from '../../src/stats/rng.js';
import { StatsInputError } from '../../src/stats/input-error.js';

describe('classification metrics', () => {
  const truth = [1, 1, 1, 1, 0, 0, 0, -1, -1, -1];
  const pred = [1, 1, 0, -1, 0, 0, 1, -1, -1, 0];
  it('confusion matrix and report (hand-computed)', () => {
    const c = confusionMatrix(truth, pred);
    expect(c.labels).toEqual([-1, 0, 1]);
    expect(c.matrix).toEqual([[2, 1, 0], [0, 2, 1], [1, 1, 2]]);
    const r = classificationReport(truth, pred);
    expect(r.accuracy).toBeCloseTo(0.6, 12);
    // label -1: P = 2/3, R = 2/3; label 0: P = 2/4, R = 2/3; label 1: P = 2/3, R = 2/4
    const f = (p: number, q: number): number => (2 * p * q) / (p + q);
    expect(r.perClass.map((m) => m.precision)).toEqual([2 / 3, 0.5, 2 / 3]);
    expect(r.perClass.map((m) => m.recall)).toEqual([2 / 3, 2 / 3, 0.5]);
    expect(r.macroF1).toBeCloseTo((f(2 / 3, 2 / 3) + f(0.5, 2 / 3) + f(2 / 3, 0.5)) / 3, 12);
    expect(r.weightedF1).toBeCloseTo((3 * f(2 / 3, 2 / 3) + 3 * f(0.5, 2 / 3) + 4 * f(2 / 3, 0.5)) / 10, 12);
    // po = 0.6, pe = (3*3 + 3*4 + 4*3) / 100 = 0.33
    expect(r.kappa!).toBeCloseTo((0.6 - 0.33) / 0.67, 12);
    expect(r.warnings).toEqual([]);
  });
  it('never-predicted classes give 0 with a warning instead of NaN', () => {
    const r = classificationReport([1, 0, -1], [1, 1, 1]);
    expect(r.perClass[0]!.precision).toBe(0);
    expect(r.warnings.length).toBeGreaterThan(0);
    expect(Number.isNaN(r.macroF1)).toBe(false);
  });
  it('exact match, MAE and input errors', () => {
    expect(exactMatch([[1, 0], [0, 0], [-1, 1]], [[1, 0], [0, 1], [-1, 1]])).toBeCloseTo(2 / 3, 12);
    expect(meanAbsoluteError(truth, pred)).toBeCloseTo((0 + 0 + 1 + 2 + 0 + 0 + 1 + 0 + 0 + 1) / 10, 12);
    expect(() => confusionMatrix([1], [2])).toThrow(StatsInputError);
    expect(() => confusionMatrix([], [])).toThrow(StatsInputError);
    expect(() => exactMatch([[1]], [[1, 0]])).toThrow(StatsInputError);
    expect(() => meanAbsoluteError([1, 2], [1])).toThrow(StatsInputError);
  });
  it('stratified k-fold partitions the items and balances labels, reproducibly', () => {
    const labels = Array.from({ length: 53 }, (_, i) => (i % 5 === 0 ? -1 : i % 3 === 0 ? 0 : 1));
    const folds = stratifiedKFold(labels, 5, 7);
    expect(stratifiedKFold(labels, 5, 7)).toEqual(folds);
    const all = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(all).toEqual(labels.map((_, i) => i));
    const sizes = folds.map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (const f of folds) {
      expect(f.train.length + f.test.length).toBe(53);
      for (const lab of [-1, 0, 1]) {
        const total = labels.filter((l) => l === lab).length;
        const inFold = f.test.filter((i) => labels[i] === lab).length;
        expect(Math.abs(inFold - total / 5)).toBeLessThanOrEqual(1);
      }
    }
    expect(() => stratifiedKFold([1, 2], 3)).toThrow(StatsInputError);
    expect(() => stratifiedKFold([1, 2, 3], 1)).toThrow(StatsInputError);
  });
});

describe('prevalence correction', () => {
  it('Rogan-Gladen', () => {
    expect(roganGladen(0.3, 0.9, 0.95)).toBeCloseTo((0.3 + 0.95 - 1) / 0.85, 12);
    expect(roganGladen(0.01, 0.9, 0.95)).toBe(0);
    expect(() => roganGladen(0.3, 0.5, 0.5)).toThrow(/uninformative/);
  });
  it('the matrix correction reduces to Rogan-Gladen for two classes', () => {
    // true negative row: Sp = 0.95; true positive row: Se = 0.9 (labels ordered [0, 1])
    const conf = [[95, 5], [10, 90]];
    const p = correctDistribution(conf, [70, 30]);
    expect(p[1]!).toBeCloseTo(roganGladen(0.3, 0.9, 0.95), 12);
    expect(p[0]! + p[1]!).toBeCloseTo(1, 12);
  });
  it('recovers the true distribution from a noisy judge and covers it with the bootstrap interval', () => {
    const rng = createRng(11);
    const confusionRates = [[0.8, 0.15, 0.05], [0.1, 0.8, 0.1], [0.05, 0.15, 0.8]];
    const judge = (t: number): number => {
      const u = rng.next(), row = confusionRates[t + 1]!;
      return u < row[0]! ? -1 : u < row[0]! + row[1]! ? 0 : 1;
    };
    const drawTrue = (p: number[]): number => { const u = rng.next(); return u < p[0]! ? -1 : u < p[0]! + p[1]! ? 0 : 1; };
    const calTruth = Array.from({ length: 600 }, () => drawTrue([1 / 3, 1 / 3, 1 / 3]));
    const calJudged = calTruth.map(judge);
    const trueDist = [0.1, 0.3, 0.6];
    const scored = Array.from({ length: 3000 }, () => judge(drawTrue(trueDist)));
    const r = correctedPrevalence(calTruth, calJudged, scored, { iterations: 400, seed: 3 });
    r.estimate.forEach((e, j) => {
      expect(Math.abs(e - trueDist[j]!)).toBeLessThan(0.05);
      expect(r.lower[j]!).toBeLessThanOrEqual(trueDist[j]!);
      expect(r.upper[j]!).toBeGreaterThanOrEqual(trueDist[j]!);
    });
    // the raw judged share of -1 is inflated by errors; the correction moves it towards 0.1
    expect(Math.abs(r.estimate[0]! - 0.1)).toBeLessThan(Math.abs(r.observed[0]! - 0.1));
    expect(r.skipped).toBe(0);
  });
  it('projects onto the simplex and reports unusable calibration sets', () => {
    expect(projectToSimplex([1.2, -0.2, 0])).toEqual([1, 0, 0]);
    const p = projectToSimplex([0.5, 0.4, 0.3]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(() => correctDistribution([[1, 0, 0], [0, 0, 0], [0, 0, 1]], [1, 1, 1])).toThrow(/no calibration items/);
    expect(() => correctDistribution([[1, 1], [1, 1]], [1, 1])).toThrow(/singular/);
    expect(() => correctedPrevalence([1, 0], [1, 0], [], {})).toThrow(StatsInputError);
  });
});
