/**
 * The memory a statistics job on an n x p data set needs, estimated before it starts, so that a
 * caller can refuse a job that would end in an out-of-memory crash (a 30 x 20,000 CSV asks EFA
 * for several 20,000 x 20,000 matrices: tens of gigabytes). Estimates are deliberately generous
 * upper bounds in bytes: JavaScript arrays of numbers take 8 bytes a cell, cells that may be
 * missing about 16, and each method holds a known number of p x p matrices at its peak (the
 * correlation matrix, its inverse or eigenvectors, the pairwise counts, rotation and residual work).
 */

export type StatsJob = 'correlation' | 'efa' | 'parallel' | 'alpha' | 'cfa-ml' | 'cfa-wlsmv';

/** p x p matrices a job holds at its peak (see the module comment). */
const SQUARE_MATRICES: Record<StatsJob, number> = {
  correlation: 2,
  efa: 10,
  parallel: 8,
  alpha: 12,
  'cfa-ml': 8,
  'cfa-wlsmv': 8,
};

export interface StatsJobSize {
  /** Rows (respondents); for a correlation-matrix input, 0. */
  n: number;
  /** Columns (items). */
  p: number;
  /** Ordinal categories per item (WLSMV thresholds), at most. */
  categories?: number;
}

/** Estimated peak bytes of `job` on data of this size. */
export function statsJobBytes(job: StatsJob, size: StatsJobSize): number {
  const { n, p } = size;
  const data = n * p * 16;
  let bytes = data + SQUARE_MATRICES[job] * p * p * 8;
  // Parallel analysis simulates a data set of the same size (and its correlations) per iteration.
  if (job === 'parallel') bytes += n * p * 8;
  if (job === 'cfa-wlsmv') {
    // The asymptotic covariance of the sample statistics (correlations and thresholds) is
    // q x q with q = p(p-1)/2 + p * thresholds, and its case-wise scores are n x q.
    const q = (p * (p - 1)) / 2 + p * Math.max(1, (size.categories ?? 5) - 1);
    bytes += 3 * q * q * 8 + n * q * 8;
  }
  return bytes;
}
