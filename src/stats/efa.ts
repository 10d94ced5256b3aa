/**
 * Exploratory factor analysis equal to R psych's `fa` (minres, ml, pa) and `principal` (pc):
 * extraction, rotation (./rotations.ts), psych's sign and order conventions, communalities,
 * uniquenesses, variance accounted for, fit statistics (psych's fa.stats) and factor scores.
 *
 * Where psych optimizes with L-BFGS-B, we solve the same stationarity conditions to machine
 * precision instead (minres: communalities equal the diagonal of the rank-k approximation of the
 * reduced matrix; ML: the same for the scaled matrix), with SQUAREM acceleration and psych's
 * bounds on uniquenesses (0.005 to 1), which lands on the optimum R reports to well within 1e-4.
 */
import { Matrix, inverse, solve as mlSolve } from 'ml-matrix';
import { bartlett, kmo } from './adequacy.js';
import { corSmooth, pairwiseCounts, pearsonPairwise } from './correlation.js';
import { determinant, eigenSymmetric, eigenvaluesSymmetric, invertMatrix } from './correlation-linalg.js';
import { eigenSymmetricTop, TopEigenTracker } from './eigen.js';
import { StatsInputError } from './input-error.js';
import { luDecompose, luDeterminant, luIsSingular, luLogAbsDeterminant, luSolve, solveRows, toFlat, toRows, type FlatLu } from './lu.js';
import { brentRoot, chiSquareSurvival, nonCentralChiSquareCdf } from './probability.js';
import { OBLIQUE_ROTATIONS, rotate, type RotationName } from './rotations.js';

type Mat = number[][];

export type FactorMethod = 'minres' | 'ml' | 'pa' | 'pc';
export const FACTOR_METHODS: readonly FactorMethod[] = ['minres', 'ml', 'pa', 'pc'];

export interface FaOptions {
  nfactors: number;
  fm?: FactorMethod;
  rotate?: RotationName;
  /** Number of observations (for fit statistics); required with correlation-matrix input for chi-square. */
  nObs?: number;
  /** Principal axis: convergence on the change in total communality, and an iteration cap (psych: 0.001, 50). */
  minErr?: number;
  maxIter?: number;
  /** Pairwise observation counts (raw data with missing values): RMSR is then count-weighted, as in psych. */
  npObs?: number[][];
}

export interface VarianceExplained {
  ss_loadings: number[];
  proportion_var: number[];
  cumulative_var: number[];
  proportion_explained: number[];
  cumulative_proportion: number[];
}

export interface FaFit {
  /** Root mean square of the off-diagonal residuals (psych's rms). */
  rmsr: number;
  /** psych's fit.off: 1 - sum of squared off-diagonal residuals / sum of squared off-diagonal correlations. */
  fit_off: number;
  dof: number;
  /** The ML objective (psych's objective), whatever the extraction method. */
  objective: number;
  /** Likelihood chi-square (psych's STATISTIC) and its p value; null without n.obs. */
  chisq: number | null;
  p: number | null;
  tli: number | null;
  rmsea: { estimate: number; lower: number | null; upper: number | null; confidence: number } | null;
  bic: number | null;
}

export interface FaResult {
  method: FactorMethod;
  rotation: RotationName;
  nfactors: number;
  /** items x factors, psych's sign and order conventions. */
  loadings: Mat;
  /** Structure matrix (loadings %*% Phi) for oblique rotations, else the loadings. */
  structure: Mat;
  /** Factor correlations; null when orthogonal. */
  phi: Mat | null;
  communalities: number[];
  uniquenesses: number[];
  variance_explained: VarianceExplained;
  /** Eigenvalues of the correlation matrix, and of the reduced (common-factor) matrix. */
  e_values: number[];
  values: number[];
  fit: FaFit;
  /** Regression (Thurstone) factor-score weights: items x factors. */
  score_weights: Mat;
  iterations: number;
  converged: boolean;
  warnings: string[];
}

const LOWER = 0.005;

function checkSquare(r: Mat, what: string): void {
  const p = r.length;
  if (p < 2) throw new StatsInputError(`${what}: need at least 2 variables`);
  r.forEach((row, i) => {
    if (row.length !== p) throw new StatsInputError(`${what}: not square (row ${i + 1} has ${row.length} entries, expected ${p})`);
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new StatsInputError(`${what}: entry [${i + 1}, ${j + 1}] is not a finite number`);
      if (Math.abs(v - r[j]![i]!) > 1e-8 * Math.max(1, Math.abs(v))) throw new StatsInputError(`${what}: not symmetric at [${i + 1}, ${j + 1}]`);
    });
  });
}

/**
 * psych::smc: 1 - 1/diag(R^-1), through a pseudo-inverse when R is singular. `lu` is R's LU when
 * the caller has it (fa factors R once for this, the score weights and the fit statistics).
 */
function smc(r: Mat, lu?: FlatLu): number[] {
  let inv: Mat;
  try {
    const p = r.length;
    inv = lu ? (luIsSingular(lu) ? invertMatrix(r) : toRows(luSolve(lu, null, p), p, p)) : invertMatrix(r);
  } catch {
    const { values, vectors } = eigenSymmetric(r);
    const p = r.length;
    inv = Array.from({ length: p }, (_, i) =>
      Array.from({ length: p }, (_, j) => {
        let s = 0;
        for (let k = 0; k < p; k++) if (values[k]! > 1e-12 * values[0]!) s += (vectors[i]![k]! * vectors[j]![k]!) / values[k]!;
        return s;
      }),
    );
  }
  return inv.map((row, i) => Math.min(1, Math.max(0, 1 - 1 / row[i]!)));
}

/**
 * SQUAREM-accelerated fixed-point iteration (Varadhan & Roland 2008) on a vector kept inside
 * [lo, hi], for monotone maps whose fixed point is the optimum of the extraction criterion.
 */
function squarem(x0: number[], step: (x: number[]) => number[], lo: number, hi: number, tol = 1e-12, maxIter = 5000): { x: number[]; iterations: number; converged: boolean } {
  const clamp = (v: number): number => Math.min(hi, Math.max(lo, v));
  let x = x0.map(clamp);
  for (let it = 1; it <= maxIter; it++) {
    const f1 = step(x);
    const f2 = step(f1);
    const r = f1.map((v, i) => v - x[i]!);
    const v = f2.map((val, i) => val - 2 * f1[i]! + x[i]!);
    const nr = Math.hypot(...r);
    if (nr < tol) return { x: f1, iterations: it, converged: true };
    const nv = Math.hypot(...v);
    const alpha = nv > 0 ? Math.min(-1, -nr / nv) : -1;
    const jumped = x.map((val, i) => clamp(val - 2 * alpha * r[i]! + alpha * alpha * v[i]!));
    const next = step(jumped);
    const change = Math.max(...next.map((val, i) => Math.abs(val - x[i]!)));
    x = next;
    if (change < tol) return { x, iterations: it, converged: true };
  }
  return { x, iterations: maxIter, converged: false };
}

function withDiagonal(r: Mat, diag: readonly number[]): Mat {
  return r.map((row, i) => row.map((v, j) => (i === j ? diag[i]! : v)));
}

/**
 * Communalities of the rank-k approximation of a symmetric matrix (row-major p x p), as the
 * loadings leadingLoadings would give: sum over the k leading eigenpairs of
 * (vector * sqrt(max(value - shift, 0)))^2. The fixed-point steps of minres and ML need only these
 * p numbers, so they take the k leading eigenpairs (./eigen.ts eigenSymmetricTop), not all p.
 */
function rankKCommunalities(a: Float64Array, p: number, k: number, shift: number, tracker: TopEigenTracker | null): Float64Array {
  const { values, vectors } = tracker ? tracker.solve(a) : eigenSymmetricTop(a, p, k);
  const scale = Array.from({ length: k }, (_, j) => Math.sqrt(Math.max(values[j]! - shift, 0)));
  const h2 = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const l = vectors[i * k + j]! * scale[j]!;
      s += l * l;
    }
    h2[i] = s;
  }
  return h2;
}

/**
 * Successive fixed-point steps change the matrix a little: from about 40 variables on, most steps
 * reuse the previous eigenvectors (./eigen.ts TopEigenTracker, which proves each answer is the top
 * k or else decomposes afresh). Small problems decompose every time.
 */
function trackerFor(p: number, k: number): TopEigenTracker | null {
  return p >= 40 && k < p / 2 ? new TopEigenTracker(p, k) : null;
}

function flatten(r: Mat): Float64Array {
  const p = r.length;
  const flat = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) flat[i * p + j] = r[i]![j]!;
  return flat;
}

/** Loadings from the k leading eigenpairs: vectors * sqrt(max(value - shift, 0)). */
function leadingLoadingsTop(a: Float64Array, p: number, k: number, shift = 0, tracker: TopEigenTracker | null = null): Mat {
  const { values, vectors } = tracker ? tracker.solve(a) : eigenSymmetricTop(a, p, k);
  const scale = Array.from({ length: k }, (_, j) => Math.sqrt(Math.max(values[j]! - shift, 0)));
  return Array.from({ length: p }, (_, i) => Array.from({ length: k }, (_, j) => vectors[i * k + j]! * scale[j]!));
}

/** minres (= uls): uniquenesses psi with communalities equal to diag of the rank-k fit. */
function extractMinres(r: Mat, k: number, lu?: FlatLu): { loadings: Mat; psi: number[]; iterations: number; converged: boolean } {
  const p = r.length;
  const reduced = flatten(r);
  const tracker = trackerFor(p, k);
  const step = (psi: number[]): number[] => {
    for (let i = 0; i < p; i++) reduced[i * p + i] = r[i]![i]! - psi[i]!;
    const h2 = rankKCommunalities(reduced, p, k, 0, tracker);
    return Array.from({ length: p }, (_, i) => Math.min(1, Math.max(LOWER, r[i]![i]! - h2[i]!)));
  };
  const start = smc(r, lu).map((s, i) => r[i]![i]! - s);
  const res = squarem(start, step, LOWER, 1);
  // The k eigenvectors agree with the full decomposition's to rounding; their signs may not, but
  // fa sets every factor's sign afterwards (positive column sums, before and after rotation).
  for (let i = 0; i < p; i++) reduced[i * p + i] = r[i]![i]! - res.x[i]!;
  const loadings = leadingLoadingsTop(reduced, p, k, 0, tracker);
  return { loadings, psi: res.x, iterations: res.iterations, converged: res.converged };
}

/** ML: the same fixed point on the scaled matrix Psi^-1/2 S Psi^-1/2 (factanal's FAout). */
function mlLoadings(s: Mat, psi: readonly number[], k: number): Mat {
  const p = s.length;
  const sc = psi.map((u) => 1 / Math.sqrt(u));
  const scaled = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) scaled[i * p + j] = s[i]![j]! * sc[i]! * sc[j]!;
  const loadings = leadingLoadingsTop(scaled, p, k, 1);
  return loadings.map((row, i) => row.map((v) => v * Math.sqrt(psi[i]!)));
}

function extractMl(r: Mat, k: number, lu?: FlatLu): { loadings: Mat; psi: number[]; iterations: number; converged: boolean } {
  const p = r.length;
  const scaled = new Float64Array(p * p);
  const tracker = trackerFor(p, k);
  const step = (psi: number[]): number[] => {
    const sc = psi.map((u) => 1 / Math.sqrt(u));
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) scaled[i * p + j] = r[i]![j]! * sc[i]! * sc[j]!;
    // Loadings of the scaled matrix times sqrt(psi): their squares are h2 * psi.
    const h2 = rankKCommunalities(scaled, p, k, 1, tracker);
    return Array.from({ length: p }, (_, i) => Math.min(1, Math.max(LOWER, r[i]![i]! - h2[i]! * psi[i]!)));
  };
  const start = smc(r, lu).map((s, i) => r[i]![i]! - s);
  const res = squarem(start, step, LOWER, 1);
  return { loadings: mlLoadings(r, res.x, k), psi: res.x, iterations: res.iterations, converged: res.converged };
}

/** psych's iterated principal axis, step for step (SMC start; stop on |change in total communality| < minErr). */
function extractPa(r: Mat, k: number, minErr: number, maxIter: number, lu?: FlatLu): { loadings: Mat; communalities: number[]; values: number[]; iterations: number; converged: boolean; warnings: string[] } {
  const warnings: string[] = [];
  let h2 = smc(r, lu);
  let comm = h2.reduce((a, b) => a + b, 0);
  let err = comm;
  let i = 1;
  let loadings: Mat = [];
  let converged = true;
  // psych reports the eigenvalues of the last matrix it decomposed (the previous communalities).
  let lastValues: number[] = [];
  while (err > minErr) {
    const { values, vectors } = eigenSymmetric(withDiagonal(r, h2));
    lastValues = values;
    if (values.slice(0, k).some((v) => v < 0)) {
      warnings.push('principal axis: a leading eigenvalue became negative (imaginary loadings); stopped early');
      converged = false;
      break;
    }
    loadings = vectors.map((row) => Array.from({ length: k }, (_, j) => row[j]! * Math.sqrt(values[j]!)));
    h2 = loadings.map((row) => row.reduce((s, v) => s + v * v, 0));
    const comm1 = h2.reduce((a, b) => a + b, 0);
    err = Math.abs(comm - comm1);
    comm = comm1;
    i++;
    if (i > maxIter) {
      warnings.push(`principal axis: maximum iterations (${maxIter}) exceeded`);
      converged = false;
      break;
    }
  }
  return { loadings, communalities: h2, values: lastValues, iterations: i - 1, converged, warnings };
}

/** a b, summing over k in order from 0 as ml-matrix's mmul did (so results are unchanged). */
function mmul(a: Mat, b: Mat): Mat {
  const m = a.length, n = b.length, q = b[0]!.length;
  const bt = new Float64Array(n * q);
  for (let k = 0; k < n; k++) for (let j = 0; j < q; j++) bt[j * n + k] = b[k]![j]!;
  const out: Mat = new Array<number[]>(m);
  for (let i = 0; i < m; i++) {
    const row = a[i]!;
    const o = new Array<number>(q);
    for (let j = 0; j < q; j++) {
      let s = 0;
      const c = j * n;
      for (let k = 0; k < n; k++) s += row[k]! * bt[c + k]!;
      o[j] = s;
    }
    out[i] = o;
  }
  return out;
}
function transpose(a: Mat): Mat {
  return a[0]!.map((_, j) => a.map((row) => row[j]!));
}

/** psych's fa.stats: residual fit, the ML objective and chi-square, TLI, RMSEA with interval, BIC. */
export function faFitStatistics(r: Mat, loadings: Mat, phi: Mat | null, nObs: number | undefined, alpha = 0.1, npObs?: number[][]): FaFit {
  return fitStatistics(r, loadings, phi, nObs, alpha, npObs);
}

/**
 * What fa already knows about R when it asks for the fit statistics: R's LU, and that its
 * smallest eigenvalue is at least machine epsilon (so cor.smooth would return R unchanged).
 */
interface KnownR {
  lu: FlatLu;
  positiveDefinite: boolean;
}

/**
 * Whether cor.smooth would leave L Phi L' with R's diagonal unchanged, proved without its
 * eigenvalues: that matrix is L Phi L' + diag(u) with u = diag(R) - diag(L Phi L'), so by Weyl its
 * smallest eigenvalue is at least min(u) + min(0, lambda_min(Phi)) ||L||_F^2, less rounding
 * (bounded generously by 1e-9 (1 + ||L||_F^2)). Margins of 1e-9 against cor.smooth's threshold of
 * machine epsilon leave the decision exactly the eigenvalue test's. Heywood-free solutions pass.
 */
function modelIsPositiveDefinite(r: Mat, model: Mat, loadings: Mat, phi: Mat | null): boolean {
  let minU = Infinity;
  for (let i = 0; i < r.length; i++) minU = Math.min(minU, r[i]![i]! - model[i]![i]!);
  let frob2 = 0;
  for (const row of loadings) for (const v of row) frob2 += v * v;
  const phiMin = phi ? Math.min(...eigenvaluesSymmetric(phi)) : 1;
  return minU + Math.min(0, phiMin) * frob2 - 1e-9 * (1 + frob2) > 1e-9;
}

/**
 * psych's ML objective tr(M^-1 R) - log det(M^-1 R) - p for the model M = L Phi L' + U, U the
 * diagonal of uniquenesses (positive: the caller has proved M positive definite), in O(p^2 k)
 * rather than a p x p solve and two more LU factorizations: with G = U^-1 L and C = I + L'G Phi,
 * M^-1 = U^-1 - G Phi C^-1 G' (Woodbury, in the form that needs no inverse of Phi) and
 * det M = det U det C (Sylvester). The two routes agree to rounding (about 1e-14 relative).
 */
function lowRankObjective(r: Mat, l: Mat, phi: Mat | null, model: Mat, luR: FlatLu): number {
  const p = r.length, k = l[0]!.length;
  const u = r.map((row, i) => row[i]! - model[i]![i]!);
  const g = new Float64Array(p * k);
  for (let i = 0; i < p; i++) for (let j = 0; j < k; j++) g[i * k + j] = l[i]![j]! / u[i]!;
  const ph = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) ph[a * k + b] = phi ? phi[a]![b]! : a === b ? 1 : 0;
  // S = L'G, C = I + S Phi, T = G' R G.
  const sMat = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let sum = 0;
      for (let i = 0; i < p; i++) sum += l[i]![a]! * g[i * k + b]!;
      sMat[a * k + b] = sum;
    }
  }
  const c = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let sum = a === b ? 1 : 0;
      for (let t = 0; t < k; t++) sum += sMat[a * k + t]! * ph[t * k + b]!;
      c[a * k + b] = sum;
    }
  }
  const rg = new Float64Array(p * k);
  for (let i = 0; i < p; i++) {
    const row = r[i]!;
    for (let j = 0; j < p; j++) {
      const rij = row[j]!;
      for (let b = 0; b < k; b++) rg[i * k + b]! += rij * g[j * k + b]!;
    }
  }
  const t = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let sum = 0;
      for (let i = 0; i < p; i++) sum += g[i * k + a]! * rg[i * k + b]!;
      t[a * k + b] = sum;
    }
  }
  // tr(M^-1 R) = sum R_ii / u_i - tr(Phi C^-1 T).
  const luC = luDecompose(c, k);
  const x = luSolve(luC, t, k);
  let trace = 0;
  for (let i = 0; i < p; i++) trace += r[i]![i]! / u[i]!;
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) trace -= ph[a * k + b]! * x[b * k + a]!;
  let logDetM = luLogAbsDeterminant(luC);
  for (let i = 0; i < p; i++) logDetM += Math.log(u[i]!);
  return trace - (luLogAbsDeterminant(luR) - logDetM) - p;
}

function fitStatistics(r: Mat, loadings: Mat, phi: Mat | null, nObs: number | undefined, alpha: number, npObs: number[][] | undefined, known?: KnownR): FaFit {
  const n = r.length;
  const k = loadings[0]!.length;
  const model = phi ? mmul(mmul(loadings, phi), transpose(loadings)) : mmul(loadings, transpose(loadings));
  let r2 = 0, tr = 0, rstarOff = 0;
  for (let i = 0; i < n; i++) {
    tr += r[i]![i]! ** 2;
    for (let j = 0; j < n; j++) {
      r2 += r[i]![j]! ** 2;
      if (i !== j) rstarOff += (r[i]![j]! - model[i]![j]!) ** 2;
    }
  }
  const r2Off = r2 - tr;
  const dof = (n * (n - 1)) / 2 - n * k + (k * (k - 1)) / 2;
  let rmsr: number;
  let fitOff = 1 - rstarOff / r2Off;
  if (npObs) {
    // psych with pairwise counts: residuals weighted by count, scaled by the harmonic mean count.
    let weighted = 0, invSum = 0, r2OffWeighted = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        invSum += 1 / npObs[i]![j]!;
        if (i !== j) {
          weighted += (r[i]![j]! - model[i]![j]!) ** 2 * npObs[i]![j]!;
          r2OffWeighted += r[i]![j]! ** 2 * npObs[i]![j]!;
        }
      }
    }
    const nh = (n * n) / invSum;
    rmsr = Math.sqrt(weighted / (nh * n * (n - 1)));
    fitOff = 1 - weighted / r2OffWeighted;
  } else rmsr = Math.sqrt(rstarOff / (n * (n - 1)));
  const modelDiag = withDiagonal(model, r.map((row, i) => row[i]!));
  const smoothedModel = modelIsPositiveDefinite(r, model, loadings, phi) ? modelDiag : corSmooth(modelDiag).r;
  const modelKept = smoothedModel === modelDiag;
  const rKept = known?.positiveDefinite === true;
  const smoothedR = rKept ? r : corSmooth(r).r;
  let objective: number;
  if (modelKept && rKept) objective = lowRankObjective(r, loadings, phi, model, known.lu);
  else {
    try {
      const mInvR = solveRows(smoothedModel, smoothedR);
      const trace = mInvR.reduce((s, row, i) => s + row[i]!, 0);
      objective = trace - Math.log(determinant(mInvR)) - n;
    } catch {
      objective = NaN;
    }
  }
  if (!Number.isFinite(objective)) objective = r2 - 0; // psych falls back to the residual sum
  const fit: FaFit = { rmsr, fit_off: fitOff, dof, objective, chisq: null, p: null, tli: null, rmsea: null, bic: null };
  if (nObs === undefined || !Number.isFinite(nObs)) return fit;
  const nm = nObs - 1 - (2 * n + 5) / 6 - (2 * k) / 3;
  let chisq = objective * nm;
  if (chisq < 0) chisq = 0;
  fit.chisq = chisq;
  fit.p = dof > 0 ? chiSquareSurvival(chisq, dof) : null;
  const f0Raw = smoothedR.reduce((s, row, i) => s + row[i]!, 0) - Math.log(rKept ? luDeterminant(known.lu) : determinant(smoothedR)) - n;
  const f0 = Number.isFinite(f0Raw) ? f0Raw : r2;
  const mm = objective / dof;
  const m0 = (f0 * 2) / (n * (n - 1));
  fit.tli = (m0 - mm) / (m0 - 1 / nm);
  if (dof > 0) {
    const rmsea = Math.sqrt(Math.max(chisq / (dof * nObs) - 1 / (nObs - 1), 0));
    const tail = alpha / 2;
    const max = Math.max(nObs, chisq) + 2 * nObs;
    const cdfAt = (ncp: number): number => nonCentralChiSquareCdf(chisq, dof, ncp);
    let upper: number | null = 0;
    if (cdfAt(0) > tail) {
      try {
        upper = Math.sqrt(brentRoot((x) => cdfAt(x) - tail, 0, max) / (nObs - 1) / dof);
      } catch {
        upper = rmsea <= 0 ? 0 : null;
      }
    }
    let lower: number | null = 0;
    if (cdfAt(0) > 1 - tail) {
      try {
        lower = Math.sqrt(brentRoot((x) => cdfAt(x) - 1 + tail, 0, max) / (nObs - 1) / dof);
      } catch {
        lower = null;
      }
    }
    if (upper !== null && upper < rmsea) upper = null;
    if (lower !== null && lower > rmsea) lower = null;
    fit.rmsea = { estimate: rmsea, lower, upper, confidence: 1 - alpha };
    fit.bic = chisq - dof * Math.log(nObs);
  }
  return fit;
}

/**
 * Factor analysis of a correlation matrix (or covariance matrix, analysed as correlations as psych
 * does by default). Throws StatsInputError on degenerate input; non-positive-definite matrices are
 * smoothed (psych's cor.smooth) with a warning.
 */
export function fa(input: Mat, options: FaOptions): FaResult {
  const fm = options.fm ?? 'minres';
  const rotation = options.rotate ?? 'oblimin';
  const k = options.nfactors;
  checkSquare(input, 'fa');
  const p = input.length;
  if (!FACTOR_METHODS.includes(fm)) throw new StatsInputError(`fa: unknown factoring method "${String(fm)}" (use ${FACTOR_METHODS.join(', ')})`);
  if (!Number.isInteger(k) || k < 1) throw new StatsInputError(`fa: nfactors must be a positive integer, got ${k}`);
  if (k >= p && fm !== 'pc') throw new StatsInputError(`fa: ${k} factors from ${p} variables is more factors than the data allow (at most ${p - 1})`);
  if (k > p) throw new StatsInputError(`fa: ${k} components from ${p} variables`);
  const warnings: string[] = [];
  for (let i = 0; i < p; i++) if (!(input[i]![i]! > 0)) throw new StatsInputError(`fa: variable ${i + 1} has zero or negative variance`);
  const sd = input.map((row, i) => Math.sqrt(row[i]!));
  let r = input.map((row, i) => row.map((v, j) => v / (sd[i]! * sd[j]!)));
  // corSmooth's test, on eigenvalues we need anyway (e_values) when no smoothing is needed.
  let eValues = eigenvaluesSymmetric(r);
  if (!(Math.min(...eValues) >= Number.EPSILON)) {
    const smoothed = corSmooth(r);
    if (smoothed.smoothed) {
      warnings.push('the correlation matrix was not positive definite; it was smoothed as psych::cor.smooth does');
      r = smoothed.r;
      eValues = eigenvaluesSymmetric(r);
    }
  }
  // One LU of R serves the SMC start, the fit statistics and the score weights.
  const luR = luDecompose(flatten(r), p);
  const dof = (p * (p - 1)) / 2 - p * k + (k * (k - 1)) / 2;
  if (dof < 0 && fm !== 'pc') warnings.push(`${k} factors leave negative degrees of freedom (${dof}): the model is not identified`);

  let loadings: Mat;
  let iterations = 0;
  let converged = true;
  let values: number[] | undefined;
  if (fm === 'pc') {
    const { values: ev, vectors } = eigenSymmetric(r);
    loadings = vectors.map((row) => Array.from({ length: k }, (_, j) => row[j]! * Math.sqrt(Math.max(ev[j]!, 0))));
    values = ev;
  } else if (fm === 'pa') {
    const res = extractPa(r, k, options.minErr ?? 0.001, options.maxIter ?? 50, luR);
    loadings = res.loadings;
    values = res.values;
    iterations = res.iterations;
    converged = res.converged;
    warnings.push(...res.warnings);
  } else {
    const res = fm === 'ml' ? extractMl(r, k, luR) : extractMinres(r, k, luR);
    loadings = res.loadings;
    iterations = res.iterations;
    converged = res.converged;
    if (!res.converged) warnings.push(`${fm}: the extraction did not converge in ${res.iterations} iterations`);
    const atBound = res.psi.map((u, i) => (u <= LOWER + 1e-9 ? i + 1 : 0)).filter(Boolean);
    if (atBound.length > 0) warnings.push(`Heywood case: uniqueness at its lower bound for variable(s) ${atBound.join(', ')}`);
  }
  // psych: sign so that column sums are positive (before rotation).
  loadings = flipSigns(loadings);
  const model = mmul(loadings, transpose(loadings));
  const communalities = model.map((row, i) => row[i]!);
  values ??= eigenvaluesSymmetric(withDiagonal(r, communalities));
  if (fm !== 'pc' && communalities.some((h) => h > 1 + 1e-8)) warnings.push('ultra-Heywood case: a communality exceeds 1; examine the results carefully');

  // Tiny exact zeros break some rotations (psych sets them to 1e-15).
  loadings = loadings.map((row) => row.map((v) => (v === 0 ? 1e-15 : v)));
  const rot = rotate(loadings, k > 1 ? rotation : 'none');
  if (!rot.converged) warnings.push(`${rotation} rotation did not converge`);
  let rotated = rot.loadings;
  let phi = rot.phi;
  const signs = rotated[0]!.map((_, j) => (rotated.reduce((s, row) => s + row[j]!, 0) < 0 ? -1 : 1));
  rotated = rotated.map((row) => row.map((v, j) => v * signs[j]!));
  if (phi) phi = phi.map((row, i) => row.map((v, j) => v * signs[i]! * signs[j]!));
  if (k > 1) {
    const ev = phi ? diag(mmul(phi, mmul(transpose(rotated), rotated))) : diag(mmul(transpose(rotated), rotated));
    const order = ev.map((_, i) => i).sort((a, b) => ev[b]! - ev[a]! || a - b);
    rotated = rotated.map((row) => order.map((j) => row[j]!));
    if (phi) phi = order.map((i) => order.map((j) => phi![i]![j]!));
  }
  const uniquenesses = r.map((row, i) => row[i]! - communalities[i]!);
  const structure = phi ? mmul(rotated, phi) : rotated.map((row) => [...row]);
  const vx = phi ? diag(mmul(phi, mmul(transpose(rotated), rotated))) : rotated[0]!.map((_, j) => rotated.reduce((s, row) => s + row[j]! ** 2, 0));
  const vtotal = communalities.reduce((a, b) => a + b, 0) + uniquenesses.reduce((a, b) => a + b, 0);
  const sumVx = vx.reduce((a, b) => a + b, 0);
  const cumsum = (xs: number[]): number[] => xs.reduce<number[]>((acc, v) => [...acc, (acc.at(-1) ?? 0) + v], []);
  const varianceExplained: VarianceExplained = {
    ss_loadings: vx,
    proportion_var: vx.map((v) => v / vtotal),
    cumulative_var: cumsum(vx.map((v) => v / vtotal)),
    proportion_explained: vx.map((v) => v / sumVx),
    cumulative_proportion: cumsum(vx.map((v) => v / sumVx)),
  };
  const fit = fitStatistics(r, rotated, phi, options.nObs, 0.1, options.npObs, { lu: luR, positiveDefinite: Math.min(...eValues) >= Number.EPSILON });
  // Regression (Thurstone) weights: solve(R, structure).
  let scoreWeights: Mat;
  try {
    if (luIsSingular(luR)) throw new StatsInputError('singular');
    scoreWeights = toRows(luSolve(luR, toFlat(structure, k), k), p, k);
  } catch {
    scoreWeights = inverse(new Matrix(r), true).mmul(new Matrix(structure)).to2DArray();
  }
  return {
    method: fm,
    rotation: k > 1 ? rotation : 'none',
    nfactors: k,
    loadings: rotated,
    structure,
    phi: phi && OBLIQUE_ROTATIONS.has(rotation) ? phi : null,
    communalities,
    uniquenesses,
    variance_explained: varianceExplained,
    e_values: eValues,
    values,
    fit,
    score_weights: scoreWeights,
    iterations,
    converged,
    warnings,
  };
}

function diag(a: Mat): number[] {
  return a.map((row, i) => row[i]!);
}

function flipSigns(l: Mat): Mat {
  const signs = l[0]!.map((_, j) => (l.reduce((s, row) => s + row[j]!, 0) < 0 ? -1 : 1));
  return l.map((row) => row.map((v, j) => v * signs[j]!));
}

/** Factor analysis of raw data (rows = respondents, null = missing) on pairwise Pearson correlations. */
export function faData(data: (number | null)[][], options: Omit<FaOptions, 'nObs'> & { nObs?: number }): FaResult & { r: Mat; kmo: ReturnType<typeof kmo>; bartlett: ReturnType<typeof bartlett> } {
  const r = pearsonPairwise(data);
  const n = options.nObs ?? data.length;
  // pearsonPairwise has rejected non-finite cells, so observed means non-null here.
  const npObs = pairwiseCounts(data);
  const complete = npObs.every((row) => row.every((c) => c === data.length));
  const result = fa(r, { ...options, nObs: n, ...(complete ? {} : { npObs }) });
  return { ...result, r, kmo: kmo(r), bartlett: bartlett(r, n) };
}

export type FactorScoreMethod = 'regression' | 'bartlett';

/**
 * Factor scores for raw data like psych::factor.scores: scale(x) %*% weights, with regression
 * (Thurstone) weights solve(R, L Phi) or Bartlett weights U^-2 L (L' U^-2 L)^-1, where U^2 = 1 - h2.
 * Standardization uses each item's available values; with `impute: 'none'` (psych's default) a
 * respondent with a missing item gets null scores, with 'median' or 'mean' missing cells are filled.
 */
export function factorScores(
  data: (number | null)[][],
  result: Pick<FaResult, 'loadings' | 'phi'>,
  r: Mat,
  method: FactorScoreMethod = 'regression',
  impute: 'none' | 'median' | 'mean' = 'none',
): (number[] | null)[] {
  const p = r.length;
  const cols = Array.from({ length: p }, (_, j) => data.map((row) => row[j]).filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v)));
  const mean = cols.map((c) => c.reduce((a, b) => a + b, 0) / c.length);
  const sdv = cols.map((c, j) => Math.sqrt(c.reduce((s, v) => s + (v - mean[j]!) ** 2, 0) / (c.length - 1)));
  const fillWith = cols.map((c, j) => {
    if (impute === 'mean') return mean[j]!;
    const s = [...c].sort((a, b) => a - b);
    const h = Math.floor((s.length - 1) / 2);
    return s.length % 2 ? s[h]! : (s[h]! + s[h + 1]!) / 2;
  });
  const l = new Matrix(result.loadings);
  const phi = result.phi ? new Matrix(result.phi) : Matrix.eye(l.columns, l.columns);
  let w: Matrix;
  if (method === 'regression') {
    w = mlSolve(new Matrix(r), l.mmul(phi));
  } else {
    const h2 = l.mmul(phi).mmul(l.transpose()).diagonal();
    const uInv2 = Matrix.diag(h2.map((h) => 1 / (1 - h)));
    w = uInv2.mmul(l).mmul(inverse(l.transpose().mmul(uInv2).mmul(l)));
  }
  const weights = w.to2DArray();
  return data.map((row) => {
    const z: number[] = [];
    for (let j = 0; j < p; j++) {
      let v = row[j];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        if (impute === 'none') return null;
        v = fillWith[j]!;
      }
      z.push((v - mean[j]!) / sdv[j]!);
    }
    return weights[0]!.map((_, k) => z.reduce((s, zj, j) => s + zj * weights[j]![k]!, 0));
  });
}
