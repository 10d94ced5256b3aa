import { describe, expect, it } from 'vitest';
import { circularTriads } from '../../src/stats/circular-triads.js';
import type { PairedComparison } from '../../src/stats/bradley-terry.js';
import { createRng } from '../../src/stats/rng.js';

/** A complete tournament from a list of [winner, loser] pairs. */
const t = (edges: [number, number][]): PairedComparison[] => edges.map(([w, l]) => ({ i: w, j: l, outcome: 'i' }));

describe('circular triads, hand-computed cases', () => {
  it('a transitive tournament has none: zeta = 1', () => {
    const res = circularTriads(t([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]), { permutations: 4000 });
    expect(res.triads).toEqual({ total: 4, decided: 4, circular: 0 });
    expect(res.share).toBe(0);
    expect(res.complete).toBe(true);
    expect(res.maxCircular).toBe(2); // (4^3 - 4*4) / 24
    expect(res.zeta).toBe(1);
    // 24 of the 64 tournaments on 4 items are transitive: P(c <= 0) = 0.375
    expect(res.p!).toBeGreaterThan(0.34);
    expect(res.p!).toBeLessThan(0.41);
  });

  it('the 3-cycle is one circular triad out of one: zeta = 0', () => {
    const res = circularTriads(t([[0, 1], [1, 2], [2, 0]]));
    expect(res.triads).toEqual({ total: 1, decided: 1, circular: 1 });
    expect(res.share).toBe(1);
    expect(res.maxCircular).toBe(1);
    expect(res.zeta).toBe(0);
  });

  it('4 items, one beating all and a cycle among the rest: c = 1 of at most 2 (Kendall: n(n²−1)/24 − ½Σ(a − (n−1)/2)² = 2.5 − 1.5)', () => {
    const res = circularTriads(t([[0, 1], [0, 2], [0, 3], [1, 2], [2, 3], [3, 1]]));
    expect(res.triads.circular).toBe(1);
    expect(res.zeta).toBeCloseTo(0.5, 12);
  });

  it('the regular tournament on 5 items reaches the maximum (n³ − n)/24 = 5', () => {
    const edges: [number, number][] = [];
    for (let a = 0; a < 5; a++) for (const s of [1, 2]) edges.push([a, (a + s) % 5]);
    const res = circularTriads(t(edges));
    expect(res.triads).toEqual({ total: 10, decided: 10, circular: 5 });
    expect(res.zeta).toBe(0);
  });

  it('pairs go to the majority; tied and missing pairs leave their triads out and zeta undefined', () => {
    const data: PairedComparison[] = [
      ...t([[0, 1], [0, 1], [1, 0]]), // 0 beats 1, 2 to 1
      ...t([[1, 2], [2, 0]]), // with 0 > 1: a cycle
      { i: 0, j: 3, outcome: 'i' }, { i: 3, j: 0, outcome: 'i' }, // tied pair 0-3
      { i: 1, j: 3, outcome: 'tie' }, // compared but undecided
      ...t([[2, 3]]),
    ];
    const res = circularTriads(data, { items: 5 });
    expect(res.pairs).toEqual({ compared: 6, decided: 4, tied: 2 });
    expect(res.triads).toEqual({ total: 10, decided: 1, circular: 1 });
    expect(res.share).toBe(1);
    expect(res.complete).toBe(false);
    expect(res.zeta).toBeNull();
    expect(res.maxCircular).toBeNull();
  });

  it("counts agree with Kendall's formula on random complete tournaments", () => {
    const rng = createRng(3);
    for (let rep = 0; rep < 30; rep++) {
      const m = 3 + rng.int(8);
      const edges: [number, number][] = [];
      const wins = new Array<number>(m).fill(0);
      for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) {
        const [w, l] = rng.next() < 0.5 ? [a, b] : [b, a];
        edges.push([w, l]);
        wins[w]!++;
      }
      const kendall = (m * (m * m - 1)) / 24 - 0.5 * wins.reduce((s, a) => s + (a - (m - 1) / 2) ** 2, 0);
      expect(circularTriads(t(edges), { permutations: 0 }).triads.circular).toBeCloseTo(kendall, 9);
    }
  });
});

describe('circular triads as a test of consistency', () => {
  const tournament = (m: number, order: number[] | null, flip: number, seed: number): PairedComparison[] => {
    const rng = createRng(seed);
    const out: PairedComparison[] = [];
    for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) {
      let aWins = order ? order[a]! < order[b]! : rng.next() < 0.5;
      if (order && rng.next() < flip) aWins = !aWins;
      out.push({ i: a, j: b, outcome: aWins ? 'i' : 'j' });
    }
    return out;
  };
  it('under random answers p < .05 at most about 5% of the time', () => {
    let rejected = 0;
    for (let rep = 0; rep < 200; rep++) if (circularTriads(tournament(8, null, 0, 100 + rep), { permutations: 400, seed: rep }).p! < 0.05) rejected++;
    // The statistic is discrete, so the test is conservative; Binomial(200, .05) exceeds 18 with probability < 0.01.
    expect(rejected).toBeLessThanOrEqual(18);
    expect(rejected).toBeGreaterThan(0);
  });
  it('answers driven by an order (10% noise) have few circular triads and p < .05', () => {
    for (let rep = 0; rep < 10; rep++) {
      const res = circularTriads(tournament(8, [3, 1, 4, 0, 7, 2, 6, 5], 0.1, 300 + rep), { permutations: 400, seed: rep });
      expect(res.share!).toBeLessThan(0.15);
      expect(res.p!).toBeLessThan(0.05);
    }
  });
});
