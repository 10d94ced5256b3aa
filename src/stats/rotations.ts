/**
 * Factor rotations, ported step for step from R so the converged solutions are R's:
 * `stats::varimax` (Kaiser-normalized), psych's `Promax` with `kaiser` normalization (what
 * `fa(rotate = "promax")` runs), and GPArotation's gradient-projection oblique algorithm
 * (`GPFoblq`) with the oblimin / quartimin and geomin criteria.
 */
import { Matrix, SingularValueDecomposition, solve as mlSolve, inverse } from 'ml-matrix';
import { StatsInputError } from './input-error.js';
import { luDecompose, luSolve } from './lu.js';

type Mat = number[][];

export type RotationName = 'none' | 'varimax' | 'promax' | 'oblimin' | 'quartimin' | 'geomin';
export const ROTATIONS: readonly RotationName[] = ['none', 'varimax', 'promax', 'oblimin', 'quartimin', 'geomin'];
export const OBLIQUE_ROTATIONS: ReadonlySet<RotationName> = new Set(['promax', 'oblimin', 'quartimin', 'geomin']);

export interface RotationResult {
  loadings: Mat;
  /** Factor correlations; null for orthogonal rotations. */
  phi: Mat | null;
  /** Whether an iterative rotation converged. */
  converged: boolean;
}

const m = (a: Mat): Matrix => new Matrix(a);

/** stats::varimax(x, normalize = TRUE, eps = 1e-5): loadings and the rotation matrix. */
export function varimax(x0: Mat, options: { normalize?: boolean; eps?: number } = {}): { loadings: Mat; rotmat: Mat; converged: boolean } {
  const normalize = options.normalize ?? true;
  const eps = options.eps ?? 1e-5;
  const nc = x0[0]!.length;
  const p = x0.length;
  if (nc < 2) return { loadings: x0.map((r) => [...r]), rotmat: [[1]], converged: true };
  const sc = normalize ? x0.map((row) => Math.sqrt(row.reduce((s, v) => s + v * v, 0))) : x0.map(() => 1);
  const x = m(x0.map((row, i) => row.map((v) => v / sc[i]!)));
  let tt = Matrix.eye(nc, nc);
  let d = 0;
  let converged = false;
  for (let it = 0; it < 1000; it++) {
    const z = x.mmul(tt);
    const colSq = new Array<number>(nc).fill(0);
    for (let i = 0; i < p; i++) for (let j = 0; j < nc; j++) colSq[j]! += z.get(i, j) ** 2;
    const inner = new Matrix(p, nc);
    for (let i = 0; i < p; i++) for (let j = 0; j < nc; j++) inner.set(i, j, z.get(i, j) ** 3 - (z.get(i, j) * colSq[j]!) / p);
    const b = x.transpose().mmul(inner);
    const svd = new SingularValueDecomposition(b);
    tt = svd.leftSingularVectors.mmul(svd.rightSingularVectors.transpose());
    const dpast = d;
    d = svd.diagonal.reduce((a, v) => a + v, 0);
    if (d < dpast * (1 + eps)) {
      converged = true;
      break;
    }
  }
  const z = x.mmul(tt).to2DArray().map((row, i) => row.map((v) => v * sc[i]!));
  return { loadings: z, rotmat: tt.to2DArray(), converged };
}

/** psych::Promax(x, m = 4) on Kaiser-normalized loadings (psych's kaiser(rotate = "Promax")). */
export function promax(f: Mat, power = 4): RotationResult {
  const nc = f[0]!.length;
  if (nc < 2) return { loadings: f.map((r) => [...r]), phi: null, converged: true };
  const h2 = f.map((row) => row.reduce((s, v) => s + v * v, 0));
  const weighted = f.map((row, i) => row.map((v) => v / Math.sqrt(h2[i]!)));
  const vm = varimax(weighted);
  const x = m(vm.loadings);
  const q = m(vm.loadings.map((row) => row.map((v) => v * Math.abs(v) ** (power - 1))));
  // lm.fit(x, Q)$coefficients: least squares, column by column.
  let u = mlSolve(x, q, true);
  const utu = u.transpose().mmul(u);
  let dInv: number[];
  try {
    dInv = inverse(utu).diagonal();
  } catch {
    throw new StatsInputError('promax: the factors are exactly uncorrelated and the target is singular');
  }
  u = u.mmul(Matrix.diag(dInv.map(Math.sqrt)));
  const z = x.mmul(u);
  const uFull = m(vm.rotmat).mmul(u);
  const ui = inverse(uFull);
  const phi = ui.mmul(ui.transpose()).to2DArray();
  const loadings = z.to2DArray().map((row, i) => row.map((v) => v * Math.sqrt(h2[i]!)));
  return { loadings, phi, converged: vm.converged };
}

/**
 * A rotation criterion on loadings L (row-major p x k): returns f(L) and writes dQ/dL into `gq`.
 * Flat arrays because GPFoblq evaluates it in every step-halving try: through ml-matrix the
 * allocations and get/set calls cost more than the arithmetic.
 */
export type Criterion = (l: Float64Array, p: number, k: number, gq: Float64Array) => number;

/** vgQ.oblimin with gamma = 0, identical to vgQ.quartimin: f = sum(L^2 * (L^2 (1 - I))) / 4. */
const obliminCriterion: Criterion = (l, p, k, gq) => {
  let f = 0;
  for (let i = 0; i < p; i++) {
    const row = i * k;
    let tot = 0;
    for (let j = 0; j < k; j++) tot += l[row + j]! ** 2;
    for (let j = 0; j < k; j++) {
      const v = l[row + j]!;
      const x = tot - v * v;
      gq[row + j] = v * x;
      f += v * v * x;
    }
  }
  return f / 4;
};

/** vgQ.geomin(L, delta = 0.01). */
function geominCriterion(delta = 0.01): Criterion {
  return (l, p, k, gq) => {
    let f = 0;
    for (let i = 0; i < p; i++) {
      const row = i * k;
      let logSum = 0;
      for (let j = 0; j < k; j++) logSum += Math.log(l[row + j]! ** 2 + delta);
      const pro = Math.exp(logSum / k);
      f += pro;
      for (let j = 0; j < k; j++) gq[row + j] = (2 / k) * (l[row + j]! / (l[row + j]! ** 2 + delta)) * pro;
    }
    return f;
  };
}

/** out = a b (a: m x n, b: n x q, row-major), each sum over n in order from 0 (as ml-matrix's mmul). */
function matmul(a: Float64Array, b: Float64Array, m: number, n: number, q: number, out: Float64Array): Float64Array {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < q; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += a[i * n + t]! * b[t * q + j]!;
      out[i * q + j] = s;
    }
  }
  return out;
}

/** out = inverse(t)' for a k x k t (the inverse bit-identical to ml-matrix's; see ./lu.ts). */
function inverseTransposed(t: Float64Array, k: number, out: Float64Array): Float64Array {
  const inv = luSolve(luDecompose(t, k), null, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[j * k + i] = inv[i * k + j]!;
  return out;
}

/**
 * GPArotation::GPFoblq(A, Tmat = I, normalize = FALSE, eps = 1e-5, maxit = 1000), step for step
 * and operation for operation as the ml-matrix version it replaces (the same sums in the same
 * order), on flat arrays allocated once.
 */
export function gpfOblique(a0: Mat, criterion: Criterion, options: { eps?: number; maxit?: number } = {}): RotationResult {
  const eps = options.eps ?? 1e-5;
  const maxit = options.maxit ?? 1000;
  const p = a0.length;
  const k = a0[0]!.length;
  const a = new Float64Array(p * k);
  for (let i = 0; i < p; i++) for (let j = 0; j < k; j++) a[i * k + j] = a0[i]![j]!;
  let tmat = new Float64Array(k * k);
  for (let i = 0; i < k; i++) tmat[i * k + i] = 1;
  let tmatt = new Float64Array(k * k);
  const invT = new Float64Array(k * k);
  const l = new Float64Array(p * k);
  let gq = new Float64Array(p * k);
  let gqt = new Float64Array(p * k);
  const ltgq = new Float64Array(k * k);
  const prod = new Float64Array(k * k);
  const g = new Float64Array(k * k);
  const gp = new Float64Array(k * k);
  const x = new Float64Array(k * k);
  const cs = new Float64Array(k);
  const v = new Float64Array(k);
  // G = -t(t(L) %*% Gq %*% solve(Tmat)), with t(L) %*% Gq summed over rows in order.
  const gradient = (gqm: Float64Array, t: Float64Array): void => {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let r = 0; r < p; r++) s += l[r * k + i]! * gqm[r * k + j]!;
        ltgq[i * k + j] = s;
      }
    }
    const inv = luSolve(luDecompose(t, k), null, k);
    matmul(ltgq, inv, k, k, k, prod);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) g[j * k + i] = -prod[i * k + j]!;
  };
  let al = 1;
  matmul(a, inverseTransposed(tmat, k, invT), p, k, k, l);
  let f = criterion(l, p, k, gq);
  gradient(gq, tmat);
  let s = Infinity;
  for (let iter = 0; iter <= maxit; iter++) {
    // Gp = G - Tmat %*% diag(colSums(Tmat * G))
    cs.fill(0);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) cs[j]! += tmat[i * k + j]! * g[i * k + j]!;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) gp[i * k + j] = g[i * k + j]! - tmat[i * k + j]! * cs[j]!;
    let ss = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) ss += gp[i * k + j]! ** 2;
    s = Math.sqrt(ss);
    if (s < eps) break;
    al *= 2;
    let ft = f;
    for (let i = 0; i <= 10; i++) {
      for (let e = 0; e < k * k; e++) x[e] = tmat[e]! - gp[e]! * al;
      v.fill(0);
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) v[c]! += x[r * k + c]! ** 2;
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) tmatt[r * k + c] = x[r * k + c]! / Math.sqrt(v[c]!);
      matmul(a, inverseTransposed(tmatt, k, invT), p, k, k, l);
      ft = criterion(l, p, k, gqt);
      const improvement = f - ft;
      if (improvement > 0.5 * s * s * al) break;
      al /= 2;
    }
    [tmat, tmatt] = [tmatt, tmat];
    [gq, gqt] = [gqt, gq];
    f = ft;
    gradient(gq, tmat);
  }
  // Phi = t(Tmat) %*% Tmat
  const phi: Mat = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => {
      let sum = 0;
      for (let r = 0; r < k; r++) sum += tmat[r * k + i]! * tmat[r * k + j]!;
      return sum;
    }),
  );
  const loadings: Mat = Array.from({ length: p }, (_, i) => Array.from(l.subarray(i * k, (i + 1) * k)));
  return { loadings, phi, converged: s < eps };
}

/** Rotate unrotated loadings as psych::fa does for the named rotation. */
export function rotate(loadings: Mat, rotation: RotationName): RotationResult {
  const k = loadings[0]?.length ?? 0;
  if (rotation === 'none' || k < 2) return { loadings: loadings.map((r) => [...r]), phi: null, converged: true };
  switch (rotation) {
    case 'varimax': {
      const v = varimax(loadings);
      return { loadings: v.loadings, phi: null, converged: v.converged };
    }
    case 'promax':
      return promax(loadings);
    case 'oblimin':
    case 'quartimin':
      return gpfOblique(loadings, obliminCriterion);
    case 'geomin':
      return gpfOblique(loadings, geominCriterion(0.01));
  }
}
