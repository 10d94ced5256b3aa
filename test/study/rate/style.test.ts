/**
 * Response style in ratings, where the truth is planted: models hold values (a trait per
 * dimension) and may also agree with everything (acquiescence). The balanced pairs must measure
 * the acquiescence and not the values; the share of between-model variance it explains must be
 * found when planted and rejected at about the nominal rate when not; ipsatizing must remove a
 * uniform shift. Style items never enter the lexicon.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/stats/rng.js';
import { ipsatize, rateItems, responseStyle, styleVarianceExplained, valueAntonyms } from '../../../src/study/stages/rate/style.js';
import { modelDimensionScores, retestStability } from '../../../src/study/stages/taxonomy/retest.js';

const TERMS = ['honesty', 'kindness', 'fairness', 'accuracy', 'privacy', 'curiosity', 'zestfulness', 'helpfulness'];

/** Ratings 1..5 of TERMS and their style partners by `models` x `perModel` respondents. */
function simulateRatings(seed: number, o: { models: number; perModel: number; acquiescenceSd: number; traitSd?: number; shift?: number[] }) {
  const rng = createRng(seed);
  const items = rateItems(TERMS, 8);
  const respondents: Array<{ id: string; model: string }> = [];
  const matrix: (number | null)[][] = [];
  const planted: number[] = [];
  for (let m = 0; m < o.models; m++) {
    const acq = o.shift?.[m] ?? o.acquiescenceSd * rng.normal();
    planted.push(acq);
    // Two value dimensions: the first four terms and the last four.
    const trait = [0, 1].map(() => (o.traitSd ?? 0.8) * rng.normal());
    for (let r = 0; r < o.perModel; r++) {
      respondents.push({ id: `m${m}/r${r}`, model: `m${m}` });
      const own = trait.map((t) => t + 0.4 * rng.normal());
      matrix.push(
        items.map((it) => {
          const term = it.kind === 'lexicon' ? it.item : it.reverses!;
          const d = TERMS.indexOf(term) < 4 ? 0 : 1;
          // A partner of opposite meaning is rated against the value; acquiescence shifts both up.
          const value = (it.kind === 'lexicon' ? 1 : -1) * own[d]! + acq + 0.5 * rng.normal();
          return Math.min(5, Math.max(1, Math.round(3 + value)));
        }),
      );
    }
  }
  return { items, respondents, matrix, planted };
}

describe('response style in ratings', () => {
  it('pairs each frequent term with an antonym, else a reversed item, and never adds them to the lexicon', () => {
    const items = rateItems(['honesty', 'zestfulness', 'kindness', 'dishonesty'], 3);
    expect(items.filter((i) => i.kind === 'lexicon').map((i) => i.item)).toEqual(['honesty', 'zestfulness', 'kindness', 'dishonesty']);
    // honesty's antonym is itself a rated term here, so honesty gets a reversed item instead.
    expect(items.filter((i) => i.kind !== 'lexicon')).toEqual([
      { item: 'lack of honesty', kind: 'reversed', reverses: 'honesty' },
      { item: 'lack of zestfulness', kind: 'reversed', reverses: 'zestfulness' },
      { item: 'cruelty', kind: 'antonym', reverses: 'kindness' },
    ]);
    expect(valueAntonyms().get('fairness')).toBe('unfairness');
  });

  it('measures planted acquiescence per model, not the values', () => {
    const shift = [-1, -0.5, 0, 0.5, 1, 1.5];
    const { items, respondents, matrix } = simulateRatings(3, { models: 6, perModel: 10, acquiescenceSd: 0, shift, traitSd: 1.2 });
    const style = responseStyle(matrix, items, respondents, 5);
    expect(style.pairs).toBe(8);
    const acq = style.models.map((m) => m.acquiescence!);
    // Rounding and the 1..5 bounds compress the shift a little; the order and size are kept.
    acq.forEach((a, m) => expect(a).toBeCloseTo(shift[m]!, 0));
    expect(acq[5]! - acq[0]!).toBeGreaterThan(1.8);
  });

  it("finds the share of between-model variance explained by planted acquiescence, and rejects at about 5% without it", () => {
    const explained = (seed: number, acquiescenceSd: number): { r2: number; p: number } => {
      const { items, respondents, matrix } = simulateRatings(seed, { models: 10, perModel: 6, acquiescenceSd });
      const style = responseStyle(matrix, items, respondents, 5);
      const terms = items.filter((i) => i.kind === 'lexicon').map((i) => i.item);
      const lex = matrix.map((row) => row.slice(0, terms.length));
      const models = style.models.map((m) => m.model);
      const scores = modelDimensionScores({ respondents, terms, matrix: lex }, [{ id: 'all', loadings: Object.fromEntries(terms.map((t) => [t, 1])) }], 5, models);
      const share = styleVarianceExplained(scores, style.models.map((m) => m.acquiescence));
      return share[0]!;
    };
    const planted = Array.from({ length: 20 }, (_, i) => explained(100 + i, 0.8));
    const nulls = Array.from({ length: 200 }, (_, i) => explained(1000 + i, 0));
    // Planted: acquiescence explains most of the between-model variance of the mean rating.
    expect(planted.filter((x) => x.p < 0.05).length).toBeGreaterThanOrEqual(18);
    expect(planted.reduce((s, x) => s + x.r2, 0) / planted.length).toBeGreaterThan(0.6);
    // Null: rejected about as often as promised (5% of 200 = 10; binomial 95% range about 4-17).
    const rejected = nulls.filter((x) => x.p < 0.05).length;
    expect(rejected).toBeGreaterThanOrEqual(2);
    expect(rejected).toBeLessThanOrEqual(18);
  }, 60_000);

  it('ipsatizing removes a uniform shift per respondent', () => {
    const rows = [[1, 2, 3, null], [3, 4, 5, 4]];
    expect(ipsatize(rows)).toEqual([[-1, 0, 1, null], [-1, 0, 1, 0]]);
  });

  it('test-retest: stable planted model scores give a high ICC, independent runs do not', () => {
    const dims = [{ id: 'a', loadings: { honesty: 0.8, kindness: 0.7 } }, { id: 'b', loadings: { accuracy: 0.8, privacy: -0.6 } }, { id: 'c', loadings: { curiosity: 0.7, fairness: 0.6 } }];
    const terms = ['accuracy', 'curiosity', 'fairness', 'honesty', 'kindness', 'privacy'];
    const rng = createRng(9);
    const traits = Array.from({ length: 8 }, () => terms.map(() => 1.2 * rng.normal()));
    const run = (stable: boolean) => {
      const respondents: Array<{ id: string; model: string }> = [];
      const matrix: (number | null)[][] = [];
      traits.forEach((t, m) => {
        const own = stable ? t : terms.map(() => 1.2 * rng.normal());
        for (let r = 0; r < 5; r++) {
          respondents.push({ id: `m${m}/r${r}`, model: `m${m}` });
          matrix.push(own.map((x) => Math.min(5, Math.max(1, Math.round(3 + x + 0.4 * rng.normal())))));
        }
      });
      return { respondents, terms, matrix };
    };
    const first = run(true);
    const stable = retestStability(first, run(true), dims, 5);
    expect(stable.dimensions).toHaveLength(3);
    for (const d of stable.dimensions) {
      expect(d.icc).toBeGreaterThan(0.8);
      expect(d.icc_low).toBeLessThan(d.icc);
      expect(d.spearman!).toBeGreaterThan(0.7);
    }
    expect(stable.ipsative.every((m) => m.r === null || m.r > 0.5)).toBe(true);
    const unstable = retestStability(first, run(false), dims, 5);
    expect(Math.max(...unstable.dimensions.map((d) => d.icc))).toBeLessThan(0.7);
  });
});
