import { describe, expect, it } from 'vitest';
import { mtmm, type MtmmColumn } from '../../src/stats/mtmm.js';
import { createRng, type Rng } from '../../src/stats/rng.js';
import { maxAbsDiff, rReference } from './r-reference.js';

/** test/fixtures/r/choices.R: 12 models, 3 traits x 3 methods, two missing cells. */
interface MtmmFixture {
  scores: (number | null)[][];
  columns: MtmmColumn[];
  r: number[][];
  n: number[][];
  convergent: { trait: string; a: string; b: string; r: number; n: number; lower: number; upper: number }[];
}

describe('MTMM correlations against R', () => {
  it('pairwise correlations and n (cor(use = "pairwise")), convergent r with Fisher intervals (psych::r.con)', () => {
    const fx = rReference<MtmmFixture>('choices', 'mtmm.json');
    const res = mtmm(fx.scores, fx.columns);
    expect(maxAbsDiff(res.r as number[][], fx.r)).toBeLessThan(1e-12);
    expect(res.n).toEqual(fx.n);
    expect(res.convergent.length).toBe(fx.convergent.length);
    for (const c of fx.convergent) {
      const ours = res.convergent.find((x) => x.trait === c.trait && x.methodA === c.a && x.methodB === c.b)!;
      expect(Math.abs(ours.r! - c.r)).toBeLessThan(1e-12);
      expect(ours.n).toBe(c.n);
      expect(Math.abs(ours.ci![0] - c.lower)).toBeLessThan(1e-10);
      expect(Math.abs(ours.ci![1] - c.upper)).toBeLessThan(1e-10);
    }
  });
});

describe('Campbell-Fiske comparisons, by hand', () => {
  // Two traits x two methods; x and y independent: T1 is x in both methods, T2 is y in both.
  const x = [1, 2, 3, 4, 5, 6, 7, 8], y = [1, -1, -1, 1, 1, -1, -1, 1]; // uncorrelated: Σ(x − x̄)y = 0
  const columns: MtmmColumn[] = [{ trait: 'T1', method: 'A' }, { trait: 'T2', method: 'A' }, { trait: 'T1', method: 'B' }, { trait: 'T2', method: 'B' }];
  it('perfect convergence and discrimination meet every comparison: 2 heterotrait-heteromethod and 2 heterotrait-monomethod per trait', () => {
    const scores = x.map((v, i) => [v, y[i]!, v, y[i]!]);
    const res = mtmm(scores, columns);
    for (const t of res.perTrait) {
      expect(t.heteroHetero).toEqual({ met: 2, made: 2 });
      expect(t.heteroMono).toEqual({ met: 2, made: 2 });
      expect(t.share).toBe(1);
      expect(t.convergent).toBeCloseTo(1, 9);
      expect(t.verdict).toBe('convergent');
    }
  });
  it('a trait whose two measures each track the other trait of their own method fails criterion 3', () => {
    // Method A measures T1 and T2 as the same thing (x); method B measures T1 as y, T2 as x.
    const noise = [0.3, -0.2, 0.1, 0.4, -0.3, 0.2, -0.1, -0.4];
    const scores = x.map((v, i) => [v, v + noise[i]!, y[i]!, v - noise[i]!]);
    const res = mtmm(scores, columns);
    const t1 = res.perTrait.find((t) => t.trait === 'T1')!;
    // r(T1A, T1B) = r(x, y) = 0 is below |r(T1A, T2A)| ~ 1 and |r(T1B, T2B)| = |r(y, x - noise)|
    expect(Math.abs(t1.convergent!)).toBeLessThan(1e-12);
    expect(t1.heteroMono).toEqual({ met: 0, made: 2 });
  });
});

/** Models x (trait, method) scores from planted traits: loadings[trait][method] of the true trait, plus a method factor and noise. */
function planted(rng: Rng, models: number, traits: number, methods: number, loading: (t: number, m: number) => number, methodWeight = 0.3, traitCor = 0.3): { scores: number[][]; columns: MtmmColumn[] } {
  const columns: MtmmColumn[] = [];
  for (let m = 0; m < methods; m++) for (let t = 0; t < traits; t++) columns.push({ trait: `T${t + 1}`, method: `M${m + 1}` });
  const scores = Array.from({ length: models }, () => {
    const g = rng.normal();
    const tr = Array.from({ length: traits }, () => Math.sqrt(traitCor) * g + Math.sqrt(1 - traitCor) * rng.normal());
    const me = Array.from({ length: methods }, () => rng.normal());
    return columns.map((_, c) => {
      const m = Math.floor(c / traits), t = c % traits, l = loading(t, m);
      return l * tr[t]! + methodWeight * me[m]! + Math.sqrt(Math.max(0, 1 - l * l)) * rng.normal();
    });
  });
  return { scores, columns };
}

describe('MTMM on planted traits', () => {
  it('traits measured consistently by every method converge; a trait only self-report carries does not', () => {
    // T4 is real in method 1 (self-report) only; elsewhere its column is unrelated noise.
    const { scores, columns } = planted(createRng(5), 40, 4, 3, (t, m) => (t === 3 && m > 0 ? 0 : 0.85));
    const res = mtmm(scores, columns);
    for (const t of ['T1', 'T2', 'T3']) {
      const tr = res.perTrait.find((x) => x.trait === t)!;
      expect(tr.convergent!).toBeGreaterThan(0.5);
      expect(tr.verdict).toBe('convergent');
      expect(tr.share!).toBeGreaterThan(0.75);
    }
    const t4 = res.perTrait.find((x) => x.trait === 'T4')!;
    expect(t4.convergent!).toBeLessThan(0.35);
    expect(['weak', 'method-specific']).toContain(t4.verdict);
    expect(t4.reason).toMatch(/convergent r = /);
    // correlated traits give the same pattern of intercorrelations in every block
    expect(res.overall.patternAgreement!).toBeGreaterThan(0.3);
    expect(res.overall.blockPairs).toBe(15); // 6 blocks (3 mono, 3 hetero), all pairs
  });

  it('with 5 models even fairly strong convergence is insufficient data', () => {
    const { scores, columns } = planted(createRng(6), 5, 3, 2, () => 0.8);
    const res = mtmm(scores, columns);
    for (const t of res.perTrait) {
      if (t.convergent! < 0.95) expect(t.verdict).toBe('insufficient-data');
      expect(t.n).toBe(5);
    }
    expect(mtmm(scores.slice(0, 3), columns).perTrait[0]!.verdict).toBe('insufficient-data');
  });

  it('a trait measured by one method only is insufficient data, and duplicate columns are refused', () => {
    const res = mtmm([[1, 2, 3], [2, 1, 3], [3, 3, 1], [4, 2, 2], [5, 5, 0]], [{ trait: 'A', method: 'self' }, { trait: 'A', method: 'choice' }, { trait: 'B', method: 'self' }]);
    expect(res.perTrait.find((t) => t.trait === 'B')!.verdict).toBe('insufficient-data');
    expect(() => mtmm([[1, 2], [2, 3]], [{ trait: 'A', method: 'x' }, { trait: 'A', method: 'x' }])).toThrow(/both trait "A"/);
  });

  it('under a true null (no trait shared across methods) the 95% interval of a convergent r excludes 0 about 5% of the time, and no trait is called convergent', () => {
    const rng = createRng(7);
    let excluded = 0, made = 0, convergent = 0;
    for (let rep = 0; rep < 150; rep++) {
      const { scores, columns } = planted(rng, 30, 3, 2, () => 0, 0, 0);
      const res = mtmm(scores, columns);
      for (const c of res.convergent) { made++; if (c.ci![0] > 0 || c.ci![1] < 0) excluded++; }
      convergent += res.perTrait.filter((t) => t.verdict === 'convergent').length;
    }
    // 450 intervals: Binomial(450, .05) mean 22.5; 10..38 holds with probability > 0.999
    expect(made).toBe(450);
    expect(excluded).toBeGreaterThanOrEqual(10);
    expect(excluded).toBeLessThanOrEqual(38);
    expect(convergent).toBe(0);
  });
});
