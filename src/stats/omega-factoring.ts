/**
 * The factor extraction psych::omega runs before the Schmid–Leiman step, kept private to omega
 * until the shared factor-analysis module (efa.ts) is available: minres loadings (principal-axis
 * fixed point, uniquenesses >= 0.005), stats::varimax (Kaiser-normalized, eps 1e-5) and
 * GPArotation::oblimin (gamma 0, GPFoblq from the identity, eps 1e-5), each ported step for step so
 * the converged solutions are R's.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { eigenSymmetric, invertMatrix } from './correlation-linalg.js';
import { minresReducedEigenvalues } from './parallel.js';

type Mat = number[][];

const matmul = (a: Mat, b: Mat): Mat => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const transpose = (a: Mat): Mat => a[0]!.map((_, j) => a.map((row) => row[j]!));

/** psych's minres loadings (FAout.wls on the converged uniquenesses), columns signed to sum positive. */
export function minresLoadings(r: Mat, nfactors: number): Mat {
  const { communalities } = minresReducedEigenvalues(r, nfactors);
  const reduced = r.map((row, i) => row.map((v, j) => (i === j ? communalities[i]! : v)));
  const { values, vectors } = eigenSymmetric(reduced);
  const l = vectors.map((row) => Array.from({ length: nfactors }, (_, k) => row[k]! * Math.sqrt(Math.max(values[k]!, 0))));
  for (let k = 0; k < nfactors; k++) {
    if (l.reduce((s, row) => s + row[k]!, 0) < 0) for (const row of l) row[k] = -row[k]!;
  }
  return l;
}

/** stats::varimax(x, normalize = TRUE, eps = 1e-5). */
export function varimaxR(x0: Mat, eps = 1e-5): Mat {
  const nc = x0[0]!.length, p = x0.length;
  if (nc < 2) return x0.map((row) => [...row]);
  const sc = x0.map((row) => Math.sqrt(row.reduce((s, v) => s + v * v, 0)));
  const x = x0.map((row, i) => row.map((v) => v / sc[i]!));
  let tt: Mat = Array.from({ length: nc }, (_, i) => Array.from({ length: nc }, (_, j) => (i === j ? 1 : 0)));
  let d = 0;
  for (let it = 0; it < 1000; it++) {
    const z = matmul(x, tt);
    const colSq = Array.from({ length: nc }, (_, j) => z.reduce((s, row) => s + row[j]! ** 2, 0));
    const inner = z.map((row) => row.map((v, j) => v ** 3 - (v * colSq[j]!) / p));
    const b = matmul(transpose(x), inner);
    const svd = new SingularValueDecomposition(new Matrix(b));
    tt = svd.leftSingularVectors.mmul(svd.rightSingularVectors.transpose()).to2DArray();
    const dpast = d;
    d = svd.diagonal.reduce((a, v) => a + v, 0);
    if (d < dpast * (1 + eps)) break;
  }
  return matmul(x, tt).map((row, i) => row.map((v) => v * sc[i]!));
}

/** vgQ.oblimin with gamma = 0: criterion and its gradient. */
function oblimin0(l: Mat): { f: number; gq: Mat } {
  const x = l.map((row) => {
    const sq = row.map((v) => v * v);
    const tot = sq.reduce((a, b) => a + b, 0);
    return sq.map((v) => tot - v); // L^2 %*% (1 - I)
  });
  let f = 0;
  const gq = l.map((row, i) => row.map((v, j) => {
    f += v * v * x[i]![j]!;
    return v * x[i]![j]!;
  }));
  return { f: f / 4, gq };
}

/** GPArotation::oblimin(A) (GPFoblq, gamma 0, no normalization): pattern loadings and factor correlations. */
export function obliminGpa(a: Mat, eps = 1e-5, maxit = 1000): { loadings: Mat; phi: Mat } {
  const k = a[0]!.length;
  let tmat: Mat = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
  let al = 1;
  let l = matmul(a, transpose(invertMatrix(tmat)));
  let q = oblimin0(l);
  let g = transpose(matmul(matmul(transpose(l), q.gq), invertMatrix(tmat))).map((row) => row.map((v) => -v));
  let f = q.f;
  for (let iter = 0; iter <= maxit; iter++) {
    const colDot = Array.from({ length: k }, (_, j) => tmat.reduce((s, row, i) => s + row[j]! * g[i]![j]!, 0));
    const gp = g.map((row, i) => row.map((v, j) => v - tmat[i]![j]! * colDot[j]!));
    const s = Math.sqrt(gp.reduce((acc, row) => acc + row.reduce((t, v) => t + v * v, 0), 0));
    if (s < eps) break;
    al *= 2;
    let tmatt = tmat, qt = q;
    for (let i = 0; i <= 10; i++) {
      const x = tmat.map((row, r) => row.map((v, c) => v - al * gp[r]![c]!));
      const v = Array.from({ length: k }, (_, j) => 1 / Math.sqrt(x.reduce((acc, row) => acc + row[j]! ** 2, 0)));
      tmatt = x.map((row) => row.map((val, j) => val * v[j]!));
      l = matmul(a, transpose(invertMatrix(tmatt)));
      qt = oblimin0(l);
      if (f - qt.f > 0.5 * s * s * al) break;
      al /= 2;
    }
    tmat = tmatt;
    q = qt;
    f = qt.f;
    g = transpose(matmul(matmul(transpose(l), qt.gq), invertMatrix(tmatt))).map((row) => row.map((val) => -val));
  }
  return { loadings: l, phi: matmul(transpose(tmat), tmat) };
}
