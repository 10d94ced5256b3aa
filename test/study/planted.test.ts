/**
 * The demo as a self-test of the method: planted vs recovered, at the library level. A planted
 * structure the method recovers is reported recovered; the same world with respondents drowned in
 * noise is reported not recovered (never "recovered" by construction); a run with a model whose
 * truth is unknown (a real or unresolved one) has no section; and the random-tag null check is
 * significant about alpha of the time over several drawn populations, while a tag that follows a
 * planted trait is found.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../src/report/build.js';
import { drawPopulation, plantedTruthOf, type SimPopulation } from '../../src/sim/population.js';
import { simulatedProviders } from '../../src/sim/provider.js';
import { rngFor } from '../../src/stats/rng.js';
import { RunStore } from '../../src/store/store.js';
import { demoStudy, simulatedPopulation } from '../../src/study/demo.js';
import { nullTagCheck, plantedVsRecovered, recordPlantedTruth } from '../../src/study/planted.js';
import { runConfig } from '../../src/study/run.js';
import { compareTagGroups, type CompletionScore } from '../../src/study/stages/projective/analysis.js';

async function run(population: SimPopulation): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'vlx-planted-'));
  const config = demoStudy(simulatedPopulation(population), join(dir, 'run.db'));
  await runConfig(config, join(dir, 'run.db'), { factories: simulatedProviders(population), plantedTruth: (id) => plantedTruthOf(id, population), stages: ['elicit', 'taxonomy', 'projective'] });
  return join(dir, 'run.db');
}

describe('planted vs recovered on a simulated run', () => {
  it('reports a recoverable planted structure recovered, and the same world in heavy noise not recovered', async () => {
    const clean = drawPopulation(5);
    const db = await run(clean);
    const store = RunStore.open(db);
    try {
      const p = plantedVsRecovered(store)!;
      expect(p.simulated).toBe(true);
      expect(p.seed).toBe(5);
      expect(p.dimensions.planted).toBe(clean.dimensions.length);
      expect(p.dimensions.recovered).toBe(clean.dimensions.length);
      expect(p.words.ari!).toBeGreaterThanOrEqual(0.8);
      expect(p.words.kept).toBeGreaterThan(p.words.planted / 2);
      expect(p.verdict.structure).toBe('recovered');
      expect(p.matching.every((m) => m.recovered !== null)).toBe(true);
      // Every rank correlation names its n (models) and the verdict lists what it did not recover.
      for (const r of p.ranks) expect(r.n).toBe(clean.models.length);
      expect(p.verdict.not_recovered.length).toBe(p.ranks.filter((r) => !r.recovered_rank).length);
      expect(buildReportModel(store).planted_vs_recovered?.seed).toBe(5);

      // The same run with a model whose truth is unknown (a real model, or another population): no section.
      recordPlantedTruth(store, (id) => (id.endsWith(clean.models[0]!.name) ? undefined : plantedTruthOf(id, clean)));
      expect(plantedVsRecovered(store)).toBeUndefined();
      recordPlantedTruth(store, (id) => plantedTruthOf(id, clean));
      expect(plantedVsRecovered(store)).toBeDefined();
      const real = store.listModels()[0]!;
      store.upsertModel({ ...real, name: 'a-real-model', provider: 'openai', model: 'gpt-x', simulated: false });
      expect(plantedVsRecovered(store)).toBeUndefined();
      expect(buildReportModel(store)).not.toHaveProperty('planted_vs_recovered');
    } finally {
      store.close();
    }

    // Respondents drowned in noise (respondent SD 6 against traits of SD ~0.5): the words carry no structure.
    const noisy = drawPopulation(5, { noise: { respondentSd: 6 } });
    const store2 = RunStore.open(await run(noisy));
    try {
      const p = plantedVsRecovered(store2)!;
      expect(p.verdict.structure).toBe('not recovered');
      expect(p.verdict.summary).not.toMatch(/structure recovered/);
      expect(p.verdict.not_recovered.length).toBeGreaterThan(0);
    } finally {
      store2.close();
    }
  }, 240_000);
});

/** Scores like the projective stage's: per model x item, +1 with a probability rising with the model's trait. */
function scoresOf(population: SimPopulation, items: number): CompletionScore[] {
  const out: CompletionScore[] = [];
  for (const m of population.models) {
    const rng = rngFor('planted-test', String(population.seed), m.name);
    population.dimensions.forEach((d, k) => {
      for (let i = 0; i < items; i++) out.push({ completion: `${m.name}/i${i}`, model: m.name, item: `i${i}`, dimension: d.id, value: rng.next() < 1 / (1 + Math.exp(-m.traits[k]!)) ? 1 : 0 });
    });
  }
  return out;
}

describe('null check (random tags through the model-level comparison)', () => {
  it('is significant about alpha of the time across drawn populations, and finds a tag that follows a planted trait', () => {
    let significant = 0, family = 0, expected = 0;
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const pop = drawPopulation(seed, { models: 12 });
      const scores = scoresOf(pop, 20);
      const dims = pop.dimensions.map((d) => d.id);
      const n = nullTagCheck(scores, pop.models.map((m) => m.name), dims, { seed, tags: 10 });
      expect(n.n_models).toBe(12);
      expect(n.p_min!).toBeLessThan(0.05);
      significant += n.significant_raw;
      family += n.family_size;
      expected += n.expected_raw;
    }
    // About 280 null comparisons: alpha x family = ~14; an exact permutation test is at most that on average.
    expect(family).toBeGreaterThan(150);
    expect(significant / family).toBeLessThan(0.1);
    expect(significant).toBeLessThan(2 * expected);
    // ... and not a check that can never fire (measured: 8 of 280, against 14 at alpha).
    expect(significant).toBeGreaterThan(expected / 4);

    // Planted truth: a "tag" that is the top half of planted-1's traits is found on planted-1.
    const pop = drawPopulation(3, { models: 12 });
    const scores = scoresOf(pop, 40);
    const order = [...pop.models].sort((a, b) => a.traits[0]! - b.traits[0]!).map((m) => m.name);
    const halves = new Map(order.map((m, i) => [m, i < 6 ? 'low' : 'high']));
    const r = compareTagGroups(scores, order.map((name) => ({ name, tags: { trait: halves.get(name)! } })), [pop.dimensions[0]!.id], { seed: 3, bootstrap: 0 });
    expect(r.comparisons[0]!.p!).toBeLessThan(0.05);
  });
});
