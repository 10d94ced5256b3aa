import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootstrapCI, bootstrapInterval, bootstrapMeanCI } from '../../src/stats/bootstrap.js';
import { createRng } from '../../src/stats/rng.js';
import { StatsInputError } from '../../src/stats/input-error.js';

const meanOf = (s: readonly number[]): number => s.reduce((a, b) => a + b, 0) / s.length;
const rng = createRng(42);
const normal400 = Array.from({ length: 400 }, () => 10 + 2 * rng.normal());
const skewed = Array.from({ length: 60 }, () => Math.exp(1.2 * rng.normal()));

describe('bootstrap', () => {
  it('is reproducible from the seed and the fast mean path equals the generic path', () => {
    const a = bootstrapMeanCI(normal400, { iterations: 500, seed: 9 });
    const b = bootstrapCI(normal400, meanOf, { iterations: 500, seed: 9 });
    expect(a).toEqual(b);
    expect(bootstrapMeanCI(normal400, { iterations: 500, seed: 10 }).lower).not.toBe(a.lower);
  });
  it('agrees with the normal-theory interval for the mean of normal data', () => {
    const m = meanOf(normal400);
    const s = Math.sqrt(normal400.reduce((acc, v) => acc + (v - m) ** 2, 0) / 399);
    const half = 1.96 * s / Math.sqrt(400);
    for (const method of ['percentile', 'bca'] as const) {
      const r = bootstrapMeanCI(normal400, { iterations: 4000, seed: 1, method });
      expect(r.estimate).toBeCloseTo(m, 12);
      expect(Math.abs(r.lower - (m - half))).toBeLessThan(0.04 * half * 2);
      expect(Math.abs(r.upper - (m + half))).toBeLessThan(0.04 * half * 2);
      expect(r.se).toBeCloseTo(s / Math.sqrt(400), 2);
    }
  });
  it('BCa shifts the interval of a right-skewed mean upwards relative to the percentile interval', () => {
    const p = bootstrapMeanCI(skewed, { iterations: 4000, seed: 2 });
    const bca = bootstrapMeanCI(skewed, { iterations: 4000, seed: 2, method: 'bca' });
    expect(bca.upper).toBeGreaterThan(p.upper);
    expect(bca.lower).toBeGreaterThan(p.lower);
    // Generic BCa (jackknife of the statistic) equals the analytic jackknife of the mean.
    const g = bootstrapCI(skewed, meanOf, { iterations: 4000, seed: 2, method: 'bca' });
    expect(g.lower).toBeCloseTo(bca.lower, 10);
    expect(g.upper).toBeCloseTo(bca.upper, 10);
  });
  it('stratified resampling keeps stratum sizes; cluster resampling moves whole clusters', () => {
    const data = [1, 1, 1, 5, 5, 5];
    const strata = ['a', 'a', 'a', 'b', 'b', 'b'];
    const s = bootstrapCI(data, meanOf, { iterations: 200, seed: 3, strata });
    expect(s.lower).toBe(3);
    expect(s.upper).toBe(3);
    const c = bootstrapCI(data, meanOf, { iterations: 400, seed: 3, clusters: strata });
    expect(c.lower).toBe(1);
    expect(c.upper).toBe(5);
    expect(() => bootstrapCI(data, meanOf, { clusters: ['a', 'a', 'a', 'a', 'a', 'a'] })).toThrow(StatsInputError);
  });
  it('rejects degenerate input and undefined statistics', () => {
    expect(() => bootstrapMeanCI([1])).toThrow(StatsInputError);
    expect(() => bootstrapMeanCI([1, NaN])).toThrow(StatsInputError);
    expect(() => bootstrapMeanCI([1, 2], { level: 1.2 })).toThrow(StatsInputError);
    expect(() => bootstrapCI([1, 2, 3], () => NaN)).toThrow(StatsInputError);
    expect(() => bootstrapCI([0, 0, 0, 1], (s) => 1 / meanOf(s), { iterations: 200 })).toThrow(/not finite/);
    expect(() => bootstrapInterval(0, [1, 2, 3], 0.95, 'bca', [0, 1])).toThrow(/BCa is undefined/);
    expect(bootstrapMeanCI([2, 2, 2], { method: 'bca' })).toMatchObject({ lower: 2, upper: 2 });
  });
});

describe('bootstrap intervals equal R boot.ci given the same replicates', () => {
  interface Case { t0: number; t: number[]; jackknife: number[]; level: number; perc: number[]; bca: number[] }
  const fx = JSON.parse(readFileSync(new URL('../fixtures/r/more/boot.json', import.meta.url), 'utf8')) as Record<'mean' | 'median', Case>;
  for (const name of ['mean', 'median'] as const) {
    it(name, () => {
      const c = fx[name];
      const perc = bootstrapInterval(c.t0, c.t, c.level, 'percentile', undefined, 'boot');
      expect(perc.lower).toBeCloseTo(c.perc[0]!, 10);
      expect(perc.upper).toBeCloseTo(c.perc[1]!, 10);
      const bca = bootstrapInterval(c.t0, c.t, c.level, 'bca', c.jackknife, 'boot');
      expect(bca.lower).toBeCloseTo(c.bca[0]!, 10);
      expect(bca.upper).toBeCloseTo(c.bca[1]!, 10);
    });
  }
});
