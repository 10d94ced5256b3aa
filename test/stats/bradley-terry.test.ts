import { describe, expect, it } from 'vitest';
import { bootstrapBradleyTerry, bradleyTerry, type GroupedComparison, type PairedComparison } from '../../src/stats/bradley-terry.js';
import { StatsInputError } from '../../src/stats/input-error.js';
import { createRng, type Rng } from '../../src/stats/rng.js';
import { maxAbsDiff, rReference } from './r-reference.js';

/** test/fixtures/r/choices.R */
interface RFit { logStrength: number[]; se: number[]; cov: number[][]; logNu: number | null; seLogNu: number | null; logLik: number }
interface BtFixture { items: number; comparisons: GroupedComparison[]; fit: RFit; ridge?: number }
interface NoTiesFixture { items: number; comparisons: GroupedComparison[]; glm: Omit<RFit, 'logNu' | 'seLogNu'>; davidson_no_ties: RFit }

describe('Bradley-Terry against R', () => {
  it("Davidson's ties model equals the R maximum-likelihood fit (optim + Newton on the same likelihood)", () => {
    const fx = rReference<BtFixture>('choices', 'bt-ties.json');
    const res = bradleyTerry(fx.comparisons, { items: fx.items });
    expect(res.converged).toBe(true);
    expect(maxAbsDiff(res.logStrength, fx.fit.logStrength)).toBeLessThan(1e-6);
    expect(maxAbsDiff(res.se, fx.fit.se)).toBeLessThan(1e-6);
    expect(maxAbsDiff(res.cov, fx.fit.cov)).toBeLessThan(1e-6);
    expect(Math.abs(res.logNu! - fx.fit.logNu!)).toBeLessThan(1e-6);
    expect(Math.abs(res.seLogNu! - fx.fit.seLogNu!)).toBeLessThan(1e-6);
    expect(Math.abs(res.logLik - fx.fit.logLik)).toBeLessThan(1e-6);
    expect(res.logStrength.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 12);
    expect(res.worth.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(res.counts.comparisons).toBe(fx.comparisons.length);
  });

  it('without ties it is glm(binomial) on the standard design (estimates, SEs, log-likelihood)', () => {
    const fx = rReference<NoTiesFixture>('choices', 'bt-noties.json');
    const res = bradleyTerry(fx.comparisons);
    expect(res.nu).toBe(0);
    expect(res.logNu).toBeNull();
    expect(maxAbsDiff(res.logStrength, fx.glm.logStrength)).toBeLessThan(1e-6);
    expect(maxAbsDiff(res.se, fx.glm.se)).toBeLessThan(1e-5); // glm stops at its own 1e-8 deviance tolerance
    expect(maxAbsDiff(res.cov, fx.glm.cov)).toBeLessThan(1e-5);
    expect(Math.abs(res.logLik - fx.glm.logLik)).toBeLessThan(1e-6);
    expect(maxAbsDiff(res.se, fx.davidson_no_ties.se)).toBeLessThan(1e-6);
  });

  it('with a ridge it equals the R penalized fit (a value that never loses, only ties)', () => {
    const fx = rReference<BtFixture>('choices', 'bt-separated.json');
    const res = bradleyTerry(fx.comparisons, { ridge: fx.ridge! });
    expect(maxAbsDiff(res.logStrength, fx.fit.logStrength)).toBeLessThan(1e-6);
    expect(maxAbsDiff(res.se, fx.fit.se)).toBeLessThan(1e-6);
    expect(Math.abs(res.logNu! - fx.fit.logNu!)).toBeLessThan(1e-6);
    expect(Math.abs(res.logLik - fx.fit.logLik)).toBeLessThan(1e-6);
    // ties with the others keep its ML strength finite: the beats-or-ties graph is strongly connected
    expect(bradleyTerry(fx.comparisons).stronglyConnected).toBe(true);
  });
});

/**
 * Davidson draws: `units` dilemmas of random pairs, each asked `reps` times. With probability
 * `copy` a repeat gives the dilemma's first answer again, otherwise a fresh draw: each answer
 * still follows the model, but answers within a dilemma are correlated, which is what makes the
 * dilemma the sampling unit.
 */
function simulate(rng: Rng, theta: number[], nu: number, units: number, reps: number, copy = 0): GroupedComparison[] {
  const out: GroupedComparison[] = [];
  for (let u = 0; u < units; u++) {
    const i = rng.int(theta.length);
    let j = rng.int(theta.length - 1);
    if (j >= i) j++;
    const d = (theta[i]! - theta[j]!) / 2;
    const pi = Math.exp(d), pj = Math.exp(-d), z = pi + pj + nu;
    const draw = (): PairedComparison['outcome'] => { const x = rng.next() * z; return x < pi ? 'i' : x < pi + pj ? 'j' : 'tie'; };
    const first = draw();
    for (let r = 0; r < reps; r++) out.push({ unit: u, i, j, outcome: r === 0 || rng.next() < copy ? first : draw() });
  }
  return out;
}

describe('Bradley-Terry inference', () => {
  it('under a true null (equal strengths) the Wald test of an item rejects about 5% of the time', () => {
    const rng = createRng(31);
    let rejected = 0;
    const reps = 300;
    for (let k = 0; k < reps; k++) {
      const res = bradleyTerry(simulate(rng, [0, 0, 0, 0, 0], 0.5, 120, 1));
      if (Math.abs(res.logStrength[0]! / res.se[0]!) > 1.96) rejected++;
    }
    // Binomial(300, 0.05): mean 15; 5..28 holds with probability > 0.999
    expect(rejected).toBeGreaterThanOrEqual(5);
    expect(rejected).toBeLessThanOrEqual(28);
  });

  it('with planted strengths, Wald intervals cover the truth about 95% of the time and the order is recovered', () => {
    const rng = createRng(32);
    const theta = [1, 0.5, 0, -0.5, -1];
    let covered = 0, total = 0, ordered = 0;
    const reps = 150;
    for (let k = 0; k < reps; k++) {
      const res = bradleyTerry(simulate(rng, theta, 0.4, 300, 1));
      res.logStrength.forEach((v, i) => { total++; if (Math.abs(v - theta[i]!) < 1.96 * res.se[i]!) covered++; });
      if (res.logStrength.every((v, i) => i === 0 || v < res.logStrength[i - 1]!)) ordered++;
    }
    expect(covered / total).toBeGreaterThan(0.92);
    expect(covered / total).toBeLessThan(0.98);
    expect(ordered / reps).toBeGreaterThan(0.6);
  });

  it('the bootstrap over dilemmas is wider than the Wald interval when answers within a dilemma are correlated, and covers the truth', () => {
    const rng = createRng(33);
    const theta = [0.8, 0.3, -0.2, -0.9];
    const data = simulate(rng, theta, 0.5, 80, 6, 0.6);
    const boot = bootstrapBradleyTerry(data, { resamples: 300, seed: 2 });
    expect(boot.units).toBe(80);
    expect(boot.failed).toBe(0);
    const waldWidth = boot.fit.se.map((s) => 2 * 1.96 * s);
    const bootWidth = boot.logStrength.map((b) => b!.upper - b!.lower);
    expect(bootWidth.reduce((s, v) => s + v, 0)).toBeGreaterThan(1.2 * waldWidth.reduce((s, v) => s + v, 0));
    const centred = theta.map((t) => t - theta.reduce((s, v) => s + v, 0) / theta.length);
    boot.logStrength.forEach((b, i) => {
      expect(b!.lower).toBeLessThan(centred[i]!);
      expect(b!.upper).toBeGreaterThan(centred[i]!);
    });
    expect(boot.nu!.lower).toBeLessThan(boot.fit.nu);
    expect(bootstrapBradleyTerry(data, { resamples: 50, seed: 2 })).toEqual(bootstrapBradleyTerry(data, { resamples: 50, seed: 2 }));
  });
});

describe('Bradley-Terry edge cases', () => {
  const wins = (i: number, j: number, k = 1): PairedComparison[] => Array.from({ length: k }, () => ({ i, j, outcome: 'i' as const }));
  it('an item that wins every comparison makes the ML strengths infinite: a clear error, or a finite ridge fit', () => {
    const data = [...wins(0, 1, 3), ...wins(0, 2, 2), ...wins(1, 2, 2), ...wins(2, 1, 1), ...wins(0, 3, 2), ...wins(3, 1, 1), ...wins(1, 3, 1)];
    expect(() => bradleyTerry(data)).toThrow(StatsInputError);
    expect(() => bradleyTerry(data)).toThrow(/item\(s\) 0 win or tie every comparison/);
    const res = bradleyTerry(data, { ridge: 0.1 });
    expect(res.stronglyConnected).toBe(false);
    expect(res.components).toEqual([[1, 2, 3], [0]]);
    expect(res.logStrength[0]).toBeGreaterThan(2);
    expect(Number.isFinite(res.se[0]!)).toBe(true);
    expect(res.worth[0]).toBe(Math.max(...res.worth));
  });

  it('an item never compared is reported as not estimable; weights count as repeats', () => {
    const data: PairedComparison[] = [{ i: 0, j: 1, outcome: 'i', weight: 3 }, { i: 1, j: 0, outcome: 'i', weight: 2 }, { i: 1, j: 3, outcome: 'tie' }, { i: 3, j: 0, outcome: 'j' }, { i: 0, j: 3, outcome: 'j' }];
    const res = bradleyTerry(data, { items: 4 });
    expect(res.estimable).toEqual([true, true, false, true]);
    expect(res.logStrength[2]).toBeNaN();
    expect(res.worth[2]).toBe(0);
    const expanded: PairedComparison[] = [...wins(0, 1, 3), ...wins(1, 0, 2), { i: 1, j: 3, outcome: 'tie' }, { i: 3, j: 0, outcome: 'j' }, { i: 0, j: 3, outcome: 'j' }];
    expect(maxAbsDiff(bradleyTerry(expanded, { items: 4 }).logStrength.filter((v) => !Number.isNaN(v)), res.logStrength.filter((v) => !Number.isNaN(v)))).toBeLessThan(1e-10);
  });

  it('rejects bad input', () => {
    expect(() => bradleyTerry([])).toThrow(/at least one comparison/);
    expect(() => bradleyTerry([{ i: 0, j: 0, outcome: 'i' }])).toThrow(/itself/);
    expect(() => bradleyTerry([{ i: 0, j: 1, outcome: 'tie' }, { i: 1, j: 0, outcome: 'tie' }])).toThrow(/every comparison is a tie/);
    expect(() => bradleyTerry([{ i: 0, j: 1, outcome: 'i' }], { items: 1 })).toThrow(/items = 1/);
    expect(() => bootstrapBradleyTerry([{ unit: 'a', i: 0, j: 1, outcome: 'i' }, { unit: 'a', i: 1, j: 0, outcome: 'i' }])).toThrow(/two units/);
  });
});
