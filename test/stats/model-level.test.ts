import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adjustComparisonFamily, compareGroupsByModel, modelProfileInterval, type GroupedModelScore } from '../../src/stats/model-level.js';
import { tTest } from '../../src/stats/effects.js';
import { pAdjust } from '../../src/stats/multiple.js';
import { StatsInputError } from '../../src/stats/input-error.js';
import { createRng, shuffleInPlace, type Rng } from '../../src/stats/rng.js';

interface PermFixture {
  name: string; a: number[]; b: number[]; diff: number; hedges_g: number; n_relabelings: number;
  p: number; p_abs: number; p_min: number; p_upper: number; p_lower: number;
}
const perms = JSON.parse(readFileSync(new URL('../fixtures/r/inference/permutation.json', import.meta.url), 'utf8')) as PermFixture[];
const asRecords = (a: readonly number[], b: readonly number[]): GroupedModelScore[] => [
  ...a.map((value, i) => ({ model: `a${i}`, group: 'A', value })),
  ...b.map((value, i) => ({ model: `b${i}`, group: 'B', value })),
];

describe('exact permutation test over models equals enumeration of combn in R', () => {
  for (const fx of perms) {
    it(fx.name, () => {
      const r = compareGroupsByModel(asRecords(fx.a, fx.b), { groups: ['A', 'B'], bootstrap: 0 });
      expect(r.unit).toBe('models');
      expect(r.method).toBe('exact');
      expect(r.n_a).toBe(fx.a.length);
      expect(r.n_b).toBe(fx.b.length);
      expect(r.relabelings).toBe(fx.n_relabelings);
      expect(Math.abs(r.p! - fx.p)).toBeLessThan(1e-4);
      expect(Math.abs(r.p_min - fx.p_min)).toBeLessThan(1e-4);
      expect(Math.abs(r.diff - fx.diff)).toBeLessThan(1e-12);
      expect(Math.abs(r.hedges_g! - fx.hedges_g)).toBeLessThan(1e-4);
      expect(r.p!).toBeGreaterThanOrEqual(r.p_min);
      // Equal group sizes: the doubled one-sided p is the |difference| test.
      if (fx.a.length === fx.b.length) expect(Math.abs(r.p! - fx.p_abs)).toBeLessThan(1e-12);
    });
  }

  it('3 vs 2 models: p is at least 0.2, and the result says no outcome could be significant', () => {
    const fx = perms.find((p) => p.name === '3v2')!;
    // The most extreme split possible: every a below every b.
    const r = compareGroupsByModel(asRecords(fx.a, fx.b), { bootstrap: 0 });
    expect(r.p).toBeGreaterThanOrEqual(0.2);
    expect(r.p_min).toBeCloseTo(0.2, 12);
    expect(r.testable).toBe(false);
    expect(r.significant).toBeNull();
    expect(r.reason).toMatch(/smallest p .* 0\.200 > alpha/);
  });

  it('a group of one model: no p-value, no significance, a plain reason', () => {
    const r = compareGroupsByModel(asRecords([1, 2, 3, 4], [9]), { bootstrap: 0 });
    expect(r.p).toBeNull();
    expect(r.method).toBeNull();
    expect(r.significant).toBeNull();
    expect(r.testable).toBe(false);
    expect(r.hedges_g).toBeNull();
    expect(r.interval).toBeNull();
    expect(r.reason).toMatch(/group B has 1 model/);
    expect(r.p_min).toBeCloseTo(2 / 5, 12);
  });

  it('Monte Carlo when relabelings exceed the limit: close to the exact p, with its standard error, never below p_min', () => {
    const fx = perms.find((p) => p.name === '6v6')!;
    const mc = compareGroupsByModel(asRecords(fx.a, fx.b), { maxExact: 100, permutations: 19_999, bootstrap: 0, seed: 4 });
    expect(mc.method).toBe('monte-carlo');
    expect(mc.permutations).toBe(19_999);
    expect(mc.mc_se!).toBeGreaterThan(0);
    expect(Math.abs(mc.p! - fx.p)).toBeLessThan(4 * mc.mc_se! + 1e-4);
    // The Monte Carlo p cannot go below 2 / (draws + 1), nor the exact test below 2 / C(12, 6).
    expect(mc.p_min).toBeCloseTo(Math.max(2 / 924, 2 / 20_000), 12);
    const few = compareGroupsByModel(asRecords(fx.a, fx.b), { maxExact: 100, permutations: 19, bootstrap: 0 });
    expect(few.testable).toBe(false);
    expect(few.reason).toMatch(/draw more permutations/);
    const tiny = compareGroupsByModel(asRecords([0.1, 0.5, 0.9], [1.4, 1.6]), { maxExact: 1, permutations: 99_999, bootstrap: 0 });
    expect(tiny.p!).toBeGreaterThanOrEqual(0.2);
    expect(tiny.p_min).toBeCloseTo(0.2, 12);
  });
});

/** Twelve models with item-level scores: model effect + item effect + noise, optionally shifted by group. */
function population(rng: Rng, nModels: number, nItems: number, shift: (m: number) => number, itemSd = 0.5, modelSd = 1): { model: string; item: string; value: number }[] {
  const items = Array.from({ length: nItems }, () => rng.normal() * 0.3);
  const out: { model: string; item: string; value: number }[] = [];
  for (let m = 0; m < nModels; m++) {
    const a = rng.normal() * modelSd + shift(m);
    for (let i = 0; i < nItems; i++) for (let s = 0; s < 2; s++) out.push({ model: `m${m}`, item: `i${i}`, value: a + items[i]! + rng.normal() * itemSd });
  }
  return out;
}

describe('calibration with the model as the unit', () => {
  it('under a true null (tags independent of values), p < .05 in about 5% of 400 tag assignments, never below p_min', () => {
    const rng = createRng(2024);
    const reps = 400;
    let rejections = 0, itemLevelRejections = 0;
    for (let r = 0; r < reps; r++) {
      const data = population(rng, 12, 15, () => 0);
      const tags = shuffleInPlace(rng, ['x', 'x', 'x', 'x', 'x', 'x', 'y', 'y', 'y', 'y', 'y', 'y']);
      const records = data.map((d) => ({ ...d, group: tags[Number(d.model.slice(1))]! }));
      const c = compareGroupsByModel(records, { groups: ['x', 'y'], bootstrap: 0 });
      expect(c.n_a).toBe(6);
      expect(c.p!).toBeGreaterThanOrEqual(c.p_min);
      expect(c.p_min).toBeCloseTo(2 / 924, 12);
      if (c.p! < 0.05) rejections++;
      // The same data analysed with items as the unit (a t-test on every score) is what issue 18 forbids.
      const x = records.filter((d) => d.group === 'x').map((d) => d.value), y = records.filter((d) => d.group === 'y').map((d) => d.value);
      if (tTest(x, y).p < 0.05) itemLevelRejections++;
    }
    const rate = rejections / reps;
    // Binomial band: 0.05 +- 3 sd(400 trials), sd = 0.0109.
    expect(rate).toBeGreaterThan(0.05 - 3 * 0.0109);
    expect(rate).toBeLessThan(0.05 + 3 * 0.0109);
    expect(itemLevelRejections / reps).toBeGreaterThan(0.3);
  });

  it('a planted difference of d = 2 between model means is found with 6 vs 6 models', () => {
    const rng = createRng(77);
    const reps = 200;
    let found = 0;
    for (let r = 0; r < reps; r++) {
      const data = population(rng, 12, 15, (m) => (m < 6 ? 2 : 0));
      const records = data.map((d) => ({ ...d, group: Number(d.model.slice(1)) < 6 ? 'big' : 'small' }));
      const c = compareGroupsByModel(records, { groups: ['big', 'small'], bootstrap: 0 });
      if (c.significant) found++;
    }
    // Power of the pooled t-test at d = 2, 6 vs 6 is about 0.87; item noise lowers d a little.
    expect(found / reps).toBeGreaterThan(0.7);
  });

  it('two-stage bootstrap intervals cover the true difference of group means at least nominally often', () => {
    const rng = createRng(9);
    const reps = 80;
    let covered = 0, coveredG = 0;
    for (let r = 0; r < reps; r++) {
      const data = population(rng, 12, 10, (m) => (m < 6 ? 1 : 0));
      const records = data.map((d) => ({ ...d, group: Number(d.model.slice(1)) < 6 ? 'a' : 'b' }));
      const c = compareGroupsByModel(records, { groups: ['a', 'b'], bootstrap: 500, seed: r });
      const iv = c.interval!;
      expect(iv.diff.lower).toBeLessThanOrEqual(c.diff);
      expect(iv.diff.upper).toBeGreaterThanOrEqual(c.diff);
      if (iv.diff.lower <= 1 && 1 <= iv.diff.upper) covered++;
      // True g: difference 1 over the between-model SD (1, plus the item noise in a model's mean).
      if (iv.hedges_g && iv.hedges_g.lower <= 1 && 1 <= iv.hedges_g.upper) coveredG++;
    }
    // Resampling items again on top of models errs wide; with 6 models a group percentile intervals err narrow.
    expect(covered / reps).toBeGreaterThan(0.85);
    expect(coveredG / reps).toBeGreaterThan(0.8);
  });
});

describe('compareGroupsByModel details', () => {
  it('a model is one observation however many items and samples it has', () => {
    const rng = createRng(3);
    const few = population(rng, 8, 3, (m) => (m < 4 ? 1 : 0)).map((d) => ({ ...d, group: Number(d.model.slice(1)) < 4 ? 'a' : 'b' }));
    const c = compareGroupsByModel(few, { bootstrap: 0 });
    expect(c.n_a + c.n_b).toBe(8);
    expect(c.relabelings).toBe(70);
    expect(c.scores).toHaveLength(8);
    expect(c.scores.every((s) => s.n_items === 3)).toBe(true);
    // Duplicating every record (more samples) changes neither the model scores nor p.
    const doubled = compareGroupsByModel([...few, ...few], { bootstrap: 0 });
    expect(doubled.p).toBe(c.p);
    expect(doubled.diff).toBeCloseTo(c.diff, 12);
  });

  it('bootstrap intervals are reproducible from the seed', () => {
    const rng = createRng(5);
    const records = population(rng, 10, 6, (m) => (m < 5 ? 0.8 : 0)).map((d) => ({ ...d, group: Number(d.model.slice(1)) < 5 ? 'a' : 'b' }));
    const one = compareGroupsByModel(records, { seed: 11, bootstrap: 300 });
    const two = compareGroupsByModel(records, { seed: 11, bootstrap: 300 });
    const other = compareGroupsByModel(records, { seed: 12, bootstrap: 300 });
    expect(two.interval).toEqual(one.interval);
    expect(other.interval!.diff.lower).not.toBe(one.interval!.diff.lower);
    expect(one.interval!.resampling).toBe('models within groups, then items within each model');
  });

  it('rejects a model in two groups and ambiguous group sets', () => {
    expect(() => compareGroupsByModel([{ model: 'm', group: 'a', value: 1 }, { model: 'm', group: 'b', value: 2 }])).toThrow(/two groups/);
    const three = [...asRecords([1, 2], [3, 4]), { model: 'c0', group: 'C', value: 5 }];
    expect(() => compareGroupsByModel(three)).toThrow(/3 groups/);
    expect(compareGroupsByModel(three, { groups: ['A', 'C'], bootstrap: 0 }).n_b).toBe(1);
    expect(() => compareGroupsByModel(asRecords([1, 2], [3, 4]), { groups: ['A', 'Z'] })).toThrow(/group Z has no models/);
    expect(() => compareGroupsByModel([{ model: 'm', group: 'a', value: NaN }])).toThrow(StatsInputError);
  });
});

describe('adjustComparisonFamily', () => {
  it('adjusts every comparison that has a p (Holm or BH), names the family and the excluded', () => {
    const fx = perms.filter((p) => p.name !== '3v2');
    const comparisons = fx.map((p) => compareGroupsByModel(asRecords(p.a, p.b), { label: p.name, bootstrap: 0 }));
    comparisons.push(compareGroupsByModel(asRecords([1, 2, 3], [4]), { label: 'lonely', bootstrap: 0 }));
    comparisons.push(compareGroupsByModel(asRecords([0.1, 0.5, 0.9], [1.4, 1.6]), { label: '3v2', bootstrap: 0 }));
    for (const method of ['holm', 'BH'] as const) {
      const fam = adjustComparisonFamily(comparisons, { method });
      expect(fam.family_size).toBe(5);
      expect(fam.family).toEqual(['4v4', '6v6', '5v7', 'ties5v6', '3v2']);
      expect(fam.excluded).toEqual(['lonely']);
      const expected = pAdjust(comparisons.filter((c) => c.p !== null).map((c) => c.p!), method);
      expect(fam.comparisons.filter((c) => c.p_adjusted !== null).map((c) => c.p_adjusted)).toEqual(expected);
      const lonely = fam.comparisons.find((c) => c.label === 'lonely')!;
      expect(lonely.p_adjusted).toBeNull();
      expect(lonely.significant_adjusted).toBeNull();
      expect(fam.comparisons.find((c) => c.label === '3v2')!.significant_adjusted).toBeNull();
    }
    const holm = adjustComparisonFamily(comparisons);
    expect(holm.comparisons.find((c) => c.label === '6v6')!.p_adjusted).toBeCloseTo(Math.min(1, 5 * perms[2]!.p), 12);
  });
});

describe('modelProfileInterval', () => {
  it('resamples items, so items that differ widen the interval even when samples agree', () => {
    const records = Array.from({ length: 20 }, (_, i) => [0, 1, 2].map((s) => ({ item: `i${i}`, sample: s, value: i % 4 }))).flat();
    const iv = modelProfileInterval(records, { iterations: 1000, seed: 2 });
    expect(iv.mean).toBeCloseTo(1.5, 12);
    expect(iv.lower).toBeLessThan(1.3);
    expect(iv.upper).toBeGreaterThan(1.7);
    expect(iv.n_items).toBe(20);
    expect(iv.n_obs).toBe(60);
    expect(iv.resampling).toBe('items, then samples within each item');
  });
  it('narrows with more items', () => {
    const rng = createRng(8);
    const make = (n: number) => Array.from({ length: n }, (_, i) => ({ item: `i${i}`, value: rng.normal() }));
    const small = modelProfileInterval(make(10), { seed: 1 });
    const large = modelProfileInterval(make(200), { seed: 1 });
    expect(large.upper - large.lower).toBeLessThan(small.upper - small.lower);
    expect(() => modelProfileInterval([{ item: 'x', value: 1 }])).toThrow(/2 items/);
  });
});
