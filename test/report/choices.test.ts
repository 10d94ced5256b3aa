/**
 * The forced-choice and validity sections of the report on a real (simulated) run: JSON keys, HTML
 * (priority chart, MTMM heatmap and its accessible table, tables), Markdown and CSV; every piece of
 * model text is escaped, including the dilemmas a generator model wrote.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { studyConfigSchema } from '../../src/config/schema.js';
import { buildReportModel } from '../../src/report/build.js';
import { escapeHtml, renderHtml } from '../../src/report/html.js';
import { renderCsv, renderMarkdown } from '../../src/report/text.js';
import { DEFAULT_SEED, drawPopulation } from '../../src/sim/population.js';
import { simulatedProviders } from '../../src/sim/provider.js';
import { RunStore } from '../../src/store/store.js';
import { runConfig } from '../../src/study/run.js';
import { PAYLOADS } from './run-fixture.js';

/** SIMULATED: 6 models on 3 dimensions drawn from the seed (the truth the test checks against). */
const POPULATION = drawPopulation(DEFAULT_SEED, { models: 6, dimensions: 3 });
const PLANTED_DIMENSIONS = POPULATION.dimensions;
const SIMULATED_PROVIDERS = simulatedProviders(POPULATION);

describe('report: forced choices and validity', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vl-report-choices-'));
  const system = join(dir, 'planted.yaml');
  writeFileSync(system, stringify({ name: 'planted', dimensions: PLANTED_DIMENSIONS.map((d) => ({ id: d.id, label: d.id, definition: `Values such as ${d.words.slice(0, 2).join(' and ')}.`, examples: d.words })) }));
  const cfg = studyConfigSchema.parse({
    name: 'report-choices',
    seed: 5,
    models: POPULATION.models.map((m) => ({ name: m.name, provider: 'simulated', model: `sim/${m.name}` })),
    judge: { name: 'judge', provider: 'simulated', model: `sim/${POPULATION.models[0]!.name}` },
    projective: { items: ['likes-01', 'likes-02', 'likes-03', 'likes-04', 'likes-05'], samples: 2, system },
    choices: { system, dilemmas_per_pair: 3, bootstrap: 100 },
  });
  const db = join(dir, 'run.db');
  await runConfig(cfg, db, { stages: ['projective', 'choices'], factories: SIMULATED_PROVIDERS });
  // Plant the payloads in generated text: a dilemma and its options.
  const raw = new Database(db);
  raw.prepare(`UPDATE choice_dilemmas SET dilemma = ?, option_a = ?, option_b = ? WHERE id = (SELECT id FROM choice_dilemmas WHERE status = 'kept' ORDER BY id LIMIT 1)`).run(PAYLOADS[0], PAYLOADS[1], PAYLOADS[2]);
  raw.close();
  const store = RunStore.open(db, { readonly: true });
  const model = buildReportModel(store);
  store.close();

  it('has the JSON keys of the contract and an MTMM of the two methods the run used', () => {
    expect(Object.keys(model.choices!)).toEqual(expect.arrayContaining(['priorities', 'consistency', 'position_bias', 'intransitivity']));
    expect(model.choices!.priorities).toHaveLength(6 * 3);
    expect(model.choices!.items).toHaveLength(9);
    expect(model.models).not.toContain('judge');
    const m = model.mtmm!;
    expect(m.methods.map((x) => x.id)).toEqual(['projective', 'choices']);
    expect(m.traits.map((t) => t.id)).toEqual(PLANTED_DIMENSIONS.map((d) => d.id));
    expect(m.models).toHaveLength(6);
    expect(m.per_trait).toHaveLength(3);
    expect(m.notes[0]).toMatch(/6 models/);
  });

  it('renders the sections, with the convergent cells marked and every model text escaped', async () => {
    const html = await renderHtml(model);
    expect(html).toContain('Value priorities from forced choices');
    expect(html).toContain('Stated against revealed values (multitrait-multimethod)');
    expect(html).toMatch(/<caption>Multitrait-multimethod correlations/);
    expect(html.match(/class="convergent"/g)).toHaveLength(3); // lower triangle: one per value and pair of methods
    expect(html).toContain('about 20 or more models are needed');
    expect(html).toContain('Simulated models answer by planted values');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<svg[^>]*onload/i);
    expect(html).not.toMatch(/\son\w+="window/i);
    expect(html).toContain(escapeHtml(PAYLOADS[0]));
    expect(html).toContain(escapeHtml(PAYLOADS[1]));
  });

  it('writes the same numbers to Markdown and CSV', () => {
    const md = renderMarkdown(model);
    const p = model.choices!.priorities[0]!;
    expect(md).toContain('## Value priorities (forced choices)');
    expect(md).toContain(`| ${p.model} | ${p.dimension} | ${p.rank} | ${Number(p.log_strength.toFixed(4))} |`);
    expect(md).toContain('## Stated against revealed values (MTMM)');
    const csv = renderCsv(model);
    expect(csv).toContain(`choice_priority,${p.model},${p.dimension},${p.log_strength},${p.ci_low},${p.ci_high},`);
    expect(csv).toMatch(new RegExp(`^mtmm_convergent,,${PLANTED_DIMENSIONS[0]!.id}:projective\\|choices,`, 'm'));
    expect(csv).toMatch(new RegExp(`^mtmm_verdict,,${PLANTED_DIMENSIONS[2]!.id},`, 'm'));
    expect(csv.split('\n').filter((l) => l.startsWith('mtmm_score,')).length).toBe(6 * 3 * 2);
  });
});
