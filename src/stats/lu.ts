/**
 * LU decomposition with partial pivoting on flat row-major Float64Arrays, and the solve, inverse
 * and determinant built on it.
 *
 * The loops are ml-matrix's `LuDecomposition` (JAMA's left-looking Crout variant) operation for
 * operation, in the same order, so every result is bit-identical to what the stats code computed
 * through ml-matrix before; only the storage changed. ml-matrix reads and writes each element
 * through `get`/`set` on arrays of rows, which made one 200 x 200 inverse cost about as much as
 * the whole factor extraction; on flat arrays the same arithmetic runs an order of magnitude faster.
 */

export interface FlatLu {
  n: number;
  /** Row-major n x n: unit-lower L below the diagonal, U on and above it. */
  lu: Float64Array;
  /** Row i of LU is row pivot[i] of the input. */
  pivot: Int32Array;
  pivotSign: number;
}

/** Factorize a (row-major n x n, not modified). */
export function luDecompose(a: ArrayLike<number>, n: number): FlatLu {
  const lu = Float64Array.from(a);
  const pivot = new Int32Array(n);
  for (let i = 0; i < n; i++) pivot[i] = i;
  let pivotSign = 1;
  const colj = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    // Small functions for the loop nests: they run cold (once per process), where V8 optimizes a
    // small function after a few calls but recompiles a long one per loop (see ./eigen.ts).
    updateColumn(lu, colj, n, j);
    let p = j;
    for (let i = j + 1; i < n; i++) if (Math.abs(colj[i]!) > Math.abs(colj[p]!)) p = i;
    if (p !== j) {
      const rp = p * n, rj = j * n;
      for (let k = 0; k < n; k++) {
        const t = lu[rp + k]!;
        lu[rp + k] = lu[rj + k]!;
        lu[rj + k] = t;
      }
      const v = pivot[p]!;
      pivot[p] = pivot[j]!;
      pivot[j] = v;
      pivotSign = -pivotSign;
    }
    const ljj = lu[j * n + j]!;
    if (ljj !== 0) for (let i = j + 1; i < n; i++) lu[i * n + j] = lu[i * n + j]! / ljj;
  }
  return { n, lu, pivot, pivotSign };
}

/** Column j of the left-looking (Crout) step: colj = column j less its dot products with L. */
function updateColumn(lu: Float64Array, colj: Float64Array, n: number, j: number): void {
  for (let i = 0; i < n; i++) colj[i] = lu[i * n + j]!;
  for (let i = 0; i < n; i++) {
    const kmax = Math.min(i, j);
    const row = i * n;
    let s = 0;
    for (let k = 0; k < kmax; k++) s += lu[row + k]! * colj[k]!;
    colj[i]! -= s;
    lu[row + j] = colj[i]!;
  }
}

/** An exactly zero pivot, ml-matrix's (and JAMA's) test of singularity. */
export function luIsSingular(f: FlatLu): boolean {
  for (let j = 0; j < f.n; j++) if (f.lu[j * f.n + j] === 0) return true;
  return false;
}

export function luDeterminant(f: FlatLu): number {
  let det = f.pivotSign;
  for (let j = 0; j < f.n; j++) det *= f.lu[j * f.n + j]!;
  return det;
}

/** log |det A| from the pivots, free of the under- and overflow of the determinant itself. */
export function luLogAbsDeterminant(f: FlatLu): number {
  let s = 0;
  for (let j = 0; j < f.n; j++) s += Math.log(Math.abs(f.lu[j * f.n + j]!));
  return s;
}

/**
 * Solve A X = B for B row-major n x m (not modified); throws on a singular A as ml-matrix does.
 * `b` may be omitted to mean the identity (the inverse).
 */
export function luSolve(f: FlatLu, b: ArrayLike<number> | null, m: number): Float64Array {
  const { n, lu, pivot } = f;
  if (luIsSingular(f)) throw new Error('LU matrix is singular');
  const x = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const src = pivot[i]!;
    if (b === null) x[i * m + src] = 1;
    else for (let j = 0; j < m; j++) x[i * m + j] = b[src * m + j]!;
  }
  for (let k = 0; k < n; k++) for (let i = k + 1; i < n; i++) subtractRowMultiple(x, i * m, k * m, lu[i * n + k]!, m);
  for (let k = n - 1; k >= 0; k--) {
    const rk = k * m;
    const ukk = lu[k * n + k]!;
    for (let j = 0; j < m; j++) x[rk + j] = x[rk + j]! / ukk;
    for (let i = 0; i < k; i++) subtractRowMultiple(x, i * m, rk, lu[i * n + k]!, m);
  }
  return x;
}

/** Row at ri of x minus c times row at rk (m entries), as ml-matrix writes it: x - x_k c. */
function subtractRowMultiple(x: Float64Array, ri: number, rk: number, c: number, m: number): void {
  for (let j = 0; j < m; j++) x[ri + j] = x[ri + j]! - x[rk + j]! * c;
}

/** Row-major copy of an array of rows. */
export function toFlat(a: readonly (readonly number[])[], cols = a[0]?.length ?? 0): Float64Array {
  const out = new Float64Array(a.length * cols);
  for (let i = 0; i < a.length; i++) {
    const row = a[i]!;
    for (let j = 0; j < cols; j++) out[i * cols + j] = row[j]!;
  }
  return out;
}

/** Arrays of rows from a row-major matrix. */
export function toRows(a: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = new Array<number[]>(rows);
  for (let i = 0; i < rows; i++) out[i] = Array.from(a.subarray(i * cols, (i + 1) * cols));
  return out;
}

/** A^-1 B for arrays of rows (ml-matrix `solve(A, B)` for a square A), bit for bit. */
export function solveRows(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const m = b[0]?.length ?? 0;
  return toRows(luSolve(luDecompose(toFlat(a, n), n), toFlat(b, m), m), n, m);
}
