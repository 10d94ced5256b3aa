/**
 * Confirmatory factor analysis of ordinal items by diagonally weighted least squares with a
 * robust test: lavaan 0.6's `cfa(model, data, ordered = TRUE)` (estimator "WLSMV" = DWLS +
 * se "robust.sem" + test "scaled.shifted", parameterization "delta", missing "listwise").
 *
 * Sample moments s = (thresholds, polychoric correlations) and their asymptotic covariance Γ come
 * from polychoric-acov.ts. With W = diag(Γ)⁻¹ the estimator minimises
 *   F(θ) = Σ w_r (s_r − σ_r(θ))²,
 * where, in the delta parameterization with unit scale factors, the thresholds are free (so they
 * reproduce the sample thresholds exactly) and the latent-response correlations are
 * σ_ij = (Λ Ψ Λᵀ)_ij; residual variances are not parameters but 1 − diag(Λ Ψ Λᵀ).
 * Identification is lavaan's std.lv (factor variances 1, correlations free) or the marker
 * variable (first listed loading of each factor 1, factor (co)variances free).
 *
 * lavaan's conventions, reproduced:
 *  - chisq = 2N · fmin with fmin = ½ (N−1)/N · F, i.e. (N − 1)·F;
 *  - robust ("sandwich") covariance of the estimates (E⁻¹ ΔᵀWΓWΔ E⁻¹)/(N − 1), E = ΔᵀWΔ;
 *  - the scaled-shifted test (robust-test.ts); the baseline is the independence model (free
 *    thresholds, zero correlations) with its own scaled-shifted test, and cfi.scaled / tli.scaled
 *    are the ordinary formulas on the scaled statistics; rmsea and rmsea.scaled use N − 1 (lavaan's
 *    lav_utils_get_ntotal: N − ngroups for every estimator but ML);
 *  - SRMR is lavaan's categorical "srmr" (Bentler, no mean part): the root mean square of the
 *    correlation residuals over p(p+1)/2 elements (the unit diagonal fits exactly).
 * Fitting is Gauss–Newton on the correlations with step halving, from per-factor eigenvector
 * starts; every factor's sign is chosen so its first listed item loads positively.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { validateCfaModel } from './cfa.js';
import { lavaanCfi, lavaanRmsea, lavaanTli } from './fit-indices.js';
import { StatsInputError } from './input-error.js';
import { correlationPairs, ordinalLevels, ordinalSampleStats, type OrdinalSampleStats } from './polychoric-acov.js';
import { chiSquareSurvival } from './probability.js';
import { meanVarianceAdjustedTest, scaledShiftedTest, ugammaTraces, type MeanVarianceAdjustedTest } from './robust-test.js';

export interface CfaWlsmvFactor {
  name: string;
  /** Column indices (0-based) of the items measuring this factor; the first is the marker. */
  items: number[];
}

export interface CfaWlsmvModel {
  factors: CfaWlsmvFactor[];
  /** One name per data column (default x1..xp). */
  itemNames?: readonly string[];
  /** 'std.lv' (default) fixes factor variances to 1; 'marker' fixes each first loading to 1. */
  identification?: 'std.lv' | 'marker';
  /** Factor covariances fixed to zero (lavaan orthogonal = TRUE). */
  orthogonal?: boolean;
}

export interface CfaWlsmvOptions {
  maxIterations?: number;
  /** Convergence: largest absolute gradient element of F (default 1e-10), or no measurable move with a gradient below 1e-6. */
  gradientTolerance?: number;
}

export interface CfaWlsmvLoading {
  factor: string;
  item: string;
  factorIndex: number;
  itemIndex: number;
  est: number;
  /** Robust standard error; 0 for a fixed (marker) loading, as lavaan prints it. */
  se: number;
  /** lavaan std.all. */
  std: number;
  free: boolean;
}

export interface CfaWlsmvThreshold {
  item: string;
  itemIndex: number;
  /** lavaan's name: t1, t2, ... */
  threshold: string;
  est: number;
  se: number;
}

export interface CfaWlsmvFactorCovariance {
  a: string;
  b: string;
  /** Factor correlation (equals the covariance under std.lv). */
  cor: number;
  /** The model parameter (lavaan's `a ~~ b` est). */
  cov: number;
  /** Robust standard error of the covariance parameter; null when fixed (orthogonal). */
  se: number | null;
}

export interface CfaWlsmvFit {
  chisq: number;
  df: number;
  pvalue: number | null;
  chisqScaled: number;
  dfScaled: number;
  pvalueScaled: number | null;
  /** lavaan chisq.scaling.factor (1/a of the scaled-shifted test). */
  scalingFactor: number | null;
  shiftParameter: number | null;
  traceUGamma: number;
  traceUGamma2: number;
  baselineChisq: number;
  baselineDf: number;
  baselineChisqScaled: number;
  cfi: number;
  tli: number;
  rmsea: number;
  srmr: number;
  cfiScaled: number;
  tliScaled: number;
  rmseaScaled: number;
  /** Free parameters including thresholds (lavaan npar). */
  npar: number;
  /** lavaan's fmin: ½ (N−1)/N · F. */
  fmin: number;
  /** The mean-and-variance adjusted alternative (lavaan test = "mean.var.adjusted"). */
  meanVarianceAdjusted: MeanVarianceAdjustedTest;
}

export interface CfaWlsmvResult {
  items: string[];
  factors: string[];
  nObs: number;
  /** Rows dropped because an item was missing (listwise deletion, lavaan's default). */
  nDropped: number;
  loadings: CfaWlsmvLoading[];
  thresholds: CfaWlsmvThreshold[];
  factorCovariances: CfaWlsmvFactorCovariance[];
  /** Items × factors, unstandardised. */
  lambda: number[][];
  /** Factor covariance matrix. */
  psi: number[][];
  /** Residual variances of the latent responses, 1 − communality (lavaan's `x ~~ x`). */
  residualVariances: number[];
  impliedCorrelation: number[][];
  sample: OrdinalSampleStats;
  fit: CfaWlsmvFit;
  iterations: number;
  warnings: string[];
}

export class CfaWlsmvConvergenceError extends Error {
  override readonly name = 'CfaWlsmvConvergenceError';
}

type Kind = 'loading' | 'variance' | 'covariance';
interface Free { kind: Kind; i: number; k: number }


function leadingEigen(A: number[][]): { value: number; vector: number[] } {
  const n = A.length;
  let v = new Array<number>(n).fill(1 / Math.sqrt(n));
  let value = 0;
  for (let it = 0; it < 1000; it++) {
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

/** Rows with every item observed, and each item's categories taken from all its observed values (as lavaan does before deleting rows). */
function listwise(data: readonly (readonly (number | null)[])[], p: number, name: (i: number) => string): { rows: number[][]; levels: number[][] } {
  const isObserved = (v: number | null | undefined): v is number => v !== null && v !== undefined && !Number.isNaN(v);
  data.forEach((row, r) => {
    if (row.length !== p) throw new StatsInputError(`row ${r + 1} has ${row.length} values, expected ${p}`);
    row.forEach((v, i) => { if (isObserved(v) && !Number.isFinite(v)) throw new StatsInputError(`row ${r + 1}, item ${name(i)}: ${v} is not a finite number`); });
  });
  const levels = Array.from({ length: p }, (_, i) => ordinalLevels(data.map((row) => row[i]).filter(isObserved)));
  const rows = data.filter((row) => row.every(isObserved)) as number[][];
  return { rows, levels };
}

/** lavaan `cfa(model, data, ordered = TRUE)`: rows respondents, columns the model's items (null or NaN = missing). */
export function cfaWlsmv(data: readonly (readonly (number | null)[])[], model: CfaWlsmvModel, options: CfaWlsmvOptions = {}): CfaWlsmvResult {
  if (data.length === 0) throw new StatsInputError('CFA data has no rows');
  const p = data[0]!.length;
  validateCfaModel(model, p);
  const itemName = (i: number): string => model.itemNames?.[i] ?? `x${i + 1}`;
  const { rows, levels } = listwise(data, p, itemName);
  if (rows.length < 2) throw new StatsInputError(`only ${rows.length} row(s) have every item observed`);
  const sample = ordinalSampleStats(rows, { names: Array.from({ length: p }, (_, i) => itemName(i)), levels });
  return fitDwls(sample, model, options, data.length - rows.length);
}

/** DWLS fit to precomputed ordinal sample statistics (columns in the model's item numbering). */
export function fitDwls(sample: OrdinalSampleStats, model: CfaWlsmvModel, options: CfaWlsmvOptions = {}, nDropped = 0): CfaWlsmvResult {
  const p = sample.correlation.length;
  validateCfaModel(model, p);
  const N = sample.nObs;
  const m = model.factors.length;
  const marker = (model.identification ?? 'std.lv') === 'marker';
  const orthogonal = model.orthogonal ?? false;
  const itemName = (i: number): string => model.itemNames?.[i] ?? `x${i + 1}`;
  const pairs = correlationPairs(p);
  const pstar = pairs.length;
  const nth = sample.thresholds.reduce((s, t) => s + t.length, 0);
  const r = pairs.map(([i, j]) => sample.correlation[i]![j]!);
  const gammaDiag = sample.gamma.map((row, a) => row[a]!);
  gammaDiag.forEach((g, a) => { if (!(g > 0) || !Number.isFinite(g)) throw new StatsInputError(`the asymptotic variance of sample statistic ${a + 1} is ${g}: DWLS weights are undefined`); });
  const w = gammaDiag.slice(nth).map((g) => 1 / g);
  const gammaCor = sample.gamma.slice(nth).map((row) => row.slice(nth));

  // --- parameters and starting values
  const L = Array.from({ length: p }, () => new Array<number>(m).fill(0));
  const Psi: number[][] = Array.from({ length: m }, (_, k) => Array.from({ length: m }, (_, l) => (k === l ? 1 : 0)));
  const nFactorsOf = new Array<number>(p).fill(0);
  model.factors.forEach((f) => f.items.forEach((it) => nFactorsOf[it]!++));
  const free: Free[] = [];
  model.factors.forEach((f, k) => {
    const sub = f.items.map((a) => f.items.map((b) => (a === b ? 1 : sample.correlation[a]![b]!)));
    const { value, vector } = leadingEigen(sub);
    const sign = vector.reduce((s, x) => s + x, 0) < 0 ? -1 : 1;
    f.items.forEach((it, idx) => { L[it]![k] = (sign * vector[idx]! * Math.sqrt(Math.max(value, 1e-6)) * 0.9) / Math.sqrt(nFactorsOf[it]!); });
    if (marker) {
      const lm = L[f.items[0]!]![k]!;
      const ref = Math.abs(lm) > 1e-3 ? lm : 1;
      Psi[k]![k] = ref * ref;
      for (const it of f.items) L[it]![k]! /= ref;
      L[f.items[0]!]![k] = 1;
    }
    f.items.forEach((it, idx) => { if (!(marker && idx === 0)) free.push({ kind: 'loading', i: it, k }); });
  });
  if (marker) for (let k = 0; k < m; k++) free.push({ kind: 'variance', i: k, k });
  if (!orthogonal) for (let l = 0; l < m; l++) for (let k = l + 1; k < m; k++) free.push({ kind: 'covariance', i: k, k: l });
  const q = free.length;
  const df = pstar - q;
  if (df < 0) throw new StatsInputError(`model is not identified: ${q} free loadings and factor (co)variances for ${pstar} correlations`);

  const getVec = (): number[] => free.map((fp) => (fp.kind === 'loading' ? L[fp.i]![fp.k]! : Psi[fp.i]![fp.k]!));
  const setVec = (v: readonly number[]): void => {
    free.forEach((fp, a) => {
      if (fp.kind === 'loading') L[fp.i]![fp.k] = v[a]!;
      else { Psi[fp.i]![fp.k] = v[a]!; Psi[fp.k]![fp.i] = v[a]!; }
    });
  };
  const LP = (): number[][] => L.map((row) => Psi.map((_, l) => row.reduce((s, x, k) => s + x * Psi[k]![l]!, 0)));
  const implied = (): number[] => {
    const lp = LP();
    return pairs.map(([i, j]) => lp[i]!.reduce((s, x, k) => s + x * L[j]![k]!, 0));
  };
  const objective = (sigma: readonly number[]): number => sigma.reduce((s, x, a) => s + w[a]! * (r[a]! - x) ** 2, 0);
  /** ∂σ_ij/∂θ for every pair (rows) and free parameter (columns). */
  const jacobian = (): number[][] => {
    const lp = LP();
    return pairs.map(([i, j]) => free.map((fp) => {
      if (fp.kind === 'loading') return (fp.i === i ? lp[j]![fp.k]! : 0) + (fp.i === j ? lp[i]![fp.k]! : 0);
      if (fp.kind === 'variance') return L[i]![fp.k]! * L[j]![fp.k]!;
      return L[i]![fp.i]! * L[j]![fp.k]! + L[i]![fp.k]! * L[j]![fp.i]!;
    }));
  };
  const normalEquations = (J: number[][], sigma: readonly number[]): { E: number[][]; g: number[] } => {
    const E = Array.from({ length: q }, () => new Array<number>(q).fill(0));
    const g = new Array<number>(q).fill(0);
    J.forEach((row, a) => {
      const e = w[a]! * (r[a]! - sigma[a]!);
      for (let s = 0; s < q; s++) {
        if (row[s] === 0) continue;
        g[s]! += row[s]! * e;
        const ws = w[a]! * row[s]!;
        for (let t = 0; t <= s; t++) E[s]![t]! += ws * row[t]!;
      }
    });
    for (let s = 0; s < q; s++) for (let t = 0; t < s; t++) E[t]![s] = E[s]![t]!;
    return { E, g };
  };

  /** ∂²σ_ij/∂θ_a∂θ_b (σ_ij is bilinear in the loadings of items i and j and linear in Ψ). */
  const second = (i: number, j: number, fa: Free, fb: Free): number => {
    if (fa.kind === 'loading' && fb.kind === 'loading') {
      return (fa.i === i && fb.i === j ? Psi[fa.k]![fb.k]! : 0) + (fa.i === j && fb.i === i ? Psi[fb.k]![fa.k]! : 0);
    }
    if (fa.kind !== 'loading' && fb.kind !== 'loading') return 0;
    const ld = fa.kind === 'loading' ? fa : fb, ps = fa.kind === 'loading' ? fb : fa;
    const dL = (row: number, col: number): number => (ld.i === row && ld.k === col ? 1 : 0);
    if (ps.kind === 'variance') return dL(i, ps.k) * L[j]![ps.k]! + L[i]![ps.k]! * dL(j, ps.k);
    const k1 = ps.i, k2 = ps.k;
    return dL(i, k1) * L[j]![k2]! + L[i]![k1]! * dL(j, k2) + dL(i, k2) * L[j]![k1]! + L[i]![k2]! * dL(j, k1);
  };
  /** Half the Hessian of F: ΔᵀWΔ − Σ_r w_r e_r ∇²σ_r (the second term matters for badly fitting models). */
  const newtonMatrix = (E: number[][], sigma: readonly number[]): number[][] => {
    const H = E.map((row) => [...row]);
    pairs.forEach(([i, j], a) => {
      const we = w[a]! * (r[a]! - sigma[a]!);
      if (we === 0) return;
      for (let s = 0; s < q; s++) for (let t = 0; t <= s; t++) {
        const d2 = second(i, j, free[s]!, free[t]!);
        if (d2 !== 0) { H[s]![t]! -= we * d2; if (s !== t) H[t]![s]! -= we * d2; }
      }
    });
    return H;
  };
  const solvePd = (A: number[][], g: number[]): number[] | undefined => {
    const ch = new CholeskyDecomposition(new Matrix(A));
    return ch.isPositiveDefinite() ? ch.solve(Matrix.columnVector(g)).to1DArray() : undefined;
  };

  // --- Newton (Gauss–Newton where the Hessian is not positive definite, Levenberg damping where
  //     ΔᵀWΔ is singular) with step halving
  const maxIter = options.maxIterations ?? 500;
  const gtol = options.gradientTolerance ?? 1e-10;
  let sigma = implied();
  let F = objective(sigma);
  let iterations = 0;
  let converged = q === 0;
  for (; iterations < maxIter && !converged; iterations++) {
    const { E, g } = normalEquations(jacobian(), sigma);
    const gmax = Math.max(...g.map((x) => 2 * Math.abs(x)));
    if (gmax < gtol) { converged = true; break; }
    let step = solvePd(newtonMatrix(E, sigma), g);
    for (let damp = 0; !step && damp < 12; damp++) {
      const mu = damp === 0 ? 0 : 1e-8 * 10 ** damp;
      step = solvePd(E.map((row, s) => row.map((v, t) => (s === t ? v * (1 + mu) + mu : v))), g);
    }
    if (!step) throw new CfaWlsmvConvergenceError('the weighted normal equations are singular: the model is not identified');
    const x0 = getVec();
    const stepMax = Math.max(...step.map(Math.abs));
    let moved = -1;
    for (let h = 0, t = 1; h < 40 && moved < 0; h++, t /= 2) {
      setVec(x0.map((x, a) => x + t * step![a]!));
      const sTry = implied();
      const fTry = objective(sTry);
      if (fTry <= F) { sigma = sTry; F = fTry; moved = t * stepMax; }
    }
    if (moved < 0) { setVec(x0); sigma = implied(); }
    // Near the minimum F stops changing in floating point before the gradient reaches gtol: a
    // negligible move with a small gradient is convergence (the estimates are fixed far beyond
    // any reported digit); a negligible move with a large gradient is a failure.
    if (moved < 1e-10) {
      if (gmax < 1e-6) { converged = true; break; }
      throw new CfaWlsmvConvergenceError(`line search failed at iteration ${iterations} (max |gradient| ${gmax.toExponential(2)})`);
    }
  }
  if (!converged) throw new CfaWlsmvConvergenceError(`did not converge in ${maxIter} iterations`);

  // --- sign convention: each factor's first listed item loads positively (std.lv only; a marker fixes it)
  if (!marker) {
    model.factors.forEach((f, k) => {
      if (L[f.items[0]!]![k]! < 0) {
        for (let i = 0; i < p; i++) L[i]![k] = -L[i]![k]!;
        for (let l = 0; l < m; l++) if (l !== k) { Psi[k]![l] = -Psi[k]![l]!; Psi[l]![k] = -Psi[l]![k]!; }
      }
    });
  }
  sigma = implied();
  F = objective(sigma);

  // --- robust covariance of the structural estimates and the U·Γ traces
  const J = jacobian();
  const { E } = normalEquations(J, sigma);
  let cov: number[][] = [];
  if (q > 0) {
    const ch = new CholeskyDecomposition(new Matrix(E));
    if (!ch.isPositiveDefinite()) throw new CfaWlsmvConvergenceError('the information matrix is not positive definite at the solution: the model is not identified');
    const WJ = new Matrix(J.map((row, a) => row.map((v) => v * w[a]!)));
    const meat = WJ.transpose().mmul(new Matrix(gammaCor)).mmul(WJ);
    const Einv = ch.solve(Matrix.eye(q));
    cov = Einv.mmul(meat).mmul(Einv).div(N - 1).to2DArray();
  }
  const seOf = (a: number): number => Math.sqrt(Math.max(cov[a]![a]!, 0));
  const traces = ugammaTraces(w, J, gammaCor);
  const baseTraces = ugammaTraces(w, w.map(() => []), gammaCor);

  // --- test statistics and fit indices
  const chisq = Math.max((N - 1) * F, 0);
  const scaled = scaledShiftedTest(chisq, df, traces);
  const mva = meanVarianceAdjustedTest(chisq, df, traces);
  const baselineChisq = (N - 1) * r.reduce((s, x, a) => s + w[a]! * x * x, 0);
  const baselineDf = pstar;
  const baseScaled = scaledShiftedTest(baselineChisq, baselineDf, baseTraces);
  const srmr = Math.sqrt(sigma.reduce((s, x, a) => s + (r[a]! - x) ** 2, 0) / (pstar + p));

  // --- parameter tables
  const warnings = [...sample.warnings];
  const freeIndex = new Map<string, number>();
  free.forEach((fp, a) => freeIndex.set(`${fp.kind}:${fp.i}:${fp.k}`, a));
  const psiSd = Psi.map((row, k) => Math.sqrt(Math.max(row[k]!, 0)));
  const loadings: CfaWlsmvLoading[] = [];
  model.factors.forEach((f, k) => {
    for (const it of f.items) {
      const a = freeIndex.get(`loading:${it}:${k}`);
      loadings.push({ factor: f.name, item: itemName(it), factorIndex: k, itemIndex: it, est: L[it]![k]!, se: a === undefined ? 0 : seOf(a), std: L[it]![k]! * psiSd[k]!, free: a !== undefined });
    }
  });
  const thresholds: CfaWlsmvThreshold[] = [];
  let t0 = 0;
  sample.thresholds.forEach((th, i) => {
    th.forEach((v, k) => thresholds.push({ item: itemName(i), itemIndex: i, threshold: `t${k + 1}`, est: v, se: Math.sqrt(sample.gamma[t0 + k]![t0 + k]! / (N - 1)) }));
    t0 += th.length;
  });
  const factorCovariances: CfaWlsmvFactorCovariance[] = [];
  for (let l = 0; l < m; l++) for (let k = l + 1; k < m; k++) {
    const a = freeIndex.get(`covariance:${k}:${l}`);
    const denom = psiSd[k]! * psiSd[l]!;
    factorCovariances.push({ a: model.factors[l]!.name, b: model.factors[k]!.name, cor: denom > 0 ? Psi[k]![l]! / denom : NaN, cov: Psi[k]![l]!, se: a === undefined ? null : seOf(a) });
  }
  const communality = L.map((row) => row.reduce((s, x, k) => s + x * row.reduce((t, y, l) => t + Psi[k]![l]! * y, 0), 0));
  const residualVariances = communality.map((c) => 1 - c);
  residualVariances.forEach((v, i) => { if (v < 0) warnings.push(`Heywood case: item ${itemName(i)} has a negative residual variance (${v.toPrecision(4)}) in the latent-response scale`); });
  Psi.forEach((row, k) => { if (row[k]! <= 0) warnings.push(`factor ${model.factors[k]!.name} has a non-positive variance`); });
  factorCovariances.forEach((c) => { if (Math.abs(c.cor) > 1) warnings.push(`factors ${c.a} and ${c.b} correlate beyond ±1 (${c.cor.toFixed(3)})`); });
  const impliedCorrelation: number[][] = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? 1 : 0)));
  pairs.forEach(([i, j], a) => { impliedCorrelation[i]![j] = sigma[a]!; impliedCorrelation[j]![i] = sigma[a]!; });

  return {
    items: Array.from({ length: p }, (_, i) => itemName(i)),
    factors: model.factors.map((f) => f.name),
    nObs: N,
    nDropped,
    loadings,
    thresholds,
    factorCovariances,
    lambda: L,
    psi: Psi,
    residualVariances,
    impliedCorrelation,
    sample,
    fit: {
      chisq, df, pvalue: df > 0 ? chiSquareSurvival(chisq, df) : null,
      chisqScaled: scaled.stat, dfScaled: scaled.df, pvalueScaled: scaled.pvalue,
      scalingFactor: scaled.scalingFactor, shiftParameter: scaled.shiftParameter,
      traceUGamma: traces.trace, traceUGamma2: traces.trace2,
      baselineChisq, baselineDf, baselineChisqScaled: baseScaled.stat,
      cfi: lavaanCfi(chisq, df, baselineChisq, baselineDf),
      tli: lavaanTli(chisq, df, baselineChisq, baselineDf),
      rmsea: lavaanRmsea(chisq, df, N - 1),
      srmr,
      cfiScaled: lavaanCfi(scaled.stat, df, baseScaled.stat, baselineDf),
      tliScaled: lavaanTli(scaled.stat, df, baseScaled.stat, baselineDf),
      rmseaScaled: lavaanRmsea(scaled.stat, df, N - 1),
      npar: nth + q,
      fmin: (0.5 * (N - 1) * F) / N,
      meanVarianceAdjusted: mva,
    },
    iterations,
    warnings,
  };
}
