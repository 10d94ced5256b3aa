/**
 * Ratings as the taxonomy's source, with response-style items and a second, independent
 * administration: the stage rates the style items beside the lexicon (never in it), stores the
 * retest under its own respondents and seeds, and the taxonomy reports acquiescence and
 * straight-lining per model, the ipsatized structure, the retest's ICC(2,1) and rank-order
 * stability per dimension, and the agreement with the elicitation's structure.
 */
import { describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../../src/config/schema.js';
import { DEFAULT_SEED, drawPopulation } from '../../../src/sim/population.js';
import { simulatedProviders } from '../../../src/sim/provider.js';
import { RunStore } from '../../../src/store/store.js';
import { studyEngine } from '../../../src/study/run.js';
import { runElicitation } from '../../../src/study/stages/elicit/stage.js';
import { ratingMatrix, runRating } from '../../../src/study/stages/rate/stage.js';
import { rateItemRows, rateRespondents } from '../../../src/study/stages/rate/tables.js';
import { buildTaxonomy } from '../../../src/study/stages/taxonomy/stage.js';

/** SIMULATED: 6 models on 3 dimensions drawn from the seed (the truth the test checks against). */
const POPULATION = drawPopulation(DEFAULT_SEED, { models: 6, dimensions: 3 });
const SIMULATED_PROVIDERS = simulatedProviders(POPULATION);

describe('ratings with style items and a retest', () => {
  it('rates, stores both administrations, and reports style, ipsatized structure, retest and source agreement', async () => {
    const store = RunStore.open(':memory:');
    const config = studyConfigSchema.parse({
      name: 'retest',
      seed: 3,
      models: POPULATION.models.map((m) => ({ name: m.name, provider: 'simulated', model: `sim/${m.name}` })),
      elicit: { samples: 2 },
      rate: { respondents: 8, batch_size: 20, max_terms: 30, retest: true },
      taxonomy: { source: 'ratings', pa_iter: 30, folds: 3 },
    });
    const engine = studyEngine(config, store, { factories: SIMULATED_PROVIDERS });
    await runElicitation(engine, config);
    const rated = await runRating(engine, config);
    expect(rated.administrations).toBe(2);
    expect(rated.style_items).toBe(10);
    expect(rated.respondents).toBe(6 * 8);
    const respondents = rateRespondents(store);
    expect(respondents.filter((r) => r.administration === 2)).toHaveLength(6 * 8);
    expect(respondents.some((r) => r.id.includes('/retest/'))).toBe(true);
    const items = rateItemRows(store);
    expect(items.filter((i) => i.kind !== 'lexicon')).toHaveLength(10);
    const first = ratingMatrix(store, 1);
    const second = ratingMatrix(store, 2);
    expect(first.terms).toHaveLength(30);
    expect(first.styleItems).toHaveLength(10);
    // Style items never reach the lexicon's columns.
    for (const it of first.styleItems) expect(first.terms).not.toContain(it.item);
    // Another administration: other seeds, so other answers.
    expect(second.matrix).not.toEqual(first.matrix);

    const t = await buildTaxonomy(engine, config);
    expect(t.source).toBe('ratings');
    expect(t.unit.respondent).toBe('model x rating respondent');
    expect(t.nfactors).toBeGreaterThanOrEqual(2);
    const style = t.response_style!;
    expect(style.pairs).toBe(10);
    expect(style.models).toHaveLength(6);
    for (const m of style.models) {
      expect(m.acquiescence).not.toBeNull();
      expect(m.straight_lining).toBeGreaterThanOrEqual(0);
    }
    expect(style.variance_explained.map((v) => v.dimension)).toContain('all');
    expect(style.ipsatized!.error).toBeUndefined();
    expect(style.ipsatized!.congruence).toHaveLength(t.nfactors);
    const retest = t.retest!;
    expect(retest.dimensions).toHaveLength(t.system.dimensions.filter((d) => d.parent === null).length);
    for (const d of retest.dimensions) {
      expect(d.models).toBe(6);
      expect(d.icc_low).toBeLessThanOrEqual(d.icc);
      expect(d.icc_high).toBeGreaterThanOrEqual(d.icc);
    }
    expect(retest.ipsative).toHaveLength(6);
    expect(t.sources!.other).toBe('elicitation');
    expect(t.validation!.k).toBe(3);
    store.close();
  }, 300_000);
});
