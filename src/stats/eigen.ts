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

/** Householder reduction to tridiagonal form; v (row-major) becomes the transform when `vectors`. */
function tred2(n: number, v: Float64Array, d: Float64Array, e: Float64Array, vectors: boolean): void {
  for (let j = 0; j < n; j++) d[j] = v[(n - 1) * n + j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
        v[j * n + i] = 0;
      }
    } else {
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
        v[j * n + i] = f;
        g = e[j]! + v[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k * n + j]! * d[k]!;
          e[k]! += v[k * n + j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) v[k * n + j]! -= f * e[k]! + g * d[k]!;
        d[j] = v[(i - 1) * n + j]!;
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  if (vectors) {
    for (let i = 0; i < n - 1; i++) {
      v[(n - 1) * n + i] = v[i * n + i]!;
      v[i * n + i] = 1;
      const h = d[i + 1]!;
      if (h !== 0) {
        for (let k = 0; k <= i; k++) d[k] = v[k * n + i + 1]! / h;
        for (let j = 0; j <= i; j++) {
          let g = 0;
          for (let k = 0; k <= i; k++) g += v[k * n + i + 1]! * v[k * n + j]!;
          for (let k = 0; k <= i; k++) v[k * n + j]! -= g * d[k]!;
        }
      }
      for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
    }
    for (let j = 0; j < n; j++) {
      d[j] = v[(n - 1) * n + j]!;
      v[(n - 1) * n + j] = 0;
    }
    v[(n - 1) * n + n - 1] = 1;
  } else {
    for (let j = 0; j < n; j++) d[j] = v[j * n + j]!;
  }
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
          if (vectors) {
            // v holds the transform transposed here, so both rows are contiguous.
            const ri = i * n, ri1 = (i + 1) * n;
            for (let k = 0; k < n; k++) {
              const vk1 = v[ri1 + k]!;
              const vk = v[ri + k]!;
              v[ri1 + k] = s * vk + c * vk1;
              v[ri + k] = c * vk - s * vk1;
            }
          }
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

function transposeInPlace(m: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const t = m[i * n + j]!;
      m[i * n + j] = m[j * n + i]!;
      m[j * n + i] = t;
    }
  }
}

/**
 * Eigen-decomposition of a symmetric matrix given row-major (only read, never modified). Values
 * come back in decreasing order; with `vectors`, column k of the returned matrix belongs to values[k].
 */
export function eigenSymmetricFlat(a: Float64Array, n: number, options: { vectors?: boolean } = {}): FlatEigen {
  const wantVectors = options.vectors ?? true;
  const v = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 1) return { values: Float64Array.of(a[0]!), ...(wantVectors ? { vectors: Float64Array.of(1) } : {}) };
  tred2(n, v, d, e, wantVectors);
  if (wantVectors) transposeInPlace(v, n);
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
