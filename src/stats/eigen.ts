/**
 * Symmetric eigendecomposition on flat Float64Arrays: Householder tridiagonalization followed by
 * the implicit QL algorithm (tred2/tql2 of EISPACK, as in JAMA). Several times faster than the
 * array-of-arrays version for the 100-500 variable matrices of factor analysis, and with an
 * eigenvalues-only path (no eigenvector accumulation) for parallel analysis, where thousands of
 * simulated spectra are needed.
 */

export interface FlatEigen {
  /** Eigenvalues in decreasing order. */
  values: Float64Array;
  /** Row-major n x n; column k is the eigenvector of values[k]. Absent for values-only calls. */
  vectors?: Float64Array;
}

function hypot(a: number, b: number): number {
  const aa = Math.abs(a), bb = Math.abs(b);
  if (aa > bb) return aa * Math.sqrt(1 + (bb / aa) ** 2);
  return bb === 0 ? 0 : bb * Math.sqrt(1 + (aa / bb) ** 2);
}

/*
 * A note on the shape of this code: every loop nest that does the arithmetic sits in a small
 * function of its own (one Householder step, one accumulation step, one plane rotation, one
 * block product, ...), and no function switches between modes. `stats efa` runs once per process,
 * so most of this code is executed cold; V8 then optimizes small, monomorphic functions after a
 * few calls, whereas a long function with many loops gets recompiled once per loop (on-stack
 * replacement) and deoptimized whenever a later call takes a branch the first did not, which cost
 * more than the arithmetic itself. The arithmetic and its order are unchanged by the split.
 */

/**
 * Householder reduction to tridiagonal form (EISPACK tred2, JAMA's loop order), on the
 * *transpose* w of JAMA's working matrix: JAMA walks the lower triangle down columns (stride n),
 * which misses the cache on every step for n in the hundreds; in w the same elements lie along
 * rows. Every arithmetic operation and its order are JAMA's, so the results are bit-identical.
 * On return, row i (i >= 1) of w holds the Householder vector u of step i in columns 0..i-1 and
 * d[i] its h; tred2Accumulate or tred2Diagonal then finish as JAMA does.
 */
function tred2Reduce(n: number, w: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1]!;
  for (let i = n - 1; i > 0; i--) householderStep(n, w, d, e, i);
}

function householderStep(n: number, w: Float64Array, d: Float64Array, e: Float64Array, i: number): void {
  let scale = 0, h = 0;
  for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
  if (scale === 0) {
    e[i] = d[i - 1]!;
    for (let j = 0; j < i; j++) {
      d[j] = w[j * n + i - 1]!;
      w[j * n + i] = 0;
      w[i * n + j] = 0;
    }
    d[i] = h;
    return;
  }
  for (let k = 0; k < i; k++) {
    d[k]! /= scale;
    h += d[k]! * d[k]!;
  }
  let f = d[i - 1]!;
  let g = Math.sqrt(h);
  if (f > 0) g = -g;
  e[i] = scale * g;
  h -= f * g;
  d[i - 1] = f - g;
  for (let j = 0; j < i; j++) e[j] = 0;
  for (let j = 0; j < i; j++) {
    f = d[j]!;
    w[i * n + j] = f;
    e[j] = symmetricProductRow(w, j * n, d, e, j, i, f);
  }
  f = 0;
  for (let j = 0; j < i; j++) {
    e[j]! /= h;
    f += e[j]! * d[j]!;
  }
  const hh = f / (h + h);
  for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
  for (let j = 0; j < i; j++) {
    const row = j * n;
    rankTwoUpdateRow(w, row, d, e, j, i, d[j]!, e[j]!);
    d[j] = w[row + i - 1]!;
    w[row + i] = 0;
  }
  d[i] = h;
}

/** JAMA's inner loop of the product A u (row j of w, columns j+1..i-1); returns e[j]'s new value. */
function symmetricProductRow(w: Float64Array, row: number, d: Float64Array, e: Float64Array, j: number, i: number, f: number): number {
  let g = e[j]! + w[row + j]! * f;
  for (let k = j + 1; k <= i - 1; k++) {
    const wjk = w[row + k]!;
    g += wjk * d[k]!;
    e[k]! += wjk * f;
  }
  return g;
}

function rankTwoUpdateRow(w: Float64Array, row: number, d: Float64Array, e: Float64Array, j: number, i: number, f: number, g: number): void {
  for (let k = j; k <= i - 1; k++) w[row + k]! -= f * e[k]! + g * d[k]!;
}

/** JAMA's accumulation of the transform: w becomes V transposed (row k = eigenvector basis k). */
function tred2Accumulate(n: number, w: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let i = 0; i < n - 1; i++) accumulateStep(n, w, d, i);
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1]!;
    w[j * n + n - 1] = 0;
  }
  w[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

function accumulateStep(n: number, w: Float64Array, d: Float64Array, i: number): void {
  w[i * n + n - 1] = w[i * n + i]!;
  w[i * n + i] = 1;
  const h = d[i + 1]!;
  const col = (i + 1) * n;
  if (h !== 0) {
    for (let k = 0; k <= i; k++) d[k] = w[col + k]! / h;
    for (let j = 0; j <= i; j++) reflectRow(w, j * n, col, d, i);
  }
  for (let k = 0; k <= i; k++) w[col + k] = 0;
}

function reflectRow(w: Float64Array, row: number, col: number, d: Float64Array, i: number): void {
  let g = 0;
  for (let k = 0; k <= i; k++) g += w[col + k]! * w[row + k]!;
  for (let k = 0; k <= i; k++) w[row + k]! -= g * d[k]!;
}

/** The values-only ending: the tridiagonal's diagonal into d. */
function tred2Diagonal(n: number, w: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + j]!;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e); accumulates into v when `vectors`. */
function tql2(n: number, v: Float64Array, d: Float64Array, e: Float64Array, vectors: boolean): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      for (let iter = 0; iter < 300; iter++) {
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[m]!;
        let c = 1, c2 = c, c3 = c;
        const el1 = e[l + 1]!;
        let s = 0, s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (vectors) rotateRowPair(v, n, i, c, s);
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (Math.abs(e[l]!) <= eps * tst1) break;
      }
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

/** The plane rotation of tql2 on rows i and i + 1 of the transposed transform (both contiguous). */
function rotateRowPair(v: Float64Array, n: number, i: number, c: number, s: number): void {
  const ri = i * n, ri1 = (i + 1) * n;
  for (let k = 0; k < n; k++) {
    const vk1 = v[ri1 + k]!;
    const vk = v[ri + k]!;
    v[ri1 + k] = s * vk + c * vk1;
    v[ri + k] = c * vk - s * vk1;
  }
}

/** w = a' (row-major n x n): tred2 works on the transpose (see there). */
function transposed(a: Float64Array, n: number): Float64Array {
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[j * n + i] = a[i * n + j]!;
  return w;
}

/**
 * Eigen-decomposition of a symmetric matrix given row-major (only read, never modified). Values
 * come back in decreasing order; with `vectors`, column k of the returned matrix belongs to values[k].
 */
export function eigenSymmetricFlat(a: Float64Array, n: number, options: { vectors?: boolean } = {}): FlatEigen {
  const wantVectors = options.vectors ?? true;
  if (n === 1) return { values: Float64Array.of(a[0]!), ...(wantVectors ? { vectors: Float64Array.of(1) } : {}) };
  // a is symmetric in exact use; transposing (rather than copying) keeps the arithmetic JAMA's
  // even when a carries rounding asymmetry.
  const v = transposed(a, n);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2Reduce(n, v, d, e);
  if (wantVectors) tred2Accumulate(n, v, d, e);
  else tred2Diagonal(n, v, d, e);
  tql2(n, v, d, e, wantVectors);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y]! - d[x]!);
  const values = Float64Array.from(order, (i) => d[i]!);
  if (!wantVectors) return { values };
  // v is transposed: row order[k] of v is eigenvector k.
  const vectors = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const src = order[k]! * n;
    for (let row = 0; row < n; row++) vectors[row * n + k] = v[src + row]!;
  }
  return { values, vectors };
}

/** The same for an array-of-rows matrix, returning arrays (values decreasing; vectors[i][k]). */
export function eigenSymmetricRows(a: readonly (readonly number[])[], options: { vectors?: boolean } = {}): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const flat = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) flat[i * n + j] = a[i]![j]!;
  const res = eigenSymmetricFlat(flat, n, options);
  const vectors: number[][] = [];
  if (res.vectors) for (let i = 0; i < n; i++) vectors.push(Array.from(res.vectors.subarray(i * n, (i + 1) * n)));
  return { values: Array.from(res.values), vectors };
}

/**
 * The k algebraically largest eigenpairs of a symmetric matrix (row-major, only read), for
 * iterations that need a rank-k approximation of a changing matrix (minres and ML extraction).
 *
 * The full decomposition spends most of its time accumulating all n eigenvectors through the QL
 * sweeps. Here the matrix is tridiagonalized as in eigenSymmetricFlat (the same Householder
 * steps), all eigenvalues come from the same values-only QL (so they are bit-identical to the full
 * decomposition's), and only k eigenvectors are computed: by inverse iteration on the tridiagonal
 * matrix (as LAPACK's dstein: a pivoted tridiagonal LU shifted by the eigenvalue, shifts of tight
 * clusters separated, Gram-Schmidt against the vectors already found), then mapped back through
 * the stored Householder reflections. That costs about a fifth of the full decomposition at
 * n = 200. The vectors agree with the full decomposition's to rounding (up to sign, and to the
 * basis within a repeated eigenvalue); each is checked by its residual, and on any doubt the
 * full decomposition is used instead.
 */
export function eigenSymmetricTop(a: Float64Array, n: number, k: number): { values: Float64Array; vectors: Float64Array } {
  k = Math.min(k, n);
  const full = (): { values: Float64Array; vectors: Float64Array } => {
    const res = eigenSymmetricFlat(a, n);
    const vectors = new Float64Array(n * k);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) vectors[i * k + j] = res.vectors![i * n + j]!;
    return { values: res.values, vectors };
  };
  if (n < 3 || k === 0) return full();
  const w = transposed(a, n);
  const d = new Float64Array(n), e = new Float64Array(n);
  tred2Reduce(n, w, d, e);
  const hs = Float64Array.from(d);
  tred2Diagonal(n, w, d, e);
  // The tridiagonal T: diagonal d, T[i][i-1] = e[i] (e[0] = 0); tql2 overwrites its inputs.
  const diag = Float64Array.from(d), sub = Float64Array.from(e);
  tql2(n, w, d, e, false);
  const values = Float64Array.from(d).sort().reverse();
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(diag[i]!) + Math.abs(sub[i]!) + (i + 1 < n ? Math.abs(sub[i + 1]!) : 0));
  if (!(norm > 0) || !Number.isFinite(norm)) return full();
  const eps = Number.EPSILON;
  const z = new Float64Array(n * k); // tridiagonal eigenvectors, one per row
  const fac = new TridiagonalLu(n);
  let shift = Infinity;
  for (let j = 0; j < k; j++) {
    // dstein: eigenvalues closer than 10 eps ||T|| get shifts that far apart, so that each
    // factorization (and the vector it amplifies) differs.
    shift = Math.min(values[j]!, shift - 10 * eps * norm);
    fac.factor(diag, sub, shift, eps * norm);
    const x = z.subarray(j * n, (j + 1) * n);
    if (!inverseIteration(fac, z, j, n, x)) return full();
    // Residual ||T x - lambda x|| against the accuracy of the eigenvalue itself.
    if (!(tridiagonalResidual(diag, sub, values[j]!, x, n) <= 1e3 * n * eps * norm)) return full();
  }
  // Back-transform: the transform is P_{n-2} ... P_0, P_i = I - u u^T / h on the leading i + 1
  // coordinates with u in row i + 1 of w (tred2's accumulation, applied to k vectors only).
  const vectors = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    const v = z.subarray(j * n, (j + 1) * n);
    for (let i = 0; i < n - 1; i++) if (hs[i + 1] !== 0) applyReflector(w, (i + 1) * n, hs[i + 1]!, v, i);
    for (let i = 0; i < n; i++) vectors[i * k + j] = v[i]!;
  }
  return { values, vectors };
}

/**
 * Four steps of inverse iteration into x (row j of z) from a fixed pseudo-random start (as
 * dstein's, reproducible), orthogonalized twice against the rows of z before it. False when the
 * iterate vanishes or overflows.
 */
function inverseIteration(fac: TridiagonalLu, z: Float64Array, j: number, n: number, x: Float64Array): boolean {
  let seed = 1234567 + 7919 * j;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    x[i] = seed / 2147483648 - 0.5;
  }
  for (let it = 0; it < 4; it++) {
    fac.solve(x);
    for (let pass = 0; pass < 2; pass++) for (let q = 0; q < j; q++) subtractProjection(x, z, q * n, n);
    if (!normalize(x, 0, n)) return false;
  }
  return true;
}

/** x <- x - (x . y) y for y = z[offset .. offset + n). */
function subtractProjection(x: Float64Array, z: Float64Array, offset: number, n: number): void {
  let c = 0;
  for (let i = 0; i < n; i++) c += x[i]! * z[offset + i]!;
  for (let i = 0; i < n; i++) x[i]! -= c * z[offset + i]!;
}

/** Scale x[offset .. offset + n) to unit length; false if its length is 0 or not finite. */
function normalize(x: Float64Array, offset: number, n: number): boolean {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[offset + i]! * x[offset + i]!;
  s = Math.sqrt(s);
  if (!(s > 0) || !Number.isFinite(s)) return false;
  for (let i = 0; i < n; i++) x[offset + i]! /= s;
  return true;
}

function tridiagonalResidual(diag: Float64Array, sub: Float64Array, value: number, x: Float64Array, n: number): number {
  let res = 0;
  for (let i = 0; i < n; i++) {
    let t = (diag[i]! - value) * x[i]!;
    if (i > 0) t += sub[i]! * x[i - 1]!;
    if (i + 1 < n) t += sub[i + 1]! * x[i + 1]!;
    res += t * t;
  }
  return Math.sqrt(res);
}

/** v <- (I - u u' / h) v on the leading i + 1 coordinates, u = w[u0 .. u0 + i]. */
function applyReflector(w: Float64Array, u0: number, h: number, v: Float64Array, i: number): void {
  let g = 0;
  for (let q = 0; q <= i; q++) g += w[u0 + q]! * v[q]!;
  for (let q = 0; q <= i; q++) v[q]! -= g * (w[u0 + q]! / h);
}

/**
 * The k leading eigenpairs of a sequence of nearby symmetric matrices (the fixed-point steps of
 * minres and ML extraction, where each matrix differs from the last by a small change of the
 * diagonal or of the scaling), each as eigenSymmetricTop would give them, most of them found by a
 * few steps of subspace iteration from the previous step's eigenvectors instead of a new
 * tridiagonalization (p^2 k per step against 4/3 p^3).
 *
 * A warm-started answer is only returned when it is provably the top k: every so often the full
 * method gives all eigenvalues mu of a reference matrix A0; for the current A, Weyl's inequality
 * bounds the (k+1)-th eigenvalue by mu[k] + ||A - A0||_2, and the k Ritz pairs are accepted when
 * converged (Ritz residual at rounding level) and the smallest Ritz value minus the block residual
 * exceeds that bound: then the k eigenvalues they approximate are the k largest (Kahan's block
 * residual bound). Otherwise, or when the spectral gap promises slow convergence, the full method
 * runs and becomes the new reference. Shifting by the middle of the interval holding the
 * unwanted eigenvalues makes the wanted ones dominant and the convergence factor small.
 */
export class TopEigenTracker {
  private refMatrix: Float64Array | null = null;
  private refValues: Float64Array | null = null;
  /** The previous answer's eigenvectors, one per row (k x p). */
  private readonly basis: Float64Array;
  private readonly w: Float64Array;
  private readonly h: Float64Array;
  private readonly tmp: Float64Array;
  /** Counts of warm-started and full solves (for tests and profiling). */
  warm = 0;
  full = 0;

  constructor(private readonly p: number, private readonly k: number) {
    this.basis = new Float64Array(k * p);
    this.w = new Float64Array(k * p);
    this.h = new Float64Array(k * k);
    this.tmp = new Float64Array(k * p);
  }

  /** Eigenvalues (at least the k leading ones, decreasing) and vectors (row-major p x k). */
  solve(a: Float64Array): { values: Float64Array; vectors: Float64Array } {
    const warm = this.refMatrix ? this.tryWarm(a) : null;
    if (warm) {
      this.warm++;
      return warm;
    }
    this.full++;
    const res = eigenSymmetricTop(a, this.p, this.k);
    this.refMatrix = Float64Array.from(a);
    this.refValues = res.values;
    for (let j = 0; j < this.k; j++) for (let i = 0; i < this.p; i++) this.basis[j * this.p + i] = res.vectors[i * this.k + j]!;
    return res;
  }

  private tryWarm(a: Float64Array): { values: Float64Array; vectors: Float64Array } | null {
    const { p, k, basis: v, w, h, tmp } = this;
    const ref = this.refMatrix!, mu = this.refValues!;
    if (mu.length < p || k >= p) return null;
    const delta = distanceBound(a, ref, p);
    const upper = mu[k]! + delta; // bound on the (k+1)-th eigenvalue of A
    const lower = mu[p - 1]! - delta; // bound on the smallest
    const wantedLow = mu[k - 1]! - delta; // bound on the k-th from below
    const shift = -(upper + lower) / 2;
    const rho = (upper - lower) / 2 / (wantedLow + shift);
    if (!(wantedLow > upper) || !(rho < 0.3)) return null;
    const norm = Math.max(Math.abs(mu[0]!), Math.abs(mu[p - 1]!)) + delta;
    // Rounding floor of a Ritz residual, and the level accepted once the residual stops falling.
    const floor = 4 * Math.sqrt(p) * Number.EPSILON * norm;
    const accept = 64 * Math.sqrt(p) * Number.EPSILON * norm;
    const res = new Float64Array(k);
    let previous = Infinity;
    for (let it = 0; it < 40; it++) {
      blockProduct(a, v, w, p, k);
      // Rayleigh-Ritz: H = V' A V, then V <- V Y, W <- W Y with H = Y Theta Y'.
      rayleighMatrix(v, w, h, p, k);
      const small = eigenSymmetricFlat(h, k);
      rotateRows(v, small.vectors!, k, p, tmp);
      rotateRows(w, small.vectors!, k, p, tmp);
      let worst = 0, block = 0;
      for (let j = 0; j < k; j++) {
        res[j] = residualNorm2(v, w, small.values[j]!, j * p, p);
        worst = Math.max(worst, Math.sqrt(res[j]!));
        block += res[j]!;
      }
      const done = worst <= floor || (worst <= accept && worst > previous / 4);
      if (done) {
        // The k Ritz values lie within the block residual of k eigenvalues of A; they are the k
        // largest when the lowest of them stays above the bound on the (k+1)-th.
        if (!(small.values[k - 1]! - Math.sqrt(block) > upper)) return null;
        const vectors = new Float64Array(p * k);
        for (let j = 0; j < k; j++) for (let i = 0; i < p; i++) vectors[i * k + j] = v[j * p + i]!;
        return { values: Float64Array.from(small.values), vectors };
      }
      if (!(worst < previous) && it > 2) return null;
      previous = worst;
      // Next block: orthonormalized (A + shift I) V, by Gram-Schmidt twice.
      for (let e = 0; e < k * p; e++) v[e] = w[e]! + shift * v[e]!;
      for (let j = 0; j < k; j++) {
        const x = v.subarray(j * p, (j + 1) * p);
        for (let pass = 0; pass < 2; pass++) for (let q = 0; q < j; q++) subtractProjection(x, v, q * p, p);
        if (!normalize(v, j * p, p)) return null;
      }
    }
    return null;
  }
}

/** ||A - A0||_2 bounded: the largest diagonal change when only the diagonal moved, else Frobenius. */
function distanceBound(a: Float64Array, ref: Float64Array, p: number): number {
  let diagMax = 0, frob = 0, offDiagonalMoved = false;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const d = a[i * p + j]! - ref[i * p + j]!;
      frob += d * d;
      if (i === j) diagMax = Math.max(diagMax, Math.abs(d));
      else if (d !== 0) offDiagonalMoved = true;
    }
  }
  return offDiagonalMoved ? Math.sqrt(frob) : diagMax;
}

/**
 * W = A V for k vectors stored as rows of v (k x p): each row of A against four vectors per pass
 * (five loads for four products), every sum over l in order.
 */
function blockProduct(a: Float64Array, v: Float64Array, w: Float64Array, p: number, k: number): void {
  const out = new Float64Array(4);
  for (let i = 0; i < p; i++) {
    const row = i * p;
    let j = 0;
    for (; j + 4 <= k; j += 4) {
      dots1x4(a, row, v, j * p, p, out);
      w[j * p + i] = out[0]!;
      w[(j + 1) * p + i] = out[1]!;
      w[(j + 2) * p + i] = out[2]!;
      w[(j + 3) * p + i] = out[3]!;
    }
    for (; j < k; j++) w[j * p + i] = dotAt(a, row, v, j * p, p);
  }
}

/** The dot products of x[xo..xo+n) with the four consecutive rows of y from yo. */
function dots1x4(x: Float64Array, xo: number, y: Float64Array, yo: number, n: number, out: Float64Array): void {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const y1 = yo + n, y2 = yo + 2 * n, y3 = yo + 3 * n;
  for (let l = 0; l < n; l++) {
    const xl = x[xo + l]!;
    s0 += xl * y[yo + l]!;
    s1 += xl * y[y1 + l]!;
    s2 += xl * y[y2 + l]!;
    s3 += xl * y[y3 + l]!;
  }
  out[0] = s0; out[1] = s1; out[2] = s2; out[3] = s3;
}

function dotAt(x: Float64Array, xo: number, y: Float64Array, yo: number, n: number): number {
  let s = 0;
  for (let l = 0; l < n; l++) s += x[xo + l]! * y[yo + l]!;
  return s;
}

/** H = (V'W + W'V) / 2: V' A V, symmetrized against rounding. */
function rayleighMatrix(v: Float64Array, w: Float64Array, h: Float64Array, p: number, k: number): void {
  for (let x = 0; x < k; x++) {
    for (let y = x; y < k; y++) h[x * k + y] = h[y * k + x] = (dotAt(v, x * p, w, y * p, p) + dotAt(v, y * p, w, x * p, p)) / 2;
  }
}

/** ||w_j - theta v_j||^2 for the vectors at offset o. */
function residualNorm2(v: Float64Array, w: Float64Array, theta: number, o: number, p: number): number {
  let r = 0;
  for (let l = 0; l < p; l++) {
    const d = w[o + l]! - theta * v[o + l]!;
    r += d * d;
  }
  return r;
}

/** rows <- Y' rows for k rows of length p (row j becomes sum_q Y[q][j] row q). */
function rotateRows(rows: Float64Array, y: Float64Array, k: number, p: number, tmp: Float64Array): void {
  tmp.fill(0);
  for (let j = 0; j < k; j++) {
    for (let q = 0; q < k; q++) {
      const c = y[q * k + j]!;
      if (c === 0) continue;
      for (let l = 0; l < p; l++) tmp[j * p + l]! += c * rows[q * p + l]!;
    }
  }
  rows.set(tmp);
}

/**
 * (T - shift I) = P L U for a symmetric tridiagonal T, by Gaussian elimination with partial
 * pivoting (LAPACK dgttrf/dgttrs); zero pivots become `tiny` so inverse iteration can amplify
 * the eigenvector instead of dividing by zero.
 */
class TridiagonalLu {
  private readonly d: Float64Array;
  private readonly u1: Float64Array;
  private readonly u2: Float64Array;
  private readonly l: Float64Array;
  private readonly swap: Uint8Array;

  constructor(private readonly n: number) {
    this.d = new Float64Array(n);
    this.u1 = new Float64Array(n);
    this.u2 = new Float64Array(n);
    this.l = new Float64Array(n);
    this.swap = new Uint8Array(n);
  }

  factor(diag: Float64Array, sub: Float64Array, shift: number, tiny: number): void {
    const { n, d, u1, u2, l, swap } = this;
    for (let i = 0; i < n; i++) {
      d[i] = diag[i]! - shift;
      u1[i] = i + 1 < n ? sub[i + 1]! : 0;
      l[i] = i + 1 < n ? sub[i + 1]! : 0;
      u2[i] = 0;
    }
    for (let i = 0; i < n - 1; i++) {
      if (Math.abs(d[i]!) >= Math.abs(l[i]!)) {
        swap[i] = 0;
        if (d[i] === 0) d[i] = tiny;
        const m = l[i]! / d[i]!;
        l[i] = m;
        d[i + 1]! -= m * u1[i]!;
      } else {
        swap[i] = 1;
        const m = d[i]! / l[i]!;
        d[i] = l[i]!;
        l[i] = m;
        const t = u1[i]!;
        u1[i] = d[i + 1]!;
        d[i + 1] = t - m * d[i + 1]!;
        if (i + 2 < n) {
          u2[i] = u1[i + 1]!;
          u1[i + 1] = -m * u1[i + 1]!;
        }
      }
    }
    if (d[n - 1] === 0) d[n - 1] = tiny;
  }

  /** x <- (T - shift I)^-1 x. */
  solve(x: Float64Array): void {
    const { n, d, u1, u2, l, swap } = this;
    for (let i = 0; i < n - 1; i++) {
      if (swap[i]) {
        const t = x[i]!;
        x[i] = x[i + 1]!;
        x[i + 1] = t - l[i]! * x[i]!;
      } else x[i + 1]! -= l[i]! * x[i]!;
    }
    x[n - 1]! /= d[n - 1]!;
    if (n > 1) x[n - 2] = (x[n - 2]! - u1[n - 2]! * x[n - 1]!) / d[n - 2]!;
    for (let i = n - 3; i >= 0; i--) x[i] = (x[i]! - u1[i]! * x[i + 1]! - u2[i]! * x[i + 2]!) / d[i]!;
  }
}

/**
 * The algebraically largest eigenpair of a symmetric matrix (row-major) by restarted Lanczos with
 * full reorthogonalization, warm-started from `start` when given (e.g. the previous iterate of a
 * fixed-point loop). Falls back to the full decomposition if it does not converge.
 */
export function topEigenpair(a: Float64Array, n: number, options: { start?: Float64Array; tol?: number; steps?: number; restarts?: number } = {}): { value: number; vector: Float64Array } {
  const tol = options.tol ?? 1e-12;
  const m = Math.min(n, options.steps ?? 30);
  const matvec = (x: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += a[row + j]! * x[j]!;
      out[i] = s;
    }
  };
  let q0 = options.start ? Float64Array.from(options.start) : Float64Array.from({ length: n }, (_, i) => 1 + ((i * 7919) % 13) / 13);
  let norm = Math.hypot(...q0);
  for (let i = 0; i < n; i++) q0[i]! /= norm;
  const w = new Float64Array(n);
  for (let restart = 0; restart < (options.restarts ?? 20); restart++) {
    const basis: Float64Array[] = [q0];
    const alpha: number[] = [];
    const beta: number[] = [];
    for (let j = 0; j < m; j++) {
      matvec(basis[j]!, w);
      let aj = 0;
      for (let i = 0; i < n; i++) aj += w[i]! * basis[j]![i]!;
      alpha.push(aj);
      // Full reorthogonalization (twice is enough) keeps the basis orthonormal in floating point.
      for (let pass = 0; pass < 2; pass++) {
        for (const b of basis) {
          let c = 0;
          for (let i = 0; i < n; i++) c += w[i]! * b[i]!;
          for (let i = 0; i < n; i++) w[i]! -= c * b[i]!;
        }
      }
      const bj = Math.hypot(...w);
      if (j === m - 1 || bj < 1e-14) break;
      beta.push(bj);
      basis.push(Float64Array.from(w, (v) => v / bj));
    }
    const k = alpha.length;
    const t = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      t[i * k + i] = alpha[i]!;
      if (i + 1 < k) t[i * k + i + 1] = t[(i + 1) * k + i] = beta[i]!;
    }
    const small = eigenSymmetricFlat(t, k);
    const y = new Float64Array(n);
    for (let j = 0; j < k; j++) {
      const c = small.vectors![j * k]!;
      for (let i = 0; i < n; i++) y[i]! += c * basis[j]![i]!;
    }
    norm = Math.hypot(...y);
    for (let i = 0; i < n; i++) y[i]! /= norm;
    const value = small.values[0]!;
    matvec(y, w);
    let res = 0;
    for (let i = 0; i < n; i++) res += (w[i]! - value * y[i]!) ** 2;
    if (Math.sqrt(res) <= tol * Math.max(1, Math.abs(value))) return { value, vector: y };
    q0 = y;
  }
  const full = eigenSymmetricFlat(a, n);
  return { value: full.values[0]!, vector: Float64Array.from({ length: n }, (_, i) => full.vectors![i * n]!) };
}
