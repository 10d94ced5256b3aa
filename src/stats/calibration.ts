/**
 * Correcting a judge's label distribution for its known errors (Rogan & Gladen 1978 and the
 * multi-class "matrix inversion" generalisation). With a calibration set of (true, judged)
 * labels, P(judged = j) = Σ_i π_i · P(judged = j | true = i); solving that linear system for the
 * true distribution π and projecting onto the probability simplex gives the corrected prevalence.
 * The bootstrap interval resamples both the calibration set and the scored set, so the
 * uncertainty of the judge's error rates is carried into the interval.
 */
import { Matrix, solve } from 'ml-matrix';
import { StatsInputError } from './input-error.js';
import { confusionMatrix, VALUE_LABELS } from './classification.js';
import { quantileSorted } from './descriptive.js';
import { createRng } from './rng.js';

/** Binary Rogan-Gladen estimate (p_obs + Sp - 1) / (Se + Sp - 1), clipped to [0, 1]. */
export function roganGladen(observedRate: number, sensitivity: number, specificity: number): number {
  for (const [name, v] of [['observedRate', observedRate], ['sensitivity', sensitivity], ['specificity', specificity]] as const) {
    if (!(v >= 0 && v <= 1)) throw new StatsInputError(`${name} must be in [0, 1], got ${v}`);
  }
  const youden = sensitivity + specificity - 1;
  if (youden <= 0) throw new StatsInputError(`the judge is uninformative (sensitivity + specificity - 1 = ${youden.toFixed(4)} <= 0); prevalence cannot be corrected`);
  return Math.min(1, Math.max(0, (observedRate + specificity - 1) / youden));
}

/** Euclidean projection onto the probability simplex (Duchi et al. 2008). */
export function projectToSimplex(v: readonly number[]): number[] {
  if (v.length === 0) throw new StatsInputError('cannot project an empty vector');
  const u = [...v].sort((a, b) => b - a);
  let css = 0, theta = 0;
  for (let i = 0; i < u.length; i++) {
    css += u[i]!;
    const t = (css - 1) / (i + 1);
    if (u[i]! - t > 0) theta = t;
  }
  return v.map((x) => Math.max(x - theta, 0));
}

/**
 * Corrected distribution of true labels from a calibration confusion matrix (rows = true,
 * columns = judged, counts) and the judged label counts (or proportions) on the scored set.
 */
export function correctDistribution(confusion: readonly (readonly number[])[], observed: readonly number[]): number[] {
  const k = confusion.length;
  if (k < 2) throw new StatsInputError('need at least two classes');
  if (observed.length !== k) throw new StatsInputError(`observed has ${observed.length} classes, the confusion matrix ${k}`);
  const total = observed.reduce((s, v) => s + v, 0);
  if (!(total > 0) || observed.some((v) => !(v >= 0))) throw new StatsInputError('observed counts must be non-negative with a positive total');
  const q = observed.map((v) => v / total);
  // M[j][i] = P(judged j | true i)
  const M = Matrix.zeros(k, k);
  confusion.forEach((row, i) => {
    if (row.length !== k) throw new StatsInputError('confusion matrix is not square');
    const s = row.reduce((a, b) => a + b, 0);
    if (!(s > 0)) throw new StatsInputError(`class ${i} has no calibration items; its error rates are unknown`);
    row.forEach((c, j) => M.set(j, i, c / s));
  });
  let pi: number[];
  try {
    pi = solve(M, Matrix.columnVector(q)).to1DArray();
  } catch {
    throw new StatsInputError('the judge confusion matrix is singular; the distribution cannot be corrected');
  }
  if (pi.some((x) => !Number.isFinite(x))) throw new StatsInputError('the judge confusion matrix is singular; the distribution cannot be corrected');
  return projectToSimplex(pi);
}

export interface PrevalenceInterval {
  labels: number[];
  /** Corrected share of each true label. */
  estimate: number[];
  /** Uncorrected share of each judged label on the scored set. */
  observed: number[];
  lower: number[];
  upper: number[];
  level: number;
  iterations: number;
  /** Replicates dropped because a resampled calibration set lacked a class or was singular. */
  skipped: number;
}

export interface PrevalenceOptions {
  labels?: readonly number[];
  iterations?: number;
  level?: number;
  seed?: number;
}

/**
 * Corrected label distribution of `scored` (judge labels) using a calibration set of
 * (truth, judged) pairs, with a percentile bootstrap interval that resamples both sets.
 */
export function correctedPrevalence(calibrationTruth: readonly number[], calibrationJudged: readonly number[], scored: readonly number[], options: PrevalenceOptions = {}): PrevalenceInterval {
  const labels = [...(options.labels ?? VALUE_LABELS)];
  const iterations = options.iterations ?? 2000;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(iterations) && iterations >= 10)) throw new StatsInputError(`iterations must be an integer >= 10, got ${iterations}`);
  if (!(level > 0 && level < 1)) throw new StatsInputError(`level must be in (0, 1), got ${level}`);
  if (scored.length === 0) throw new StatsInputError('no scored items');
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = (xs: readonly number[]): number[] => {
    const c = new Array<number>(labels.length).fill(0);
    xs.forEach((x, i) => {
      const j = index.get(x);
      if (j === undefined) throw new StatsInputError(`scored label ${x} at item ${i} is not one of ${labels.join(', ')}`);
      c[j]!++;
    });
    return c;
  };
  const conf = confusionMatrix(calibrationTruth, calibrationJudged, labels).matrix;
  const obs = counts(scored);
  const estimate = correctDistribution(conf, obs);
  const rng = createRng(options.seed ?? 1);
  const nc = calibrationTruth.length, ns = scored.length, k = labels.length;
  const truthIdx = calibrationTruth.map((t) => index.get(t)!);
  const judgedIdx = calibrationJudged.map((t) => index.get(t)!);
  const scoredIdx = scored.map((t) => index.get(t)!);
  const reps: number[][] = labels.map(() => []);
  let skipped = 0;
  for (let b = 0; b < iterations; b++) {
    const C = labels.map(() => new Array<number>(k).fill(0));
    for (let i = 0; i < nc; i++) { const r = rng.int(nc); C[truthIdx[r]!]![judgedIdx[r]!]!++; }
    const o = new Array<number>(k).fill(0);
    for (let i = 0; i < ns; i++) o[scoredIdx[rng.int(ns)]!]!++;
    try {
      correctDistribution(C, o).forEach((v, j) => reps[j]!.push(v));
    } catch {
      skipped++;
    }
  }
  if (skipped > iterations / 10) throw new StatsInputError(`${skipped} of ${iterations} bootstrap replicates had a calibration set lacking a class; the calibration set is too small`);
  const alpha = (1 - level) / 2;
  const sorted = reps.map((r) => [...r].sort((a, b) => a - b));
  return {
    labels,
    estimate,
    observed: obs.map((c) => c / ns),
    lower: sorted.map((s) => quantileSorted(s, alpha)),
    upper: sorted.map((s) => quantileSorted(s, 1 - alpha)),
    level,
    iterations,
    skipped,
  };
}
