/**
 * Thrown by the statistics in cfa/agreement/bootstrap/effects/multiple/classification/
 * calibration/descriptive/probability for degenerate input (empty or mismatched arrays,
 * zero variance, non-finite values), so a caller never receives a silent NaN.
 */
export class StatsInputError extends Error {
  override readonly name = 'StatsInputError';
}

/** Throws unless every value is a finite number; `what` names the argument in the message. */
export function requireFinite(values: readonly number[], what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new StatsInputError(`${what}[${i}] is not a finite number (${values[i]})`);
  }
}

/** Throws unless the array has at least `min` elements. */
export function requireLength(values: readonly unknown[], min: number, what: string): void {
  if (values.length < min) throw new StatsInputError(`${what} needs at least ${min} value(s), got ${values.length}`);
}
