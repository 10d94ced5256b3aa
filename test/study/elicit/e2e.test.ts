/**
 * End to end: `valuelex elicit` (the built CLI) against the local model server speaking the
 * OpenAI protocol, with several simulated models; then `valuelex lexicon` on the run database.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../../src/sim/server.js';
import type { Embedder } from '../../../src/embed/types.js';
import { RunStore } from '../../../src/store/store.js';
import { listLexicon, mergeSynonyms } from '../../../src/study/stages/elicit/lexicon.js';
import { runCliAsync } from '../../helpers/cli.js';
import { pickSimNames } from '../../helpers/sim.js';
import { defaultPopulation } from '../../../src/sim/population.js';

/** Two planted words of one dimension: frequent terms for tracing and merging. */
const [WORD_A, WORD_B] = defaultPopulation().dimensions[0]!.words as [string, string];

const MODELS = pickSimNames('instruct', 'rlhf', 'base', 'rlhf');

describe('valuelex elicit against the local model server', () => {
  let server: SimServer;
  let dir: string;
  let study: string;
  beforeAll(async () => {
    server = await startSimServer({ faults: { latencyMs: 1 } });
    dir = mkdtempSync(join(tmpdir(), 'vlx-elicit-'));
    study = join(dir, 'study.yaml');
    // One base model is called through the completions endpoint (the engine renders the chat as text).
    const models = MODELS.map(
      (m) =>
        `  - name: ${m.replace('sim-', '')}\n    provider: openai\n    base_url: ${server.url}/v1\n    model: sim/${m}\n    concurrency: 8` +
        (m.includes('-base') ? '\n    kind: completion' : ''),
    ).join('\n');
    writeFileSync(study, `name: e2e-elicit\nstore: run.db\nmodels:\n${models}\nelicit:\n  samples: 2\n  temperature: [0.7, 1.0]\n  min_count: 2\n`);
  });
  afterAll(async () => server.close());

  it('elicits, stores, summarizes; a re-run is answered from the cache', async () => {
    const first = await runCliAsync(['elicit', study, '--json'], { cwd: dir });
    expect(first.stderr).not.toMatch(/valuelex: /);
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as { stages: Array<{ stage: string; summary: Record<string, unknown> }> };
    const summary = out.stages[0]!.summary as { models: number; respondents: number; responses: number; descriptors: number; lexicon_terms: number; top_per_model: Record<string, string[]> };
    expect(summary.models).toBe(4);
    expect(summary.respondents).toBe(4 * 18 * 2 * 2);
    expect(summary.responses).toBe(summary.respondents);
    expect(summary.descriptors).toBeGreaterThan(summary.respondents * 3);
    expect(readFileSync(join(dir, 'lexicon.csv'), 'utf8')).toMatch(/^descriptor,count,n_models,/);
    expect(Object.keys(summary.top_per_model).sort()).toEqual(MODELS.map((m) => m.replace('sim-', '')).sort());
    const answered = server.stats.answered;
    expect(answered).toBeGreaterThanOrEqual(summary.respondents);

    const second = await runCliAsync(['elicit', study], { cwd: dir });
    expect(second.code).toBe(0);
    expect(server.stats.answered).toBe(answered);
    expect(second.stdout + second.stderr).toMatch(/elicit: 4 models x 18 prompts/);
    expect(second.stdout + second.stderr).toMatch(new RegExp(`${MODELS[1]!.replace('sim-', '')}: \\w+`));
  }, 120_000);

  it('exports the lexicon with filters', async () => {
    const csvFile = join(dir, 'lexicon.csv');
    const r = await runCliAsync(['lexicon', join(dir, 'run.db'), '--min-models', '4', '--min-count', '5', '--out', csvFile], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = readFileSync(csvFile, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('descriptor,count,n_models,per_model,variants,first_seen');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines.slice(1)) expect(Number(line.split(',')[2])).toBe(4);
    const json = await runCliAsync(['lexicon', join(dir, 'run.db'), '--json', '--limit', '5'], { cwd: dir });
    const parsed = JSON.parse(json.stdout) as { terms: Array<{ descriptor: string; count: number }> };
    expect(parsed.terms).toHaveLength(5);
    expect(parsed.terms[0]!.count).toBeGreaterThanOrEqual(parsed.terms[4]!.count);
    const trace = await runCliAsync(['lexicon', join(dir, 'run.db'), '--trace', WORD_A, '--limit', '4', '--json'], { cwd: dir });
    expect(trace.code).toBe(0);
    const sources = (JSON.parse(trace.stdout) as { sources: Array<{ raw: string; response_text: string }> }).sources;
    expect(sources).toHaveLength(4);
    for (const x of sources) expect(x.response_text).toContain(x.raw);
    const bad = await runCliAsync(['lexicon', join(dir, 'run.db'), '--format', 'xml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('undoes a recorded synonym merge from the command line', async () => {
    const db = join(dir, 'run.db');
    const store = RunStore.open(db);
    const before = listLexicon(store).map((e) => e.descriptor);
    const embedder: Embedder = {
      id: 'test:pair',
      dimension: undefined,
      // One-hot vectors, except that two planted words share one direction.
      embed: async (texts) =>
        texts.map((t, i) => {
          const v = new Float32Array(texts.length + 1);
          v[t === WORD_A || t === WORD_B ? texts.length : i] = 1;
          return v;
        }),
    };
    const merges = await mergeSynonyms(store, embedder, { threshold: 0.99 });
    store.close();
    expect(merges).toHaveLength(1);
    const absorbed = merges[0]!.from;
    const merged = await runCliAsync(['lexicon', db, '--json'], { cwd: dir });
    expect((JSON.parse(merged.stdout) as { terms: Array<{ descriptor: string }> }).terms.map((t) => t.descriptor)).not.toContain(absorbed);
    const undone = await runCliAsync(['lexicon', db, '--unmerge', absorbed, '--json'], { cwd: dir });
    expect(undone.code).toBe(0);
    const out = JSON.parse(undone.stdout) as { terms: Array<{ descriptor: string }>; merges: unknown[] };
    expect(out.terms.map((t) => t.descriptor).sort()).toEqual([...before].sort());
    expect(out.merges).toEqual([]);
    const missing = await runCliAsync(['lexicon', db, '--unmerge', 'no-such-term'], { cwd: dir });
    expect(missing.code).toBe(2);
  }, 60_000);
});
