/**
 * Exact binomial inference: the two-sided binomial test (R's `binom.test`, which sums the
 * probabilities of every outcome no more likely than the observed one) and the Clopper-Pearson
 * interval. Used where the unit is a count of independent successes out of n trials (e.g. texts
 * whose scores an injected instruction moved, or a sign test over such texts).
 */
import { StatsInputError } from './input-error.js';
import { brentRoot, logGamma, regularizedBeta } from './probability.js';

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

function check(k: number, n: number, p: number): void {
  if (!Number.isInteger(n) || n < 0) throw new StatsInputError(`binomial: n must be an integer >= 0, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new StatsInputError(`binomial: k must be an integer from 0 to n = ${n}, got ${k}`);
  if (!(p >= 0 && p <= 1)) throw new StatsInputError(`binomial: p must be in [0, 1], got ${p}`);
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  check(k, n, p);
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  return Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

export interface BinomialTest {
  k: number;
  n: number;
  /** The probability under the null. */
  p0: number;
  estimate: number;
  /** Two-sided exact p-value (1 when n = 0). */
  p: number;
  /** Clopper-Pearson interval at `level` (null when n = 0). */
  ci_low: number | null;
  ci_high: number | null;
  level: number;
}

/** Two-sided exact binomial test of k successes in n trials against p0, with the Clopper-Pearson interval (R `binom.test`). */
export function binomialTest(k: number, n: number, p0 = 0.5, level = 0.95): BinomialTest {
  check(k, n, p0);
  if (!(level > 0 && level < 1)) throw new StatsInputError(`binomial: level must be in (0, 1), got ${level}`);
  if (n === 0) return { k, n, p0, estimate: Number.NaN, p: 1, ci_low: null, ci_high: null, level };
  const observed = binomialPmf(k, n, p0);
  // R's relative tolerance: outcomes within 1e-7 of the observed probability count as "as extreme".
  const bound = observed * (1 + 1e-7);
  let p = 0;
  for (let x = 0; x <= n; x++) {
    const d = binomialPmf(x, n, p0);
    if (d <= bound) p += d;
  }
  const ci = clopperPearson(k, n, level);
  return { k, n, p0, estimate: k / n, p: Math.min(1, p), ci_low: ci.low, ci_high: ci.high, level };
}

/** Exact (Clopper-Pearson) interval for a binomial proportion. */
export function clopperPearson(k: number, n: number, level = 0.95): { low: number; high: number } {
  check(k, n, 0.5);
  if (n === 0) throw new StatsInputError('clopperPearson needs n >= 1');
  const a = (1 - level) / 2;
  // Lower bound: the p with P(X >= k | p) = a, i.e. I_p(k, n - k + 1) = a; upper: P(X <= k | p) = a, i.e. I_p(k + 1, n - k) = 1 - a.
  const low = k === 0 ? 0 : brentRoot((p) => regularizedBeta(p, k, n - k + 1) - a, 1e-15, 1 - 1e-15);
  const high = k === n ? 1 : brentRoot((p) => regularizedBeta(p, k + 1, n - k) - (1 - a), 1e-15, 1 - 1e-15);
  return { low, high };
}
