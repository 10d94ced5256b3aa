/**
 * Robust (Satorra–Bentler family) corrections of a WLS/DWLS test statistic, as lavaan's
 * lav_test_satorra_bentler (method "original", one group):
 *
 *   U = W − W Δ (Δᵀ W Δ)⁻¹ Δᵀ W,   UΓ with Γ the asymptotic covariance of the sample moments,
 *   scaled-shifted  (test = "scaled.shifted", lavaan's WLSMV default; Asparouhov & Muthén 2010):
 *       a = √(df / tr((UΓ)²)),  T* = a·T + (df − a·tr(UΓ)),  on df degrees of freedom;
 *   mean-and-variance adjusted (test = "mean.var.adjusted", Satterthwaite):
 *       df* = tr(UΓ)² / tr((UΓ)²),  T* = T / (tr(UΓ) / df*).
 *
 * W is diagonal here (DWLS), given as a vector. Δ is the Jacobian of the fitted moments with
 * respect to the free parameters; pass only the rows and columns of moments that the model does
 * not fit exactly (saturated parts such as free thresholds contribute zero rows to U).
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { StatsInputError } from './input-error.js';
import { chiSquareSurvival } from './probability.js';

export interface UGammaTraces {
  /** tr(UΓ) */
  trace: number;
  /** tr((UΓ)²) */
  trace2: number;
}

/**
 * tr(UΓ) and tr((UΓ)²) for diagonal weights `w`, Jacobian `delta` (moments × parameters; an
 * empty parameter list, e.g. an independence model, gives U = W) and `gamma` (moments × moments).
 */
export function ugammaTraces(w: readonly number[], delta: readonly (readonly number[])[], gamma: readonly (readonly number[])[]): UGammaTraces {
  const m = w.length;
  if (gamma.length !== m || delta.length !== m) throw new StatsInputError(`ugammaTraces: ${m} weights, ${delta.length} Jacobian rows, ${gamma.length} Gamma rows`);
  const q = m > 0 ? delta[0]!.length : 0;
  const U = new Matrix(m, m);
  for (let a = 0; a < m; a++) U.set(a, a, w[a]!);
  if (q > 0) {
    const WD = new Matrix(delta.map((row, a) => row.map((v) => v * w[a]!)));
    const E = new Matrix(delta as number[][]).transpose().mmul(WD);
    // Symmetrise: ml-matrix's Cholesky refuses a matrix that is symmetric only to rounding.
    for (let s = 0; s < q; s++) for (let t = 0; t < s; t++) { const v = (E.get(s, t) + E.get(t, s)) / 2; E.set(s, t, v); E.set(t, s, v); }
    const ch = new CholeskyDecomposition(E);
    if (!ch.isPositiveDefinite()) throw new StatsInputError('the information matrix ΔᵀWΔ is not positive definite: the model is not identified');
    const EinvDtW = ch.solve(WD.transpose());
    U.sub(WD.mmul(EinvDtW));
  }
  const UG = U.mmul(new Matrix(gamma as number[][]));
  let trace = 0, trace2 = 0;
  for (let a = 0; a < m; a++) {
    trace += UG.get(a, a);
    for (let b = 0; b < m; b++) trace2 += UG.get(a, b) * UG.get(b, a);
  }
  return { trace, trace2 };
}

export interface ScaledShiftedTest {
  stat: number;
  df: number;
  /** null when df = 0 (no test). */
  pvalue: number | null;
  /** lavaan's scaling.factor, 1/a; null when df = 0. */
  scalingFactor: number | null;
  /** lavaan's shift.parameter, df − a·tr(UΓ); null when df = 0. */
  shiftParameter: number | null;
}

/** lavaan's "scaled.shifted" statistic from the plain statistic `stat` on `df` degrees of freedom. */
export function scaledShiftedTest(stat: number, df: number, traces: UGammaTraces): ScaledShiftedTest {
  if (!(df > 0) || !(traces.trace2 > 0)) return { stat, df, pvalue: null, scalingFactor: null, shiftParameter: null };
  const a = Math.sqrt(df / traces.trace2);
  const shift = df - a * traces.trace;
  const scaled = stat * a + shift;
  return { stat: scaled, df, pvalue: chiSquareSurvival(Math.max(scaled, 0), df), scalingFactor: 1 / a, shiftParameter: shift };
}

export interface MeanVarianceAdjustedTest {
  stat: number;
  /** Satterthwaite degrees of freedom (fractional, as lavaan reports them). */
  df: number;
  pvalue: number | null;
  scalingFactor: number | null;
}

/** lavaan's "mean.var.adjusted" statistic (Satterthwaite df). */
export function meanVarianceAdjustedTest(stat: number, df: number, traces: UGammaTraces): MeanVarianceAdjustedTest {
  if (!(df > 0) || !(traces.trace2 > 0) || !(traces.trace > 0)) return { stat, df, pvalue: null, scalingFactor: null };
  const dfStar = (traces.trace * traces.trace) / traces.trace2;
  const c = traces.trace / dfStar;
  const scaled = stat / c;
  return { stat: scaled, df: dfStar, pvalue: chiSquareSurvival(scaled, dfStar), scalingFactor: c };
}
