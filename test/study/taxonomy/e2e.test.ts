/**
 * elicit -> rate -> taxonomy through the CLI against the local model server, with simulated
 * models whose answers follow a planted structure. The default source is the paper's: respondents
 * are models x prompts (samples aggregated within them), and the words must land on their planted
 * dimensions; the ratings are factored too and their agreement reported; the validation holds
 * out models; the report says all of it.
 * The population (8 models, 3 dimensions) is drawn from a seed: its words are not the paper's.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import Database from 'better-sqlite3';
import { DEFAULT_SEED, drawPopulation } from '../../../src/sim/population.js';
import { startSimServer, type SimServer } from '../../../src/sim/server.js';
import { adjustedRandIndex } from '../../../src/stats/cluster/ari.js';
import { describeTaxonomy, type TaxonomyResult } from '../../../src/study/stages/taxonomy/stage.js';
import { runCliAsync } from '../../helpers/cli.js';

/** SIMULATED: 8 models on 3 dimensions drawn from the seed (words from the broad pool, not the paper's). */
const POPULATION = drawPopulation(DEFAULT_SEED, { models: 8, dimensions: 3 });
const MODELS = POPULATION.models.map((m) => m.name);
const PLANTED_DIMENSIONS = POPULATION.dimensions;

describe("taxonomy recovers the planted structure end to end from the paper's source", () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ population: POPULATION });
  });
  afterAll(async () => server.close());

  it('finds the planted dimensions in the model x prompt matrix, validates them on held-out models and compares with the ratings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-tax-'));
    const models = MODELS.map((m) => `  - {name: ${m}, provider: openai, base_url: "${server.url}/v1", model: sim/${m}, concurrency: 8}`).join('\n');
    const study = join(dir, 'study.yaml');
    writeFileSync(
      study,
      `name: tax\nstore: run.db\nmodels:\n${models}\nelicit: {samples: 4, min_count: 3}\nrate: {respondents: 20, batch_size: 20, max_terms: 40}\ntaxonomy: {pa_iter: 50, folds: 3}\n`,
    );
    const r = await runCliAsync(['run', study, '--stages', 'elicit,rate,taxonomy', '--json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/valuelex: /);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { stages: Array<{ stage: string; summary: Record<string, unknown> }> };
    const summary = out.stages.find((s) => s.stage === 'taxonomy')!.summary as { source: string; nfactors: number; unit: { respondent: string; respondents: number } };
    expect(summary.source).toBe('elicitation');
    expect(summary.unit).toMatchObject({ respondent: 'model x prompt', respondents: 8 * 18 });
    expect(summary.nfactors).toBe(3);
    // The terminal tells the unit, the reduction and the factor-count evidence (progress lines on
    // stderr, and the stage's account when printed for a person).
    expect(r.stderr).toMatch(/taxonomy: 144 respondents \(model x prompt, 4 samples each aggregated\) from 8 models; \d+ descriptors -> \d+ unique terms -> \d+ in the lexicon -> \d+ analysed/);
    expect(r.stderr).toMatch(/taxonomy: 3 factors by parallel analysis \(50 permutation nulls, tetrachoric\)/);
    const told = describeTaxonomy(summary);
    expect(told).toMatch(/144 respondents = model x prompt \(8 models x 18 prompts\), up to 4 samples each aggregated/);
    expect(told).toMatch(/reduction: \d+ descriptors -> \d+ unique terms -> \d+ in the lexicon \(min_count 3, min_models 2\) -> \d+ analysed .*dropped for MSA < 0.5/);
    expect(told).toMatch(/factors: 3 \(parallel analysis, permutation null of 50: 3; MAP: \d/);
    expect(told).toMatch(/held-out models \(3-fold\): congruence mean/);

    const system = parse(readFileSync(join(dir, 'taxonomy.yaml'), 'utf8')) as { source: string; dimensions: Array<{ id: string; parent: string | null; loadings: Record<string, number> }> };
    expect(system.source).toBe('elicitation');
    const top = system.dimensions.filter((d) => d.parent === null);
    const plantedOf = new Map<string, number>();
    PLANTED_DIMENSIONS.forEach((d, k) => d.words.forEach((w) => plantedOf.set(w, k)));
    const words = top.flatMap((d, k) => Object.keys(d.loadings).filter((w) => plantedOf.has(w)).map((w) => [w, k] as const));
    expect(words.length).toBeGreaterThanOrEqual(25);
    const ari = adjustedRandIndex(words.map(([w]) => plantedOf.get(w)!), words.map(([, k]) => k));
    expect(ari).toBeGreaterThanOrEqual(0.9);

    const db = new Database(join(dir, 'run.db'), { readonly: true });
    const meta = JSON.parse((db.prepare(`SELECT value FROM meta WHERE key = 'taxonomy'`).get() as { value: string }).value) as TaxonomyResult;
    db.close();
    expect(meta.unit.samples_per_respondent).toBe(4);
    expect(meta.unit.row_reliability!.median).toBeGreaterThan(0);
    // The words on no planted dimension (named now and then by any model) are the ones dropped for
    // their low sampling adequacy; no planted word is.
    expect(meta.reduction.low_msa.length).toBeGreaterThan(0);
    for (const d of meta.reduction.low_msa) expect(plantedOf.has(d.term)).toBe(false);
    expect(meta.reduction.analysed).toBe(meta.reduction.candidates - meta.reduction.too_rare - meta.reduction.low_msa.length);
    expect(meta.reduction.descriptors).toBeGreaterThan(meta.reduction.unique_terms);
    expect(meta.factor_count.iter).toBe(50);
    // Held-out models: 3 folds of 2-3 models, every model held out once.
    expect(meta.validation!.k).toBe(3);
    expect(meta.validation!.folds.flatMap((f) => f.held_out_models).sort()).toEqual([...MODELS].sort());
    expect(meta.validation!.pooled.congruence_mean!).toBeGreaterThan(0.4);
    expect(meta.validation!.pooled.cfa_folds).toBeGreaterThanOrEqual(1);
    for (const d of top) expect(meta.alpha[d.id]).toBeGreaterThan(0.6);
    expect(Object.keys(meta.validation!.pooled.alpha).length).toBe(3);
    expect(meta.ordinal_fit!.cfi_scaled).toBeGreaterThan(0.9);
    // Both sources exist: the ratings were factored on their own and matched.
    expect(meta.sources!.other).toBe('ratings');
    expect(meta.sources!.pairs).toHaveLength(3);
    expect(meta.sources!.mean_congruence!).toBeGreaterThan(0.8);
    // Response-style items were rated and never entered the lexicon or the analysis.
    expect(meta.response_style!.pairs).toBe(10);
    for (const it of meta.response_style!.items) expect(meta.terms).not.toContain(it.item);
    expect(meta.subdimensions).toHaveLength(3);

    const rep = await runCliAsync(['report', join(dir, 'run.db'), '--out', join(dir, 'report.html')], { cwd: dir });
    expect(rep.code).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const phrase of ['Unit of analysis', 'one model answering one prompt, as in the paper', 'From elicited words to analysed terms', 'How many dimensions', "Velicer's MAP", 'Ordinal confirmatory fit', 'WLSMV', 'Validation on held-out models', 'Agreement with the ratings', 'Response style in the ratings', 'alpha (held-out models)']) {
      expect(html).toContain(phrase.replace(/'/g, '&#39;'));
    }
  }, 400_000);
});
