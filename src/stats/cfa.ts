/**
 * Confirmatory factor analysis by maximum likelihood, reproducing R lavaan's
 * `cfa(model, sample.cov = S, sample.nobs = N, std.lv = TRUE)` (or the marker-variable default)
 * for measurement models: factors measured by listed items (an item may load on several
 * factors), correlated or orthogonal factors, diagonal residual covariance.
 *
 * Conventions copied from lavaan (likelihood = "normal"):
 *  - a supplied covariance/correlation matrix is taken to use the N - 1 divisor and is rescaled
 *    by (N - 1) / N; raw data use the N divisor directly;
 *  - F_ML = log|Σ| + tr(S Σ⁻¹) − log|S| − p and chisq = N · F_ML (lavaan's fmin is F_ML / 2);
 *  - RMSEA uses N, its 90% interval inverts the noncentral chi-square exactly as lav_fit_rmsea_ci;
 *  - SRMR is Bentler's (residual correlations, diagonal included in the count);
 *  - standard errors come from the expected information (N/2)·tr(Σ⁻¹ ∂Σ Σ⁻¹ ∂Σ).
 * Fitting is Fisher scoring with step halving, from eigenvector starts; the sign of every factor
 * is fixed so that its first listed item loads positively (lavaan's marker convention).
 */
import { CholeskyDecomposition, Matrix, inverse, solve } from 'ml-matrix';
import { StatsInputError } from './input-error.js';
import { brentRoot, chiSquareSurvival, nonCentralChiSquare } from './probability.js';

export interface CfaFactor {
  name: string;
  /** Column indices (0-based) of the items measuring this factor. The first is the marker. */
  items: number[];
}

export interface CfaModel {
  factors: CfaFactor[];
  /** Factor covariances fixed to zero (lavaan `orthogonal = TRUE`). */
  orthogonal?: boolean;
  /** 'std.lv' fixes factor variances to 1 (default); 'marker' fixes each first loading to 1. */
  identification?: 'std.lv' | 'marker';
  /** Item names (one per column) used in parameter labels and warnings; defaults to x1..xp. */
  itemNames?: readonly string[];
}

export interface CfaOptions {
  /** Divisor used by a supplied covariance matrix; 'n-1' (R's cov/cor, default) is rescaled to N. */
  covarianceDivisor?: 'n-1' | 'n';
  maxIterations?: number;
  /** Convergence: largest absolute gradient element of F_ML. */
  gradientTolerance?: number;
  /** Confidence level of the RMSEA interval (lavaan: 0.90). */
  rmseaLevel?: number;
  /** Null-hypothesis RMSEA of the close-fit test (lavaan: 0.05). */
  rmseaH0?: number;
}

export interface CfaFit {
  chisq: number;
  df: number;
  /** Upper-tail chi-square p-value; null when df = 0 (undefined). */
  pValue: number | null;
  baselineChisq: number;
  baselineDf: number;
  baselinePValue: number;
  cfi: number;
  tli: number;
  rmsea: number;
  rmseaLower: number;
  rmseaUpper: number;
  /** Close-fit test p-value for H0: RMSEA <= rmseaH0 (lavaan's rmsea.pvalue); null when df = 0. */
  rmseaPClose: number | null;
  srmr: number;
  logLik: number;
  unrestrictedLogLik: number;
  aic: number;
  bic: number;
  npar: number;
  /** Minimised F_ML (lavaan reports half of this as fmin). */
  fml: number;
}

export type CfaParameterKind = 'loading' | 'factor-covariance' | 'residual-variance';

export interface CfaParameter {
  kind: CfaParameterKind;
  /** Item index for loadings and residual variances. */
  item?: number;
  /** Factor index for loadings; first factor of a factor (co)variance. */
  factor?: number;
  /** Second factor of a factor (co)variance. */
  factor2?: number;
  estimate: number;
  /** Standard error from the expected information; undefined when the parameter was fixed. */
  se?: number;
  free: boolean;
  /** lavaan std.all. */
  standardized: number;
  /** lavaan-style label: `visual=~x1`, `visual~~textual`, `x1~~x1`. */
  label: string;
}

export interface CfaResult {
  /** Items × factors, unstandardised (zeros where an item does not load). */
  loadings: number[][];
  factorCovariance: number[][];
  residualVariances: number[];
  /** lavaan std.all loadings. */
  standardizedLoadings: number[][];
  factorCorrelation: number[][];
  standardizedResidualVariances: number[];
  impliedCovariance: number[][];
  /** The covariance matrix actually fitted (N divisor). */
  sampleCovariance: number[][];
  parameters: CfaParameter[];
  fit: CfaFit;
  nObs: number;
  iterations: number;
  /** Heywood cases and similar; the fit is still returned. */
  warnings: string[];
}

export class CfaConvergenceError extends Error {
  override readonly name = 'CfaConvergenceError';
}

interface FreeParameter {
  kind: CfaParameterKind;
  i: number; // item (loading, residual) or factor f
  j: number; // factor (loading) or factor g (covariance); unused for residuals
}

type Mat = number[][];

function zeros(r: number, c: number): Mat {
  return Array.from({ length: r }, () => new Array<number>(c).fill(0));
}

/** A CFA model's factors against p data columns (shared by the ML and the WLSMV estimators). */
export function validateCfaModel(model: CfaModel, p: number): void {
  if (model.factors.length === 0) throw new StatsInputError('CFA model needs at least one factor');
  if (model.itemNames && model.itemNames.length !== p) throw new StatsInputError(`itemNames has ${model.itemNames.length} names for ${p} items`);
  for (const f of model.factors) {
    if (f.items.length === 0) throw new StatsInputError(`factor ${f.name} has no items`);
    const seen = new Set<number>();
    for (const it of f.items) {
      if (!Number.isInteger(it) || it < 0 || it >= p) throw new StatsInputError(`factor ${f.name}: item index ${it} outside 0..${p - 1}`);
      if (seen.has(it)) throw new StatsInputError(`factor ${f.name}: item ${it} listed twice`);
      seen.add(it);
    }
  }
  const used = new Set(model.factors.flatMap((f) => f.items));
  if (used.size !== p) throw new StatsInputError(`every item must load on a factor: ${p - used.size} of ${p} items are unused (pass only the modelled columns)`);
}

function checkSquareSymmetric(S: Mat): number {
  const p = S.length;
  if (p === 0) throw new StatsInputError('covariance matrix is empty');
  for (let i = 0; i < p; i++) {
    const row = S[i]!;
    if (row.length !== p) throw new StatsInputError('covariance matrix is not square');
    for (let j = 0; j < p; j++) {
      if (!Number.isFinite(row[j])) throw new StatsInputError(`covariance[${i}][${j}] is not finite`);
      if (Math.abs(row[j]! - S[j]![i]!) > 1e-8 * (1 + Math.abs(row[j]!))) throw new StatsInputError('covariance matrix is not symmetric');
    }
    if (!(row[i]! > 0)) throw new StatsInputError(`variance of item ${i} is not positive`);
  }
  return p;
}

/** log-determinant and inverse via Cholesky; undefined when not positive definite. */
function cholInfo(A: Mat): { logDet: number; inv: Mat } | undefined {
  const ch = new CholeskyDecomposition(new Matrix(A));
  if (!ch.isPositiveDefinite()) return undefined;
  const L = ch.lowerTriangularMatrix;
  let logDet = 0;
  for (let i = 0; i < A.length; i++) logDet += 2 * Math.log(L.get(i, i));
  const inv = ch.solve(Matrix.eye(A.length)).to2DArray();
  return { logDet, inv };
}

function leadingEigen(A: Mat): { value: number; vector: number[] } {
  const n = A.length;
  let v = new Array<number>(n).fill(1 / Math.sqrt(n));
  let value = 0;
  for (let it = 0; it < 500; it++) {
    const w = A.map((row) => row.reduce((s, a, k) => s + a * v[k]!, 0));
    const norm = Math.hypot(...w);
    if (norm === 0) break;
    const next = w.map((x) => x / norm);
    const diff = next.reduce((s, x, k) => s + Math.abs(x - v[k]!), 0);
    v = next;
    value = norm;
    if (diff < 1e-12) break;
  }
  return { value, vector: v };
}

/** Fit a CFA to a covariance (or correlation) matrix with `nObs` observations. */
export function cfa(covariance: number[][], nObs: number, model: CfaModel, options: CfaOptions = {}): CfaResult {
  const p = checkSquareSymmetric(covariance);
  if (!(Number.isInteger(nObs) && nObs > 1)) throw new StatsInputError(`nObs must be an integer > 1, got ${nObs}`);
  const scale = (options.covarianceDivisor ?? 'n-1') === 'n-1' ? (nObs - 1) / nObs : 1;
  const S = covariance.map((row) => row.map((x) => x * scale));
  return fitCfa(S, nObs, model, options);
}

/** Fit a CFA to raw data (rows = observations, columns = items); rows with a missing value are dropped (lavaan's listwise default). */
export function cfaFromData(data: number[][], model: CfaModel, options: Omit<CfaOptions, 'covarianceDivisor'> = {}): CfaResult {
  if (data.length === 0) throw new StatsInputError('CFA data has no rows');
  const p = data[0]!.length;
  const rows = data.filter((r) => {
    if (r.length !== p) throw new StatsInputError('CFA data rows have different lengths');
    return r.every((x) => Number.isFinite(x));
  });
  const n = rows.length;
  if (n < 2) throw new StatsInputError('CFA data needs at least 2 complete rows');
  const mean = new Array<number>(p).fill(0);
  for (const r of rows) for (let j = 0; j < p; j++) mean[j]! += r[j]! / n;
  const S = zeros(p, p);
  for (const r of rows) for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) S[i]![j]! += ((r[i]! - mean[i]!) * (r[j]! - mean[j]!)) / n;
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) S[j]![i] = S[i]![j]!;
  checkSquareSymmetric(S);
  const res = fitCfa(S, n, model, options);
  if (n < data.length) res.warnings.push(`${data.length - n} row(s) with missing values dropped (listwise)`);
  return res;
}

/** Early stop of a fit that is not converging (see fitCfa): no check before this iteration, */
const STALL_MIN_ITERATIONS = 50;
/** the objective's fall over this many iterations, */
const STALL_WINDOW = 20;
/** relative to max(1, |F|), below this, */
const STALL_DROP = 1e-5;
/** while the largest gradient element is this many times the smallest seen. */
const STALL_GROWTH = 10;

function fitCfa(S: Mat, N: number, model: CfaModel, options: CfaOptions): CfaResult {
  const p = S.length;
  validateCfaModel(model, p);
  const m = model.factors.length;
  const marker = (model.identification ?? 'std.lv') === 'marker';
  const orthogonal = model.orthogonal ?? false;
  const maxIter = options.maxIterations ?? 2000;
  const gtol = options.gradientTolerance ?? 1e-10;
  const Sinfo = cholInfo(S);
  if (!Sinfo) throw new StatsInputError('sample covariance matrix is not positive definite');

  // --- parameter layout and starting values
  const L = zeros(p, m);
  const Phi = zeros(m, m);
  const theta = S.map((row, i) => row[i]! * 0.5);
  const free: FreeParameter[] = [];
  model.factors.forEach((f, k) => {
    const sub = f.items.map((a) => f.items.map((b) => S[a]![b]!));
    const { value, vector } = leadingEigen(sub);
    const sign = vector[0]! < 0 ? -1 : 1;
    f.items.forEach((it, r) => {
      L[it]![k] = sign * vector[r]! * Math.sqrt(Math.max(value, 1e-8)) * 0.9;
    });
    Phi[k]![k] = 1;
    if (marker) {
      const lm = L[f.items[0]!]![k]!;
      const ref = Math.abs(lm) > 1e-3 ? lm : 1;
      Phi[k]![k] = ref * ref;
      for (const it of f.items) L[it]![k]! /= ref;
      L[f.items[0]!]![k] = 1;
    }
    f.items.forEach((it, r) => {
      if (!(marker && r === 0)) free.push({ kind: 'loading', i: it, j: k });
    });
  });
  for (let i = 0; i < p; i++) {
    let common = 0;
    for (let k = 0; k < m; k++) common += L[i]![k]! * L[i]![k]! * Phi[k]![k]!;
    theta[i] = Math.max(S[i]![i]! - common, 0.1 * S[i]![i]!);
  }
  for (let k = 0; k < m; k++) {
    if (marker) free.push({ kind: 'factor-covariance', i: k, j: k });
  }
  if (!orthogonal) for (let k = 0; k < m; k++) for (let l = 0; l < k; l++) free.push({ kind: 'factor-covariance', i: k, j: l });
  for (let i = 0; i < p; i++) free.push({ kind: 'residual-variance', i, j: -1 });
  const q = free.length;
  const npar = q;
  const df = (p * (p + 1)) / 2 - npar;
  if (df < 0) throw new StatsInputError(`model is not identified: ${npar} free parameters for ${(p * (p + 1)) / 2} moments`);

  const getVec = (): number[] => free.map((fp) => (fp.kind === 'loading' ? L[fp.i]![fp.j]! : fp.kind === 'factor-covariance' ? Phi[fp.i]![fp.j]! : theta[fp.i]!));
  const setVec = (v: number[]): void => {
    free.forEach((fp, a) => {
      if (fp.kind === 'loading') L[fp.i]![fp.j] = v[a]!;
      else if (fp.kind === 'factor-covariance') { Phi[fp.i]![fp.j] = v[a]!; Phi[fp.j]![fp.i] = v[a]!; }
      else theta[fp.i] = v[a]!;
    });
  };
  const implied = (): Mat => {
    const LP = L.map((row) => Phi.map((_, l) => row.reduce((s, x, k) => s + x * Phi[k]![l]!, 0)));
    const Sig = zeros(p, p);
    for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += LP[i]![k]! * L[j]![k]!;
      if (i === j) s += theta[i]!;
      Sig[i]![j] = s;
      Sig[j]![i] = s;
    }
    return Sig;
  };
  const objective = (Sig: Mat): { f: number; inv: Mat } | undefined => {
    const info = cholInfo(Sig);
    if (!info) return undefined;
    let tr = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) tr += S[i]![j]! * info.inv[j]![i]!;
    return { f: info.logDet + tr - Sinfo.logDet - p, inv: info.inv };
  };
  /**
   * ∂Σ/∂θ_a written as a sum of one or two outer products u vᵀ (Σ is bilinear in the loadings and
   * linear in Φ and Θ), so the gradient and the information need only matrix-vector products:
   * tr(W u vᵀ) = vᵀ W u and tr(M u₁ v₁ᵀ M u₂ v₂ᵀ) = (v₁ᵀ M u₂)(v₂ᵀ M u₁).
   */
  const unit = (i: number): number[] => { const e = new Array<number>(p).fill(0); e[i] = 1; return e; };
  const derivativeTerms = (): [number[], number[]][][] => {
    const LP = L.map((row) => Phi.map((_, l) => row.reduce((s, x, k) => s + x * Phi[k]![l]!, 0)));
    const column = (A: Mat, k: number): number[] => A.map((row) => row[k]!);
    return free.map((fp): [number[], number[]][] => {
      if (fp.kind === 'loading') {
        const e = unit(fp.i), b = column(LP, fp.j);
        return [[e, b], [b, e]];
      }
      if (fp.kind === 'factor-covariance') {
        const a = column(L, fp.i), b = column(L, fp.j);
        return fp.i === fp.j ? [[a, a]] : [[a, b], [b, a]];
      }
      const e = unit(fp.i);
      return [[e, e]];
    });
  };
  const matVec = (A: Mat, v: readonly number[]): number[] => A.map((row) => { let s = 0; for (let j = 0; j < p; j++) s += row[j]! * v[j]!; return s; });
  const dot = (a: readonly number[], b: readonly number[]): number => { let s = 0; for (let j = 0; j < p; j++) s += a[j]! * b[j]!; return s; };
  /** Gradient of F_ML, tr(Σ⁻¹(Σ − S)Σ⁻¹ ∂Σ), and Fisher information tr(Σ⁻¹ ∂Σ_a Σ⁻¹ ∂Σ_b). */
  const gradInfo = (inv: Mat, Sig: Mat): { g: number[]; H: Mat } => {
    const diff = Sig.map((row, i) => row.map((x, j) => x - S[i]![j]!));
    const W = inv.map((_, i) => matVec(inv, matVec(diff, inv[i]!))); // M (Σ − S) M, M symmetric
    const terms = derivativeTerms();
    const g = terms.map((ts) => ts.reduce((acc, [u, v]) => acc + dot(v, matVec(W, u)), 0));
    const Mu = terms.map((ts) => ts.map(([u]) => matVec(inv, u)));
    const H = zeros(q, q);
    for (let a = 0; a < q; a++) for (let b = 0; b <= a; b++) {
      let s = 0;
      terms[a]!.forEach(([, va], r) => terms[b]!.forEach(([, vb], t) => { s += dot(va, Mu[b]![t]!) * dot(vb, Mu[a]![r]!); }));
      H[a]![b] = s;
      H[b]![a] = s;
    }
    return { g, H };
  };

  let Sig = implied();
  let cur = objective(Sig);
  if (!cur) {
    // Fall back to a safe diagonal-dominant start.
    for (let i = 0; i < p; i++) theta[i] = S[i]![i]!;
    Sig = implied();
    cur = objective(Sig);
    if (!cur) throw new CfaConvergenceError('could not find a positive definite starting point');
  }
  let iterations = 0;
  let converged = false;
  // A fit that is not converging stops early instead of running to maxIter. Near a proper minimum
  // Fisher scoring shrinks the gradient; a gradient grown to STALL_GROWTH times its smallest value
  // while the objective has all but stopped falling means the iterates drift along a ridge toward
  // an inadmissible boundary (a factor correlation or a loading running off to infinity), where
  // they never converge: each further iteration only costs time (a minute for a 34-item, 5-factor
  // model at 2,000 iterations). Fits that converge never meet both conditions.
  const fHistory: number[] = [];
  let gmin = Infinity;
  let stalled: { drop: number; gmax: number } | undefined;
  for (; iterations < maxIter; iterations++) {
    const { g, H } = gradInfo(cur.inv, Sig);
    const gmax = Math.max(...g.map(Math.abs));
    if (gmax < gtol) { converged = true; break; }
    gmin = Math.min(gmin, gmax);
    fHistory.push(cur.f);
    if (iterations >= STALL_MIN_ITERATIONS && fHistory.length > STALL_WINDOW) {
      const drop = fHistory[fHistory.length - 1 - STALL_WINDOW]! - cur.f;
      if (gmax > STALL_GROWTH * gmin && drop < STALL_DROP * Math.max(1, Math.abs(cur.f))) {
        stalled = { drop, gmax };
        break;
      }
    }
    let step: number[];
    try {
      step = solve(new Matrix(H), Matrix.columnVector(g)).to1DArray();
    } catch {
      throw new CfaConvergenceError('information matrix is singular: the model is not identified');
    }
    const x0 = getVec();
    let t = 1;
    let accepted = false;
    for (let h = 0; h < 40; h++, t /= 2) {
      setVec(x0.map((x, a) => x - t * step[a]!));
      const SigTry = implied();
      const tryObj = objective(SigTry);
      if (tryObj && tryObj.f <= cur.f + 1e-14 * Math.max(1, Math.abs(cur.f))) {
        Sig = SigTry;
        cur = tryObj;
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      setVec(x0);
      // No decrease possible along the scoring direction: accept if the gradient is already tiny.
      if (gmax < Math.sqrt(gtol)) { converged = true; break; }
      throw new CfaConvergenceError(`line search failed at iteration ${iterations} (max |gradient| ${gmax.toExponential(2)})`);
    }
  }
  if (!converged) {
    // Typical cause: a factor whose items barely correlate, so a loading runs off to infinity while a
    // residual variance runs to minus infinity (lavaan fails the same way). Name it.
    // A stalled fit is stopped before a runaway loading gets large, so its threshold is lower there.
    const runawayAt = stalled ? 1.5 : 5;
    const runaway = model.factors.filter((f, k) => f.items.some((it) => Math.abs(L[it]![k]!) * Math.sqrt(Math.abs(Phi[k]![k]!)) > runawayAt * Math.sqrt(S[it]![it]!)));
    const hints: string[] = [];
    if (runaway.length > 0) hints.push(`the model looks empirically under-identified (loadings diverging on ${runaway.map((f) => f.name).join(', ')}: its items barely correlate)`);
    // Correlations of factors (std.lv: Phi is their correlation matrix) drifting past +-1: the data
    // do not tell those factors apart.
    const merging: string[] = [];
    for (let k = 0; k < m; k++) for (let l = 0; l < k; l++) {
      const r = Phi[k]![l]! / Math.sqrt(Math.abs(Phi[k]![k]! * Phi[l]![l]!));
      if (Math.abs(r) > 1) merging.push(`${model.factors[l]!.name}~${model.factors[k]!.name} ${r.toFixed(2)}`);
    }
    if (merging.length > 0) hints.push(`factor correlations run past +-1 (${merging.slice(0, 5).join(', ')}${merging.length > 5 ? ', ...' : ''}): the data do not tell those factors apart`);
    const hint = hints.length > 0 ? `; ${hints.join('; ')}` : '';
    if (stalled) throw new CfaConvergenceError(`did not converge: stopped after ${iterations} iterations, the objective no longer falling (by ${stalled.drop.toExponential(1)} over the last ${STALL_WINDOW}) while the gradient grew to ${stalled.gmax.toExponential(1)}, ${(stalled.gmax / gmin).toFixed(0)} times its smallest${hint}`);
    throw new CfaConvergenceError(`did not converge in ${maxIter} iterations${hint}`);
  }

  // --- sign convention: first listed item of each factor loads positively
  model.factors.forEach((f, k) => {
    if (L[f.items[0]!]![k]! < 0) {
      for (let i = 0; i < p; i++) L[i]![k] = -L[i]![k]!;
      for (let l = 0; l < m; l++) if (l !== k) { Phi[k]![l] = -Phi[k]![l]!; Phi[l]![k] = -Phi[l]![k]!; }
    }
  });
  Sig = implied();
  const fin = objective(Sig);
  if (!fin) throw new CfaConvergenceError('implied covariance not positive definite at the solution');
  const Fml = Math.max(fin.f, 0);

  // --- standard errors (expected information, N/2 scaling of F_ML)
  const { H } = gradInfo(fin.inv, Sig);
  let se: number[] | undefined;
  try {
    const cov = inverse(new Matrix(H).mul(N / 2));
    se = free.map((_, a) => Math.sqrt(Math.max(cov.get(a, a), 0)));
  } catch {
    se = undefined;
  }

  // --- fit measures
  const chisq = N * Fml;
  const baselineChisq = N * (S.reduce((s, row, i) => s + Math.log(row[i]!), 0) - Sinfo.logDet);
  const baselineDf = (p * (p - 1)) / 2;
  const t1 = Math.max(chisq - df, 0);
  const t2 = Math.max(chisq - df, baselineChisq - baselineDf, 0);
  const cfiValue = t2 === 0 ? 1 : 1 - t1 / t2;
  const tli = df > 0 ? (baselineChisq / baselineDf - chisq / df) / (baselineChisq / baselineDf - 1) : 1;
  const level = options.rmseaLevel ?? 0.9;
  const rmseaValue = df > 0 ? Math.sqrt(Math.max(chisq / N / df - 1 / N, 0)) : 0;
  const ci = rmseaInterval(chisq, df, N, level);
  const h0 = options.rmseaH0 ?? 0.05;
  const rmseaPClose = df > 0 ? nonCentralChiSquare(chisq, df, N * df * h0 * h0).upper : null;
  let srmrSum = 0;
  for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) {
    const r = S[i]![j]! / Math.sqrt(S[i]![i]! * S[j]![j]!) - Sig[i]![j]! / Math.sqrt(Sig[i]![i]! * Sig[j]![j]!);
    srmrSum += r * r;
  }
  const srmr = Math.sqrt(srmrSum / ((p * (p + 1)) / 2));
  const c0 = p * Math.log(2 * Math.PI);
  const logLik = (-N / 2) * (c0 + fin.f + Sinfo.logDet + p);
  const unrestrictedLogLik = (-N / 2) * (c0 + Sinfo.logDet + p);

  // --- standardized solution and warnings
  const warnings: string[] = [];
  const sdItem = Sig.map((row, i) => Math.sqrt(row[i]!));
  const sdFactor = Phi.map((row, k) => Math.sqrt(Math.max(row[k]!, 0)));
  const standardizedLoadings = L.map((row, i) => row.map((x, k) => (x * sdFactor[k]!) / sdItem[i]!));
  const factorCorrelation = Phi.map((row, k) => row.map((x, l) => (sdFactor[k]! > 0 && sdFactor[l]! > 0 ? x / (sdFactor[k]! * sdFactor[l]!) : k === l ? 1 : 0)));
  const standardizedResidualVariances = theta.map((t, i) => t / Sig[i]![i]!);
  const itemName = (i: number): string => model.itemNames?.[i] ?? `x${i + 1}`;
  const factorName = (k: number): string => model.factors[k]!.name;
  theta.forEach((t, i) => { if (t < 0) warnings.push(`Heywood case: item ${i} (${itemName(i)}) has a negative residual variance (${t.toPrecision(4)})`); });
  Phi.forEach((row, k) => { if (row[k]! <= 0) warnings.push(`factor ${model.factors[k]!.name} has a non-positive variance`); });
  if (!orthogonal && m > 1 && !cholInfo(Phi)) warnings.push('factor covariance matrix is not positive definite');
  factorCorrelation.forEach((row, k) => row.forEach((r, l) => { if (l < k && Math.abs(r) > 1) warnings.push(`factors ${model.factors[l]!.name} and ${model.factors[k]!.name} correlate beyond ±1 (${r.toFixed(3)})`); }));

  const parameters: CfaParameter[] = [];
  const freeIndex = new Map<string, number>();
  free.forEach((fp, a) => freeIndex.set(`${fp.kind}:${fp.i}:${fp.j}`, a));
  const seOf = (key: string): { free: boolean; se?: number } => {
    const a = freeIndex.get(key);
    return a === undefined ? { free: false } : se ? { free: true, se: se[a]! } : { free: true };
  };
  model.factors.forEach((f, k) => {
    for (const it of f.items) parameters.push({ kind: 'loading', label: `${factorName(k)}=~${itemName(it)}`, item: it, factor: k, estimate: L[it]![k]!, standardized: standardizedLoadings[it]![k]!, ...seOf(`loading:${it}:${k}`) });
  });
  for (let k = 0; k < m; k++) for (let l = 0; l <= k; l++) {
    if (k !== l && orthogonal) continue;
    parameters.push({ kind: 'factor-covariance', label: `${factorName(l)}~~${factorName(k)}`, factor: l, factor2: k, estimate: Phi[k]![l]!, standardized: factorCorrelation[k]![l]!, ...seOf(`factor-covariance:${k}:${l}`) });
  }
  for (let i = 0; i < p; i++) parameters.push({ kind: 'residual-variance', label: `${itemName(i)}~~${itemName(i)}`, item: i, estimate: theta[i]!, standardized: standardizedResidualVariances[i]!, ...seOf(`residual-variance:${i}:-1`) });

  return {
    loadings: L,
    factorCovariance: Phi,
    residualVariances: theta,
    standardizedLoadings,
    factorCorrelation,
    standardizedResidualVariances,
    impliedCovariance: Sig,
    sampleCovariance: S,
    parameters,
    fit: {
      chisq, df, pValue: df > 0 ? chiSquareSurvival(chisq, df) : null,
      baselineChisq, baselineDf, baselinePValue: chiSquareSurvival(baselineChisq, baselineDf),
      cfi: cfiValue, tli, rmsea: rmseaValue, rmseaLower: ci.lower, rmseaUpper: ci.upper, rmseaPClose, srmr,
      logLik, unrestrictedLogLik, aic: -2 * logLik + 2 * npar, bic: -2 * logLik + npar * Math.log(N), npar, fml: Fml,
    },
    nObs: N,
    iterations,
    warnings,
  };
}

/**
 * RMSEA confidence interval by inverting the noncentral chi-square in its noncentrality,
 * with lavaan's brackets ([0, X²] below, [0, max(N, 4X²)] above) and its zero conventions.
 */
export function rmseaInterval(chisq: number, df: number, nObs: number, level = 0.9): { lower: number; upper: number } {
  if (!(level > 0 && level < 1)) throw new StatsInputError(`level must be in (0, 1), got ${level}`);
  if (!(df >= 1)) return { lower: 0, upper: 0 };
  const upperPerc = 1 - (1 - level) / 2;
  const lowerPerc = (1 - level) / 2;
  const cdf = (ncp: number): number => nonCentralChiSquare(chisq, df, ncp).lower;
  let lower = 0;
  if (cdf(0) - upperPerc >= 0) {
    const lam = brentRoot((l) => cdf(l) - upperPerc, 0, chisq);
    lower = Math.sqrt(lam / (nObs * df));
  }
  let upper = 0;
  const nR = Math.max(nObs, chisq * 4);
  if (!(cdf(nR) - lowerPerc > 0 || cdf(0) - lowerPerc < 0)) {
    const lam = brentRoot((l) => cdf(l) - lowerPerc, 0, nR);
    upper = Math.sqrt(lam / (nObs * df));
  }
  return { lower, upper };
}
