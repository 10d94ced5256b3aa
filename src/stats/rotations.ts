/**
 * Factor rotations, ported step for step from R so the converged solutions are R's:
 * `stats::varimax` (Kaiser-normalized), psych's `Promax` with `kaiser` normalization (what
 * `fa(rotate = "promax")` runs), and GPArotation's gradient-projection oblique algorithm
 * (`GPFoblq`) with the oblimin / quartimin and geomin criteria.
 */
import { Matrix, SingularValueDecomposition, solve as mlSolve, inverse } from 'ml-matrix';
import { StatsInputError } from './input-error.js';

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

type Criterion = (l: Matrix) => { f: number; gq: Matrix };

/** vgQ.oblimin with gamma = 0, identical to vgQ.quartimin: f = sum(L^2 * (L^2 (1 - I))) / 4. */
const obliminCriterion: Criterion = (l) => {
  const p = l.rows, k = l.columns;
  const gq = new Matrix(p, k);
  let f = 0;
  for (let i = 0; i < p; i++) {
    let tot = 0;
    for (let j = 0; j < k; j++) tot += l.get(i, j) ** 2;
    for (let j = 0; j < k; j++) {
      const v = l.get(i, j);
      const x = tot - v * v;
      gq.set(i, j, v * x);
      f += v * v * x;
    }
  }
  return { f: f / 4, gq };
};

/** vgQ.geomin(L, delta = 0.01). */
function geominCriterion(delta = 0.01): Criterion {
  return (l) => {
    const p = l.rows, k = l.columns;
    const gq = new Matrix(p, k);
    let f = 0;
    for (let i = 0; i < p; i++) {
      let logSum = 0;
      for (let j = 0; j < k; j++) logSum += Math.log(l.get(i, j) ** 2 + delta);
      const pro = Math.exp(logSum / k);
      f += pro;
      for (let j = 0; j < k; j++) gq.set(i, j, (2 / k) * (l.get(i, j) / (l.get(i, j) ** 2 + delta)) * pro);
    }
    return { f, gq };
  };
}

/** GPArotation::GPFoblq(A, Tmat = I, normalize = FALSE, eps = 1e-5, maxit = 1000). */
export function gpfOblique(a0: Mat, criterion: Criterion, options: { eps?: number; maxit?: number } = {}): RotationResult {
  const eps = options.eps ?? 1e-5;
  const maxit = options.maxit ?? 1000;
  const a = m(a0);
  const k = a.columns;
  let tmat = Matrix.eye(k, k);
  let al = 1;
  let l = a.mmul(inverse(tmat).transpose());
  let vgq = criterion(l);
  let g = l.transpose().mmul(vgq.gq).mmul(inverse(tmat)).transpose().mul(-1);
  let f = vgq.f;
  let s = Infinity;
  for (let iter = 0; iter <= maxit; iter++) {
    // Gp = G - Tmat %*% diag(colSums(Tmat * G))
    const cs = new Array<number>(k).fill(0);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) cs[j]! += tmat.get(i, j) * g.get(i, j);
    const gp = g.clone();
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) gp.set(i, j, g.get(i, j) - tmat.get(i, j) * cs[j]!);
    let ss = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) ss += gp.get(i, j) ** 2;
    s = Math.sqrt(ss);
    if (s < eps) break;
    al *= 2;
    let tmatt = tmat;
    let vgqt = vgq;
    for (let i = 0; i <= 10; i++) {
      const x = tmat.clone().sub(gp.clone().mul(al));
      const v = new Array<number>(k).fill(0);
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) v[c]! += x.get(r, c) ** 2;
      tmatt = x.clone();
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) tmatt.set(r, c, x.get(r, c) / Math.sqrt(v[c]!));
      l = a.mmul(inverse(tmatt).transpose());
      vgqt = criterion(l);
      const improvement = f - vgqt.f;
      if (improvement > 0.5 * s * s * al) break;
      al /= 2;
    }
    tmat = tmatt;
    f = vgqt.f;
    vgq = vgqt;
    g = l.transpose().mmul(vgqt.gq).mmul(inverse(tmatt)).transpose().mul(-1);
  }
  const phi = tmat.transpose().mmul(tmat).to2DArray();
  return { loadings: l.to2DArray(), phi, converged: s < eps };
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
