/**
 * The whole taxonomy stage under a true null: 12 models x 15 prompts x 4 samples naming 30 value
 * words each independently of every other. A study (adequacy enforced) refuses the data in one
 * line; told to go on, it claims no structure and says why. A planted structure written the same
 * way is found.
 */
import { describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../../src/config/schema.js';
import { InputError } from '../../../src/core/errors.js';
import { SIMULATED_PROVIDERS } from '../../../src/sim/provider.js';
import { createRng } from '../../../src/stats/rng.js';
import { RunStore } from '../../../src/store/store.js';
import { studyEngine } from '../../../src/study/run.js';
import { buildLexicon } from '../../../src/study/stages/elicit/lexicon.js';
import { elicitationWriter, ensureElicitSchema } from '../../../src/study/stages/elicit/tables.js';
import { buildTaxonomy } from '../../../src/study/stages/taxonomy/stage.js';

const WORDS = Array.from({ length: 30 }, (_, i) => `value${String.fromCharCode(97 + (i % 26))}${i >= 26 ? 'x' : ''}`);

function writeElicitation(store: RunStore, seed: number, planted: boolean): string[] {
  ensureElicitSchema(store);
  const rng = createRng(seed);
  const write = elicitationWriter(store);
  const models = Array.from({ length: 12 }, (_, m) => `m${m}`);
  let seq = 0;
  for (const model of models) {
    const modelTrait = [0, 1, 2].map(() => 0.5 * rng.normal());
    for (let p = 0; p < 15; p++) {
      const trait = modelTrait.map((t) => t + 0.8 * rng.normal());
      const own = WORDS.map(() => 0.8 * rng.normal());
      for (let s = 0; s < 4; s++) {
        const id = `${model}/p${p}/t1/s${s}`;
        const named = WORDS.filter((_, j) => rng.next() < 1 / (1 + Math.exp(-((planted ? 1.6 * trait[j % 3]! : own[j]!) - 1.2))));
        write([{
          respondent: { id, seq: seq++, model, prompt_id: `p${p}`, bank: 'test@1', sample: s, temperature: 1, request_key: null, response_text: named.join(', '), status: 'ok', format: 'comma', finish_reason: 'stop', error: null },
          descriptors: named.map((w, i) => ({ respondent_id: id, position: i, raw: w, candidate: w, descriptor: w, term_key: w, reject: null })),
        }]);
      }
    }
  }
  buildLexicon(store);
  return models;
}

function setup(seed: number, planted: boolean, taxonomy: Record<string, unknown>) {
  const store = RunStore.open(':memory:');
  const models = writeElicitation(store, seed, planted);
  const config = studyConfigSchema.parse({ name: 'null', models: models.map((m) => ({ name: m, provider: 'simulated', model: 'sim/none' })), embedding: { backend: 'glove' }, taxonomy: { pa_iter: 40, folds: 3, ...taxonomy } });
  return { store, config, engine: studyEngine(config, store, { factories: SIMULATED_PROVIDERS }) };
}

describe('the taxonomy stage under a true null', () => {
  it('refuses structureless answers in one line when adequacy is enforced', async () => {
    const { store, config, engine } = setup(7, false, {});
    await expect(buildTaxonomy(engine, config)).rejects.toThrow(InputError);
    await expect(buildTaxonomy(engine, config)).rejects.toThrow(/not suitable for factor analysis \(KMO 0\.\d\d, needs >= 0\.50.*taxonomy\.enforce_adequacy: false/);
    store.close();
  }, 120_000);

  it('claims no structure when told to go on, and says why', async () => {
    const counts: number[] = [];
    for (const seed of [8, 18, 28, 38, 48]) {
      const { store, config, engine } = setup(seed, false, { enforce_adequacy: false });
      const t = await buildTaxonomy(engine, config);
      counts.push(t.nfactors);
      if (t.nfactors === 0) {
        expect(t.status).toBe('no-structure');
        expect(t.system.dimensions).toEqual([]);
        expect(t.status_reason).toMatch(/not suitable for factor analysis .*; no factor's eigenvalue exceeds the 95th percentile of 40 permutation nulls/);
        // The terms were not pruned into looking adequate.
        expect(t.reduction.low_msa).toEqual([]);
      }
      store.close();
    }
    // A false first factor about 5% of the time at most; never two.
    expect(Math.max(...counts)).toBeLessThanOrEqual(1);
    expect(counts.filter((c) => c > 0).length).toBeLessThanOrEqual(1);
  }, 240_000);

  it('finds the planted structure written the same way', async () => {
    const { store, config, engine } = setup(9, true, {});
    const t = await buildTaxonomy(engine, config);
    expect(t.status).toBe('ok');
    expect(t.nfactors).toBe(3);
    for (const d of t.system.dimensions.filter((x) => x.parent === null)) {
      const groups = new Set(Object.keys(d.loadings).map((w) => WORDS.indexOf(w) % 3));
      expect(groups.size).toBe(1);
    }
    store.close();
  }, 120_000);
});
