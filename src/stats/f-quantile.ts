/**
 * Quantile function of the F distribution (R's qf) for real, possibly fractional, degrees of freedom,
 * as needed by the Satterthwaite-type interval of ICC(2,1). P(F <= f) = I_x(df1/2, df2/2) with
 * x = df1 f / (df1 f + df2); the equation is solved for x on [0, 1] (a bounded, monotone problem) and
 * mapped back to f.
 */
import { StatsInputError } from './input-error.js';
import { brentRoot, regularizedBeta } from './probability.js';

export function fQuantile(p: number, df1: number, df2: number): number {
  if (!(p >= 0 && p <= 1)) throw new StatsInputError(`fQuantile needs p in [0, 1], got ${p}`);
  if (!(df1 > 0 && df2 > 0)) throw new StatsInputError(`fQuantile needs positive df, got ${df1}, ${df2}`);
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  const a = df1 / 2, b = df2 / 2;
  // Solve on the smaller tail so that 1 - x keeps its digits when the quantile is large.
  // I_x(a, b) = p  <=>  I_{1-x}(b, a) = 1 - p; both x and 1 - x are kept from whichever was solved.
  if (p <= 0.5) {
    const x = brentRoot((t) => regularizedBeta(t, a, b) - p, 0, 1, 1e-300);
    return (df2 * x) / (df1 * (1 - x));
  }
  const y = brentRoot((t) => regularizedBeta(t, b, a) - (1 - p), 0, 1, 1e-300);
  return (df2 * (1 - y)) / (df1 * y);
}
