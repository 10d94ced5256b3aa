/**
 * Pearson correlations with pairwise deletion (R's cor(use = "pairwise")) and psych::cor.smooth
 * for matrices that are not positive definite.
 */
import { eigenSymmetric, covToCor } from './correlation-linalg.js';
import { StatsInputError } from './input-error.js';

/**
 * Data that cannot give a correlation: NaN/Infinity cells, a constant column, or a pair of
 * columns observed together too rarely. The message names the column(s).
 */
export class DegenerateDataError extends StatsInputError {}

/** Fewest jointly observed rows a pair needs before its correlation means anything. */
export const MIN_JOINT_OBSERVATIONS = 3;

/** Rows are respondents, columns items; null is a missing value. Throws DegenerateDataError on NaN/Infinity or ragged rows. */
export function validateRespondentData(data: readonly (readonly (number | null)[])[], what = 'data'): number {
  if (data.length === 0) throw new DegenerateDataError(`${what} has no rows`);
  const p = data[0]!.length;
  if (p === 0) throw new DegenerateDataError(`${what} has no columns`);
  for (let i = 0; i < data.length; i++) {
    const row = data[i]!;
    if (row.length !== p) throw new DegenerateDataError(`${what} row ${i + 1} has ${row.length} values, expected ${p}`);
    for (let j = 0; j < p; j++) {
      const v = row[j];
      if (v !== null && !Number.isFinite(v)) throw new DegenerateDataError(`${what} row ${i + 1}, column ${j + 1} is not a finite number (${v})`);
    }
  }
  return p;
}

/** Column indices (0-based) whose observed values are all equal (or that have fewer than two observations). */
export function constantColumnIndices(data: readonly (readonly (number | null)[])[]): number[] {
  const p = data[0]?.length ?? 0;
  const out: number[] = [];
  for (let j = 0; j < p; j++) {
    let first: number | null = null, varies = false;
    for (const row of data) {
      const v = row[j]!;
      if (v === null) continue;
      if (first === null) first = v;
      else if (v !== first) { varies = true; break; }
    }
    if (!varies) out.push(j);
  }
  return out;
}

/**
 * Pearson correlation matrix with pairwise deletion: each pair uses the rows where both are
 * present, with that subset's own means and standard deviations (exactly R's cor(use="pairwise")).
 */
export function pearsonPairwise(data: (number | null)[][]): number[][] {
  const p = validateRespondentData(data);
  const constant = constantColumnIndices(data);
  if (constant.length > 0) throw new DegenerateDataError(`column ${constant[0]! + 1} is constant (no variance), so its correlations are undefined`);
  const r: number[][] = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? 1 : 0)));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < i; j++) {
      const v = pairCorrelation(data, i, j);
      r[i]![j] = v;
      r[j]![i] = v;
    }
  }
  return r;
}

function pairCorrelation(data: readonly (readonly (number | null)[])[], i: number, j: number): number {
  let n = 0, sx = 0, sy = 0;
  for (const row of data) {
    const x = row[i]!, y = row[j]!;
    if (x === null || y === null) continue;
    n++; sx += x; sy += y;
  }
  if (n < MIN_JOINT_OBSERVATIONS) throw new DegenerateDataError(`columns ${j + 1} and ${i + 1} are observed together in only ${n} row(s); at least ${MIN_JOINT_OBSERVATIONS} are needed`);
  const mx = sx / n, my = sy / n;
  let sxx = 0, syy = 0, sxy = 0;
  for (const row of data) {
    const x = row[i]!, y = row[j]!;
    if (x === null || y === null) continue;
    const dx = x - mx, dy = y - my;
    sxx += dx * dx; syy += dy * dy; sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) throw new DegenerateDataError(`columns ${j + 1} and ${i + 1}: one is constant on the rows where both are observed`);
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

export interface SmoothedCorrelation {
  r: number[][];
  /** True when the matrix was not positive definite and was smoothed. */
  smoothed: boolean;
  warnings: string[];
}

/**
 * psych::cor.smooth: when the smallest eigenvalue is below machine epsilon, eigenvalues under
 * eigTol become 100 * eigTol, are rescaled to sum to the number of variables, and the matrix is
 * rebuilt and rescaled to unit diagonal.
 */
export function corSmooth(r: readonly (readonly number[])[], eigTol = 1e-12): SmoothedCorrelation {
  const p = r.length;
  for (const row of r) {
    if (row.length !== p) throw new DegenerateDataError('corSmooth needs a square matrix');
    for (const v of row) if (!Number.isFinite(v)) throw new DegenerateDataError('corSmooth: the matrix has a non-finite entry');
  }
  const { values, vectors } = eigenSymmetric(r);
  if (Math.min(...values) >= Number.EPSILON) return { r: r.map((row) => [...row]), smoothed: false, warnings: [] };
  const fixed = values.map((v) => (v < eigTol ? 100 * eigTol : v));
  const tot = fixed.reduce((a, b) => a + b, 0);
  const scaled = fixed.map((v) => (v * p) / tot);
  const rebuilt: number[][] = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (_, j) => {
      let s = 0;
      for (let k = 0; k < p; k++) s += vectors[i]![k]! * scaled[k]! * vectors[j]![k]!;
      return s;
    }),
  );
  return { r: covToCor(rebuilt), smoothed: true, warnings: ['Matrix was not positive definite, smoothing was done'] };
}
