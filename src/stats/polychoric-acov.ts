/**
 * Sample statistics of ordinal items for WLS estimation, as lavaan computes them
 * (lav_samplestats_step1/step2 and muthen1984, lavaan 0.6, no covariates, one group):
 *
 *  1. thresholds of each item from its own margin (the probit ML estimate, qnorm of the cumulative
 *     proportions);
 *  2. each polychoric (tetrachoric) correlation by maximum likelihood with both items' thresholds
 *     held at their step-1 values (the "two-step" estimator), bounded to [-0.999, 0.999];
 *  3. Gamma (lavaan's NACOV), the asymptotic covariance of √N·(thresholds, correlations), from the
 *     case-wise scores of the univariate and bivariate likelihoods (Muthén 1984):
 *     Gamma = N · B⁻¹ (Σ s sᵀ) B⁻ᵀ, with B the block-triangular matrix of cross-products of scores
 *     (A11: each item's threshold block, A21: correlation × bivariate-threshold scores, A22: the
 *     diagonal of the correlation scores).
 *
 * Layout (lavaan's): all thresholds item by item (t1 < t2 < ...), then the correlations in
 * lavaan's vech order without the diagonal, i.e. column by column of the lower triangle:
 * (2,1), (3,1), ..., (p,1), (3,2), ...
 *
 * lavaan's special cases are reproduced: a 2x2 table with one empty cell gets 0.5 added to the
 * diagonal (or anti-diagonal) and taken from the other, keeping the margins (zero.add = c(0.5, 0),
 * zero.keep.margins = TRUE); two empty cells give ±1; a 2x2 table with odds ratio 1 gives 0; two
 * items both split exactly at the median give the closed form -cos(2π p11).
 */
import { CholeskyDecomposition, inverse, Matrix } from 'ml-matrix';
import { bivariateNormalCdf } from './bivariate-normal.js';
import { brentMinimize } from './brent-minimize.js';
import { StatsInputError } from './input-error.js';
import { brentRoot, normalCdf, normalQuantile } from './probability.js';

export interface OrdinalSampleStats {
  nObs: number;
  /** Sorted distinct values of each item; category k of item i is levels[i][k] (lavaan's ordered() coding). */
  levels: number[][];
  /** thresholds[i][k]: between categories k and k + 1 of item i (lavaan's t(k+1)). */
  thresholds: number[][];
  /** Polychoric (tetrachoric for two binary items) correlation matrix. */
  correlation: number[][];
  /** Asymptotic covariance of √N·(thresholds, correlations), lavaan's NACOV / lavInspect(fit, "gamma"). */
  gamma: number[][];
  /** Pairs [i, j] (i > j) whose bivariate table has an empty cell (lavaan's zero.cell.tables). */
  zeroCellPairs: [number, number][];
  warnings: string[];
}

/** lavaan clamps cell probabilities at sqrt(.Machine$double.eps). */
const TINY = Math.sqrt(Number.EPSILON);
/** lavaan's dbinorm caps |rho| here to keep the density finite. */
const RHO_DENSITY_LIMIT = 0.9999;
const RHO_BOUND = 0.999;

const pdf = (x: number): number => (Number.isFinite(x) ? Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) : 0);
const cdf = (x: number): number => (x === Infinity ? 1 : x === -Infinity ? 0 : normalCdf(x));

function dbinorm(u: number, v: number, rho: number): number {
  if (!Number.isFinite(u) || !Number.isFinite(v)) return 0;
  const r = Math.abs(rho) > RHO_DENSITY_LIMIT ? Math.sign(rho) * RHO_DENSITY_LIMIT : rho;
  const R = 1 - r * r;
  return Math.exp((-0.5 * (u * u - 2 * r * u * v + v * v)) / R) / (2 * Math.PI * Math.sqrt(R));
}

/** Item categories 0..K-1 by sorted distinct value, as R's ordered() codes them. */
export function ordinalLevels(column: readonly number[]): number[] {
  return [...new Set(column)].sort((a, b) => a - b);
}

/** Cut points with ±Infinity padding: cuts[c] and cuts[c + 1] bound category c. */
function padded(th: readonly number[]): number[] {
  return [-Infinity, ...th, Infinity];
}

/** Cell probabilities of a bivariate table at correlation rho (clamped below like lavaan's). */
function cellProbabilities(c1: readonly number[], c2: readonly number[], rho: number): number[][] {
  const K1 = c1.length - 1, K2 = c2.length - 1;
  const F = c1.map((x) => c2.map((y) => bivariateNormalCdf(x, y, rho)));
  return Array.from({ length: K1 }, (_, a) =>
    Array.from({ length: K2 }, (_, b) => {
      const p = F[a + 1]![b + 1]! - F[a]![b + 1]! - F[a + 1]![b]! + F[a]![b]!;
      return p < TINY ? TINY : p;
    }),
  );
}

/** ∂P(cell)/∂rho: the bivariate density at the cell's corners (lavaan's noexo_phi). */
function cellRhoDerivatives(c1: readonly number[], c2: readonly number[], rho: number): number[][] {
  const K1 = c1.length - 1, K2 = c2.length - 1;
  return Array.from({ length: K1 }, (_, a) =>
    Array.from({ length: K2 }, (_, b) =>
      dbinorm(c1[a + 1]!, c2[b + 1]!, rho) - dbinorm(c1[a]!, c2[b + 1]!, rho) - dbinorm(c1[a + 1]!, c2[b]!, rho) + dbinorm(c1[a]!, c2[b]!, rho),
    ),
  );
}

/** Pearson correlation of the category codes of a table (lavaan's starting value). */
function pearsonOfTable(f: readonly (readonly number[])[]): number {
  let n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  f.forEach((row, a) => row.forEach((v, b) => { n += v; sa += v * a; sb += v * b; saa += v * a * a; sbb += v * b * b; sab += v * a * b; }));
  const cov = sab / n - (sa / n) * (sb / n);
  const va = saa / n - (sa / n) ** 2, vb = sbb / n - (sb / n) ** 2;
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

/** Two-step ML polychoric correlation of a table freq[a][b] (a: item with cuts c1, b: item with cuts c2). */
function twoStepRho(freq: number[][], c1: readonly number[], c2: readonly number[], warnings: string[], label: string): number {
  let f = freq.map((r) => [...r]);
  const K1 = f.length, K2 = f[0]!.length;
  if (K1 === 2 && K2 === 2) {
    const zeros = f.flat().map((v, idx) => (v === 0 ? idx : -1)).filter((idx) => idx >= 0);
    if (zeros.length === 2) {
      warnings.push(`${label}: two empty cells in a 2x2 table; correlation set to ${f[0]![0]! > 0 ? 1 : -1}`);
      return f[0]![0]! > 0 ? 1 : -1;
    }
    if (zeros.length === 1) {
      // Row-major flat index: 0 = (1,1), 3 = (2,2) are lavaan's column-major 1 and 4.
      const d = zeros[0] === 0 || zeros[0] === 3 ? 0.5 : -0.5;
      f = [[f[0]![0]! + d, f[0]![1]! - d], [f[1]![0]! - d, f[1]![1]! + d]];
    }
    if (f[0]![0]! * f[1]![1]! === f[0]![1]! * f[1]![0]!) return 0;
    if (c1[1] === 0 && c2[1] === 0) return -Math.cos((2 * Math.PI * f[0]![0]!) / f.flat().reduce((s, v) => s + v, 0));
  }
  const negLogLik = (rho: number): number => {
    const P = cellProbabilities(c1, c2, rho);
    let ll = 0;
    for (let a = 0; a < K1; a++) for (let b = 0; b < K2; b++) if (f[a]![b]! !== 0) ll += f[a]![b]! * Math.log(P[a]![b]!);
    return -ll;
  };
  const score = (rho: number): number => {
    const P = cellProbabilities(c1, c2, rho);
    const D = cellRhoDerivatives(c1, c2, rho);
    let g = 0;
    for (let a = 0; a < K1; a++) for (let b = 0; b < K2; b++) if (P[a]![b]! > TINY) g += (f[a]![b]! * D[a]![b]!) / P[a]![b]!;
    return g;
  };
  const total = f.flat().reduce((acc, v) => acc + v, 0);
  // Fisher scoring from lavaan's start (the Pearson correlation of the category codes): a handful
  // of steps reach the maximum to ~1e-13; Brent on the likelihood is the fallback when a step fails.
  let rho = Math.max(-0.9, Math.min(0.9, pearsonOfTable(f)));
  let ll = -negLogLik(rho);
  for (let it = 0; it < 100; it++) {
    const P = cellProbabilities(c1, c2, rho);
    const D = cellRhoDerivatives(c1, c2, rho);
    let g = 0, info = 0;
    for (let a = 0; a < K1; a++) for (let b = 0; b < K2; b++) {
      if (P[a]![b]! > TINY) g += (f[a]![b]! * D[a]![b]!) / P[a]![b]!;
      info += (total * D[a]![b]! * D[a]![b]!) / P[a]![b]!;
    }
    if (!(info > 0)) break;
    let step = g / info, next = rho, llNext = -Infinity;
    for (let h = 0; h < 30; h++, step /= 2) {
      next = Math.max(-RHO_BOUND, Math.min(RHO_BOUND, rho + step));
      llNext = -negLogLik(next);
      if (llNext >= ll) break;
    }
    if (!(llNext >= ll)) break;
    const moved = Math.abs(next - rho);
    rho = next;
    ll = llNext;
    if (moved < 1e-13) return rho;
  }
  rho = brentMinimize(negLogLik, -RHO_BOUND, RHO_BOUND, 1e-10).minimum;
  // Polish on the analytic score: Brent on function values alone resolves rho to ~1e-8 only.
  const lo = Math.max(-RHO_BOUND, rho - 1e-4), hi = Math.min(RHO_BOUND, rho + 1e-4);
  const glo = score(lo), ghi = score(hi);
  if (glo > 0 && ghi < 0) rho = brentRoot(score, lo, hi, 1e-14);
  else if (hi === RHO_BOUND && ghi > 0) rho = RHO_BOUND;
  else if (lo === -RHO_BOUND && glo < 0) rho = -RHO_BOUND;
  return rho;
}

/** Pair order of lavaan's vech without diagonal: j = 0..p-2, i = j+1..p-1. */
export function correlationPairs(p: number): [number, number][] {
  const out: [number, number][] = [];
  for (let j = 0; j < p - 1; j++) for (let i = j + 1; i < p; i++) out.push([i, j]);
  return out;
}

function invertSmall(A: number[][], what: string): number[][] {
  const ch = new CholeskyDecomposition(new Matrix(A));
  if (ch.isPositiveDefinite()) return ch.solve(Matrix.eye(A.length)).to2DArray();
  try {
    return inverse(new Matrix(A)).to2DArray();
  } catch {
    throw new StatsInputError(`${what} is singular: cannot compute the asymptotic covariance`);
  }
}

export interface OrdinalSampleStatsOptions {
  /** Item names for messages (default x1, x2, ...). */
  names?: readonly string[];
  /**
   * Category values of each item (default: the sorted distinct values in `data`). lavaan takes the
   * levels from all rows before listwise deletion and refuses an item whose category is then empty.
   */
  levels?: readonly (readonly number[])[];
}

/**
 * Thresholds, polychoric correlations and their asymptotic covariance from complete ordinal data
 * (rows respondents, columns items; any numeric codes, ordered by value).
 */
export function ordinalSampleStats(data: readonly (readonly number[])[], options: OrdinalSampleStatsOptions = {}): OrdinalSampleStats {
  const N = data.length;
  if (N < 2) throw new StatsInputError(`ordinal sample statistics need at least 2 complete rows, got ${N}`);
  const p = data[0]!.length;
  if (p < 2) throw new StatsInputError('ordinal sample statistics need at least 2 items');
  const name = (i: number): string => options.names?.[i] ?? `x${i + 1}`;
  data.forEach((row, r) => {
    if (row.length !== p) throw new StatsInputError(`row ${r + 1} has ${row.length} values, expected ${p}`);
    row.forEach((v, i) => { if (!Number.isFinite(v)) throw new StatsInputError(`row ${r + 1}, item ${name(i)}: ${v} is not a finite number`); });
  });
  const warnings: string[] = [];

  // --- step 1: categories and thresholds
  const levels = Array.from({ length: p }, (_, i) => [...(options.levels?.[i] ?? ordinalLevels(data.map((row) => row[i]!)))]);
  const codes = data.map((row, r) => row.map((v, i) => {
    const c = levels[i]!.indexOf(v);
    if (c < 0) throw new StatsInputError(`row ${r + 1}, item ${name(i)}: value ${v} is not one of its categories (${levels[i]!.join(', ')})`);
    return c;
  }));
  const counts = levels.map((lv, i) => {
    const n = new Array<number>(lv.length).fill(0);
    for (const row of codes) n[row[i]!]!++;
    return n;
  });
  counts.forEach((n, i) => {
    if (n.length < 2) throw new StatsInputError(`item ${name(i)} has a single category (${levels[i]![0]}): no variance`);
    const empty = n.findIndex((c) => c === 0);
    if (empty >= 0) throw new StatsInputError(`item ${name(i)}: category ${levels[i]![empty]} is empty in the complete rows (frequencies ${n.join(' ')})`);
  });
  const thresholds = counts.map((n) => {
    const th: number[] = [];
    let cum = 0;
    for (let k = 0; k < n.length - 1; k++) { cum += n[k]!; th.push(normalQuantile(cum / N)); }
    return th;
  });
  const cuts = thresholds.map(padded);
  const thStart: number[] = [];
  let nth = 0;
  for (const th of thresholds) { thStart.push(nth); nth += th.length; }

  // Univariate threshold scores by category: d log P(c) / d tau_k.
  const uniScores = cuts.map((c) => {
    const K = c.length - 1;
    return Array.from({ length: K }, (_, cat) => {
      const up = c[cat + 1]!, lo = c[cat]!;
      // Upper-tail difference for categories above the median, as lavaan does, against cancellation.
      const prob = lo > 1 ? cdf(-lo) - cdf(-up) : cdf(up) - cdf(lo);
      return Array.from({ length: K - 1 }, (_, k) => ((k === cat ? pdf(up) : 0) - (k === cat - 1 ? pdf(lo) : 0)) / prob);
    });
  });

  // --- step 2: polychoric correlations and their bivariate scores, cell by cell
  const pairs = correlationPairs(p);
  const pstar = pairs.length;
  const m = nth + pstar;
  const correlation: number[][] = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? 1 : 0)));
  const zeroCellPairs: [number, number][] = [];
  /** Per pair: for each cell (a of item i, b of item j), the rho score and the bivariate threshold scores. */
  const pairCells: { rho: number[][]; thI: number[][][]; thJ: number[][][] }[] = [];
  const A21 = Array.from({ length: pstar }, () => new Array<number>(nth).fill(0));
  pairs.forEach(([i, j], r) => {
    const Ki = levels[i]!.length, Kj = levels[j]!.length;
    const freq = Array.from({ length: Ki }, () => new Array<number>(Kj).fill(0));
    for (const row of codes) freq[row[i]!]![row[j]!]!++;
    if (freq.some((rw) => rw.some((v) => v === 0))) zeroCellPairs.push([i, j]);
    // lavaan fits each pair with y1 = the earlier item (j) and y2 = the later one (i).
    const freqJI = Array.from({ length: Kj }, (_, b) => Array.from({ length: Ki }, (_, a) => freq[a]![b]!));
    const rho = twoStepRho(freqJI, cuts[j]!, cuts[i]!, warnings, `${name(j)} x ${name(i)}`);
    if (Math.abs(rho) > 0.99) warnings.push(`correlation between ${name(i)} and ${name(j)} is (nearly) 1.0`);
    correlation[i]![j] = rho;
    correlation[j]![i] = rho;
    const ci = cuts[i]!, cj = cuts[j]!;
    const P = cellProbabilities(ci, cj, rho);
    const D = cellRhoDerivatives(ci, cj, rho);
    const R = Math.sqrt(1 - rho * rho);
    // P(lo < Y_other <= up | Y = t) times the density of Y at t: d P(cell) / d threshold t.
    const edge = (t: number, lo: number, up: number): number => {
      if (!Number.isFinite(t)) return 0;
      if (R === 0) return pdf(t) * 0.5;
      return pdf(t) * (cdf((up - rho * t) / R) - cdf((lo - rho * t) / R));
    };
    const cell = { rho: [] as number[][], thI: [] as number[][][], thJ: [] as number[][][] };
    for (let a = 0; a < Ki; a++) {
      cell.rho.push([]); cell.thI.push([]); cell.thJ.push([]);
      for (let b = 0; b < Kj; b++) {
        const lik = P[a]![b]!;
        if (freq[a]![b]! > 0 && lik <= TINY) {
          throw new StatsInputError(`items ${name(i)} and ${name(j)}: an observed cell has model probability below ${TINY.toExponential(1)} (their polychoric correlation is ${rho.toFixed(3)}); the asymptotic covariance is undefined`);
        }
        const zi1 = edge(ci[a + 1]!, cj[b]!, cj[b + 1]!), zi2 = edge(ci[a]!, cj[b]!, cj[b + 1]!);
        const zj1 = edge(cj[b + 1]!, ci[a]!, ci[a + 1]!), zj2 = edge(cj[b]!, ci[a]!, ci[a + 1]!);
        cell.rho[a]!.push(D[a]![b]! / lik);
        cell.thI[a]!.push(Array.from({ length: Ki - 1 }, (_, k) => ((k === a ? zi1 : 0) - (k === a - 1 ? zi2 : 0)) / lik));
        cell.thJ[a]!.push(Array.from({ length: Kj - 1 }, (_, k) => ((k === b ? zj1 : 0) - (k === b - 1 ? zj2 : 0)) / lik));
        const n = freq[a]![b]!;
        if (n > 0) {
          const s = cell.rho[a]![b]!;
          cell.thI[a]![b]!.forEach((v, k) => { A21[r]![thStart[i]! + k]! += n * s * v; });
          cell.thJ[a]![b]!.forEach((v, k) => { A21[r]![thStart[j]! + k]! += n * s * v; });
        }
      }
    }
    pairCells.push(cell);
  });

  // --- step 3: Gamma = N · B⁻¹ (Σ s sᵀ) B⁻ᵀ, accumulated as N · Σ z zᵀ with z = B⁻¹ s per response
  //     pattern (identical patterns grouped). B⁻¹ = [[A11⁻¹, 0], [-A22⁻¹ A21 A11⁻¹, A22⁻¹]] is cheap
  //     to apply: A11 is block diagonal (one block per item) and row r of A21 touches only the
  //     thresholds of pair r's two items, so z costs O(m) and the dense m³ products are avoided.
  const patterns = new Map<string, { codes: number[]; n: number }>();
  for (const row of codes) {
    const key = row.join(',');
    const hit = patterns.get(key);
    if (hit) hit.n++;
    else patterns.set(key, { codes: row, n: 1 });
  }
  const scoresOf = (row: readonly number[], s: Float64Array): void => {
    for (let i = 0; i < p; i++) {
      const u = uniScores[i]![row[i]!]!;
      for (let k = 0; k < u.length; k++) s[thStart[i]! + k] = u[k]!;
    }
    for (let r = 0; r < pstar; r++) s[nth + r] = pairCells[r]!.rho[row[pairs[r]![0]]!]![row[pairs[r]![1]]!]!;
  };
  // A11 (each item's threshold block of Σ s sᵀ) and A22 (the diagonal of the correlation block).
  const s = new Float64Array(m);
  const A11 = thresholds.map((th) => th.map(() => new Array<number>(th.length).fill(0)));
  const A22 = new Float64Array(pstar);
  for (const { codes: row, n } of patterns.values()) {
    scoresOf(row, s);
    for (let i = 0; i < p; i++) {
      const t0 = thStart[i]!, K = thresholds[i]!.length;
      for (let a = 0; a < K; a++) for (let b = 0; b <= a; b++) A11[i]![a]![b]! += n * s[t0 + a]! * s[t0 + b]!;
    }
    for (let r = 0; r < pstar; r++) A22[r]! += n * s[nth + r]! * s[nth + r]!;
  }
  for (const block of A11) for (let a = 0; a < block.length; a++) for (let b = 0; b < a; b++) block[b]![a] = block[a]![b]!;
  const A11inv = A11.map((block, i) => invertSmall(block, `the threshold information of item ${name(i)}`));
  A22.forEach((v, r) => {
    const [i, j] = pairs[r]!;
    if (!(v > 0)) throw new StatsInputError(`the correlation of ${name(i)} and ${name(j)} has zero information: cannot compute the asymptotic covariance`);
  });
  const packed = new Float64Array((m * (m + 1)) / 2); // lower triangle of Σ n z zᵀ, row by row
  const z = new Float64Array(m);
  for (const { codes: row, n } of patterns.values()) {
    scoresOf(row, s);
    for (let i = 0; i < p; i++) {
      const t0 = thStart[i]!, inv = A11inv[i]!;
      for (let a = 0; a < inv.length; a++) {
        let v = 0;
        for (let b = 0; b < inv.length; b++) v += inv[a]![b]! * s[t0 + b]!;
        z[t0 + a] = v;
      }
    }
    for (let r = 0; r < pstar; r++) {
      const [i, j] = pairs[r]!;
      let v = s[nth + r]!;
      for (const item of [i, j]) {
        const t0 = thStart[item]!, K = thresholds[item]!.length;
        for (let k = 0; k < K; k++) v -= A21[r]![t0 + k]! * z[t0 + k]!;
      }
      z[nth + r] = v / A22[r]!;
    }
    for (let a = 0, off = 0; a < m; off += ++a) {
      const za = n * z[a]!;
      if (za === 0) continue;
      for (let b = 0; b <= a; b++) packed[off + b]! += za * z[b]!;
    }
  }
  const gamma: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let a = 0, off = 0; a < m; off += ++a) {
    for (let b = 0; b <= a; b++) {
      const v = N * packed[off + b]!;
      gamma[a]![b] = v;
      gamma[b]![a] = v;
    }
  }
  return { nObs: N, levels, thresholds, correlation, gamma, zeroCellPairs, warnings };
}
