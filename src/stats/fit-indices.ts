/**
 * Incremental and absolute fit indices from a test statistic, written as lavaan 0.6 writes them
 * (lav_fit_cfi, lav_fit_tli, lav_fit_rmsea) so that plugging in the scaled statistics gives
 * lavaan's cfi.scaled, tli.scaled and rmsea.scaled.
 */

/** 1 − max(X² − df, 0) / max(X² − df, X²₀ − df₀, 0); 1 when both are (numerically) zero. */
export function lavaanCfi(x2: number, df: number, x2Null: number, dfNull: number): number {
  const t1 = Math.max(x2 - df, 0);
  const t2 = Math.max(x2 - df, x2Null - dfNull, 0);
  // lavaan: isTRUE(all.equal(t1, 0)) && isTRUE(all.equal(t2, 0)), i.e. within 1.5e-8.
  if (Math.abs(t1) < 1.5e-8 && Math.abs(t2) < 1.5e-8) return 1;
  return 1 - t1 / t2;
}

/** Tucker–Lewis index: 1 − ((X² − df)·df₀) / ((X²₀ − df₀)·df); 1 when df = 0. */
export function lavaanTli(x2: number, df: number, x2Null: number, dfNull: number): number {
  const t1 = (x2 - df) * dfNull;
  const t2 = (x2Null - dfNull) * df;
  if (df > 0 && Math.abs(t2) > 0) return 1 - t1 / t2;
  return 1;
}

/**
 * RMSEA √max(X²/(N·df) − 1/N, 0), 0 when df = 0. lavaan passes N = ntotal for ML and
 * N = ntotal − ngroups for (D)WLS (lav_utils_get_ntotal); the caller chooses.
 */
export function lavaanRmsea(x2: number, df: number, nObs: number): number {
  if (!(df > 0)) return 0;
  return Math.sqrt(Math.max(x2 / nObs / df - 1 / nObs, 0));
}
