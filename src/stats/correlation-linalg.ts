/**
 * The few dense linear-algebra steps the correlation, adequacy and reliability code needs
 * (symmetric eigen-decomposition, inverse, log-determinant), kept private to those modules so
 * they do not depend on the factor-analysis helpers being written alongside.
 */
import { eigenSymmetricRows } from './eigen.js';
import { StatsInputError } from './input-error.js';
import { luDecompose, luDeterminant, luIsSingular, luSolve, toFlat, toRows } from './lu.js';

export interface SymmetricEigen {
  /** Eigenvalues in decreasing order, as R's eigen() returns them. */
  values: number[];
  /** vectors[i][k] is element i of the eigenvector for values[k]. */
  vectors: number[][];
}

export function eigenSymmetric(a: readonly (readonly number[])[]): SymmetricEigen {
  return eigenSymmetricRows(a);
}

/** Eigenvalues only (decreasing): several times cheaper than the full decomposition. */
export function eigenvaluesSymmetric(a: readonly (readonly number[])[]): number[] {
  return eigenSymmetricRows(a, { vectors: false }).values;
}

/** The inverse through one LU (flat, bit-identical to ml-matrix's `inverse`; see ./lu.ts). */
export function invertMatrix(a: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const lu = luDecompose(toFlat(a, n), n);
  if (luIsSingular(lu)) throw new StatsInputError('the matrix is singular and cannot be inverted');
  return toRows(luSolve(lu, null, n), n, n);
}

export function determinant(a: readonly (readonly number[])[]): number {
  const n = a.length;
  return luDeterminant(luDecompose(toFlat(a, n), n));
}

/** cov2cor: scale a covariance-like matrix to unit diagonal. */
export function covToCor(c: readonly (readonly number[])[]): number[][] {
  const s = c.map((row, i) => 1 / Math.sqrt(row[i]!));
  return c.map((row, i) => row.map((v, j) => v * s[i]! * s[j]!));
}

/** Squared multiple correlations 1 - 1/diag(R^-1), clamped to [0, 1] as psych::smc does. */
export function squaredMultipleCorrelations(r: readonly (readonly number[])[]): number[] {
  const inv = invertMatrix(covToCor(r));
  return inv.map((row, i) => Math.min(1, Math.max(0, 1 - 1 / row[i]!)));
}
