/**
 * Intraclass correlations of a complete subjects x raters table (Shrout & Fleiss 1979), equal to
 * R psych::ICC(x, lmer = FALSE): the two-way ANOVA mean squares, the six ICCs with their F tests and
 * confidence intervals (the Satterthwaite-type interval for ICC(2,1) included). For test-retest of
 * model scores, subjects are models and raters are the runs: ICC(2,1) (two-way random effects, absolute
 * agreement, single measurement) asks whether a model gets the same score when measured again, not
 * merely the same rank.
 *
 * psych's default (lmer = TRUE) takes the mean squares from lme4 variance components instead; on complete
 * data they coincide with the ANOVA ones unless a REML component sits at 0 (then psych's numbers are
 * built from the truncated component). The ANOVA form is used here because it is the one with the
 * published sampling theory behind the intervals.
 *
 * Also the ipsative stability of one model's profile across two administrations: the Pearson correlation
 * of its dimension scores (is the shape of the profile, which values rank high and which low, kept?).
 */
import { StatsInputError, requireFinite } from './input-error.js';
import { fQuantile } from './f-quantile.js';
import { fSurvival } from './probability.js';

/** One intraclass correlation with its F test (H0: ICC = 0) and confidence interval. */
export interface IccEstimate {
  icc: number;
  F: number;
  df1: number;
  df2: number;
  p: number;
  lower: number;
  upper: number;
}

export interface IccResult {
  /** Rows: the units whose scores are compared (models). */
  n_subjects: number;
  /** Columns: the raters / occasions (runs). */
  n_raters: number;
  level: number;
  /** Mean squares: between subjects, between raters (judges), residual, and within subjects. */
  ms: { between: number; raters: number; error: number; within: number };
  /** ICC(1,1): one-way random, single rating. */
  icc1: IccEstimate;
  /** ICC(2,1): two-way random, absolute agreement, single rating. */
  icc2: IccEstimate;
  /** ICC(3,1): two-way mixed, consistency, single rating. */
  icc3: IccEstimate;
  /** The same for the mean of the k ratings. */
  icc1k: IccEstimate;
  icc2k: IccEstimate;
  icc3k: IccEstimate;
}

/**
 * Shrout-Fleiss ICCs of a complete table `ratings[subject][rater]`.
 * @param options.level confidence level of the intervals (default 0.95; psych's alpha = 1 - level).
 * @throws StatsInputError for fewer than 2 subjects or raters, ragged rows, non-finite or constant data.
 */
export function intraclassCorrelation(ratings: readonly (readonly number[])[], options: { level?: number } = {}): IccResult {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new StatsInputError(`level must be in (0, 1), got ${level}`);
  const n = ratings.length;
  if (n < 2) throw new StatsInputError(`ICC needs at least 2 subjects, got ${n}`);
  const k = ratings[0]!.length;
  if (k < 2) throw new StatsInputError(`ICC needs at least 2 raters, got ${k}`);
  ratings.forEach((row, i) => {
    if (row.length !== k) throw new StatsInputError(`ICC row ${i} has ${row.length} ratings, expected ${k} (the table must be complete)`);
    requireFinite(row, `ratings[${i}]`);
  });
  let grand = 0;
  for (const row of ratings) for (const v of row) grand += v;
  grand /= n * k;
  let ssRows = 0, ssCols = 0, ssTotal = 0;
  for (const row of ratings) {
    let m = 0;
    for (const v of row) { m += v / k; ssTotal += (v - grand) ** 2; }
    ssRows += k * (m - grand) ** 2;
  }
  for (let j = 0; j < k; j++) {
    let m = 0;
    for (const row of ratings) m += row[j]! / n;
    ssCols += n * (m - grand) ** 2;
  }
  const ssError = Math.max(0, ssTotal - ssRows - ssCols);
  const dfB = n - 1, dfJ = k - 1, dfE = (n - 1) * (k - 1), dfW = n * (k - 1);
  const MSB = ssRows / dfB, MSJ = ssCols / dfJ, MSE = ssError / dfE, MSW = (ssCols + ssError) / dfW;
  if (!(MSE > 0 && MSW > 0)) throw new StatsInputError('ICC is undefined: the ratings have no residual variance');
  const alpha = 1 - level;
  const qUp = (d1: number, d2: number): number => fQuantile(1 - alpha / 2, d1, d2);

  const ICC1 = (MSB - MSW) / (MSB + (k - 1) * MSW);
  const ICC2 = (MSB - MSE) / (MSB + (k - 1) * MSE + (k * (MSJ - MSE)) / n);
  const ICC3 = (MSB - MSE) / (MSB + (k - 1) * MSE);
  const F11 = MSB / MSW, F21 = MSB / MSE;
  const p11 = fSurvival(F11, dfB, dfW), p21 = fSurvival(F21, dfB, dfE);

  const F1L = F11 / qUp(dfB, dfW), F1U = F11 * qUp(dfW, dfB);
  const F3L = F21 / qUp(dfB, dfE), F3U = F21 * qUp(dfE, dfB);
  // ICC(2,1): Satterthwaite's approximate df v for the combination of MSJ and MSE (Shrout & Fleiss eq. 12),
  // transcribed from psych so that the bounds agree to the digit.
  const Fj = MSJ / MSE;
  const vn = (k - 1) * (n - 1) * (k * ICC2 * Fj + n * (1 + (k - 1) * ICC2) - k * ICC2) ** 2;
  const vd = (n - 1) * k ** 2 * ICC2 ** 2 * Fj ** 2 + (n * (1 + (k - 1) * ICC2) - k * ICC2) ** 2;
  const v = vn / vd;
  const F2U = qUp(n - 1, v), F2L = qUp(v, n - 1);
  const L2 = (n * (MSB - F2U * MSE)) / (F2U * (k * MSJ + (k * n - k - n) * MSE) + n * MSB);
  const U2 = (n * (F2L * MSB - MSE)) / (k * MSJ + (k * n - k - n) * MSE + n * F2L * MSB);

  const est = (icc: number, F: number, df1: number, df2: number, p: number, lower: number, upper: number): IccEstimate => ({ icc, F, df1, df2, p, lower, upper });
  return {
    n_subjects: n, n_raters: k, level,
    ms: { between: MSB, raters: MSJ, error: MSE, within: MSW },
    icc1: est(ICC1, F11, dfB, dfW, p11, (F1L - 1) / (F1L + k - 1), (F1U - 1) / (F1U + k - 1)),
    icc2: est(ICC2, F21, dfB, dfE, p21, L2, U2),
    icc3: est(ICC3, F21, dfB, dfE, p21, (F3L - 1) / (F3L + k - 1), (F3U - 1) / (F3U + k - 1)),
    icc1k: est((MSB - MSW) / MSB, F11, dfB, dfW, p11, 1 - 1 / F1L, 1 - 1 / F1U),
    icc2k: est((MSB - MSE) / (MSB + (MSJ - MSE) / n), F21, dfB, dfE, p21, (L2 * k) / (1 + L2 * (k - 1)), (U2 * k) / (1 + U2 * (k - 1))),
    icc3k: est((MSB - MSE) / MSB, F21, dfB, dfE, p21, 1 - 1 / F3L, 1 - 1 / F3U),
  };
}

export interface IpsativeStabilityResult {
  /** Pearson correlation of the profile's dimension scores across the two administrations. */
  r: number;
  /** Number of dimensions correlated. */
  n_dimensions: number;
  unit: 'dimensions';
}

/**
 * Ipsative (within-model) stability of a profile: Pearson's r between one model's dimension scores in two
 * administrations (`first[d]` and `second[d]` are the same dimension). It ignores level and spread, so a
 * model that scores everything higher the second time but keeps the shape of its profile is stable here;
 * the ICC across models answers the absolute question.
 * @throws StatsInputError for fewer than 3 dimensions, mismatched lengths or a flat profile.
 */
export function ipsativeStability(first: readonly number[], second: readonly number[]): IpsativeStabilityResult {
  if (first.length !== second.length) throw new StatsInputError(`the two profiles have ${first.length} and ${second.length} dimensions`);
  if (first.length < 3) throw new StatsInputError(`ipsative stability needs at least 3 dimensions, got ${first.length}`);
  requireFinite(first, 'first');
  requireFinite(second, 'second');
  const n = first.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += first[i]! / n; mb += second[i]! / n; }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const a = first[i]! - ma, b = second[i]! - mb;
    sab += a * b; saa += a * a; sbb += b * b;
  }
  if (saa === 0 || sbb === 0) throw new StatsInputError('ipsative stability is undefined for a flat profile (all dimension scores equal)');
  return { r: sab / Math.sqrt(saa * sbb), n_dimensions: n, unit: 'dimensions' };
}
