/**
 * Sampling adequacy of a correlation matrix: Kaiser–Meyer–Olkin (psych::KMO) and Bartlett's test
 * of sphericity (psych::cortest.bartlett).
 */
import { determinant, invertMatrix } from './correlation-linalg.js';
import { DegenerateDataError } from './correlation.js';
import { chiSquareSurvival } from './probability.js';

function requireCorrelationMatrix(r: readonly (readonly number[])[], what: string): number {
  const p = r.length;
  if (p < 2) throw new DegenerateDataError(`${what} needs a correlation matrix of at least 2 variables`);
  for (let i = 0; i < p; i++) {
    const row = r[i]!;
    if (row.length !== p) throw new DegenerateDataError(`${what} needs a square matrix (row ${i + 1} has ${row.length} entries, expected ${p})`);
    for (const v of row) if (!Number.isFinite(v)) throw new DegenerateDataError(`${what}: the matrix has a non-finite entry`);
  }
  return p;
}

/**
 * KMO measure of sampling adequacy: overall MSA and per-item MSAi, from the correlations and the
 * anti-image (partial) correlations. Throws DegenerateDataError for a singular matrix (psych then
 * silently substitutes R for its inverse, which yields a meaningless value).
 */
export function kmo(r: number[][]): { overall: number; items: number[] } {
  const p = requireCorrelationMatrix(r, 'KMO');
  let q: number[][];
  try {
    q = invertMatrix(r);
  } catch {
    throw new DegenerateDataError('KMO: the correlation matrix is singular, so the anti-image correlations do not exist');
  }
  const colR = new Array<number>(p).fill(0), colQ = new Array<number>(p).fill(0);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      if (i === j) continue;
      const partial = q[i]![j]! / Math.sqrt(q[i]![i]! * q[j]![j]!);
      colR[j]! += r[i]![j]! ** 2;
      colQ[j]! += partial ** 2;
    }
  }
  const sumR = colR.reduce((a, b) => a + b, 0), sumQ = colQ.reduce((a, b) => a + b, 0);
  return { overall: sumR / (sumR + sumQ), items: colR.map((v, j) => v / (v + colQ[j]!)) };
}

/** Bartlett's test that R is an identity matrix, for n observations (diag forced to 1 as psych does). */
export function bartlett(r: number[][], n: number): { chisq: number; df: number; p: number } {
  const p = requireCorrelationMatrix(r, 'Bartlett');
  if (!(Number.isFinite(n) && n > 1)) throw new DegenerateDataError(`Bartlett needs the number of observations n > 1, got ${n}`);
  const unit = r.map((row, i) => row.map((v, j) => (i === j ? 1 : v)));
  const det = determinant(unit);
  if (!(det > 0)) throw new DegenerateDataError(`Bartlett: the correlation matrix has determinant ${det}; it must be positive definite`);
  const chisq = -Math.log(det) * (n - 1 - (2 * p + 5) / 6);
  const df = (p * (p - 1)) / 2;
  return { chisq, df, p: chiSquareSurvival(chisq, df) };
}
