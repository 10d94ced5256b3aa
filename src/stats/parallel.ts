/**
 * Horn's parallel analysis as psych::fa.parallel does it: observed eigenvalues of R (components)
 * and of the reduced matrix of a one-factor minres solution (factors), against eigenvalues of
 * correlation matrices of null data of the same size. A factor/component is retained while its
 * observed eigenvalue exceeds the `quantile` (psych: 0.95) of the null ones.
 *
 * Three null models:
 * - 'normal' (default, psych's sim = TRUE): Pearson correlations of independent normal data. This
 *   is psych's simulated null and what `valuelex stats parallel` reports. One psych quirk is kept
 *   on purpose: with a correlation matrix and fa = 'fa' only, psych compares the factor
 *   eigenvalues with the simulated *means* rather than the quantile.
 * - 'permutation' (Buja & Eyuboglu 1992): each column's observed values are shuffled
 *   independently among that column's observed rows, so every marginal distribution and the
 *   missing-data pattern are kept exactly while all association is destroyed; the null
 *   correlations are computed with the caller's `correlation` function, the one used for the
 *   observed matrix. With polychoric or tetrachoric correlations this is the fair null: their
 *   sampling spread under independence is much larger than that of Pearson correlations of normal
 *   data, so a normal null keeps too many factors on ordinal or binary items (issue 19).
 * - 'resample' (psych's sim = FALSE): each column is resampled with replacement (missing cells
 *   included, as psych's `sample(y, nsub, replace = TRUE)`), correlations by the same function;
 *   a draw whose correlations are undefined (a column turned constant) is redrawn, as psych does.
 *
 * Our random numbers are not R's, so null means match psych only to Monte Carlo error; the
 * observed eigenvalues match exactly, and seeded runs are reproducible.
 */
import { eigenSymmetric, eigenvaluesSymmetric, squaredMultipleCorrelations } from './correlation-linalg.js';
import { DegenerateDataError, pearsonPairwise } from './correlation.js';
import { quantileSorted } from './descriptive.js';
import { createRng, shuffleInPlace, type Rng } from './rng.js';
import { topEigenpair } from './eigen.js';

export type ParallelKind = 'fa' | 'pc' | 'both';

/** Null distribution of the eigenvalues; see the module comment. */
export type ParallelNull = 'normal' | 'permutation' | 'resample';

/** Which summary of the null eigenvalues an observed eigenvalue must exceed. */
export type ParallelCriterion = 'quantile' | 'mean';

/**
 * A correlation matrix of respondent data (rows respondents, null missing), e.g.
 * `pearsonPairwise`, `(d) => polychoric(d).rho` or `(d) => tetrachoric(d).rho`. It should throw
 * (any Error) when the correlations are undefined; data-based nulls then redraw.
 */
export type CorrelationFunction = (data: (number | null)[][]) => number[][];

export interface ParallelOptions {
  /**
   * Number of null data sets: default 20 for the normal null (psych's n.iter) and 100 for the
   * data-based nulls, whose quantile needs the larger sample (issue 19).
   */
  iter?: number;
  fa?: ParallelKind;
  /** Factoring method for the factor eigenvalues; minres (= uls) as psych's default. */
  fm?: 'minres' | 'uls';
  seed?: number;
  /** Quantile of the simulated eigenvalues an observed one must exceed (psych's quant, 0.95). */
  quantile?: number;
  /** Null model (default 'normal'). 'permutation' and 'resample' need raw data. */
  null?: ParallelNull;
  /**
   * Correlations of raw data, for the observed matrix and for the data-based nulls (default
   * Pearson with pairwise deletion). The normal null always uses Pearson correlations of
   * normal data, as psych does, whatever this is.
   */
  correlation?: CorrelationFunction;
  /**
   * Retention rule. Default: the quantile, except psych's fa-only-on-a-matrix quirk under the
   * normal null (means). The 95th percentile is what Buja & Eyuboglu recommend for the
   * permutation null; 'mean' is Horn's original rule and retains more.
   */
  criterion?: ParallelCriterion;
}

/**
 * Raw data (rows respondents, null missing), optionally with their correlation matrix already
 * computed by `options.correlation` (saves recomputing it), or a correlation matrix and its n
 * (normal null only).
 */
export type ParallelInput = { data: (number | null)[][]; r?: number[][] } | { r: number[][]; n: number };

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
  nullModel: ParallelNull;
  /** The rule nfact and ncomp were read with. */
  criterion: ParallelCriterion;
  quantile: number;
  /** Data-based nulls: draws whose correlations were undefined and were drawn again. */
  redraws: number;
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

/**
 * Null data for the data-based nulls, column by column: the observed values of each column and
 * the rows they sit in. A permutation shuffles the values among those rows; a resample draws n
 * cells (missing ones included) with replacement.
 */
function dataNullSampler(data: readonly (readonly (number | null)[])[], kind: 'permutation' | 'resample', rng: Rng): () => (number | null)[][] {
  const n = data.length, p = data[0]!.length;
  const rows: number[][] = [], values: number[][] = [];
  for (let j = 0; j < p; j++) {
    const r: number[] = [], v: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = data[i]![j];
      if (x !== null && x !== undefined) { r.push(i); v.push(x); }
    }
    rows.push(r);
    values.push(v);
  }
  return () => {
    const out: (number | null)[][] = Array.from({ length: n }, () => new Array<number | null>(p).fill(null));
    for (let j = 0; j < p; j++) {
      if (kind === 'permutation') {
        const v = shuffleInPlace(rng, [...values[j]!]);
        rows[j]!.forEach((i, k) => { out[i]![j] = v[k]!; });
      } else {
        for (let i = 0; i < n; i++) out[i]![j] = data[rng.int(n)]![j] ?? null;
      }
    }
    return out;
  };
}

/** Draws allowed per null data set before a data-based null gives up (psych loops forever). */
const MAX_REDRAWS = 50;

export function parallelAnalysis(input: ParallelInput, options: ParallelOptions = {}): ParallelResult {
  const nullModel = options.null ?? 'normal';
  const iter = options.iter ?? (nullModel === 'normal' ? 20 : 100);
  const kind = options.fa ?? 'both';
  const seed = options.seed ?? 1;
  const q = options.quantile ?? 0.95;
  if (!(Number.isInteger(iter) && iter >= 1)) throw new DegenerateDataError(`parallel analysis needs iter >= 1, got ${iter}`);
  if (!(q > 0 && q < 1)) throw new DegenerateDataError(`quantile must be in (0, 1), got ${q}`);
  if (nullModel !== 'normal' && !('data' in input)) throw new DegenerateDataError(`the ${nullModel} null needs the raw data, not a correlation matrix`);
  const correlation = options.correlation ?? pearsonPairwise;
  let r: number[][], n: number;
  if ('data' in input) {
    r = input.r ?? correlation(input.data);
    n = input.data.length;
  } else {
    r = input.r;
    n = input.n;
  }
  if (r.some((row) => row.length !== r.length || row.some((v) => !Number.isFinite(v)))) throw new DegenerateDataError('parallel analysis needs a square, finite correlation matrix');
  const p = r.length;
  if (p < 2) throw new DegenerateDataError('parallel analysis needs at least 2 variables');
  if (!(Number.isInteger(n) && n > p)) throw new DegenerateDataError(`parallel analysis needs more observations (${n}) than variables (${p})`);
  const pcValues = eigenSymmetric(r).values;
  const faValues = minresReducedEigenvalues(r).values;
  const doPc = kind !== 'fa', doFa = kind !== 'pc';
  const rng = createRng(seed);
  const simPc: number[][] = [], simFa: number[][] = [];
  let redraws = 0;
  const push = (sr: number[][]): void => {
    if (doPc) simPc.push(eigenvaluesSymmetric(sr));
    // Null spectra only feed Monte Carlo means and quantiles: 1e-8 on the communalities is far
    // below their sampling noise, and saves most of the eigen-decompositions.
    if (doFa) simFa.push(minresReducedEigenvalues(sr, 1, 1e-8).values);
  };
  if (nullModel === 'normal') {
    const columns = Array.from({ length: p }, () => new Float64Array(n));
    for (let it = 0; it < iter; it++) {
      for (const c of columns) for (let i = 0; i < n; i++) c[i] = rng.normal();
      push(completeCorrelation(columns, n));
    }
  } else {
    const draw = dataNullSampler((input as { data: (number | null)[][] }).data, nullModel, rng);
    for (let it = 0; it < iter; it++) {
      let sr: number[][] | undefined;
      let lastError: unknown;
      for (let attempt = 0; attempt < MAX_REDRAWS && !sr; attempt++) {
        try {
          const c = correlation(draw());
          if (c.length !== p || c.some((row) => row.length !== p || row.some((v) => !Number.isFinite(v)))) throw new DegenerateDataError('the correlation function returned a matrix of the wrong size or with non-finite entries');
          sr = c;
        } catch (e) {
          lastError = e;
          redraws++;
        }
      }
      if (!sr) throw new DegenerateDataError(`parallel analysis: ${MAX_REDRAWS} ${nullModel} draws in a row had undefined correlations (${(lastError as Error).message})`);
      push(sr);
    }
  }
  const summarize = (sims: number[][]): { mean: number[]; sd: number[]; quantile: number[] } => {
    const mean = Array.from({ length: p }, (_, k) => sims.reduce((s, v) => s + v[k]!, 0) / sims.length);
    const sd = mean.map((m, k) => (sims.length > 1 ? Math.sqrt(sims.reduce((s, v) => s + (v[k]! - m) ** 2, 0) / (sims.length - 1)) : 0));
    const quantile = Array.from({ length: p }, (_, k) => quantileSorted(sims.map((v) => v[k]!).sort((a, b) => a - b), q));
    return { mean, sd, quantile };
  };
  const pcSim = doPc ? summarize(simPc) : null;
  const faSim = doFa ? summarize(simFa) : null;
  const psychMeanQuirk = nullModel === 'normal' && kind === 'fa' && !('data' in input);
  const criterion: ParallelCriterion = options.criterion ?? (psychMeanQuirk ? 'mean' : 'quantile');
  const threshold = (sim: { mean: number[]; quantile: number[] }): number[] => (criterion === 'mean' ? sim.mean : sim.quantile);
  return {
    pcValues,
    faValues,
    pcSimMean: pcSim?.mean ?? null,
    pcSimQuantile: pcSim?.quantile ?? null,
    faSimMean: faSim?.mean ?? null,
    faSimQuantile: faSim?.quantile ?? null,
    pcSimSd: pcSim?.sd ?? null,
    faSimSd: faSim?.sd ?? null,
    nfact: faSim ? leadingAbove(faValues, threshold(faSim)) : null,
    ncomp: pcSim ? leadingAbove(pcValues, threshold(pcSim)) : null,
    kaiser: pcValues.filter((v) => v > 1).length,
    n,
    iter,
    seed,
    nullModel,
    criterion,
    quantile: q,
    redraws,
  };
}
