import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cliffsDelta, cohensD, correlationTest, kruskalWallis, mannWhitneyU, oneWayAnova, pairedCohensD, pairedPermutationTest,
  pairedTTest, permutationTest, tTest, wilcoxonSignedRank,
} from '../../src/stats/effects.js';
import { pAdjust } from '../../src/stats/multiple.js';
import { averageRanks, mean, median, quantile, quantiles, sd, sum } from '../../src/stats/descriptive.js';
import { nonCentralChiSquare, normalCdf, normalQuantile, studentTCdf, studentTQuantile, chiSquareSurvival } from '../../src/stats/probability.js';
import { StatsInputError } from '../../src/stats/input-error.js';

interface Stat { [k: string]: number }
interface Fixture {
  x: number[]; y: number[]; xp: number[]; yp: number[]; groups: number[][];
  welch: Stat & { ci: number[] }; student: Stat; paired: Stat; mannWhitney: Stat; signedRank: Stat;
  pearson: Stat & { ci: number[] }; spearman: Stat; kruskal: Stat;
  pvalues: number[]; holm: number[]; bonferroni: number[]; bh: number[];
  quantiles: { x: number[]; type7: number[]; probs: number[] }; sd: number; mean: number;
  pchisqNc: { q: number; df: number; ncp: number; p: number }[];
  pt: { t: number; df: number; p: number }[];
  qt: { p: number; df: number; q: number }[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/r/more/tests.json', import.meta.url), 'utf8')) as Fixture;
const rel = (a: number, b: number, tol = 1e-9): void => {
  if (Math.abs(a - b) > tol * Math.max(1e-300, Math.abs(b)) && Math.abs(a - b) > 1e-15) throw new Error(`got ${a}, R ${b}`);
};

describe('distribution functions match R', () => {
  it('pchisq with and without noncentrality', () => {
    for (const c of fx.pchisqNc) {
      const r = nonCentralChiSquare(c.q, c.df, c.ncp);
      rel(r.lower, c.p, 1e-9);
      expect(r.lower + r.upper).toBeCloseTo(1, 12);
    }
  });
  it('pt and qt', () => {
    for (const c of fx.pt) rel(studentTCdf(c.t, c.df), c.p, 1e-10);
    for (const c of fx.qt) rel(studentTQuantile(c.p, c.df), c.q, 1e-10);
  });
  it('normal CDF and quantile are inverse and accurate in the tails', () => {
    rel(normalCdf(-1.959963984540054), 0.025, 1e-12);
    rel(normalCdf(-10), 7.619853024160527e-24, 1e-9);
    for (const p of [1e-10, 0.001, 0.3, 0.5, 0.975]) rel(normalCdf(normalQuantile(p)), p, 1e-12);
    rel(chiSquareSurvival(3.841458820694124, 1), 0.05, 1e-12);
  });
});

describe('descriptive statistics', () => {
  it('match R mean, sd, quantile type 7', () => {
    rel(mean(fx.x), fx.mean, 1e-13);
    rel(sd(fx.x), fx.sd, 1e-13);
    quantiles(fx.quantiles.x, fx.quantiles.probs).forEach((q, i) => rel(q, fx.quantiles.type7[i]!, 1e-13));
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(quantile([5], 0.3)).toBe(5);
    expect(averageRanks([10, 20, 10, 5])).toEqual([2.5, 4, 2.5, 1]);
    expect(sum([1e16, 1, -1e16])).toBe(1);
  });
  it('reject degenerate input', () => {
    expect(() => mean([])).toThrow(StatsInputError);
    expect(() => sd([1])).toThrow(StatsInputError);
    expect(() => mean([1, NaN])).toThrow(StatsInputError);
    expect(() => quantile([1, 2], 1.5)).toThrow(StatsInputError);
  });
});

describe('tests match R', () => {
  it('t.test Welch, pooled and paired', () => {
    const w = tTest(fx.x, fx.y);
    rel(w.t, fx.welch['t']!); rel(w.df, fx.welch['df']!); rel(w.p, fx.welch['p']!, 1e-8);
    rel(w.ci[0], fx.welch.ci[0]!, 1e-9); rel(w.ci[1], fx.welch.ci[1]!, 1e-9);
    const s = tTest(fx.x, fx.y, { equalVariance: true });
    rel(s.t, fx.student['t']!); rel(s.p, fx.student['p']!, 1e-8);
    const p = pairedTTest(fx.xp, fx.yp);
    rel(p.t, fx.paired['t']!); rel(p.p, fx.paired['p']!, 1e-8);
  });
  it('wilcox.test rank-sum and signed-rank (exact = FALSE, correct = TRUE)', () => {
    const u = mannWhitneyU(fx.x, fx.y);
    expect(u.statistic).toBe(fx.mannWhitney['W']);
    rel(u.p, fx.mannWhitney['p']!, 1e-9);
    expect(u.rankBiserial).toBeCloseTo(cliffsDelta(fx.x, fx.y).delta, 12);
    const v = wilcoxonSignedRank(fx.xp, fx.yp);
    expect(wilcoxonSignedRank([1, 2, 3], [0, 0, 0]).rankBiserial).toBe(1);
    expect(v.statistic).toBe(fx.signedRank['V']);
    rel(v.p, fx.signedRank['p']!, 1e-9);
  });
  it('cor.test Pearson and Spearman', () => {
    const c = correlationTest(fx.x.slice(0, 20), fx.y.slice(0, 20));
    rel(c.estimate, fx.pearson['r']!, 1e-12); rel(c.t, fx.pearson['t']!, 1e-10); rel(c.p, fx.pearson['p']!, 1e-9);
    rel(c.ci[0], fx.pearson.ci[0]!, 1e-9); rel(c.ci[1], fx.pearson.ci[1]!, 1e-9);
    const s = correlationTest(fx.x.slice(0, 20), fx.y.slice(0, 20), 'spearman');
    rel(s.estimate, fx.spearman['rho']!, 1e-12); rel(s.p, fx.spearman['p']!, 1e-9);
  });
  it('kruskal.test', () => {
    const k = kruskalWallis(fx.groups);
    rel(k.H, fx.kruskal['H']!, 1e-12); expect(k.df).toBe(fx.kruskal['df']); rel(k.p, fx.kruskal['p']!, 1e-9);
    expect(k.epsilonSquared).toBeCloseTo(k.H / (fx.groups.flat().length - 1), 12);
  });
  it('p.adjust holm, bonferroni, BH', () => {
    pAdjust(fx.pvalues, 'holm').forEach((p, i) => rel(p, fx.holm[i]!, 1e-12));
    pAdjust(fx.pvalues, 'bonferroni').forEach((p, i) => rel(p, fx.bonferroni[i]!, 1e-12));
    pAdjust(fx.pvalues, 'BH').forEach((p, i) => rel(p, fx.bh[i]!, 1e-12));
    expect(() => pAdjust([], 'holm')).toThrow(StatsInputError);
    expect(() => pAdjust([0.2, 1.2], 'BH')).toThrow(StatsInputError);
  });
});

describe('effect sizes and permutation tests', () => {
  it('Cohen d, Hedges g, paired d_z', () => {
    // x = 1..5, y = 3..7: difference -2, pooled sd = sqrt(2.5)
    const d = cohensD([1, 2, 3, 4, 5], [3, 4, 5, 6, 7]);
    expect(d).toBeCloseTo(-2 / Math.sqrt(2.5), 12);
    const g = cohensD([1, 2, 3, 4, 5], [3, 4, 5, 6, 7], { hedges: true });
    // J(8) = Γ(4) / (√4 Γ(3.5)) = 0.9027...
    expect(g / d).toBeCloseTo(6 / (2 * 3.3233509704478426), 10);
    expect(pairedCohensD([1, 2, 3, 5], [0, 0, 1, 1])).toBeCloseTo(2.25 / Math.sqrt(4.75 / 3), 10);
    expect(() => cohensD([1, 1], [2, 2])).toThrow(StatsInputError);
    expect(() => pairedTTest([1, 2], [1])).toThrow(StatsInputError);
  });
  it("Cliff's delta with a bounded interval", () => {
    const r = cliffsDelta([1, 2, 3, 4], [3, 4, 5, 6, 7]);
    // pairs: x>y 1 (4>3), x<y: count = 20 - 1 - ties(3=3,4=4 → 2) = 17
    expect(r.delta).toBeCloseTo((1 - 17) / 20, 12);
    expect(r.ci[0]).toBeLessThan(r.delta);
    expect(r.ci[1]).toBeGreaterThan(r.delta);
    expect(r.ci[0]).toBeGreaterThanOrEqual(-1);
    expect(cliffsDelta([10, 11], [1, 2]).delta).toBe(1);
    // Example from R effsize's cliff.delta source, whose comments give the three consistent-variance
    // terms S_i. = 0.2669753, S_.j = 0.447, S_ij = 1.0055556 (n1 = 10, n2 = 6).
    const e = cliffsDelta([10, 10, 20, 20, 20, 30, 30, 30, 40, 50], [10, 20, 30, 40, 40, 50], { variance: 'consistent', distribution: 'normal' });
    expect(e.delta).toBe(-0.25);
    expect(e.variance).toBeCloseTo((5 * 0.2669753 + 9 * 0.447 + 1.0055556) / 60, 7);
    const d = -0.25, z = 1.959963984540054, v = e.variance;
    const half = z * Math.sqrt(v) * Math.sqrt((1 - d * d) ** 2 + z * z * v);
    expect(e.ci[0]).toBeCloseTo((d - d ** 3 - half) / (1 - d * d + z * z * v), 12);
  });
  it('permutation tests are seeded, never zero, and agree with the t-test on clear differences', () => {
    const a = permutationTest(fx.x, fx.y, { iterations: 2000, seed: 3 });
    const b = permutationTest(fx.x, fx.y, { iterations: 2000, seed: 3 });
    expect(a).toEqual(b);
    expect(a.p).toBeGreaterThan(0);
    expect(Math.abs(a.p - fx.welch['p']!)).toBeLessThan(0.03);
    const same = permutationTest([1, 2, 3], [1, 2, 3], { iterations: 500, seed: 1 });
    expect(same.p).toBe(1);
    const pp = pairedPermutationTest(fx.xp, fx.yp, { iterations: 4000, seed: 2 });
    expect(Math.abs(pp.p - fx.paired['p']!)).toBeLessThan(0.03);
    expect(permutationTest([0], [100], { iterations: 10, seed: 1 }).p).toBe(1);
  });
  it('one-way ANOVA F and permutation p', () => {
    const r = oneWayAnova([[1, 2, 3], [4, 5, 6], [7, 8, 9]], { iterations: 1999, seed: 5 });
    expect(r.F).toBeCloseTo(27, 10); // SSB = 54, SSW = 6
    expect(r.p).toBeCloseTo(0.001, 3);
    expect(r.permutationP!).toBeLessThan(0.01);
    expect(r.etaSquared).toBeCloseTo(0.9, 12);
    expect(() => oneWayAnova([[1, 2]])).toThrow(StatsInputError);
  });
});
