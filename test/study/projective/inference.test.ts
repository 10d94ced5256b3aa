/**
 * Inference of the projective stage with the model as the unit (issue 18), where the truth is known.
 *
 * - Hierarchical replications through the stage's comparison code path (`compareTagGroups`): each
 *   replication draws new models, items, model x item interactions and samples; under a true null
 *   (tags independent of the models) p < .05 about 5% of the time, never below p_min; a planted group
 *   difference with 6 vs 6 models is found; planted variance components are recovered.
 * - A real stage run on a simulated population of 12 models (in process; SIMULATED models, never
 *   evidence about real ones): random tag assignments re-analysed from the stored scores keep the level
 *   (where pooling items, the old way, does not), 3 vs 2 models cannot reach significance and say so,
 *   a group of one gets no p; the retest administration gives a high ICC for a stable population and a
 *   low one when the models' traits are redrawn between administrations; a report of a run whose
 *   stored record was written by an older version shows the new numbers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { studyConfigSchema, type StudyConfig } from '../../../src/config/schema.js';
import { buildReportModel } from '../../../src/report/build.js';
import { renderHtml } from '../../../src/report/html.js';
import { drawPopulation, type SimPopulation } from '../../../src/sim/population.js';
import { SimulatedProvider } from '../../../src/sim/provider.js';
import { permutationTest } from '../../../src/stats/effects.js';
import { createRng, type Rng } from '../../../src/stats/rng.js';
import { RunStore } from '../../../src/store/store.js';
import { runConfig } from '../../../src/study/run.js';
import { combineCompletionScores, compareTagGroups, dimensionVariances, profileRows, type CompletionScore, type TaggedModel } from '../../../src/study/stages/projective/analysis.js';
import { loadProjective } from '../../../src/study/stages/projective/stage.js';
import { scoredRows } from '../../../src/study/stages/projective/tables.js';

/** Scores from a crossed design with known components: model + item + model x item + sample noise (+ a group effect). */
function hierarchical(rng: Rng, opts: { models: number; items: number; samples: number; sd: { model: number; item: number; interaction: number; residual: number }; groupEffect?: number; groupOf?: (m: number) => string }): { scores: CompletionScore[]; models: TaggedModel[] } {
  const items = Array.from({ length: opts.items }, () => opts.sd.item * rng.normal());
  const scores: CompletionScore[] = [];
  const models: TaggedModel[] = [];
  for (let m = 0; m < opts.models; m++) {
    const group = opts.groupOf ? opts.groupOf(m) : m < opts.models / 2 ? 'a' : 'b';
    models.push({ name: `m${m}`, tags: { group } });
    const effect = opts.sd.model * rng.normal() + (group === 'a' ? opts.groupEffect ?? 0 : 0);
    for (let i = 0; i < opts.items; i++) {
      const cell = opts.sd.interaction * rng.normal();
      for (let s = 0; s < opts.samples; s++) scores.push({ model: `m${m}`, item: `i${i}`, completion: `m${m}/i${i}/s${s}`, dimension: 'd', value: effect + items[i]! + cell + opts.sd.residual * rng.normal() });
    }
  }
  return { scores, models };
}

const SD = { model: 0.3, item: 0.4, interaction: 0.3, residual: 0.6 };

describe('group comparisons through the stage code path, the truth known', () => {
  it('under a true null, p < .05 in about 5% of 400 replications (new models and items each time), never below p_min', () => {
    const rng = createRng(101);
    let rejected = 0, pooledRejected = 0;
    const runs = 400;
    for (let r = 0; r < runs; r++) {
      const { scores, models } = hierarchical(rng, { models: 12, items: 20, samples: 2, sd: SD });
      const c = compareTagGroups(scores, models, ['d'], { bootstrap: 0, seed: r }).comparisons[0]!;
      expect(c).toMatchObject({ unit: 'models', n_a: 6, n_b: 6, method: 'exact' });
      expect(c.p!).toBeGreaterThanOrEqual(c.p_min);
      if (c.p! < 0.05) rejected++;
      // The old way, for contrast: every model's item means pooled into one sample per group.
      if (r < 100) {
        const itemMeans = (g: string): number[] => models.filter((m) => m.tags.group === g).flatMap((m) => Array.from({ length: 20 }, (_, i) => scores.filter((s) => s.model === m.name && s.item === `i${i}`).reduce((t, s, _k, all) => t + s.value / all.length, 0)));
        if (permutationTest(itemMeans('a'), itemMeans('b'), { iterations: 499, seed: r }).p < 0.05) pooledRejected++;
      }
    }
    // Binomial(400, .05): sd 1.1%; 2.5%..8% holds the promise with room for the exact test's discreteness.
    expect(rejected / runs).toBeGreaterThan(0.025);
    expect(rejected / runs).toBeLessThan(0.08);
    // Pooling items treats 120 item means a group as independent: it "finds" differences that are not there.
    expect(pooledRejected / 100).toBeGreaterThan(0.3);
  });

  it('a planted group difference of realistic size (Hedges g about 1.7) with 6 vs 6 models is found', () => {
    const rng = createRng(102);
    let found = 0;
    const runs = 100;
    for (let r = 0; r < runs; r++) {
      // Group a's models score 0.6 higher; the model-level SD of scores is about 0.35.
      const { scores, models } = hierarchical(rng, { models: 12, items: 20, samples: 2, sd: SD, groupEffect: 0.6 });
      const c = compareTagGroups(scores, models, ['d'], { bootstrap: 0, seed: r }).comparisons[0]!;
      if (c.significant_adjusted) found++;
    }
    // Measured over 300 replications: 80% (42% at half the effect); 65% is 3.7 standard errors below.
    expect(found / runs).toBeGreaterThan(0.65);
  });

  it('the two-stage bootstrap interval of the difference covers the planted one', () => {
    const rng = createRng(103);
    let covered = 0;
    const runs = 60;
    for (let r = 0; r < runs; r++) {
      const { scores, models } = hierarchical(rng, { models: 12, items: 15, samples: 2, sd: SD, groupEffect: 0.4 });
      const c = compareTagGroups(scores, models, ['d'], { bootstrap: 400, seed: r }).comparisons[0]!;
      // The estimand: the planted 0.4 (item effects are shared by both groups and cancel).
      if (c.interval!.diff.lower <= 0.4 && 0.4 <= c.interval!.diff.upper) covered++;
    }
    // A bootstrap of 6 models a group is crude; the interval errs wide by resampling items too.
    expect(covered / runs).toBeGreaterThan(0.8);
  });

  it('planted variance components are recovered (16 models x 24 items x 3 samples, averaged over 20 studies)', () => {
    const rng = createRng(104);
    const sums = { model: 0, item: 0, interaction: 0, residual: 0 };
    const runs = 20;
    for (let r = 0; r < runs; r++) {
      const { scores } = hierarchical(rng, { models: 16, items: 24, samples: 3, sd: SD });
      const v = dimensionVariances(scores, ['d'])[0]!.fit!;
      sums.model += v.components.model / runs;
      sums.item += v.components.item / runs;
      sums.interaction += v.components.interaction! / runs;
      sums.residual += v.components.residual / runs;
    }
    expect(sums.model).toBeCloseTo(SD.model ** 2, 1);
    expect(sums.item).toBeCloseTo(SD.item ** 2, 1);
    expect(sums.interaction).toBeCloseTo(SD.interaction ** 2, 1);
    expect(sums.residual).toBeCloseTo(SD.residual ** 2, 1);
  });

  it('profile intervals resample items: items that differ widen them, and n counts items', () => {
    const rng = createRng(105);
    const { scores } = hierarchical(rng, { models: 2, items: 30, samples: 4, sd: { model: 0, item: 0.5, interaction: 0, residual: 0.1 } });
    const [p] = profileRows(scores, ['m0'], ['d'], { seed: 1 });
    expect(p).toMatchObject({ n: 30, unit: 'items', n_samples: 120 });
    // The standard error of the mean over 30 items with item SD 0.5 is about 0.09: the 95% interval is about 0.36 wide.
    expect(p!.ci_high! - p!.ci_low!).toBeGreaterThan(0.25);
  });
});

/**
 * A population of 12 simulated models on 3 drawn dimensions with no group effects, whose traits
 * are then set to normal draws (plus `shift`), independently of any tag the study gives them.
 * Models are renamed sim-m00..., so two seeds can answer for the same model names.
 */
function population(seed: number, n: number, shift: (m: number) => number[] = () => [0, 0, 0]): SimPopulation {
  const drawn = drawPopulation(seed, { models: n, dimensions: 3, groupEffects: 'none' });
  const rng = createRng(seed);
  drawn.models.forEach((m, i) => {
    m.name = `sim-m${String(i).padStart(2, '0')}`;
    m.traits = drawn.dimensions.map((_, k) => rng.normal() + shift(i)[k]!);
    m.refusalRate = 0;
  });
  return drawn;
}

const DIMENSIONS = population(201, 12).dimensions;
const SYSTEM = { name: 'planted', dimensions: DIMENSIONS.map((d) => ({ id: d.id, label: d.id, definition: `Values such as ${d.words.slice(0, 2).join(' and ')}.`, examples: d.words })) };

function studyConfig(dir: string, pop: SimPopulation, tags: (m: number) => Record<string, string>, projective: Record<string, unknown> = {}): StudyConfig {
  writeFileSync(join(dir, 'planted.yaml'), stringify(SYSTEM));
  return studyConfigSchema.parse({
    name: 'inference',
    seed: 7,
    models: pop.models.map((m, i) => ({ name: m.name, provider: 'simulated', model: `sim/${m.name}`, tags: tags(i) })),
    judge: { name: 'judge', provider: 'simulated', model: `sim/${pop.models[0]!.name}` },
    projective: { samples: 2, items: ITEMS, system: join(dir, 'planted.yaml'), ...projective },
  });
}

// 24 stems of the shipped bank keep a 12-model run at a few thousand simulated requests.
const ITEMS = ['likes', 'fears', 'regrets'].flatMap((theme) => Array.from({ length: theme === 'regrets' ? 6 : 8 }, (_, i) => `${theme}-0${i + 1}`)).concat(['others-01', 'others-02']);

async function run(dir: string, config: StudyConfig, pop: SimPopulation): Promise<string> {
  const file = join(dir, 'run.db');
  await runConfig(config, file, { stages: ['projective'], factories: { simulated: () => new SimulatedProvider(pop) } });
  return file;
}

describe('a projective run on 12 simulated models (SIMULATED: tests the method, not real models)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlx-inference-'));
  const pop = population(201, 12);
  // family: 6 vs 6; trio: 3 vs 2 (the others untagged); solo: 1 vs 11.
  const tags = (m: number): Record<string, string> => ({ family: m % 2 === 0 ? 'atlas' : 'boreal', ...(m < 5 ? { trio: m < 3 ? 'x' : 'y' } : {}), solo: m === 0 ? 'alone' : 'rest' });
  const config = studyConfig(dir, pop, tags, { retest: true, samples: 4 });
  const file = await run(dir, config, pop);
  const store = RunStore.open(file, { readonly: true });
  const result = loadProjective(store)!;
  const scores = combineCompletionScores(scoredRows(store), 'mean');
  store.close();

  it('reports every comparison with its unit, n and the smallest p its design allows', () => {
    const dims = DIMENSIONS.map((d) => d.id);
    for (const c of result.comparisons) {
      expect(c.unit).toBe('models');
      expect(dims).toContain(c.dimension);
      for (const k of ['tag', 'a', 'b', 'mean_a', 'mean_b', 'n_a', 'n_b', 'p_min'] as const) expect(c[k]).not.toBeUndefined();
      if (c.p !== null) expect(c.p).toBeGreaterThanOrEqual(c.p_min - 1e-12);
    }
    const trio = result.comparisons.filter((c) => c.tag === 'trio');
    expect(trio).toHaveLength(3);
    for (const c of trio) {
      expect([c.n_a, c.n_b]).toEqual([3, 2]);
      expect(c.p_min).toBeCloseTo(0.2, 12);
      expect(c.p!).toBeGreaterThanOrEqual(0.2);
      expect(c.testable).toBe(false);
      expect(c.significant).toBeNull();
      expect(c.reason).toMatch(/no outcome could be significant/);
    }
    const solo = result.comparisons.filter((c) => c.tag === 'solo');
    for (const c of solo) {
      expect(c.p).toBeNull();
      expect(c.significant).toBeNull();
      expect(c.reason).toMatch(/needs at least 2 models/);
    }
    const family = result.comparisons.filter((c) => c.tag === 'family');
    for (const c of family) expect(c).toMatchObject({ n_a: 6, n_b: 6, method: 'exact', relabelings: 924 });
    // The family: every comparison with a p (family and trio), not the solo ones.
    expect(result.comparison_family).toMatchObject({ method: 'holm', family_size: 6, unit: 'models' });
    expect(result.comparison_family.excluded).toHaveLength(3);
    for (const p of result.profiles) expect(p).toMatchObject({ n: 24, unit: 'items', n_samples: 96 });
  });

  it('random tag assignments re-analysed from the stored scores: p < .05 about 5% of the time', () => {
    const rng = createRng(301);
    let rejected = 0, total = 0;
    for (let r = 0; r < 300; r++) {
      const order = pop.models.map((m) => m.name).sort(() => rng.next() - 0.5);
      const models = order.map((name, i) => ({ name, tags: { g: i < 6 ? 'a' : 'b' } }));
      for (const c of compareTagGroups(scores, models, DIMENSIONS.map((d) => d.id), { bootstrap: 0, seed: r }).comparisons) {
        expect(c.p!).toBeGreaterThanOrEqual(c.p_min - 1e-12);
        total++;
        if (c.p! < 0.05) rejected++;
      }
    }
    expect(rejected / total).toBeLessThan(0.08);
    expect(rejected / total).toBeGreaterThan(0.02);
  });

  it('variance components: the models differ (the planted traits), the interaction and samples are separated', () => {
    for (const v of result.variance_components) {
      const f = v.fit!;
      expect(f).toMatchObject({ n_models: 12, n_items: 24, n_obs: 12 * 24 * 4, unit: 'scores' });
      expect(f.confounded).toBeNull();
      expect(f.icc_model).toBeGreaterThan(0.02);
      expect(f.g_coefficient!).toBeGreaterThan(0.5);
    }
  });

  it('a stable population gives a high retest ICC(2,1) and rank-order stability', () => {
    const retest = result.retest!;
    expect(retest.n_samples).toEqual([12 * 24 * 4, 12 * 24 * 4]);
    for (const d of retest.per_dimension) {
      expect(d.unit).toBe('models');
      expect(d.n_models).toBe(12);
      expect(d.icc!.icc).toBeGreaterThan(0.6);
      expect(d.icc!.lower).toBeLessThan(d.icc!.icc);
      expect(d.spearman!.rho).toBeGreaterThan(0.5);
    }
    for (const m of retest.per_model) expect(m).toMatchObject({ unit: 'dimensions', n_dimensions: 3 });
  });

  it('traits redrawn between administrations give a low retest ICC', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'vlx-inference-redraw-'));
    const first = population(401, 12), second = population(402, 12);
    // The main administration is answered by the first population; the second (retest) by the redrawn one.
    // The run database caches answers by request, so the main administration's come back unchanged.
    await run(dir2, studyConfig(dir2, first, tags), first);
    const f = await run(dir2, studyConfig(dir2, first, tags, { retest: true }), second);
    const s = RunStore.open(f, { readonly: true });
    const r = loadProjective(s)!.retest!;
    s.close();
    const iccs = r.per_dimension.map((d) => d.icc!.icc);
    expect(Math.max(...iccs)).toBeLessThan(0.5);
    expect(iccs.reduce((a, b) => a + b, 0) / iccs.length).toBeLessThan(0.3);
  });

  it('a report of a run whose record an older version wrote shows the new numbers only', async () => {
    const rw = RunStore.open(file);
    const old = rw.getMetaJson<Record<string, unknown>>('projective')!;
    rw.setMetaJson('projective', {
      system: old.system, dimensions: old.dimensions, judges: old.judges,
      profiles: [{ model: 'sim-m00', dimension: 'competence', mean: 9, ci_low: 8, ci_high: 10, n: 198 }],
      comparisons: [{ tag: 'trio', a: 'x', b: 'y', dimension: 'competence', mean_a: 0.4, mean_b: 0.1, cohens_d: 1.2, cliffs_delta: 0.5, p: 0.0005, p_holm: 0.004 }],
      test_retest: [{ model: 'sim-m00', r: 0.9, r_sb: 0.95, n: 198 }],
      agreement: null,
    });
    rw.close();
    const ro = RunStore.open(file, { readonly: true });
    const model = buildReportModel(ro);
    ro.close();
    expect(model.profiles!.every((p) => p.mean <= 1)).toBe(true);
    expect(model).not.toHaveProperty('test_retest');
    const trio = model.comparisons!.filter((c) => c.tag === 'trio');
    expect(trio.length).toBe(3);
    for (const c of trio) {
      expect(c).toMatchObject({ n_a: 3, n_b: 2, unit: 'models' });
      expect(c.p!).toBeGreaterThanOrEqual(0.2);
      expect(c).not.toHaveProperty('p_holm');
    }
    const json = JSON.parse(JSON.stringify(model)) as { comparisons: Array<Record<string, unknown>> };
    for (const c of json.comparisons) for (const k of ['tag', 'a', 'b', 'dimension', 'mean_a', 'mean_b', 'p', 'n_a', 'n_b', 'unit', 'p_min']) expect(c).toHaveProperty(k);
    const html = await renderHtml(model);
    expect(html).toContain('no test can reach significance (3 vs 2 models: smallest possible p 0.200)');
    expect(html).toContain('too small for any test (1 vs 11 models)');
    expect(html).toContain('Between-model ICC');
    expect(html).toContain('Test-retest stability');
    expect(html).not.toContain('0.0005');
  });

  it('judge repeats at temperature 0.7 and paraphrased instructions: a noisy judge flips, a deterministic one is labelled so', async () => {
    const dir3 = mkdtempSync(join(tmpdir(), 'vlx-inference-judge-'));
    const few: SimPopulation = { ...pop, models: pop.models.slice(0, 3) };
    const base = studyConfig(dir3, few, () => ({}), { items: ITEMS.slice(0, 8), judge_repeats: 3, judge_variants: 2 });
    const config = { ...base, judge: [{ ...base.models[0]!, name: 'plain', tags: {} }, { ...base.models[0]!, name: 'noisy', model: `${base.models[0]!.model}+noisy`, tags: {} }] };
    const f = await run(dir3, config, few);
    const s = RunStore.open(f, { readonly: true });
    const q = loadProjective(s)!.judge_quality!;
    s.close();
    expect(q).toMatchObject({ repeats: 3, repeat_temperature: 0.7, variants: 2 });
    expect(q.stability!.plain).toMatchObject({ status: 'deterministic', identical_answers: 1, temperature: 0.7, n_completions: 3 * 8 * 2 });
    expect(q.stability!.noisy!.status).toBe('unstable');
    expect(q.stability!.noisy!.flips.overall).toBeGreaterThan(0.2);
    // The simulated judge reads only the rubric and the fenced text, so rewording does not move it.
    expect(q.wording!.plain).toMatchObject({ status: 'stable', k: 2 });
    expect(q.wording!.plain!.flips.overall).toBe(0);
  });
});
