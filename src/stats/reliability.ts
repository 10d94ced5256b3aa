/**
 * Internal consistency as psych::alpha computes it from raw item scores: Cronbach's alpha (raw
 * and standardized), Guttman's lambda 6, average inter-item r, signal/noise, the alpha-if-dropped
 * table and item–total statistics, with psych's check.keys reversal of negatively keyed items.
 */
import { covToCor, eigenSymmetric, squaredMultipleCorrelations } from './correlation-linalg.js';
import { constantColumnIndices, DegenerateDataError, pearsonPairwise, validateRespondentData } from './correlation.js';
import { median, variance } from './descriptive.js';

export interface AlphaOptions {
  /** Reverse items with a negative loading on the first principal component (psych's check.keys). */
  checkKeys?: boolean;
  /** Explicit keys, +1 or -1 per item (overrides checkKeys). */
  keys?: number[];
}

export interface AlphaStats {
  rawAlpha: number;
  stdAlpha: number;
  /** Guttman's lambda 6 from squared multiple correlations (psych's G6(smc)). */
  g6: number;
  averageR: number;
  /** Signal/noise ratio n * average_r / (1 - average_r). */
  signalNoise: number;
  medianR: number;
  /** Variance of the inter-item correlations (NaN with fewer than two of them). */
  varR: number;
}

export interface AlphaResult {
  total: AlphaStats & { ase: number; mean: number; sd: number };
  /** Statistics of the scale without each item (psych's alpha.drop; `alphaSe` is its "alpha se"). */
  alphaIfDropped: (AlphaStats & { alphaSe: number })[];
  items: { n: number; rawR: number; stdR: number; rCor: number; rDrop: number; mean: number; sd: number }[];
  /** +1 or -1 per item; -1 items were reversed (max + min - x) before scoring. */
  keys: number[];
  warnings: string[];
}

const sumAll = (m: readonly (readonly number[])[]): number => m.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
const trace = (m: readonly (readonly number[])[]): number => m.reduce((s, row, i) => s + row[i]!, 0);
const without = (m: readonly (readonly number[])[], k: number): number[][] => m.filter((_, i) => i !== k).map((row) => row.filter((_, j) => j !== k));

/** Covariances with pairwise deletion (R's cov(use = "pairwise")). */
function pairwiseCovariance(data: readonly (readonly (number | null)[])[], p: number): number[][] {
  const c: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let n = 0, sx = 0, sy = 0;
      for (const row of data) {
        const x = row[i]!, y = row[j]!;
        if (x === null || y === null) continue;
        n++; sx += x; sy += y;
      }
      const mx = sx / n, my = sy / n;
      let s = 0;
      for (const row of data) {
        const x = row[i]!, y = row[j]!;
        if (x === null || y === null) continue;
        s += (x - mx) * (y - my);
      }
      c[i]![j] = c[j]![i] = s / (n - 1);
    }
  }
  return c;
}

/** psych's alpha.1 on a (keyed) covariance matrix and its correlation matrix. */
function alphaOf(c: readonly (readonly number[])[], r: readonly (readonly number[])[]): AlphaStats & { q: number } {
  const n = c.length;
  const sumC = sumAll(c), trC = trace(c), sumR = sumAll(r);
  const lower: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) lower.push(r[i]![j]!);
  const averageR = (sumR - n) / (n * (n - 1));
  const cc = c.map((row, i) => row.map((_, j) => row.reduce((s, v, k) => s + v * c[k]![j]!, 0)));
  const q = ((2 * n * n) / ((n - 1) ** 2 * sumC ** 3)) * (sumC * (trace(cc) + trC ** 2) - 2 * trC * sumAll(cc));
  return {
    rawAlpha: (1 - trC / sumC) * (n / (n - 1)),
    stdAlpha: (1 - n / sumR) * (n / (n - 1)),
    g6: 1 - (n - squaredMultipleCorrelations(r).reduce((a, b) => a + b, 0)) / sumR,
    averageR,
    signalNoise: (n * averageR) / (1 - averageR),
    medianR: median(lower),
    varR: lower.length > 1 ? variance(lower) : NaN,
    q,
  };
}

/** Loadings on the first principal component, signed so they sum to a positive number (psych::principal). */
function firstComponentLoadings(r: number[][]): number[] {
  const { values, vectors } = eigenSymmetric(r);
  const l = vectors.map((row) => row[0]! * Math.sqrt(Math.max(values[0]!, 0)));
  return l.reduce((a, b) => a + b, 0) < 0 ? l.map((v) => -v) : l;
}

/** psych::alpha for raw scores (rows respondents, null missing). */
export function cronbachAlpha(data: (number | null)[][], options: AlphaOptions = {}): AlphaResult {
  const nvar = validateRespondentData(data, 'alpha data');
  if (nvar < 2) throw new DegenerateDataError('alpha needs at least 2 items');
  const constant = constantColumnIndices(data);
  if (constant.length > 0) throw new DegenerateDataError(`item ${constant[0]! + 1} has no variance; remove it before computing alpha`);
  const warnings: string[] = [];
  let keys: number[];
  if (options.keys) {
    if (options.keys.length !== nvar || options.keys.some((k) => k !== 1 && k !== -1)) throw new DegenerateDataError(`keys must hold +1 or -1 for each of the ${nvar} items`);
    keys = [...options.keys];
  } else {
    const loadings = firstComponentLoadings(pearsonPairwise(data));
    const negative = loadings.map((l) => l < 0);
    if (negative.some(Boolean)) {
      if (options.checkKeys) {
        warnings.push('Some items were negatively correlated with the first principal component and were automatically reversed.');
        keys = negative.map((neg) => (neg ? -1 : 1));
      } else {
        const which = negative.flatMap((neg, i) => (neg ? [i + 1] : []));
        warnings.push(`Some items (${which.join(', ')}) were negatively correlated with the total scale and probably should be reversed (use checkKeys).`);
        keys = new Array<number>(nvar).fill(1);
      }
    } else keys = new Array<number>(nvar).fill(1);
  }
  const nsub = data.length;
  const c = pairwiseCovariance(data, nvar).map((row, i) => row.map((v, j) => v * keys[i]! * keys[j]!));
  let x = data;
  if (keys.some((k) => k < 0)) {
    let lo = Infinity, hi = -Infinity;
    for (const row of data) for (const v of row) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    x = data.map((row) => row.map((v, j) => (v === null || keys[j]! > 0 ? v : hi + lo - v)));
  }
  const totals: (number | null)[] = x.map((row) => {
    const present = row.filter((v): v is number => v !== null);
    return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
  });
  const observedTotals = totals.filter((v): v is number => v !== null);
  const r = covToCor(c);
  const whole = alphaOf(c, r);
  const alphaIfDropped = nvar > 2
    ? keys.map((_, i) => {
        const { q, ...stats } = alphaOf(without(c, i), without(r, i));
        return { ...stats, alphaSe: Math.sqrt(q / nsub) };
      })
    : [0, 1].map((i) => {
        const other = 1 - i;
        const r12 = r[0]![1]!;
        return {
          rawAlpha: c[0]![1]! / c[other]![other]!, stdAlpha: r12, g6: squaredMultipleCorrelations(r)[0]!, averageR: r12,
          signalNoise: r12 / (1 - r12), alphaSe: NaN, varR: 0, medianR: r12,
        };
      });
  const sumR = sumAll(r);
  const smc = squaredMultipleCorrelations(r);
  const rc = r.map((row, i) => row.map((v, j) => (i === j ? smc[i]! : v)));
  const sumRc = sumAll(rc);
  const items = keys.map((_, i) => {
    const col = x.map((row) => row[i]!);
    const present = col.filter((v): v is number => v !== null);
    const pairs = x.map((row, k) => [totals[k]!, row[i]!] as [number | null, number | null]);
    const rawR = pearsonPairwise(pairs)[0]![1]!;
    const cDrop = c[i]!.reduce((a, b) => a + b, 0) - c[i]![i]!;
    const mean = present.reduce((a, b) => a + b, 0) / present.length;
    return {
      n: present.length,
      rawR,
      stdR: r[i]!.reduce((a, b) => a + b, 0) / Math.sqrt(sumR),
      rCor: rc[i]!.reduce((a, b) => a + b, 0) / Math.sqrt(sumRc),
      rDrop: cDrop / Math.sqrt(c[i]![i]! * sumAll(without(c, i))),
      mean,
      sd: Math.sqrt(variance(present)),
    };
  });
  const { q, ...totalStats } = whole;
  return {
    total: {
      ...totalStats,
      ase: Math.sqrt(q / nsub),
      mean: observedTotals.reduce((a, b) => a + b, 0) / observedTotals.length,
      sd: Math.sqrt(variance(observedTotals)),
    },
    alphaIfDropped,
    items,
    keys,
    warnings,
  };
}
