/**
 * Circular triads (Kendall & Babington Smith 1940): in a tournament where each pair of items has
 * a winner, a triad {a, b, c} is circular when a > b > c > a. A model whose forced choices are
 * driven by a stable ordering of values makes none; one answering at random makes them in a
 * quarter of the triads (2 of the 8 orientations of three pairs are cycles).
 *
 * Each pair is decided by the majority of its comparisons (ties and equal counts leave it
 * undecided), so the tournament may be incomplete. Only triads whose three pairs are all decided
 * are counted, and the share of circular ones among them is reported. Kendall's coefficient of
 * consistency ζ = 1 − c / c_max (c_max = (m³ − m)/24 for odd m, (m³ − 4m)/24 for even m) is
 * defined for complete tournaments only.
 *
 * The p-value answers "fewer circular triads than chance?": the share of random orientations of
 * the same decided pairs with at most as many circular triads (Monte Carlo, seeded; (1 + count) /
 * (1 + B)). Under the random model it is (conservatively) uniform.
 */
import type { PairedComparison } from './bradley-terry.js';
import { StatsInputError } from './input-error.js';
import { createRng } from './rng.js';

export interface CircularTriadsOptions {
  /** Number of items (default: largest index + 1). */
  items?: number;
  /** Random tournaments for the p-value (default 2000; 0 skips it). */
  permutations?: number;
  seed?: number;
}

export interface CircularTriadsResult {
  items: number;
  /** Pairs with any comparison; decided by a strict majority; tied (equal counts). */
  pairs: { compared: number; decided: number; tied: number };
  /** All C(m, 3) triads; those with three decided pairs; the circular ones among them. */
  triads: { total: number; decided: number; circular: number };
  /** circular / decided triads (null when no triad is decided). */
  share: number | null;
  /** Share expected when every decided pair is oriented at random. */
  randomShare: number;
  /** Every pair decided. */
  complete: boolean;
  /** Kendall's maximum number of circular triads and ζ (complete tournaments only, else null). */
  maxCircular: number | null;
  zeta: number | null;
  /** Monte Carlo P(random orientation has <= circular triads); null without decided triads or permutations. */
  p: number | null;
  permutations: number;
}

/** beats[a][b] = 1 when a beat b by majority, 0 otherwise; decided[a][b] when the pair is decided. */
function countCircular(m: number, beats: Uint8Array, decided: Uint8Array): { decided: number; circular: number } {
  let dec = 0, circ = 0;
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) {
    if (!decided[a * m + b]) continue;
    for (let c = b + 1; c < m; c++) {
      if (!decided[a * m + c] || !decided[b * m + c]) continue;
      dec++;
      // A triad is cyclic when each item beats exactly one of the other two.
      const ab = beats[a * m + b]!, bc = beats[b * m + c]!, ca = beats[c * m + a]!;
      if ((ab && bc && ca) || (!ab && !bc && !ca)) circ++;
    }
  }
  return { decided: dec, circular: circ };
}

export function circularTriads(comparisons: readonly PairedComparison[], options: CircularTriadsOptions = {}): CircularTriadsResult {
  let maxIndex = -1;
  comparisons.forEach((c, k) => {
    for (const v of [c.i, c.j]) if (!Number.isInteger(v) || v < 0) throw new StatsInputError(`comparison ${k}: item indices must be non-negative integers, got ${v}`);
    if (c.i === c.j) throw new StatsInputError(`comparison ${k}: an item cannot be compared with itself`);
    if (c.outcome !== 'i' && c.outcome !== 'j' && c.outcome !== 'tie') throw new StatsInputError(`comparison ${k}: outcome must be 'i', 'j' or 'tie'`);
    const w = c.weight ?? 1;
    if (!(Number.isFinite(w) && w >= 0)) throw new StatsInputError(`comparison ${k}: weight must be finite and non-negative`);
    maxIndex = Math.max(maxIndex, c.i, c.j);
  });
  const m = options.items ?? maxIndex + 1;
  if (!Number.isInteger(m) || m <= maxIndex || m < 1) throw new StatsInputError(`items = ${m} but a comparison names item ${maxIndex}`);
  // margin[a][b] = weighted wins of a over b minus wins of b over a; seen when compared at all.
  const margin = new Float64Array(m * m), seen = new Uint8Array(m * m);
  for (const c of comparisons) {
    const w = c.weight ?? 1;
    if (w === 0) continue;
    seen[c.i * m + c.j] = seen[c.j * m + c.i] = 1;
    if (c.outcome === 'tie') continue;
    const [win, lose] = c.outcome === 'i' ? [c.i, c.j] : [c.j, c.i];
    margin[win * m + lose]! += w;
    margin[lose * m + win]! -= w;
  }
  const beats = new Uint8Array(m * m), decided = new Uint8Array(m * m);
  let compared = 0, decidedPairs = 0, tied = 0;
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) {
    if (!seen[a * m + b]) continue;
    compared++;
    const v = margin[a * m + b]!;
    if (v === 0) { tied++; continue; }
    decidedPairs++;
    decided[a * m + b] = decided[b * m + a] = 1;
    beats[a * m + b] = v > 0 ? 1 : 0;
    beats[b * m + a] = v > 0 ? 0 : 1;
  }
  const { decided: decidedTriads, circular } = countCircular(m, beats, decided);
  const total = (m * (m - 1) * (m - 2)) / 6;
  const complete = decidedPairs === (m * (m - 1)) / 2;
  const maxCircular = complete ? (m % 2 === 1 ? (m ** 3 - m) / 24 : (m ** 3 - 4 * m) / 24) : null;
  const permutations = options.permutations ?? 2000;
  if (!(Number.isInteger(permutations) && permutations >= 0)) throw new StatsInputError(`permutations must be a non-negative integer, got ${permutations}`);
  let p: number | null = null;
  if (decidedTriads > 0 && permutations > 0) {
    const rng = createRng(options.seed ?? 1);
    const random = new Uint8Array(m * m);
    let atMost = 0;
    for (let r = 0; r < permutations; r++) {
      for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) {
        if (!decided[a * m + b]) continue;
        const v = rng.next() < 0.5 ? 1 : 0;
        random[a * m + b] = v;
        random[b * m + a] = 1 - v;
      }
      if (countCircular(m, random, decided).circular <= circular) atMost++;
    }
    p = (1 + atMost) / (1 + permutations);
  }
  return {
    items: m,
    pairs: { compared, decided: decidedPairs, tied },
    triads: { total, decided: decidedTriads, circular },
    share: decidedTriads > 0 ? circular / decidedTriads : null,
    randomShare: 0.25,
    complete,
    maxCircular,
    zeta: maxCircular === null ? null : maxCircular === 0 ? 1 : 1 - circular / maxCircular,
    p: p,
    permutations: p === null ? 0 : permutations,
  };
}
