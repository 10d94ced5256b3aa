/**
 * The choices stage end to end on the simulated population (synthetic models with planted traits;
 * their answers test the method and are no evidence about real models): through the command line
 * against the local model server, and in process for resuming, batch waves, generator failures and
 * bad input.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { studyConfigSchema, type StudyConfigInput } from '../../../src/config/schema.js';
import { answerFromBatchBody, type BatchLine } from '../../../src/engine/batch-format.js';
import { DEFAULT_SEED, drawPopulation } from '../../../src/sim/population.js';
import { simulatedProviders } from '../../../src/sim/provider.js';
import { startSimServer, type SimServer } from '../../../src/sim/server.js';
import { simulate } from '../../../src/sim/simulate.js';
import { correlationTest } from '../../../src/stats/effects.js';
import { RunStore } from '../../../src/store/store.js';
import { exportBatch, importBatch } from '../../../src/study/batch.js';
import { runConfig } from '../../../src/study/run.js';
import { loadChoices, type ChoicesResult } from '../../../src/study/stages/choices/stage.js';
import { answerRows, dilemmaRows } from '../../../src/study/stages/choices/tables.js';
import { runCliAsync } from '../../helpers/cli.js';

/** SIMULATED: 6 models on 3 dimensions drawn from the seed (the truth the tests check against). */
const POPULATION = drawPopulation(DEFAULT_SEED, { models: 6, dimensions: 3 });
const PLANTED_DIMENSIONS = POPULATION.dimensions;
const SIMULATED_PROVIDERS = simulatedProviders(POPULATION);
/** The model whose planted priorities are farthest apart (the clearest ranking to recover). */
const gap = (t: readonly number[]): number => {
  const s = [...t].sort((a, b) => a - b);
  return Math.min(...s.slice(1).map((x, i) => x - s[i]!));
};
const CLEAR = [...POPULATION.models].sort((a, b) => gap(b.traits) - gap(a.traits))[0]!.name;
const [FIRST, SECOND, THIRD] = POPULATION.models.filter((m) => m.name !== CLEAR).map((m) => m.name) as [string, string, string];

/** The planted dimensions as a value-system file (definitions, and the planted words as examples). */
function plantedSystem(dir: string): string {
  const file = join(dir, 'planted.yaml');
  writeFileSync(file, stringify({ name: 'planted', dimensions: PLANTED_DIMENSIONS.map((d) => ({ id: d.id, label: d.id, definition: `Values such as ${d.words.slice(0, 2).join(' and ')}.`, examples: d.words })) }));
  return file;
}

const traitsOf = (name: string): number[] => POPULATION.models.find((m) => m.name === name.replace(/\+\w+$/, ''))!.traits;
const spearman = (c: ChoicesResult, model: string, truth: readonly number[]): number =>
  correlationTest(PLANTED_DIMENSIONS.map((d) => c.priorities.find((p) => p.model === model && p.dimension === d.id)!.log_strength), [...truth], 'spearman').estimate;

describe('choices through the command line', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ population: POPULATION });
  });
  afterAll(async () => server.close());

  it('ranks planted priorities as planted; detects a planted position bias and a planted framing inconsistency', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-choices-'));
    const system = plantedSystem(dir);
    const names = POPULATION.models.map((m) => m.name);
    // Two extra copies of models with clear priorities: one answering with a position bias, one
    // answering "reject" as if it were "choose" most of the time.
    const models = [...names.map((n) => ({ name: n, model: `sim/${n}` })), { name: 'cirrus-position', model: `sim/${CLEAR}+position` }, { name: 'cirrus-framing', model: `sim/${CLEAR}+framing` }];
    const yaml = models.map((m) => `  - {name: ${m.name}, provider: openai, base_url: "${server.url}/v1", model: "${m.model}", concurrency: 8}`).join('\n');
    const study = join(dir, 'study.yaml');
    writeFileSync(study, `name: choices\nstore: run.db\nseed: 4\nmodels:\n${yaml}\njudge: {provider: openai, base_url: "${server.url}/v1", model: sim/${FIRST}}\nchoices: {system: ${system}, dilemmas_per_pair: 16, bootstrap: 400}\n`);
    const r = await runCliAsync(['choices', study, '--json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/valuelex: /);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { stages: Array<{ stage: string; summary: { dilemmas: number; position_bias: string[]; framing_inconsistent: string[] } }> };
    const summary = out.stages[0]!.summary;
    expect(out.stages[0]!.stage).toBe('choices');
    expect(summary.dilemmas).toBe(48);
    expect(summary.position_bias).toEqual(['cirrus-position']);

    const store = RunStore.open(join(dir, 'run.db'), { readonly: true });
    const c = loadChoices(store)!;
    const dilemmas = dilemmaRows(store);
    const answers = answerRows(store);
    store.close();
    // Stored: every kept dilemma with its pair of values and both options; every model answered
    // each in both orders and both framings.
    const kept = dilemmas.filter((d) => d.status === 'kept');
    expect(kept).toHaveLength(48);
    for (const d of kept) {
      expect(d.pair).toBe(`${d.value_a}~${d.value_b}`);
      expect(d.dilemma!.length).toBeGreaterThan(20);
      expect(d.option_a).not.toBe(d.option_b);
      expect(JSON.parse(d.verified_as!)).toEqual([d.value_a, d.value_b]);
    }
    expect(answers).toHaveLength(models.length * 48 * 4);
    // Malformed answers were asked again; nothing was guessed.
    expect(answers.some((a) => a.attempts === 2 && a.letter !== null)).toBe(true);
    for (const a of answers) if (a.letter === null) expect(a.preferred).toBeNull();

    // Priorities as planted (Spearman over the three values), also for the position-biased copy:
    // counterbalancing keeps its bias out of the ranking.
    const rhos = names.map((n) => spearman(c, n, traitsOf(n)));
    expect(rhos.reduce((s, x) => s + x, 0) / rhos.length).toBeGreaterThanOrEqual(0.75);
    expect(spearman(c, 'cirrus-position', traitsOf(CLEAR))).toBe(1);
    expect(spearman(c, CLEAR, traitsOf(CLEAR))).toBe(1);
    const pb = c.position_bias.find((p) => p.model === 'cirrus-position')!;
    expect(pb.p_holm!).toBeLessThan(0.05);
    expect(pb.share_first!).toBeGreaterThan(0.6);
    for (const p of c.position_bias.filter((x) => x.model !== 'cirrus-position')) expect(p.p_holm!).toBeGreaterThan(0.05);
    const framing = c.consistency!.per_model.find((x) => x.model === 'cirrus-framing')!;
    const steady = c.consistency!.per_model.find((x) => x.model === CLEAR)!;
    // The framing table shows it: far fewer consistent answers than its order agreement, and than
    // the same model answering both framings by content (48 dilemmas: p about .007 before Holm).
    expect(framing.p!).toBeLessThan(0.02);
    expect(framing.framing_effect!).toBeLessThan(-0.15);
    expect(framing.consistent!).toBeLessThan(steady.consistent! - 0.25);
    for (const x of c.consistency!.per_model.filter((m) => m.model !== 'cirrus-framing')) expect(x.p_holm!).toBeGreaterThan(0.05);
    expect(c.consistency!.per_pair).toHaveLength(3);
    expect(c.intransitivity).toHaveLength(models.length);

    // The report: JSON keys, HTML sections, CSV rows.
    const json = await runCliAsync(['report', join(dir, 'run.db'), '--format', 'json'], { cwd: dir });
    const report = JSON.parse(json.stdout) as { choices: Record<string, unknown> };
    expect(Object.keys(report.choices)).toEqual(expect.arrayContaining(['priorities', 'consistency', 'position_bias', 'intransitivity']));
    const html = await runCliAsync(['report', join(dir, 'run.db'), '--out', join(dir, 'report.html')], { cwd: dir });
    expect(html.code).toBe(0);
    const page = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(page).toContain('Value priorities from forced choices');
    expect(page).toContain('Framing consistency');
    expect(page).toContain('Position bias');
    const csv = await runCliAsync(['report', join(dir, 'run.db'), '--format', 'csv'], { cwd: dir });
    expect(csv.stdout).toMatch(new RegExp(`^choice_priority,cirrus-position,${PLANTED_DIMENSIONS[2]!.id},`, 'm'));
    expect(csv.stdout).toMatch(/^position_bias,cirrus-position,share_first,/m);
  }, 300_000);

  it('refuses a study whose choices section is wrong, naming the line and key (exit code 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-choices-bad-'));
    const study = join(dir, 'study.yaml');
    writeFileSync(study, `name: bad\nmodels:\n  - {name: a, provider: simulated, model: sim/${FIRST}}\nchoices:\n  dilemas_per_pair: 3\n`);
    const r = await runCliAsync(['choices', study], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/study\.yaml:\d+: choices\.dilemas_per_pair: unknown key \(did you mean dilemmas_per_pair\?\)/);
    writeFileSync(study, `name: bad\nmodels:\n  - {name: a, provider: simulated, model: sim/${FIRST}}\njudge: {provider: simulated, model: sim/${FIRST}}\n`);
    const noTaxonomy = await runCliAsync(['choices', study], { cwd: dir });
    expect(noTaxonomy.code).toBe(2);
    expect(noTaxonomy.stderr).toMatch(/choices\.system: taxonomy, but this run has no taxonomy yet/);
  }, 120_000);
});

function config(dir: string, extra: Partial<StudyConfigInput['choices']> = {}, models: string[] = POPULATION.models.slice(0, 3).map((m) => m.name)): ReturnType<typeof studyConfigSchema.parse> {
  return studyConfigSchema.parse({
    name: 'choices',
    seed: 2,
    models: models.map((m) => ({ name: m.replace(/\+/, '-'), provider: 'simulated', model: `sim/${m}` })),
    judge: { name: 'judge', provider: 'simulated', model: `sim/${FIRST}` },
    choices: { system: plantedSystem(dir), dilemmas_per_pair: 3, bootstrap: 100, ...extra },
  });
}

describe('choices in process', () => {
  it('a re-run asks nothing again and gives the same result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-choices-resume-'));
    const cfg = config(dir);
    const first = await runConfig(cfg, join(dir, 'run.db'), { stages: ['choices'], factories: SIMULATED_PROVIDERS });
    const store = RunStore.open(join(dir, 'run.db'));
    const before = loadChoices(store);
    const sent = store.costSummary().reduce((s, c) => s + c.requests, 0);
    store.close();
    const second = await runConfig(cfg, join(dir, 'run.db'), { stages: ['choices'], factories: SIMULATED_PROVIDERS });
    const again = RunStore.open(join(dir, 'run.db'));
    expect(again.costSummary().reduce((s, c) => s + c.requests, 0)).toBe(sent);
    expect(loadChoices(again)).toEqual(before);
    again.close();
    expect(second.stages[0]!.summary).toEqual(first.stages[0]!.summary);
  }, 120_000);

  it('a model that never answers with a letter is recorded as missing (asked twice), and gets no invented priorities', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-choices-mute-'));
    await runConfig(config(dir, {}, [SECOND, `${THIRD}+mute`]), join(dir, 'run.db'), { stages: ['choices'], factories: SIMULATED_PROVIDERS });
    const store = RunStore.open(join(dir, 'run.db'), { readonly: true });
    const c = loadChoices(store)!;
    const mute = answerRows(store).filter((a) => a.model === `${THIRD}-mute`);
    store.close();
    expect(mute.length).toBe(9 * 4);
    for (const a of mute) expect(a).toMatchObject({ letter: null, preferred: null, attempts: 2 });
    expect(c.priorities.filter((p) => p.model === `${THIRD}-mute`)).toHaveLength(0);
    expect(c.fits.find((f) => f.model === `${THIRD}-mute`)!.error).toBeDefined();
    expect(c.answers.find((a) => a.model === `${THIRD}-mute`)).toMatchObject({ asked: 36, missing: 36 });
  }, 120_000);

  it('near-duplicate dilemmas are dropped and replaced; a pair that cannot be filled is reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-choices-lazy-'));
    const cfg = config(dir, { generator: { name: 'lazy-writer', provider: 'simulated', model: `sim/${FIRST}+lazy` }, rounds: 2 });
    await runConfig(cfg, join(dir, 'run.db'), { stages: ['choices'], factories: SIMULATED_PROVIDERS });
    const store = RunStore.open(join(dir, 'run.db'), { readonly: true });
    const c = loadChoices(store)!;
    const rows = dilemmaRows(store);
    store.close();
    const duplicates = rows.filter((r) => r.status === 'duplicate');
    expect(duplicates.length).toBeGreaterThan(0);
    for (const d of duplicates) {
      expect(d.similarity!).toBeGreaterThanOrEqual(0.6);
      expect(rows.find((r) => r.id === d.duplicate_of)!.status).toBe('kept');
    }
    expect(rows.some((r) => r.round === 1)).toBe(true);
    expect(c.dilemmas.duplicates).toBe(duplicates.length);
    expect(c.dilemmas.short_pairs.length).toBeGreaterThan(0);
    expect(c.generator.name).toBe('lazy-writer');
    // The generator is an instrument, not a model under study.
    expect(c.priorities.some((p) => p.model === 'lazy-writer')).toBe(false);
  }, 120_000);

  it("the judge's check drops dilemmas whose options do not honour the values they were written for", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-choices-sloppy-'));
    const cfg = config(dir, { generator: { name: 'sloppy-writer', provider: 'simulated', model: `sim/${FIRST}+sloppy` } });
    await runConfig(cfg, join(dir, 'run.db'), { stages: ['choices'], factories: SIMULATED_PROVIDERS });
    const store = RunStore.open(join(dir, 'run.db'), { readonly: true });
    const rows = dilemmaRows(store);
    store.close();
    const unverified = rows.filter((r) => r.status === 'unverified');
    expect(unverified.length).toBeGreaterThan(0);
    for (const r of unverified) expect(JSON.parse(r.verified_as!)).toEqual([r.value_b, r.value_a]);
    for (const r of rows.filter((x) => x.status === 'kept')) expect(JSON.parse(r.verified_as!)).toEqual([r.value_a, r.value_b]);
  }, 120_000);

  it('batch export proceeds in waves: dilemmas are written, then checked, then answered; the last run answers from the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-choices-batch-'));
    // openai models on an address nothing listens on: any live request would fail.
    const cfg = studyConfigSchema.parse({
      name: 'batch',
      seed: 3,
      models: POPULATION.models.slice(0, 2).map((m) => ({ name: m.name, provider: 'openai', base_url: 'http://127.0.0.1:9/v1', model: `sim/${m.name}`, max_retries: 0 })),
      judge: { name: 'judge', provider: 'openai', base_url: 'http://127.0.0.1:9/v1', model: `sim/${FIRST}`, max_retries: 0 },
      choices: { system: plantedSystem(dir), dilemmas_per_pair: 2, bootstrap: 50 },
    });
    const db = join(dir, 'run.db');
    const stagesSeen: string[][] = [];
    for (let wave = 0; wave < 8; wave++) {
      const file = join(dir, `wave${wave}.jsonl`);
      const exported = await exportBatch(cfg, db, file, { stages: ['choices'] });
      if (exported.requests === 0) break;
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as BatchLine);
      const meta = new Database(db, { readonly: true });
      const stages = lines.map((l) => (meta.prepare('SELECT stage FROM batch_requests WHERE key = ?').get(l.custom_id) as { stage: string }).stage);
      meta.close();
      stagesSeen.push([...new Set(stages)].sort());
      // Answer each line as the provider would (the simulated population), in the Batch API's result format.
      const results = lines.map((l) => {
        const body = l.body as { model: string; messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>; temperature?: number; max_tokens?: number; seed?: number };
        const ans = simulate({ model: body.model, kind: 'chat', messages: body.messages, params: { ...(body.temperature !== undefined ? { temperature: body.temperature } : {}), ...(body.max_tokens !== undefined ? { max_tokens: body.max_tokens } : {}), ...(body.seed !== undefined ? { seed: body.seed } : {}) } }, POPULATION);
        return JSON.stringify({ custom_id: l.custom_id, response: { status_code: 200, body: { model: body.model, choices: [{ message: { content: ans.text }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1 } } } });
      });
      expect(answerFromBatchBody(JSON.parse(results[0]!).response.body).text.length).toBeGreaterThan(0);
      writeFileSync(join(dir, `result${wave}.jsonl`), results.join('\n') + '\n');
      const imported = await importBatch(cfg, db, join(dir, `result${wave}.jsonl`));
      expect(imported.failed).toEqual([]);
    }
    expect(stagesSeen[0]).toEqual(['choices-generate']);
    expect(stagesSeen[1]).toContain('choices-verify');
    expect(stagesSeen.findIndex((s) => s.includes('choices'))).toBeGreaterThan(stagesSeen.findIndex((s) => s.includes('choices-verify')));
    // Every request is answered: the stage now completes from the cache alone.
    const run = await runConfig(cfg, db, { stages: ['choices'] });
    expect(run.stages[0]!.summary).toMatchObject({ dilemmas: 6 });
    const store = RunStore.open(db, { readonly: true });
    expect(answerRows(store).filter((a) => a.letter !== null).length).toBeGreaterThan(0);
    store.close();
  }, 180_000);
});
