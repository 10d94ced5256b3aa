/**
 * Permutation tests with a stated unit (src/stats/permutation.ts) against R (test/fixtures/r/prompt-unit.R):
 * exact sign-flip and two-sample p-values by enumeration, Spearman's exact p from cor.test; and their
 * calibration under a true null.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signFlipTest, spearmanTest, twoSamplePermutationTest } from '../../src/stats/permutation.js';
import { StatsInputError } from '../../src/stats/input-error.js';
import { createRng } from '../../src/stats/rng.js';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/r/prompt-unit/${name}.json`, import.meta.url), 'utf8')) as T;

describe('signFlipTest equals enumeration of all sign patterns in R', () => {
  for (const fx of fixture<Array<{ name: string; d: number[]; statistic: number; p: number; p_min: number; t_test_p: number | null }>>('signflip')) {
    it(fx.name, () => {
      const r = signFlipTest(fx.d);
      expect(r.method).toBe('exact');
      expect(r.statistic).toBeCloseTo(fx.statistic, 12);
      expect(Math.abs(r.p - fx.p)).toBeLessThan(1e-12);
      expect(r.p_min).toBeCloseTo(fx.p_min, 12);
      expect(r.p).toBeGreaterThanOrEqual(r.p_min);
      // Monte Carlo agrees with the exact p within its error.
      const mc = signFlipTest(fx.d, { maxExact: 0, permutations: 20000, seed: 3 });
      expect(mc.method).toBe('monte-carlo');
      expect(Math.abs(mc.p - fx.p)).toBeLessThan(4 * mc.mc_se! + 1e-4);
    });
  }

  it('six positive differences: p = 2/64, the smallest the design allows', () => {
    const r = signFlipTest([0.5, 0.25, 0.75, 1, 0.5, 0.25]);
    expect(r.p).toBeCloseTo(2 / 64, 12);
    expect(r.p_min).toBeCloseTo(2 / 64, 12);
  });

  it('all differences 0: p = 1', () => {
    expect(signFlipTest([0, 0, 0]).p).toBe(1);
  });
});

describe('twoSamplePermutationTest equals enumeration of combn in R', () => {
  for (const fx of fixture<Array<{ name: string; a: number[]; b: number[]; statistic: number; p: number; p_min: number }>>('twosample')) {
    it(fx.name, () => {
      const r = twoSamplePermutationTest(fx.a, fx.b);
      expect(r.method).toBe('exact');
      expect(r.statistic).toBeCloseTo(fx.statistic, 12);
      expect(Math.abs(r.p - fx.p)).toBeLessThan(1e-12);
      expect(r.p_min).toBeCloseTo(fx.p_min, 12);
      const mc = twoSamplePermutationTest(fx.a, fx.b, { maxExact: 0, permutations: 20000, seed: 5 });
      expect(Math.abs(mc.p - fx.p)).toBeLessThan(4 * mc.mc_se! + 1e-4);
    });
  }
});

describe('spearmanTest equals R cor.test(method = "spearman")', () => {
  for (const fx of fixture<Array<{ name: string; x: number[]; y: number[]; rho: number; p: number; n: number }>>('spearman')) {
    it(fx.name, () => {
      const r = spearmanTest(fx.x, fx.y, { permutations: 20000, seed: 2 });
      expect(r.rho).toBeCloseTo(fx.rho, 12);
      if (fx.n <= 9) {
        expect(r.method).toBe('exact');
        expect(Math.abs(r.p - fx.p)).toBeLessThan(1e-12);
      } else {
        // R approximates (Edgeworth series); the Monte Carlo permutation p estimates the exact one.
        expect(r.method).toBe('monte-carlo');
        expect(Math.abs(r.p - fx.p)).toBeLessThan(0.02);
      }
    });
  }
});

describe('calibration under a true null', () => {
  it('sign flips on 12 prompts and Spearman on 6 models reject about 5% of the time at .05', () => {
    const rng = createRng(17);
    let flips = 0, ranks = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      const d = Array.from({ length: 12 }, () => rng.normal());
      if (signFlipTest(d).p < 0.05) flips++;
      const x = Array.from({ length: 6 }, () => rng.normal()), y = Array.from({ length: 6 }, () => rng.normal());
      if (spearmanTest(x, y).p < 0.05) ranks++;
    }
    // Binomial(2000, .05) has sd 0.49%: 3.5%..6.5% is about 3 sd; discreteness only makes tests conservative.
    expect(flips / runs).toBeGreaterThan(0.035);
    expect(flips / runs).toBeLessThan(0.065);
    expect(ranks / runs).toBeLessThan(0.065);
    expect(ranks / runs).toBeGreaterThan(0.02);
  });

  it('a planted paired difference of 0.8 sd over 20 prompts is found', () => {
    const rng = createRng(23);
    let found = 0;
    for (let r = 0; r < 200; r++) if (signFlipTest(Array.from({ length: 20 }, () => 0.8 + rng.normal()), { seed: r, permutations: 1999 }).p < 0.05) found++;
    // A paired t-test has power 0.92 here; the permutation test about the same.
    expect(found / 200).toBeGreaterThan(0.85);
  });

  it('rejects degenerate input', () => {
    expect(() => signFlipTest([1])).toThrow(StatsInputError);
    expect(() => twoSamplePermutationTest([1], [2, 3])).toThrow(StatsInputError);
    expect(() => spearmanTest([1, 1, 1], [1, 2, 3])).toThrow(StatsInputError);
    expect(() => spearmanTest([1, 2], [1, 2])).toThrow(StatsInputError);
  });
});
