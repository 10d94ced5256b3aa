/**
 * The simulated population is drawn from its seed, not borrowed: two seeds give different planted
 * structures, the word pool is broad and not organised by the paper's three dimensions, the
 * options the inference and taxonomy work builds on do what they say (a true null is null, a
 * planted effect is there), and the truth is plain JSON that agrees with the population.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  DEFAULT_SEED,
  defaultPopulation,
  drawPopulation,
  itemEffects,
  plantedWord,
  resolveSimModel,
  respondentAcquiescence,
  respondentTraits,
  simModelId,
  wordUtility,
} from '../../src/sim/population.js';
import { VALUE_WORD_FAMILIES, VALUE_WORD_POOL } from '../../src/sim/value-words.js';
import { adjustedRandIndex, tTest } from '../../src/stats/index.js';
import { normalizeDescriptor } from '../../src/text/normalize.js';
import { parseElicitation } from '../../src/text/parse.js';

/** The paper's three dimensions as the old simulator planted them (to show they are not planted any more). */
const PAPER = {
  competence: ['helpfulness', 'accuracy', 'knowledge', 'efficiency', 'clarity', 'reliability', 'precision', 'thoroughness', 'usefulness', 'competence'],
  character: ['empathy', 'kindness', 'compassion', 'patience', 'friendliness', 'warmth', 'understanding', 'humility', 'politeness', 'supportiveness'],
  integrity: ['honesty', 'transparency', 'fairness', 'accountability', 'responsibility', 'safety', 'privacy', 'trustworthiness', 'ethics', 'integrity'],
};

describe('the value word pool', () => {
  it('is broad: at least 150 distinct words from many families', () => {
    expect(VALUE_WORD_POOL.length).toBeGreaterThanOrEqual(150);
    expect(new Set(VALUE_WORD_POOL).size).toBe(VALUE_WORD_POOL.length);
    expect(Object.keys(VALUE_WORD_FAMILIES).length).toBeGreaterThanOrEqual(8);
    for (const words of Object.values(VALUE_WORD_FAMILIES)) expect(words.length).toBeGreaterThanOrEqual(10);
  });

  it('every word comes back from the parser and normaliser as itself', () => {
    for (const w of VALUE_WORD_POOL) {
      expect(normalizeDescriptor(w).descriptor, w).toBe(w);
      const parsed = parseElicitation(`1. ${w.charAt(0).toUpperCase()}${w.slice(1)}\n2. **${w}** - it guides how I respond`).items;
      expect(parsed.map((i) => i.descriptor && normalizeDescriptor(i.descriptor).descriptor), w).toEqual([w, w]);
    }
  });
});

describe('drawPopulation', () => {
  it('is a pure function of seed and options', () => {
    expect(drawPopulation(7)).toEqual(drawPopulation(7));
    expect(drawPopulation(7, { models: 12 })).toEqual(drawPopulation(7, { models: 12 }));
    expect(defaultPopulation()).toEqual(drawPopulation(DEFAULT_SEED));
  });

  it('two seeds give different structures: dimensions, words, models', () => {
    const a = drawPopulation(1);
    const b = drawPopulation(2);
    const wordsA = a.dimensions.flatMap((d) => d.words);
    const wordsB = new Set(b.dimensions.flatMap((d) => d.words));
    // Two draws of ~30 words from ~190 share about 5; the structures are not the same.
    expect(wordsA.filter((w) => wordsB.has(w)).length).toBeLessThan(wordsA.length / 2);
    expect(a.models.map((m) => m.name)).not.toEqual(b.models.map((m) => m.name));
    // Over many seeds: 2-5 dimensions (each count occurs), 6-8 models, every planted word drawn somewhere.
    const counts = new Set<number>();
    const used = new Set<string>();
    for (let s = 0; s < 60; s++) {
      const p = drawPopulation(s);
      expect(p.dimensions.length).toBeGreaterThanOrEqual(2);
      expect(p.dimensions.length).toBeLessThanOrEqual(5);
      expect(p.models.length).toBeGreaterThanOrEqual(6);
      expect(p.models.length).toBeLessThanOrEqual(8);
      counts.add(p.dimensions.length);
      const all = p.dimensions.flatMap((d) => d.words);
      expect(new Set([...all, ...p.background]).size).toBe(all.length + p.background.length); // without replacement
      expect(all.length).toBeLessThanOrEqual(30);
      for (const w of all) used.add(w);
      expect(p.dimensions.map((d) => d.id)).toEqual(p.dimensions.map((_, i) => `planted-${i + 1}`));
    }
    expect([...counts].sort()).toEqual([2, 3, 4, 5]);
    expect(used.size).toBeGreaterThan(0.9 * VALUE_WORD_POOL.length);
  });

  it("does not plant the paper's Competence / Character / Integrity: its words fall together no more than chance", () => {
    // Over many seeds, two words of the same paper dimension share a planted dimension as often as
    // two words of different paper dimensions (both about 1/k of the times both are drawn).
    let within = 0, withinBoth = 0, across = 0, acrossBoth = 0;
    const lists = Object.values(PAPER).map((l) => l.filter((w) => VALUE_WORD_POOL.includes(w)));
    for (let s = 0; s < 400; s++) {
      const p = drawPopulation(s);
      const dim = (w: string): number | undefined => plantedWord(p, w)?.dimension;
      lists.forEach((la, ia) => lists.forEach((lb, ib) => {
        if (ib < ia) return;
        for (const x of la) for (const y of lb) {
          if (x >= y && ia === ib) continue;
          const dx = dim(x), dy = dim(y);
          if (dx === undefined || dy === undefined) continue;
          if (ia === ib) { withinBoth++; if (dx === dy) within++; } else { acrossBoth++; if (dx === dy) across++; }
        }
      }));
    }
    const pw = within / withinBoth, pa = across / acrossBoth;
    const se = Math.sqrt(pw * (1 - pw) / withinBoth + pa * (1 - pa) / acrossBoth);
    expect(Math.abs(pw - pa)).toBeLessThan(4 * se);
    // The old simulator's "within" rate was 1 (every paper dimension was one planted dimension).
    expect(pw).toBeLessThan(0.5);
  });

  it('takes the numbers of models, dimensions and words, and extra group tags', () => {
    const p = drawPopulation(3, { models: 12, dimensions: 3, wordsPerDimension: 8, groups: { training: ['base', 'instruct'], lab: ['north', 'south', 'east'] } });
    expect(p.models).toHaveLength(12);
    expect(p.dimensions).toHaveLength(3);
    for (const d of p.dimensions) {
      expect(d.words).toHaveLength(8);
      expect(d.loadings).toEqual([...d.loadings].sort((a, b) => b - a));
      for (const l of d.loadings) expect(l).toBeGreaterThanOrEqual(0.55);
    }
    expect(p.groups.training).toEqual(['base', 'instruct']);
    // Levels are spread evenly: 12 models over 2 trainings, 3 labs.
    const count = (tag: string, level: string): number => p.models.filter((m) => m.tags[tag] === level).length;
    expect([count('training', 'base'), count('training', 'instruct')]).toEqual([6, 6]);
    expect(['north', 'south', 'east'].map((l) => count('lab', l))).toEqual([4, 4, 4]);
    expect(new Set(p.models.map((m) => m.name)).size).toBe(12);
    for (const m of p.models) expect(m.tags).toMatchObject({ family: m.family, size: m.size, training: m.training });
  });

  it('refuses impossible options with a message naming them', () => {
    expect(() => drawPopulation(-1)).toThrow(InputError);
    expect(() => drawPopulation(1, { dimensions: 0 })).toThrow(/dimensions must be an integer from 1/);
    expect(() => drawPopulation(1, { wordsPerDimension: 21 })).toThrow(/wordsPerDimension must be an integer from 2 to 20/);
    expect(() => drawPopulation(1, { groups: { training: ['sft'] } })).toThrow(/training levels/);
    expect(() => drawPopulation(1, { dimensions: 2, groupEffects: [{ tag: 'training', level: 'rlhf', dimension: 'planted-3', effect: 1 }] })).toThrow(/unknown dimension "planted-3"/);
    expect(() => drawPopulation(1, { groupEffects: [{ tag: 'lab', level: 'x', dimension: 'planted-1', effect: 1 }] })).toThrow(/unknown tag "lab"/);
    expect(() => drawPopulation(1, { noise: { respondentSd: -1 } })).toThrow(/noise.respondentSd/);
  });

  it('group effects: none is a true null, a planted effect is exactly what was planted, both paired with the drawn population', () => {
    const drawn = drawPopulation(11, { models: 12 });
    const none = drawPopulation(11, { models: 12, groupEffects: 'none' });
    const planted = drawPopulation(11, { models: 12, groupEffects: [{ tag: 'training', level: 'rlhf', dimension: 'planted-1', effect: 1.2 }] });
    expect(drawn.groupEffects.filter((e) => e.effect !== 0).length).toBeGreaterThan(0);
    expect(none.groupEffects.every((e) => e.effect === 0)).toBe(true);
    expect(planted.groupEffects.filter((e) => e.effect !== 0)).toEqual([{ tag: 'training', level: 'rlhf', dimension: 'planted-1', effect: 1.2 }]);
    // The same words, models and deviations: only the effects differ.
    expect(none.dimensions).toEqual(drawn.dimensions);
    expect(none.models.map((m) => [m.name, m.deviation])).toEqual(drawn.models.map((m) => [m.name, m.deviation]));
    none.models.forEach((m, i) => {
      m.traits.forEach((t, d) => expect(t).toBeCloseTo(none.baseline[d]! + m.deviation[d]!, 5));
      const p = planted.models[i]!;
      expect(p.traits[0]! - m.traits[0]!).toBeCloseTo(m.training === 'rlhf' ? 1.2 : 0, 5);
      expect(p.traits.slice(1)).toEqual(m.traits.slice(1));
    });
  });

  it('a model-level comparison of planted traits rejects at its level under the null and finds a planted effect', () => {
    // The generator's promise to the inference built on it: with group effects 'none', the
    // training groups differ only by model-level noise; with 1.0 planted, they differ by 1.0.
    const reject = (effect: number | 'none'): number => {
      let hits = 0;
      for (let s = 0; s < 400; s++) {
        const p = drawPopulation(1000 + s, {
          models: 12,
          groups: { training: ['instruct', 'rlhf'] },
          groupEffects: effect === 'none' ? 'none' : [{ tag: 'training', level: 'rlhf', dimension: 'planted-1', effect }],
        });
        const of = (level: string): number[] => p.models.filter((m) => m.training === level).map((m) => m.traits[0]!);
        if (tTest(of('rlhf'), of('instruct')).p < 0.05) hits++;
      }
      return hits / 400;
    };
    const nullRate = reject('none');
    expect(nullRate).toBeGreaterThan(0.02);
    expect(nullRate).toBeLessThan(0.085);
    expect(reject(1.0)).toBeGreaterThan(0.8);
  });

  it('respondents vary around their model; items and response styles are planted and reproducible', () => {
    const p = drawPopulation(5, { noise: { respondentSd: 0.7, itemSd: 0.4, acquiescenceSd: 0.3 }, responseStyle: { acquiescenceSd: 0.5 }, items: ['When I make a mistake,', 'I feel happiest when'] });
    const m = p.models[0]!;
    const draws = Array.from({ length: 4000 }, (_, i) => respondentTraits(p, m, `r${i}`)[0]!);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1));
    expect(mean).toBeCloseTo(m.traits[0]!, 1);
    expect(sd).toBeCloseTo(0.7, 1);
    expect(respondentTraits(p, m, 'r1')).toEqual(respondentTraits(p, m, 'r1'));
    expect(itemEffects(p, 'When I make a mistake,')).toEqual(itemEffects(p, ' When I make a mistake, '));
    expect(p.truth.items.effects[0]!.effects['planted-1']).toBe(itemEffects(p, 'When I make a mistake,')[0]);
    expect(p.truth.items.sd).toBe(0.4);
    expect(new Set(p.models.map((x) => x.acquiescence)).size).toBe(p.models.length);
    expect(respondentAcquiescence(p, m, 'r1')).not.toBe(m.acquiescence);
    const plain = drawPopulation(5);
    expect(plain.models.every((x) => x.acquiescence === 0 && x.extremity === 1)).toBe(true);
    expect(respondentAcquiescence(plain, plain.models[0]!, 'r1')).toBe(0);
    const w = p.dimensions[1]!.words[0]!;
    expect(plantedWord(p, w)).toEqual({ dimension: 1, loading: p.dimensions[1]!.loadings[0] });
    expect(wordUtility(p, [0, 2, 0, 0, 0], w)).toBeCloseTo(2 * p.dimensions[1]!.loadings[0]!, 12);
    expect(wordUtility(p, [1, 1, 1, 1, 1], p.background[0]!)).toBe(0);
  });

  it('exposes the truth as plain JSON that agrees with the population', () => {
    const p = drawPopulation(9, { models: 7 });
    const t = p.truth;
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
    expect(t).toMatchObject({ seed: 9, simulated: true });
    expect(t.notice).toMatch(/not evidence about any real model/i);
    expect(t.dimensions.map((d) => d.words)).toEqual(p.dimensions.map((d) => d.words));
    expect(t.models.map((m) => m.name)).toEqual(p.models.map((m) => m.name));
    p.models.forEach((m, i) => {
      const tm = t.models[i]!;
      p.dimensions.forEach((d, k) => expect(tm.traits[d.id]).toBe(m.traits[k]));
      expect(tm.priority[0]).toBe(p.dimensions[m.traits.indexOf(Math.max(...m.traits))]!.id);
      expect(tm.tags).toEqual(m.tags);
    });
    expect(t.group_effects).toEqual(p.groupEffects);
    // Planted truth about groups is recoverable from the truth alone: traits = baseline + effects + deviation.
    for (const [i, m] of t.models.entries()) {
      for (const d of t.dimensions) {
        const effects = t.group_effects.filter((e) => e.dimension === d.id && m.tags[e.tag] === e.level).reduce((s, e) => s + e.effect, 0);
        expect(m.traits[d.id]).toBeCloseTo(t.baseline[d.id]! + effects + m.deviation[d.id]!, 5);
      }
      expect(i).toBeLessThan(7);
    }
  });

  it('resolves sim/<name>, sim/<seed>/<name> and +variants, and nothing else', () => {
    const p = defaultPopulation();
    const m = p.models[2]!;
    expect(resolveSimModel(`sim/${m.name}`, p)).toMatchObject({ model: { name: m.name }, variant: undefined });
    expect(resolveSimModel(`sim/${m.name}+noisy`, p)).toMatchObject({ model: { name: m.name }, variant: 'noisy' });
    expect(resolveSimModel(simModelId(p, m), p)!.population).toBe(p);
    const other = drawPopulation(77);
    const r = resolveSimModel(simModelId(other, other.models[0]!), p)!;
    expect(r.population.seed).toBe(77);
    expect(r.model).toEqual(other.models[0]);
    expect(resolveSimModel(`sim/${other.models[0]!.name}`, p)?.model.name).toBe(p.models.find((x) => x.name === other.models[0]!.name)?.name);
    expect(resolveSimModel('sim/no-such-model', p)).toBeUndefined();
    expect(resolveSimModel(`sim/77/${m.name}x`, p)).toBeUndefined();
    // Words of a model's planted dimensions agree with the ARI helper (sanity of the comparison used in e2e tests).
    const labels = p.dimensions.flatMap((d, i) => d.words.map(() => i));
    expect(adjustedRandIndex(labels, labels)).toBe(1);
  });
});
