/** The memory estimates behind the stats size guard: they grow as the methods do, and refuse the cases. */
import { describe, expect, it } from 'vitest';
import { statsJobBytes } from '../../src/stats/job-size.js';

const GB = 1024 ** 3;

describe('stats job sizes', () => {
  it('grows with p squared for the correlation-based methods and with n x p for the data', () => {
    const a = statsJobBytes('efa', { n: 100, p: 100 });
    const b = statsJobBytes('efa', { n: 100, p: 200 });
    expect(b / a).toBeGreaterThan(3.5);
    expect(statsJobBytes('efa', { n: 200, p: 100 })).toBeGreaterThan(a);
  });

  it('puts the reported crashes far above a 4 GB heap and real studies far below it', () => {
    // 30 x 20,000 CSV: efa and alpha crashed with a V8 out-of-memory abort.
    expect(statsJobBytes('efa', { n: 30, p: 20_000 })).toBeGreaterThan(20 * GB);
    expect(statsJobBytes('alpha', { n: 30, p: 20_000 })).toBeGreaterThan(20 * GB);
    // The benchmark's 2,000 x 200 and a large lexicon of 2,000 words x 5,000 respondents pass.
    expect(statsJobBytes('parallel', { n: 2_000, p: 200 })).toBeLessThan(0.1 * GB);
    expect(statsJobBytes('efa', { n: 5_000, p: 2_000 })).toBeLessThan(1 * GB);
    // WLSMV's asymptotic covariance is quartic in p: 200 ordinal items is out of reach, 30 is not.
    expect(statsJobBytes('cfa-wlsmv', { n: 1_000, p: 200, categories: 5 })).toBeGreaterThan(4 * GB);
    expect(statsJobBytes('cfa-wlsmv', { n: 1_000, p: 30, categories: 5 })).toBeLessThan(0.1 * GB);
  });
});
