/**
 * The fast paths behind `stats efa` (issue 24): each either reproduces the code it replaced bit for
 * bit (LU through ml-matrix, pair-by-pair Pearson, eigenvalues with or without vectors) or agrees
 * with the full decomposition to rounding (top-k eigenpairs, warm-started tracker).
 */
import { describe, expect, it } from 'vitest';
import { LuDecomposition, Matrix, inverse, solve } from 'ml-matrix';
import { luDecompose, luDeterminant, luSolve, solveRows, toFlat, toRows } from '../../src/stats/lu.js';
import { eigenSymmetricFlat, eigenSymmetricTop, TopEigenTracker } from '../../src/stats/eigen.js';
import { MIN_JOINT_OBSERVATIONS, pairwiseCounts, pearsonPairwise } from '../../src/stats/correlation.js';
import { createRng } from '../../src/stats/rng.js';

const rng = createRng(7);

function randomMatrix(n: number, m = n): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: m }, () => rng.normal()));
}

function randomSymmetric(n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

/** A correlation-like matrix with k strong factors (eigenvalues far above the rest). */
function factorMatrix(p: number, k: number): Float64Array {
  const a = new Float64Array(p * p);
  const l = Array.from({ length: p }, (_, i) => Array.from({ length: k }, (_, j) => (i % k === j ? 0.7 : 0.05 * rng.normal())));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let f = 0; f < k; f++) s += l[i]![f]! * l[j]![f]!;
      a[i * p + j] = i === j ? 1 : s + 0.01 * (i < j ? Math.sin(i * 7 + j) : Math.sin(j * 7 + i));
    }
  }
  return a;
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

describe('flat LU is ml-matrix LU bit for bit', () => {
  for (const n of [1, 2, 3, 5, 17, 60]) {
    it(`n = ${n}: determinant, inverse and solve`, () => {
      const a = randomMatrix(n);
      const b = randomMatrix(n, 3);
      const lu = luDecompose(toFlat(a, n), n);
      expect(Object.is(luDeterminant(lu), new LuDecomposition(new Matrix(a)).determinant)).toBe(true);
      expect(same(luSolve(lu, null, n), toFlat(inverse(new Matrix(a)).to2DArray(), n))).toBe(true);
      expect(same(toFlat(solveRows(a, b), 3), toFlat(solve(new Matrix(a), new Matrix(b)).to2DArray(), 3))).toBe(true);
    });
  }
  it('a singular matrix is refused like ml-matrix does', () => {
    const a = [[1, 2], [2, 4]];
    expect(() => solveRows(a, [[1], [1]])).toThrow(/singular/);
    expect(toRows(Float64Array.of(1, 2, 3, 4), 2, 2)).toEqual([[1, 2], [3, 4]]);
  });
});

describe('symmetric eigenvalues', () => {
  it('the values-only path gives the full decomposition values bit for bit', () => {
    for (const n of [2, 3, 10, 80]) {
      const a = randomSymmetric(n);
      expect(same(eigenSymmetricFlat(a, n, { vectors: false }).values, eigenSymmetricFlat(a, n).values)).toBe(true);
    }
  });

  it('top-k: the same values, and vectors equal to the full ones up to sign', () => {
    for (const [n, k] of [[3, 1], [12, 4], [90, 8], [150, 3]] as const) {
      const a = n > 20 ? factorMatrix(n, k) : randomSymmetric(n);
      const full = eigenSymmetricFlat(a, n);
      const top = eigenSymmetricTop(a, n, k);
      expect(same(top.values, full.values)).toBe(true);
      for (let j = 0; j < k; j++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += top.vectors[i * k + j]! * full.vectors![i * n + j]!;
        const sign = Math.sign(dot);
        for (let i = 0; i < n; i++) expect(Math.abs(top.vectors[i * k + j]! - sign * full.vectors![i * n + j]!)).toBeLessThan(1e-11);
      }
    }
  });

  it('top-k within a repeated eigenvalue: an orthonormal basis of the same eigenspace', () => {
    // diag(5, 5, 5, 1, ...) rotated: the top three span one eigenspace.
    const n = 30, k = 3;
    const q = eigenSymmetricFlat(randomSymmetric(n), n).vectors!;
    const d = Array.from({ length: n }, (_, i) => (i < 3 ? 5 : 1 / (i + 1)));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let t = 0; t < n; t++) a[i * n + j]! += q[i * n + t]! * d[t]! * q[j * n + t]!;
    const top = eigenSymmetricTop(a, n, k);
    for (let i = 0; i < n; i++) {
      // The projector onto the eigenspace: its diagonal is basis-free.
      let ours = 0, truth = 0;
      for (let j = 0; j < k; j++) ours += top.vectors[i * k + j]! ** 2;
      for (let t = 0; t < 3; t++) truth += q[i * n + t]! ** 2;
      expect(Math.abs(ours - truth)).toBeLessThan(1e-12);
    }
  });
});

describe('TopEigenTracker', () => {
  const communalities = (r: { values: Float64Array; vectors: Float64Array }, n: number, k: number): number[] =>
    Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = 0; j < k; j++) s += (r.vectors[i * k + j]! * Math.sqrt(Math.max(r.values[j]!, 0))) ** 2;
      return s;
    });

  it('warm-starts along a sequence of diagonal changes and agrees with the full method', () => {
    const n = 120, k = 6;
    const a = factorMatrix(n, k);
    const tracker = new TopEigenTracker(n, k);
    for (let step = 0; step < 8; step++) {
      for (let i = 0; i < n; i++) a[i * n + i] = 0.5 + 0.3 * Math.cos(i + step) * 0.5 ** step;
      const ours = tracker.solve(a);
      const full = eigenSymmetricTop(a, n, k);
      for (let j = 0; j < k; j++) expect(Math.abs(ours.values[j]! - full.values[j]!)).toBeLessThan(1e-12);
      const h1 = communalities(ours, n, k), h2 = communalities(full, n, k);
      for (let i = 0; i < n; i++) expect(Math.abs(h1[i]! - h2[i]!)).toBeLessThan(1e-12);
    }
    expect(tracker.warm).toBeGreaterThan(0);
  });

  it('decomposes afresh when the k-th and (k+1)-th eigenvalues may cross', () => {
    // Eigenvalues 3, 2, 1.05 | 1, ... : a diagonal change of 0.2 could reorder the 3rd and 4th.
    const n = 50, k = 3;
    const q = eigenSymmetricFlat(randomSymmetric(n), n).vectors!;
    const d = Array.from({ length: n }, (_, i) => [3, 2, 1.05][i] ?? 1 / (i + 1));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let t = 0; t < n; t++) a[i * n + j]! += q[i * n + t]! * d[t]! * q[j * n + t]!;
    const tracker = new TopEigenTracker(n, k);
    tracker.solve(a);
    for (let i = 0; i < n; i++) a[i * n + i]! += i % 2 ? 0.2 : -0.2;
    const ours = tracker.solve(a);
    expect(tracker.full).toBe(2);
    expect(same(ours.values, eigenSymmetricTop(a, n, k).values)).toBe(true);
  });
});

describe('pairwise Pearson', () => {
  /** The pair-by-pair formula the fast path must reproduce exactly. */
  function reference(data: (number | null)[][]): number[][] {
    const p = data[0]!.length;
    const r = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? 1 : 0)));
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < i; j++) {
        let n = 0, sx = 0, sy = 0;
        for (const row of data) if (row[i] !== null && row[j] !== null) { n++; sx += row[i]!; sy += row[j]!; }
        const mx = sx / n, my = sy / n;
        let sxx = 0, syy = 0, sxy = 0;
        for (const row of data) {
          if (row[i] === null || row[j] === null) continue;
          const dx = row[i]! - mx, dy = row[j]! - my;
          sxx += dx * dx; syy += dy * dy; sxy += dx * dy;
        }
        r[i]![j] = r[j]![i] = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
      }
    }
    return r;
  }

  it('complete and incomplete columns: bit-identical to the pair-by-pair formula; counts', () => {
    const data: (number | null)[][] = Array.from({ length: 57 }, () => Array.from({ length: 11 }, () => Math.round(rng.normal() * 1e4) / 1e3));
    for (let t = 0; t < 40; t++) data[(t * 13) % 57]![[1, 4, 9][t % 3]!] = null;
    const r = pearsonPairwise(data);
    expect(r.every((row, i) => same(row, reference(data)[i]!))).toBe(true);
    const counts = pairwiseCounts(data);
    for (let i = 0; i < 11; i++) {
      for (let j = 0; j < 11; j++) expect(counts[i]![j]).toBe(data.filter((row) => row[i] !== null && row[j] !== null).length);
    }
  });

  it('too few rows still names the first failing pair', () => {
    expect(MIN_JOINT_OBSERVATIONS).toBe(3);
    expect(() => pearsonPairwise([[1, 2, 3], [2, 1, 5]])).toThrow(/columns 1 and 2 are observed together in only 2 row/);
  });
});
