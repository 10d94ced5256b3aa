/**
 * Polychoric and tetrachoric correlations, computed as psych::polychoric / psych::tetrachoric do:
 * thresholds from each item's own marginal proportions (global = TRUE, psych's default), then for
 * each pair the maximum-likelihood rho of the bivariate normal cut at those thresholds, found with
 * R's optimize() on [-1, 1] (ported exactly, so the answer matches psych to its 1e-4 resolution).
 * A non-positive-definite result is smoothed like psych::cor.smooth.
 */
import { bivariateNormalCdf, bivariateNormalCdfGrid } from './bivariate-normal.js';
import { brentMinimize } from './brent-minimize.js';
import { constantColumnIndices, corSmooth, DegenerateDataError, MIN_JOINT_OBSERVATIONS, validateRespondentData } from './correlation.js';
import { normalCdf, normalQuantile } from './probability.js';

export interface PolychoricOptions {
  /** Thresholds from each item's whole marginal (true, psych's default) or from each pair's table. */
  global?: boolean;
  /** Continuity correction for empty cells; used by tetrachoric, and by polychoric only when global is false. */
  correct?: number;
  /** Smooth a non-positive-definite result (psych::cor.smooth). Default true. */
  smooth?: boolean;
  /** Most response categories accepted (psych's max.cat). Default 8. */
  maxCategories?: number;
}

export interface PolychoricResult {
  rho: number[][];
  /** tau[item][k]: threshold between category k and k+1 (categories counted from the smallest value in the data). */
  tau: number[][];
  /** Whether global thresholds were used (false when items differ in their number of categories). */
  global: boolean;
  smoothed: boolean;
  warnings: string[];
}

export interface TetrachoricResult {
  rho: number[][];
  /** Threshold of each item: qnorm of the proportion at its lower value. */
  tau: number[];
  smoothed: boolean;
  warnings: string[];
}

/**
 * Minus log-likelihood of a contingency table under cut points rc (rows) and cc (columns), as
 * psych's polyF, as a function of rho. Everything that does not depend on rho (the grid's
 * edges, where a cut is infinite, and the marginal CDFs) is computed once per table, and the
 * inner grid comes from bivariateNormalCdfGrid: the values are bit-identical to pointwise
 * bivariateNormalCdf calls, several times faster (the permutation null of parallel analysis
 * recomputes hundreds of polychoric matrices).
 */
function polychoricObjective(rc: readonly number[], cc: readonly number[], tab: readonly (readonly number[])[]): (rho: number) => number {
  const rcuts = [-Infinity, ...rc, Infinity], ccuts = [-Infinity, ...cc, Infinity];
  const ri = rcuts.flatMap((v, i) => (Number.isFinite(v) ? [i] : [])), ci = ccuts.flatMap((v, j) => (Number.isFinite(v) ? [j] : []));
  const xs = ri.map((i) => rcuts[i]!), ys = ci.map((j) => ccuts[j]!);
  const xCdf = xs.map((x) => normalCdf(x)), yCdf = ys.map((y) => normalCdf(y));
  // An infinite cut makes the CDF free of rho (0, a marginal, or 1); 0.5 is a placeholder for rho.
  const grid = rcuts.map((x) => ccuts.map((y) => (Number.isFinite(x) && Number.isFinite(y) ? 0 : bivariateNormalCdf(x, y, 0.5))));
  return (rho) => {
    const inner = bivariateNormalCdfGrid(xs, ys, rho, xCdf, yCdf);
    ri.forEach((i, a) => ci.forEach((j, b) => { grid[i]![j] = inner[a]![b]!; }));
    let ll = 0;
    for (let i = 0; i < rcuts.length - 1; i++) {
      for (let j = 0; j < ccuts.length - 1; j++) {
        const p = grid[i + 1]![j + 1]! - grid[i]![j + 1]! - grid[i + 1]![j]! + grid[i]![j]!;
        if (!(p > 0)) continue; // psych sets P <= 0 to NA and drops it from the sum
        const lp = Math.log(p);
        if (Number.isFinite(lp)) ll += tab[i]![j]! * lp;
      }
    }
    return -ll;
  };
}

function requireIntegerCodes(data: readonly (readonly (number | null)[])[]): void {
  for (let i = 0; i < data.length; i++) {
    const row = data[i]!;
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      if (v !== null && v !== undefined && !Number.isInteger(v)) throw new DegenerateDataError(`row ${i + 1}, column ${j + 1}: ${v} is not an integer category code`);
    }
  }
}

function requireVariance(data: readonly (readonly (number | null)[])[]): void {
  const constant = constantColumnIndices(data);
  if (constant.length > 0) throw new DegenerateDataError(`column ${constant[0]! + 1} is constant (no variance); remove it before computing correlations`);
}

/** psych::polychoric for integer-coded ordinal data (rows respondents, null missing). */
export function polychoric(data: (number | null)[][], options: PolychoricOptions = {}): PolychoricResult {
  const p = validateRespondentData(data);
  requireIntegerCodes(data);
  requireVariance(data);
  const correct = options.correct ?? 0.5;
  const maxCat = options.maxCategories ?? 8;
  const warnings: string[] = [];
  let gmin = Infinity, gmax = -Infinity;
  for (const row of data) for (const v of row) if (v !== null) { gmin = Math.min(gmin, v); gmax = Math.max(gmax, v); }
  const nvalues = gmax - gmin + 1;
  if (nvalues > maxCat) throw new DegenerateDataError(`polychoric: the data have ${nvalues} categories (more than ${maxCat}); use Pearson correlations`);
  // Codes 0..nvalues-1 after shifting by the global minimum, as psych does.
  const codes = data.map((row) => row.map((v) => (v === null ? -1 : v - gmin)));
  const itemMax = Array.from({ length: p }, (_, j) => Math.max(...codes.map((row) => row[j]!)));
  let global = options.global ?? true;
  if (global && Math.min(...itemMax) !== Math.max(...itemMax)) {
    global = false;
    warnings.push('The items do not have an equal number of response alternatives, global set to FALSE.');
  }
  const tau = Array.from({ length: p }, (_, j) => {
    const freq = new Array<number>(nvalues).fill(0);
    let n = 0;
    for (const row of codes) if (row[j]! >= 0) { freq[row[j]!]!++; n++; }
    const out: number[] = [];
    let cum = 0;
    for (let k = 0; k < nvalues - 1; k++) { cum += freq[k]!; out.push(normalQuantile(Math.min(1, cum / n))); }
    return out;
  });
  const rho: number[][] = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? 1 : 0)));
  let fixedCells = 0, renormalizedPairs = 0;
  for (let i = 1; i < p; i++) {
    for (let j = 0; j < i; j++) {
      const tab = Array.from({ length: nvalues }, () => new Array<number>(nvalues).fill(0));
      let tot = 0;
      for (const row of codes) {
        const a = row[i]!, b = row[j]!;
        if (a < 0 || b < 0) continue;
        tab[a]![b]!++;
        tot++;
      }
      if (tot < MIN_JOINT_OBSERVATIONS) throw new DegenerateDataError(`columns ${j + 1} and ${i + 1} are observed together in only ${tot} row(s); at least ${MIN_JOINT_OBSERVATIONS} are needed`);
      const prop = tab.map((r) => r.map((v) => v / tot));
      let value: number;
      if (global) {
        value = brentMinimize(polychoricObjective(tau[i]!, tau[j]!, prop), -1, 1).minimum;
      } else {
        const local = pairThresholds(prop, correct, tot);
        if (local.fixed) fixedCells++;
        if (local.renormalized) renormalizedPairs++;
        if (local.rc.length === 0 || local.cc.length === 0) throw new DegenerateDataError(`columns ${j + 1} and ${i + 1}: one has a single observed category on their common rows`);
        value = brentMinimize(polychoricObjective(local.rc, local.cc, local.tab), -1, 1).minimum;
      }
      rho[i]![j] = value;
      rho[j]![i] = value;
    }
  }
  if (fixedCells > 0 && correct > 0) warnings.push(`${fixedCells} cells were adjusted for 0 values using the correction for continuity. Examine your data carefully.`);
  if (renormalizedPairs > 0) warnings.push(`${renormalizedPairs} pair(s) had a rare last category whose corrected cumulative proportion reached 1; their corrected tables were renormalized (psych leaves those thresholds undefined).`);
  const smooth = options.smooth ?? true;
  let smoothed = false;
  let result = rho;
  if (smooth) {
    const s = corSmooth(rho);
    result = s.r;
    smoothed = s.smoothed;
    warnings.push(...s.warnings);
  }
  return { rho: result, tau, global, smoothed, warnings };
}

/**
 * psych's local (global = FALSE) thresholds: drop empty rows/columns, fill empty cells with
 * correct/tot, and cut at the cumulative sums of the filled table.
 *
 * One departure, a bug fix: psych does not renormalize the filled table, so its cumulative sums
 * can reach 1 before the last category when that category is rare and earlier rows have many
 * empty cells (ragged category sets in a few hundred rows are enough). qnorm then gives NaN or
 * Inf, every cell of the last category gets probability 0 and silently drops out of the
 * likelihood, and the estimate ignores those respondents (psych::polychoric returns such values
 * without a warning). For those pairs only, the filled table is renormalized to proportions (as
 * psych's own tetrachoric does after its correction) and `renormalized` is set; every other pair
 * keeps psych's thresholds, so results still equal psych wherever psych's are defined.
 */
function pairThresholds(prop: number[][], correct: number, tot: number): { rc: number[]; cc: number[]; tab: number[][]; fixed: boolean; renormalized: boolean } {
  const rowsKept = prop.filter((r) => r.some((v) => v !== 0));
  const colKeep = prop[0]!.map((_, c) => prop.some((r) => r[c] !== 0));
  let tab = rowsKept.map((r) => r.filter((_, c) => colKeep[c]));
  let fixed = false;
  if (correct > 0 && tab.some((r) => r.some((v) => v === 0))) {
    fixed = true;
    tab = tab.map((r) => r.map((v) => (v === 0 ? correct / tot : v)));
  }
  const rsum = tab.map((r) => r.reduce((a, b) => a + b, 0));
  const csum = tab[0]!.map((_, c) => tab.reduce((a, r) => a + r[c]!, 0));
  const reachesOne = (sums: number[]): boolean => {
    let cum = 0;
    for (let k = 0; k < sums.length - 1; k++) cum += sums[k]!;
    return cum >= 1;
  };
  const renormalized = reachesOne(rsum) || reachesOne(csum);
  const total = renormalized ? rsum.reduce((a, b) => a + b, 0) : 1;
  const cutsOf = (sums: number[]): number[] => {
    const out: number[] = [];
    let cum = 0;
    for (let k = 0; k < sums.length - 1; k++) { cum += sums[k]!; out.push(normalQuantile(Math.min(1, cum / total))); }
    return out;
  };
  return { rc: cutsOf(rsum), cc: cutsOf(csum), tab, fixed, renormalized };
}

/**
 * Minus log-likelihood of a 2x2 table (tab[x][y], x and y coded 0/1) as psych's tetraF, as a
 * function of rho; the marginal CDFs, which do not depend on rho, are computed once.
 */
function tetrachoricObjective(taux: number, tauy: number, tab: readonly (readonly number[])[]): (rho: number) => number {
  const fx = normalCdf(taux), fy = normalCdf(tauy);
  return (rho) => {
    const p00 = bivariateNormalCdf(tauy, taux, rho);
    const p10 = fy - p00;
    const p01 = fx - p00;
    const p11 = 1 - fy - p01;
    return -(tab[0]![0]! * Math.log(p00) + tab[1]![0]! * Math.log(p10) + tab[0]![1]! * Math.log(p01) + tab[1]![1]! * Math.log(p11));
  };
}

/**
 * Tetrachoric correlation of one 2x2 table of counts (tab[x][y]) with thresholds from the table
 * itself, as psych::tetrachoric does when given a table.
 */
export function tetrachoricTable(tab: readonly (readonly number[])[], correct = 0.5): number {
  if (tab.length !== 2 || tab.some((r) => r.length !== 2)) throw new DegenerateDataError('tetrachoricTable needs a 2x2 table');
  let t = tab.map((r) => [...r]);
  const total = t.flat().reduce((a, b) => a + b, 0);
  if (!(total > 0) || t.flat().some((v) => !(v >= 0))) throw new DegenerateDataError('tetrachoricTable needs non-negative counts with a positive total');
  if (total > 1 && Math.min(...t.flat()) === 0 && correct > 0) t = t.map((r) => r.map((v) => (v === 0 ? correct : v)));
  const tot = t.flat().reduce((a, b) => a + b, 0);
  t = t.map((r) => r.map((v) => v / tot));
  const tauy = normalQuantile(t[0]![0]! + t[1]![0]!);
  const taux = normalQuantile(t[0]![0]! + t[0]![1]!);
  return brentMinimize(tetrachoricObjective(taux, tauy, t), -1, 1).minimum;
}

/** psych::tetrachoric for 0/1 data (any two values per column; rows respondents, null missing). */
export function tetrachoric(data: (number | null)[][], options: Omit<PolychoricOptions, 'maxCategories'> = {}): TetrachoricResult {
  const p = validateRespondentData(data);
  requireVariance(data);
  const correct = options.correct ?? 0.5;
  const global = options.global ?? true;
  const warnings: string[] = [];
  const mins = Array.from({ length: p }, (_, j) => Math.min(...data.map((r) => r[j] ?? Infinity)));
  const x = data.map((row) => row.map((v, j) => (v === null ? -1 : v - mins[j]!)));
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < p; j++) {
      const v = x[i]![j]!;
      if (v !== -1 && v !== 0 && v !== 1) throw new DegenerateDataError(`tetrachoric correlations require dichotomous data (row ${i + 1}, column ${j + 1})`);
    }
  }
  const tau = Array.from({ length: p }, (_, j) => {
    let n = 0, s = 0;
    for (const row of x) if (row[j]! >= 0) { n++; s += row[j]!; }
    return -normalQuantile(s / n);
  });
  const rho: number[][] = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? 1 : 0)));
  let corrected = 0;
  for (let i = 1; i < p; i++) {
    for (let j = 0; j < i; j++) {
      // psych passes column i as x and column j as y
      const tab = [[0, 0], [0, 0]];
      let n = 0;
      for (const row of x) {
        const a = row[i]!, b = row[j]!;
        if (a < 0 || b < 0) continue;
        tab[a]![b]!++;
        n++;
      }
      if (n < MIN_JOINT_OBSERVATIONS) throw new DegenerateDataError(`columns ${j + 1} and ${i + 1} are observed together in only ${n} row(s); at least ${MIN_JOINT_OBSERVATIONS} are needed`);
      let value: number;
      if (global) {
        let t = tab;
        if (n > 1 && Math.min(...tab.flat()) === 0 && correct > 0) {
          corrected++;
          t = tab.map((r) => r.map((v) => (v === 0 ? correct : v)));
        }
        value = brentMinimize(tetrachoricObjective(tau[i]!, tau[j]!, t), -1, 1).minimum;
      } else {
        value = tetrachoricTable(tab, correct);
      }
      rho[i]![j] = value;
      rho[j]![i] = value;
    }
  }
  if (corrected > 0) warnings.push(`${corrected} pair(s) had an empty cell replaced with correct = ${correct}. Check your data!`);
  let result = rho, smoothed = false;
  if (options.smooth ?? true) {
    const s = corSmooth(rho);
    result = s.r;
    smoothed = s.smoothed;
    warnings.push(...s.warnings);
  }
  return { rho: result, tau, smoothed, warnings };
}
