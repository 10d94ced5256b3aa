/**
 * Horn's parallel analysis as psych::fa.parallel does it: observed eigenvalues of R (components)
 * and of the reduced matrix of a one-factor minres solution (factors), against eigenvalues of
 * correlation matrices of simulated normal data of the same size. A factor/component is retained
 * while its observed eigenvalue exceeds the `quantile` (psych: 0.95) of the simulated ones.
 *
 * One psych quirk is kept on purpose: with a correlation matrix and fa = 'fa' only, psych compares
 * the factor eigenvalues with the simulated *means* rather than the quantile.
 *
 * Our random numbers are not R's, so the simulated means match psych only to Monte Carlo error;
 * the observed eigenvalues match exactly, and seeded runs are reproducible.
 */
import { eigenSymmetric, eigenvaluesSymmetric, squaredMultipleCorrelations } from './correlation-linalg.js';
import { DegenerateDataError, pearsonPairwise } from './correlation.js';
import { quantileSorted } from './descriptive.js';
import { createRng } from './rng.js';
import { topEigenpair } from './eigen.js';

export type ParallelKind = 'fa' | 'pc' | 'both';

export interface ParallelOptions {
  /** Number of simulated data sets (psych's n.iter, default 20). */
  iter?: number;
  fa?: ParallelKind;
  /** Factoring method for the factor eigenvalues; minres (= uls) as psych's default. */
  fm?: 'minres' | 'uls';
  seed?: number;
  /** Quantile of the simulated eigenvalues an observed one must exceed (psych's quant, 0.95). */
  quantile?: number;
}

export type ParallelInput = { data: (number | null)[][] } | { r: number[][]; n: number };

export interface ParallelResult {
  /** Eigenvalues of R: the scree data. */
  pcValues: number[];
  /** Eigenvalues of R with one-factor minres communalities on the diagonal (psych's fa.values). */
  faValues: number[];
  pcSimMean: number[] | null;
  pcSimQuantile: number[] | null;
  faSimMean: number[] | null;
  faSimQuantile: number[] | null;
  /** Standard deviations of the simulated eigenvalues (Monte Carlo spread; SE of the mean = sd / sqrt(iter)). */
  pcSimSd: number[] | null;
  faSimSd: number[] | null;
  /** Suggested number of factors / components (null for the kind not computed). */
  nfact: number | null;
  ncomp: number | null;
  /** Number of eigenvalues of R greater than 1. */
  kaiser: number;
  n: number;
  iter: number;
  seed: number;
}

/**
 * One-factor (or nf-factor) minres / ULS solution by iterating principal axes to its fixed point:
 * at the minres optimum the communalities equal the diagonal of the rank-nf approximation of the
 * reduced matrix. Uniquenesses are kept in [0.005, 1] like psych's optim bounds. The plain
 * iteration crawls near Heywood cases, so it is accelerated with SQUAREM (Varadhan & Roland 2008).
 * Returns the communalities and the eigenvalues of R with them on the diagonal (fa()$values).
 */
export function minresReducedEigenvalues(r: readonly (readonly number[])[], nfactors = 1, tol = 1e-13): { communalities: number[]; values: number[] } {
  const p = r.length;
  const reduced = r.map((row) => [...row]);
  const clamp = (v: number): number => Math.min(0.995, Math.max(0, v));
  // One factor (parallel analysis): the leading eigenpair by warm-started Lanczos instead of a full
  // decomposition per step.
  const flat = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) flat[i * p + j] = r[i]![j]!;
  let warm: Float64Array | undefined;
  const step = (h2: readonly number[]): number[] => {
    if (nfactors === 1 && p > 20) {
      for (let i = 0; i < p; i++) flat[i * p + i] = h2[i]!;
      const top = topEigenpair(flat, p, { ...(warm ? { start: warm } : {}), tol: Math.min(1e-10, tol) });
      warm = top.vector;
      return Array.from({ length: p }, (_, i) => clamp(top.vector[i]! ** 2 * Math.max(top.value, 0)));
    }
    for (let i = 0; i < p; i++) reduced[i]![i] = h2[i]!;
    const { values, vectors } = eigenSymmetric(reduced);
    return Array.from({ length: p }, (_, i) => {
      let s = 0;
      for (let k = 0; k < nfactors; k++) s += vectors[i]![k]! ** 2 * Math.max(values[k]!, 0);
      return clamp(s);
    });
  };
  let h2 = squaredMultipleCorrelations(r);
  for (let it = 0; it < 2000; it++) {
    const f1 = step(h2);
    const f2 = step(f1);
    const rr = f1.map((v, i) => v - h2[i]!);
    const vv = f2.map((v, i) => v - 2 * f1[i]! + h2[i]!);
    const nr = Math.sqrt(rr.reduce((a, b) => a + b * b, 0)), nv = Math.sqrt(vv.reduce((a, b) => a + b * b, 0));
    if (nr < tol) { h2 = f1; break; }
    const alpha = nv > 0 ? Math.min(-1, -nr / nv) : -1;
    const jumped = h2.map((v, i) => clamp(v - 2 * alpha * rr[i]! + alpha * alpha * vv[i]!));
    const next = step(jumped);
    const change = Math.max(...next.map((v, i) => Math.abs(v - h2[i]!)));
    h2 = next;
    if (change < tol) break;
  }
  for (let i = 0; i < p; i++) reduced[i]![i] = h2[i]!;
  return { communalities: h2, values: eigenvaluesSymmetric(reduced) };
}

/** Correlations of complete simulated data stored column-major (columns[j][i]). */
function completeCorrelation(columns: Float64Array[], n: number): number[][] {
  const p = columns.length;
  const centred = columns.map((c) => {
    let m = 0;
    for (let i = 0; i < n; i++) m += c[i]!;
    m /= n;
    const out = new Float64Array(n);
    let ss = 0;
    for (let i = 0; i < n; i++) { out[i] = c[i]! - m; ss += out[i]! * out[i]!; }
    const s = 1 / Math.sqrt(ss);
    for (let i = 0; i < n; i++) out[i]! *= s;
    return out;
  });
  const r: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(1));
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < a; b++) {
      const x = centred[a]!, y = centred[b]!;
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i]! * y[i]!;
      r[a]![b] = s;
      r[b]![a] = s;
    }
  }
  return r;
}

/** Count of leading observed eigenvalues above their simulated threshold (psych: which(!(obs > sim))[1] - 1). */
function leadingAbove(observed: number[], threshold: number[]): number {
  const k = observed.findIndex((v, i) => !(v > threshold[i]!));
  return k === -1 ? observed.length : k;
}

export function parallelAnalysis(input: ParallelInput, options: ParallelOptions = {}): ParallelResult {
  const iter = options.iter ?? 20;
  const kind = options.fa ?? 'both';
  const seed = options.seed ?? 1;
  const q = options.quantile ?? 0.95;
  if (!(Number.isInteger(iter) && iter >= 1)) throw new DegenerateDataError(`parallel analysis needs iter >= 1, got ${iter}`);
  if (!(q > 0 && q < 1)) throw new DegenerateDataError(`quantile must be in (0, 1), got ${q}`);
  let r: number[][], n: number;
  if ('data' in input) {
    r = pearsonPairwise(input.data);
    n = input.data.length;
  } else {
    r = input.r;
    n = input.n;
    if (r.some((row) => row.length !== r.length || row.some((v) => !Number.isFinite(v)))) throw new DegenerateDataError('parallel analysis needs a square, finite correlation matrix');
  }
  const p = r.length;
  if (p < 2) throw new DegenerateDataError('parallel analysis needs at least 2 variables');
  if (!(Number.isInteger(n) && n > p)) throw new DegenerateDataError(`parallel analysis needs more observations (${n}) than variables (${p})`);
  const pcValues = eigenSymmetric(r).values;
  const faValues = minresReducedEigenvalues(r).values;
  const doPc = kind !== 'fa', doFa = kind !== 'pc';
  const rng = createRng(seed);
  const simPc: number[][] = [], simFa: number[][] = [];
  const columns = Array.from({ length: p }, () => new Float64Array(n));
  for (let it = 0; it < iter; it++) {
    for (const c of columns) for (let i = 0; i < n; i++) c[i] = rng.normal();
    const sr = completeCorrelation(columns, n);
    if (doPc) simPc.push(eigenvaluesSymmetric(sr));
    // Simulated spectra only feed Monte Carlo means and quantiles: 1e-8 on the communalities is
    // far below their sampling noise, and saves most of the eigen-decompositions.
    if (doFa) simFa.push(minresReducedEigenvalues(sr, 1, 1e-8).values);
  }
  const summarize = (sims: number[][]): { mean: number[]; sd: number[]; quantile: number[] } => {
    const mean = Array.from({ length: p }, (_, k) => sims.reduce((s, v) => s + v[k]!, 0) / sims.length);
    const sd = mean.map((m, k) => (sims.length > 1 ? Math.sqrt(sims.reduce((s, v) => s + (v[k]! - m) ** 2, 0) / (sims.length - 1)) : 0));
    const quantile = Array.from({ length: p }, (_, k) => quantileSorted(sims.map((v) => v[k]!).sort((a, b) => a - b), q));
    return { mean, sd, quantile };
  };
  const pcSim = doPc ? summarize(simPc) : null;
  const faSim = doFa ? summarize(simFa) : null;
  return {
    pcValues,
    faValues,
    pcSimMean: pcSim?.mean ?? null,
    pcSimQuantile: pcSim?.quantile ?? null,
    faSimMean: faSim?.mean ?? null,
    faSimQuantile: faSim?.quantile ?? null,
    pcSimSd: pcSim?.sd ?? null,
    faSimSd: faSim?.sd ?? null,
    nfact: faSim ? leadingAbove(faValues, kind === 'fa' && !('data' in input) ? faSim.mean : faSim.quantile) : null,
    ncomp: pcSim ? leadingAbove(pcValues, pcSim.quantile) : null,
    kaiser: pcValues.filter((v) => v > 1).length,
    n,
    iter,
    seed,
  };
}
