/**
 * Pearson correlations with pairwise deletion (R's cor(use = "pairwise")) and psych::cor.smooth
 * for matrices that are not positive definite.
 */
import { covToCor, eigenSymmetric, eigenvaluesSymmetric } from './correlation-linalg.js';
import { StatsInputError } from './input-error.js';

/**
 * Data that cannot give a correlation: NaN/Infinity cells, a constant column, or a pair of
 * columns observed together too rarely. The message names the column(s).
 */
export class DegenerateDataError extends StatsInputError {}

/** Fewest jointly observed rows a pair needs before its correlation means anything. */
export const MIN_JOINT_OBSERVATIONS = 3;

/** Rows are respondents, columns items; null is a missing value. Throws DegenerateDataError on NaN/Infinity or ragged rows. */
export function validateRespondentData(data: readonly (readonly (number | null)[])[], what = 'data'): number {
  if (data.length === 0) throw new DegenerateDataError(`${what} has no rows`);
  const p = data[0]!.length;
  if (p === 0) throw new DegenerateDataError(`${what} has no columns`);
  for (let i = 0; i < data.length; i++) {
    const row = data[i]!;
    if (row.length !== p) throw new DegenerateDataError(`${what} row ${i + 1} has ${row.length} values, expected ${p}`);
    for (let j = 0; j < p; j++) {
      const v = row[j];
      if (v !== null && !Number.isFinite(v)) throw new DegenerateDataError(`${what} row ${i + 1}, column ${j + 1} is not a finite number (${v})`);
    }
  }
  return p;
}

/** Column indices (0-based) whose observed values are all equal (or that have fewer than two observations). */
export function constantColumnIndices(data: readonly (readonly (number | null)[])[]): number[] {
  const p = data[0]?.length ?? 0;
  const out: number[] = [];
  for (let j = 0; j < p; j++) {
    let first: number | null = null, varies = false;
    for (const row of data) {
      const v = row[j]!;
      if (v === null) continue;
      if (first === null) first = v;
      else if (v !== first) { varies = true; break; }
    }
    if (!varies) out.push(j);
  }
  return out;
}

/**
 * Pearson correlation matrix with pairwise deletion: each pair uses the rows where both are
 * present, with that subset's own means and standard deviations (exactly R's cor(use="pairwise")).
 *
 * Columns go to Float64Arrays first. A pair of complete columns uses all rows, so its means and
 * sums of squares are the columns' own: those columns are centred once and each pair costs one
 * dot product, taken two columns against four at a time (eight sums per pass over the rows, six
 * loads). Every sum still runs over the rows in order with the same operations as the
 * pair-by-pair formula (kept for pairs with missing values), so the matrix is bit-identical to
 * computing every pair separately.
 */
export function pearsonPairwise(data: (number | null)[][]): number[][] {
  const p = validateRespondentData(data);
  const constant = constantColumnIndices(data);
  if (constant.length > 0) throw new DegenerateDataError(`column ${constant[0]! + 1} is constant (no variance), so its correlations are undefined`);
  const n = data.length;
  const cols = columnsOf(data, p);
  const r: number[][] = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? 1 : 0)));
  // Tiny data (every pair then fails MIN_JOINT_OBSERVATIONS) takes the pair-by-pair path, which
  // says which pair fails first.
  const fast = n >= MIN_JOINT_OBSERVATIONS;
  const centred: (Float64Array | null)[] = cols.values.map((c, j) => (fast && cols.observed[j] === null ? centre(c) : null));
  const ss = centred.map((c) => {
    if (c === null) return NaN;
    let s = 0;
    for (let t = 0; t < n; t++) s += c[t]! * c[t]!;
    return s;
  });
  const set = (i: number, j: number, v: number): void => {
    r[i]![j] = v;
    r[j]![i] = v;
  };
  const corr = (sxy: number, i: number, j: number): number => clampUnit(sxy / Math.sqrt(ss[i]! * ss[j]!));
  const sums = new Float64Array(8);
  const complete: number[] = [];
  for (let i = 0; i < p; ) {
    const x0 = centred[i];
    const x1 = i + 1 < p ? centred[i + 1] : null;
    if (x0 && x1) {
      // Columns i and i + 1 against the complete columns before them, four at a time.
      let q = 0;
      for (; q + 4 <= complete.length; q += 4) {
        const js = [complete[q]!, complete[q + 1]!, complete[q + 2]!, complete[q + 3]!];
        dots2x4(x0, x1, centred[js[0]!]!, centred[js[1]!]!, centred[js[2]!]!, centred[js[3]!]!, n, sums);
        for (let c = 0; c < 4; c++) {
          set(i, js[c]!, corr(sums[c]!, i, js[c]!));
          set(i + 1, js[c]!, corr(sums[4 + c]!, i + 1, js[c]!));
        }
      }
      for (; q < complete.length; q++) {
        const j = complete[q]!;
        set(i, j, corr(dot(x0, centred[j]!, n), i, j));
        set(i + 1, j, corr(dot(x1, centred[j]!, n), i + 1, j));
      }
      set(i + 1, i, corr(dot(x1, x0, n), i + 1, i));
      // Pairs with a column that has missing values, row by row in order (these may throw).
      for (let j = 0; j < i; j++) if (!centred[j]) set(i, j, pairCorrelation(cols, n, i, j));
      for (let j = 0; j < i; j++) if (!centred[j]) set(i + 1, j, pairCorrelation(cols, n, i + 1, j));
      complete.push(i, i + 1);
      i += 2;
    } else if (x0) {
      for (const j of complete) set(i, j, corr(dot(x0, centred[j]!, n), i, j));
      for (let j = 0; j < i; j++) if (!centred[j]) set(i, j, pairCorrelation(cols, n, i, j));
      complete.push(i);
      i++;
    } else {
      for (let j = 0; j < i; j++) set(i, j, pairCorrelation(cols, n, i, j));
      i++;
    }
  }
  return r;
}

/**
 * Numbers of rows where both columns are observed (psych's pairwise n.obs), p x p; the diagonal
 * holds each column's own count.
 */
export function pairwiseCounts(data: readonly (readonly (number | null)[])[]): number[][] {
  const n = data.length;
  const p = data[0]?.length ?? 0;
  const { observed } = columnsOf(data, p);
  const own = observed.map((o) => (o === null ? n : o.reduce((a, b) => a + b, 0)));
  const counts: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    counts[i]![i] = own[i]!;
    for (let j = 0; j < i; j++) {
      const oi = observed[i], oj = observed[j];
      let c: number;
      if (oi === null) c = own[j]!;
      else if (oj === null) c = own[i]!;
      else {
        c = 0;
        for (let t = 0; t < n; t++) c += oi[t]! & oj[t]!;
      }
      counts[i]![j] = c;
      counts[j]![i] = c;
    }
  }
  return counts;
}

interface Columns {
  /** Column j's values (0 where missing). */
  values: Float64Array[];
  /** Column j's observed mask (1 = observed), or null when the column has no missing value. */
  observed: (Uint8Array | null)[];
}

function columnsOf(data: readonly (readonly (number | null)[])[], p: number): Columns {
  const n = data.length;
  const values = Array.from({ length: p }, () => new Float64Array(n));
  const observed: (Uint8Array | null)[] = new Array<Uint8Array | null>(p).fill(null);
  for (let t = 0; t < n; t++) {
    const row = data[t]!;
    for (let j = 0; j < p; j++) {
      const v = row[j];
      if (v === null || v === undefined) {
        if (observed[j] === null) observed[j] = new Uint8Array(n).fill(1);
        observed[j]![t] = 0;
      } else values[j]![t] = v;
    }
  }
  return { values, observed };
}

/** The eight sums x_a . y_b over rows in order (a in 0..1, b in 0..3): out[4a + b]. */
function dots2x4(x0: Float64Array, x1: Float64Array, y0: Float64Array, y1: Float64Array, y2: Float64Array, y3: Float64Array, n: number, out: Float64Array): void {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
  for (let t = 0; t < n; t++) {
    const u = x0[t]!, v = x1[t]!;
    const c0 = y0[t]!, c1 = y1[t]!, c2 = y2[t]!, c3 = y3[t]!;
    a0 += u * c0; a1 += u * c1; a2 += u * c2; a3 += u * c3;
    b0 += v * c0; b1 += v * c1; b2 += v * c2; b3 += v * c3;
  }
  out[0] = a0; out[1] = a1; out[2] = a2; out[3] = a3;
  out[4] = b0; out[5] = b1; out[6] = b2; out[7] = b3;
}

function dot(x: Float64Array, y: Float64Array, n: number): number {
  let s = 0;
  for (let t = 0; t < n; t++) s += x[t]! * y[t]!;
  return s;
}

/** x minus its mean (the mean summed in row order, as the pairwise formula does). */
function centre(x: Float64Array): Float64Array {
  const n = x.length;
  let s = 0;
  for (let t = 0; t < n; t++) s += x[t]!;
  const m = s / n;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = x[t]! - m;
  return out;
}

function clampUnit(v: number): number {
  return Math.max(-1, Math.min(1, v));
}

function pairCorrelation(cols: Columns, rows: number, i: number, j: number): number {
  const xs = cols.values[i]!, ys = cols.values[j]!;
  const oi = cols.observed[i], oj = cols.observed[j];
  const both = (t: number): boolean => (oi === null || oi[t] === 1) && (oj === null || oj[t] === 1);
  let n = 0, sx = 0, sy = 0;
  for (let t = 0; t < rows; t++) {
    if (!both(t)) continue;
    n++; sx += xs[t]!; sy += ys[t]!;
  }
  if (n < MIN_JOINT_OBSERVATIONS) throw new DegenerateDataError(`columns ${j + 1} and ${i + 1} are observed together in only ${n} row(s); at least ${MIN_JOINT_OBSERVATIONS} are needed`);
  const mx = sx / n, my = sy / n;
  let sxx = 0, syy = 0, sxy = 0;
  for (let t = 0; t < rows; t++) {
    if (!both(t)) continue;
    const dx = xs[t]! - mx, dy = ys[t]! - my;
    sxx += dx * dx; syy += dy * dy; sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) throw new DegenerateDataError(`columns ${j + 1} and ${i + 1}: one is constant on the rows where both are observed`);
  return clampUnit(sxy / Math.sqrt(sxx * syy));
}

export interface SmoothedCorrelation {
  r: number[][];
  /** True when the matrix was not positive definite and was smoothed. */
  smoothed: boolean;
  warnings: string[];
}

/**
 * psych::cor.smooth: when the smallest eigenvalue is below machine epsilon, eigenvalues under
 * eigTol become 100 * eigTol, are rescaled to sum to the number of variables, and the matrix is
 * rebuilt and rescaled to unit diagonal.
 */
export function corSmooth(r: readonly (readonly number[])[], eigTol = 1e-12): SmoothedCorrelation {
  const p = r.length;
  for (const row of r) {
    if (row.length !== p) throw new DegenerateDataError('corSmooth needs a square matrix');
    for (const v of row) if (!Number.isFinite(v)) throw new DegenerateDataError('corSmooth: the matrix has a non-finite entry');
  }
  // Most matrices need no smoothing: the eigenvalues alone (bit-identical to those of the full
  // decomposition, at a fifth of its cost) decide that.
  if (Math.min(...eigenvaluesSymmetric(r)) >= Number.EPSILON) return { r: r.map((row) => [...row]), smoothed: false, warnings: [] };
  const { values, vectors } = eigenSymmetric(r);
  const fixed = values.map((v) => (v < eigTol ? 100 * eigTol : v));
  const tot = fixed.reduce((a, b) => a + b, 0);
  const scaled = fixed.map((v) => (v * p) / tot);
  const rebuilt: number[][] = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (_, j) => {
      let s = 0;
      for (let k = 0; k < p; k++) s += vectors[i]![k]! * scaled[k]! * vectors[j]![k]!;
      return s;
    }),
  );
  return { r: covToCor(rebuilt), smoothed: true, warnings: ['Matrix was not positive definite, smoothing was done'] };
}
