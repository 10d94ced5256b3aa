/**
 * The choices analysis where the truth is known (answers drawn by ./simulate-answers.ts): priorities
 * are recovered with intervals that cover the planted strengths; under a true null the position-
 * bias and framing tests reject no more often than promised; a planted position bias is detected
 * and kept out of the priorities by counterbalancing; a planted framing inconsistency shows in the
 * framing tables (per model, and per value pair across models); intransitivity tells a cycle from
 * an order.
 */
import { describe, expect, it } from 'vitest';
import { bradleyTerry, type PairedComparison } from '../../../src/stats/bradley-terry.js';
import { correlationTest } from '../../../src/stats/effects.js';
import { createRng } from '../../../src/stats/rng.js';
import { analyseChoices, comparisonsOf, type ChoiceRecord } from '../../../src/study/stages/choices/analysis.js';
import { plantedAnswers, type PlantedChooser } from './simulate-answers.js';

const VALUES = ['v0', 'v1', 'v2', 'v3'];

function population(seed: number, n: number, chooser: (m: number, utility: number[]) => Partial<PlantedChooser>, opts: { dilemmasPerPair: number; values?: string[]; sd?: number }): { records: ChoiceRecord[]; truth: Map<string, number[]> } {
  const rng = createRng(seed);
  const values = opts.values ?? VALUES;
  const records: ChoiceRecord[] = [];
  const truth = new Map<string, number[]>();
  for (let m = 0; m < n; m++) {
    const utility = values.map(() => (opts.sd ?? 0.6) * rng.normal());
    truth.set(`m${m}`, utility);
    records.push(...plantedAnswers(rng, values, { model: `m${m}`, utility, ...chooser(m, utility) }, { dilemmasPerPair: opts.dilemmasPerPair }));
  }
  return { records, truth };
}

const rejected = (ps: ReadonlyArray<number | null>): number => ps.filter((p) => p !== null && p < 0.05).length / ps.length;

describe('priorities (Bradley-Terry with Davidson ties over counterbalanced pairs)', () => {
  it('answers in both orders from logistic choices are Davidson comparisons with theta = 2 beta u and nu = 2; the bootstrap intervals cover them', () => {
    // P(a both times) : P(b both times) : P(split) = p^2 : (1 - p)^2 : 2p(1 - p), i.e. Davidson with
    // theta_a - theta_b = 2 beta (u_a - u_b) and nu = 2.
    const { records, truth } = population(5, 40, () => ({ beta: 1 }), { dilemmasPerPair: 8 });
    const a = analyseChoices(records, { values: VALUES, models: [...truth.keys()], ridge: 0.1, resamples: 300, seed: 1, permutations: 99 });
    let covered = 0;
    const nus: number[] = [];
    for (const f of a.fits) nus.push(f.nu!);
    for (const p of a.priorities) {
      const u = truth.get(p.model)!;
      const centre = u.reduce((s, x) => s + x, 0) / u.length;
      const planted = 2 * (u[VALUES.indexOf(p.dimension)]! - centre);
      if (planted >= p.ci_low && planted <= p.ci_high) covered++;
    }
    // Percentile bootstrap over 48 dilemmas: measured 0.93 here (0.91 with 3 dilemmas per pair).
    expect(covered / a.priorities.length).toBeGreaterThan(0.88);
    expect(covered / a.priorities.length).toBeLessThan(0.99);
    const meanNu = nus.reduce((s, x) => s + x, 0) / nus.length;
    expect(meanNu).toBeGreaterThan(1.6);
    expect(meanNu).toBeLessThan(2.5);
  }, 120_000);

  it('ranks values as planted (Spearman over values)', () => {
    const values = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { records, truth } = population(9, 12, () => ({ beta: 2 }), { dilemmasPerPair: 4, values, sd: 0.8 });
    const a = analyseChoices(records, { values, models: [...truth.keys()], ridge: 0.1, resamples: 50, seed: 1, permutations: 99 });
    const rhos = [...truth].map(([model, u]) => {
      const est = values.map((v) => a.priorities.find((p) => p.model === model && p.dimension === v)!.log_strength);
      return correlationTest(est, u, 'spearman').estimate;
    });
    expect(Math.min(...rhos)).toBeGreaterThan(0.6);
    expect(rhos.reduce((s, r) => s + r, 0) / rhos.length).toBeGreaterThan(0.85);
    // Ranks follow the log-strengths.
    for (const model of truth.keys()) {
      const rows = a.priorities.filter((p) => p.model === model).sort((x, y) => x.rank - y.rank);
      for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.log_strength).toBeGreaterThanOrEqual(rows[i]!.log_strength);
    }
  }, 60_000);
});

describe('position bias', () => {
  it('under a true null the test rejects at most about as often as promised (5%)', () => {
    const { records, truth } = population(21, 200, () => ({ beta: 1 }), { dilemmasPerPair: 4 });
    const a = analyseChoices(records, { values: VALUES, models: [...truth.keys()], ridge: 0.1, resamples: 10, seed: 2, permutations: 999 });
    const rate = rejected(a.position_bias.map((r) => r.p));
    // The sign-flip test over dilemmas is exact but discrete: conservative (measured 1.5-2.5%).
    expect(rate).toBeLessThanOrEqual(0.075);
    expect(rate).toBeGreaterThan(0.002);
    const share = a.position_bias.reduce((s, r) => s + r.share_first!, 0) / a.position_bias.length;
    expect(Math.abs(share - 0.5)).toBeLessThan(0.01);
  }, 120_000);

  it('a planted bias (answer "A" 30% of the time whatever the options) is detected', () => {
    const { records, truth } = population(22, 60, (m) => ({ beta: 1, positionBias: m % 2 === 0 ? 0.3 : 0 }), { dilemmasPerPair: 6 });
    const a = analyseChoices(records, { values: VALUES, models: [...truth.keys()], ridge: 0.1, resamples: 10, seed: 2, permutations: 999 });
    const biased = a.position_bias.filter((_, i) => i % 2 === 0), fair = a.position_bias.filter((_, i) => i % 2 === 1);
    expect(rejected(biased.map((r) => r.p))).toBeGreaterThan(0.85);
    expect(rejected(fair.map((r) => r.p))).toBeLessThan(0.15);
    for (const r of biased) expect(r.share_first!).toBeGreaterThan(0.5);
    expect(biased.reduce((s, r) => s + r.share_first!, 0) / biased.length).toBeCloseTo(0.65, 1);
  }, 120_000);

  it('counterbalancing keeps it out of the priorities; one fixed order would not', () => {
    // Equal utilities: every value's true strength is 0. v0 is always value_a, listed first in order ab.
    const { records, truth } = population(23, 60, () => ({ beta: 1, positionBias: 0.4, utility: [0, 0, 0, 0] }), { dilemmasPerPair: 4 });
    const a = analyseChoices(records, { values: VALUES, models: [...truth.keys()], ridge: 0.1, resamples: 200, seed: 3, permutations: 99 });
    const first = a.priorities.filter((p) => p.dimension === 'v0');
    const meanFirst = first.reduce((s, p) => s + p.log_strength, 0) / first.length;
    expect(Math.abs(meanFirst)).toBeLessThan(0.1);
    expect(first.filter((p) => p.ci_low <= 0 && p.ci_high >= 0).length / first.length).toBeGreaterThan(0.88);
    // The same answers without counterbalancing: one framing and order ab only, each answer a win for the value named.
    const index = new Map(VALUES.map((v, i) => [v, i]));
    const oneOrder = [...truth.keys()].map((model) => {
      const comps: PairedComparison[] = records.filter((r) => r.model === model && r.framing === 'act' && r.order === 'ab' && r.preferred !== null).map((r) => ({ i: index.get(r.value_a)!, j: index.get(r.value_b)!, outcome: r.preferred === r.value_a ? 'i' : 'j' }));
      return bradleyTerry(comps, { items: 4, ridge: 0.1 }).logStrength[0]!;
    });
    expect(oneOrder.reduce((s, x) => s + x, 0) / oneOrder.length).toBeGreaterThan(0.5);
  }, 120_000);
});

describe('framing consistency', () => {
  it('under a true null (no framing effect, any position bias) the test rejects at most about as often as promised', () => {
    const { records, truth } = population(31, 200, (m) => ({ beta: 2, positionBias: m % 3 === 0 ? 0.3 : 0 }), { dilemmasPerPair: 4 });
    const a = analyseChoices(records, { values: VALUES, models: [...truth.keys()], ridge: 0.1, resamples: 10, seed: 4, permutations: 999 });
    const rows = a.consistency!.per_model;
    expect(rejected(rows.map((r) => r.p))).toBeLessThanOrEqual(0.075);
    const meanEffect = rows.reduce((s, r) => s + r.framing_effect!, 0) / rows.length;
    expect(Math.abs(meanEffect)).toBeLessThan(0.02);
  }, 120_000);

  it('a planted inconsistency (the reject question answered as "choose" 80% of the time) shows in the per-model table', () => {
    const { records, truth } = population(32, 30, (m) => ({ beta: 3, framingFlip: m < 15 ? 0.8 : 0 }), { dilemmasPerPair: 6, sd: 0.8 });
    const a = analyseChoices(records, { values: VALUES, models: [...truth.keys()], ridge: 0.1, resamples: 10, seed: 4, permutations: 999 });
    const rows = a.consistency!.per_model;
    const flipped = rows.slice(0, 15), steady = rows.slice(15);
    expect(rejected(flipped.map((r) => r.p))).toBeGreaterThan(0.8);
    for (const r of flipped) expect(r.framing_effect!).toBeLessThan(0);
    expect(rejected(steady.map((r) => r.p))).toBeLessThan(0.15);
    const mean = (rs: typeof rows): number => rs.reduce((s, r) => s + r.consistent!, 0) / rs.length;
    expect(mean(flipped)).toBeLessThan(mean(steady) - 0.2);
  }, 120_000);

  it('an inconsistency on one value pair shows in that pair\'s row (models as the unit), not in the others', () => {
    const flipPairs = new Set(['v0~v1']);
    const { records, truth } = population(33, 12, () => ({ beta: 3, framingFlip: 0.8, flipPairs }), { dilemmasPerPair: 4, sd: 0.8 });
    const a = analyseChoices(records, { values: VALUES, models: [...truth.keys()], ridge: 0.1, resamples: 50, seed: 5, permutations: 9999 });
    const rows = a.consistency!.per_pair;
    expect(rows).toHaveLength(6);
    const hit = rows.find((r) => r.pair === 'v0~v1')!;
    expect(hit.models).toBe(12);
    expect(hit.p_holm!).toBeLessThan(0.05);
    expect(hit.framing_effect!).toBeLessThan(-0.2);
    for (const r of rows.filter((x) => x.pair !== 'v0~v1')) expect(r.p_holm!).toBeGreaterThan(0.05);
  }, 120_000);
});

describe('intransitivity and missing answers', () => {
  it('a planted cycle is all circular triads; a planted order none, fewer than chance', () => {
    const values = ['a', 'b', 'c', 'd', 'e', 'f'];
    const cyc: ChoiceRecord[] = [];
    // a > b > c > a among the first three; every other pair by a fixed order.
    const beats = (x: string, y: string): boolean => (x === 'a' && y === 'b') || (x === 'b' && y === 'c') || (x === 'c' && y === 'a') || (!['a~b', 'b~c', 'a~c'].includes([x, y].sort().join('~')) && values.indexOf(x) < values.indexOf(y));
    for (let i = 0; i < values.length; i++) for (let j = i + 1; j < values.length; j++) for (const order of ['ab', 'ba'] as const) {
      const winner = beats(values[i]!, values[j]!) ? values[i]! : values[j]!;
      cyc.push({ model: 'cycle', dilemma: `${values[i]}~${values[j]}/0`, value_a: values[i]!, value_b: values[j]!, framing: 'act', order, sample: 0, letter: (winner === values[i]) === (order === 'ab') ? 'A' : 'B', preferred: winner, attempts: 1 });
    }
    const ordered = plantedAnswers(createRng(3), values, { model: 'order', utility: [3, 2, 1, 0, -1, -2], beta: 8 }, { dilemmasPerPair: 2, framings: ['act'] });
    const a = analyseChoices([...cyc, ...ordered], { values, models: ['cycle', 'order'], ridge: 0.1, resamples: 20, seed: 1, permutations: 99 });
    const c = a.intransitivity.find((r) => r.model === 'cycle')!, o = a.intransitivity.find((r) => r.model === 'order')!;
    expect(c.decided_triads).toBe(20);
    expect(c.circular).toBe(1);
    expect(o.circular).toBe(0);
    expect(o.share).toBe(0);
    expect(o.p!).toBeLessThan(0.05);
    expect(a.consistency).toBeNull(); // one framing only
  });

  it('a pair of orders with one answer missing is left out (counted incomplete), never guessed', () => {
    const recs = plantedAnswers(createRng(8), VALUES, { model: 'm', utility: [1, 0, 0, -1], missing: 0.2 }, { dilemmasPerPair: 3 });
    const { comparisons, incomplete } = comparisonsOf(recs, VALUES);
    const pairs = new Map<string, ChoiceRecord[]>();
    for (const r of recs) pairs.set(`${r.dilemma}|${r.framing}`, [...(pairs.get(`${r.dilemma}|${r.framing}`) ?? []), r]);
    const both = [...pairs.values()].filter((g) => g.every((r) => r.preferred !== null)).length;
    const one = [...pairs.values()].filter((g) => g.filter((r) => r.preferred !== null).length === 1).length;
    expect(comparisons).toHaveLength(both);
    expect(incomplete).toBe(one);
    const a = analyseChoices(recs, { values: VALUES, models: ['m'], ridge: 0.1, resamples: 20, seed: 1, permutations: 99 });
    expect(a.answers[0]).toMatchObject({ asked: recs.length, missing: recs.filter((r) => r.letter === null).length });
    expect(a.fits[0]!.incomplete).toBe(one);
  });

  it('a model whose comparisons never meet one value reports why instead of inventing a priority', () => {
    const recs = plantedAnswers(createRng(9), ['a', 'b'], { model: 'm', utility: [0, 0] }, { dilemmasPerPair: 2 }).map((r) => ({ ...r, preferred: null, letter: null }));
    const a = analyseChoices(recs, { values: ['a', 'b', 'c'], models: ['m'], ridge: 0.1, resamples: 20, seed: 1, permutations: 99 });
    expect(a.priorities).toHaveLength(0);
    expect(a.fits[0]!.error).toMatch(/at least one comparison/);
  });
});
