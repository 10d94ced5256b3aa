/**
 * Tucker's congruence coefficient between the columns of two loading matrices
 * (psych::factor.congruence), and a helper that pairs each factor of one solution with its best
 * match in another (factor order and sign are arbitrary across solutions).
 */
import { DegenerateDataError } from './correlation.js';

function checkLoadings(m: readonly (readonly number[])[], what: string): number {
  if (m.length === 0 || m[0]!.length === 0) throw new DegenerateDataError(`${what} is empty`);
  const k = m[0]!.length;
  for (const row of m) {
    if (row.length !== k) throw new DegenerateDataError(`${what} is ragged`);
    for (const v of row) if (!Number.isFinite(v)) throw new DegenerateDataError(`${what} has a non-finite loading`);
  }
  return k;
}

/** phi[i][j] = sum_v a[v][i] b[v][j] / sqrt(sum_v a[v][i]^2 * sum_v b[v][j]^2); rows are variables. */
export function factorCongruence(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number[][] {
  const ka = checkLoadings(a, 'first loading matrix'), kb = checkLoadings(b, 'second loading matrix');
  if (a.length !== b.length) throw new DegenerateDataError(`loading matrices have ${a.length} and ${b.length} variables`);
  const ssA = Array.from({ length: ka }, (_, i) => a.reduce((s, row) => s + row[i]! ** 2, 0));
  const ssB = Array.from({ length: kb }, (_, j) => b.reduce((s, row) => s + row[j]! ** 2, 0));
  const zero = [...ssA, ...ssB].findIndex((v) => v === 0);
  if (zero >= 0) throw new DegenerateDataError('a factor has all-zero loadings, so its congruence is undefined');
  return Array.from({ length: ka }, (_, i) =>
    Array.from({ length: kb }, (_, j) => a.reduce((s, row, v) => s + row[i]! * b[v]![j]!, 0) / Math.sqrt(ssA[i]! * ssB[j]!)),
  );
}

export interface FactorMatch {
  /** match[i] = column of b paired with column i of a (-1 when b has fewer factors). */
  match: number[];
  /** +1 or -1: the sign that makes each pair's congruence positive. */
  sign: number[];
  /** Congruence of each pair after the sign flip. */
  congruence: number[];
}

/**
 * Pair columns of a with distinct columns of b to maximize the summed |congruence|: exhaustive
 * for up to 8 factors, greedy (largest |phi| first) beyond.
 */
export function matchFactors(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): FactorMatch {
  const phi = factorCongruence(a, b);
  const ka = phi.length, kb = phi[0]!.length;
  let best: number[] = [];
  if (Math.max(ka, kb) <= 8) {
    let bestScore = -Infinity;
    const used = new Array<boolean>(kb).fill(false);
    const current: number[] = [];
    const search = (i: number, score: number): void => {
      if (i === ka) {
        if (score > bestScore) { bestScore = score; best = [...current]; }
        return;
      }
      let any = false;
      for (let j = 0; j < kb; j++) {
        if (used[j]) continue;
        any = true;
        used[j] = true; current.push(j);
        search(i + 1, score + Math.abs(phi[i]![j]!));
        used[j] = false; current.pop();
      }
      // more factors in a than in b: this one stays unmatched
      if (!any || ka - i > kb - used.filter(Boolean).length) { current.push(-1); search(i + 1, score); current.pop(); }
    };
    search(0, 0);
  } else {
    best = new Array<number>(ka).fill(-1);
    const cells = phi.flatMap((row, i) => row.map((v, j) => ({ i, j, v: Math.abs(v) }))).sort((x, y) => y.v - x.v);
    const usedA = new Set<number>(), usedB = new Set<number>();
    for (const { i, j } of cells) {
      if (usedA.has(i) || usedB.has(j)) continue;
      best[i] = j; usedA.add(i); usedB.add(j);
    }
  }
  const sign = best.map((j, i) => (j >= 0 && phi[i]![j]! < 0 ? -1 : 1));
  return { match: best, sign, congruence: best.map((j, i) => (j >= 0 ? Math.abs(phi[i]![j]!) : NaN)) };
}
