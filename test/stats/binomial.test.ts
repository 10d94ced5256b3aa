import { describe, expect, it } from 'vitest';
import { binomialPmf, binomialTest, clopperPearson } from '../../src/stats/binomial.js';
import { rReference } from './r-reference.js';

interface Case { k: number; n: number; p0: number; p: number; ci: [number, number]; ci90: [number, number]; pmf: number }
const cases = rReference<Case[]>('binomial', 'binomial.json');

describe('exact binomial test and Clopper-Pearson interval (R binom.test)', () => {
  it.each(cases.map((c) => [`${c.k}/${c.n} vs ${c.p0}`, c] as const))('%s', (_, c) => {
    const t = binomialTest(c.k, c.n, c.p0);
    expect(t.p).toBeCloseTo(c.p, 9);
    expect(t.ci_low!).toBeCloseTo(c.ci[0], 9);
    expect(t.ci_high!).toBeCloseTo(c.ci[1], 9);
    const ci90 = clopperPearson(c.k, c.n, 0.9);
    expect(ci90.low).toBeCloseTo(c.ci90[0], 9);
    expect(ci90.high).toBeCloseTo(c.ci90[1], 9);
    expect(binomialPmf(c.k, c.n, c.p0)).toBeCloseTo(c.pmf, 12);
  });

  it('is calibrated: under a true null the test rejects at most about alpha of the time', () => {
    // Exact size of the level-0.05 test for n = 30, p = 0.5: the sum of P(k) over rejected k.
    const size = Array.from({ length: 31 }, (_, k) => k).filter((k) => binomialTest(k, 30).p <= 0.05).reduce((s, k) => s + binomialPmf(k, 30, 0.5), 0);
    expect(size).toBeLessThanOrEqual(0.05);
    expect(size).toBeGreaterThan(0.02);
  });

  it('refuses impossible counts and says n = 0 is untestable', () => {
    expect(() => binomialTest(5, 3)).toThrow(/k must be/);
    expect(() => binomialTest(1.5, 3)).toThrow(/k must be/);
    expect(binomialTest(0, 0).p).toBe(1);
  });
});
