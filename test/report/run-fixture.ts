/** A small real run for report and viewer tests, and the XSS payloads planted in model text. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { studyConfigSchema } from '../../src/config/schema.js';
import type { ReportModel } from '../../src/report/model.js';
import { defaultPopulation } from '../../src/sim/population.js';
import { SIMULATED_PROVIDERS } from '../../src/sim/provider.js';
import { RunStore } from '../../src/store/store.js';
import { studyEngine } from '../../src/study/run.js';
import { runElicitation } from '../../src/study/stages/elicit/stage.js';

export const PAYLOADS = ['<script>window.__pwned=1</script>', '<img src=x onerror="window.__pwned=1">', '"><svg onload="window.__pwned=1">', 'javascript:window.__pwned=1'];

/** A real elicitation run on two simulated models, in a file database. */
export async function elicitedRun(dir: string): Promise<string> {
  const file = join(dir, 'run.db');
  const store = RunStore.open(file);
  const cfg = studyConfigSchema.parse({
    name: 'report-test',
    models: defaultPopulation().models.slice(0, 2).map((m) => ({ name: m.name, provider: 'simulated', model: `sim/${m.name}` })),
    elicit: { samples: 1, temperature: 1.0 },
  });
  store.setMeta('study', cfg.name);
  const engine = studyEngine(cfg, store, { progress: false, factories: SIMULATED_PROVIDERS });
  await runElicitation(engine, cfg);
  store.close();
  return file;
}


/** Plants the XSS payloads wherever model text reaches the report. */
export function poisoned(model: ReportModel): ReportModel {
  const lexicon = model.lexicon ?? [];
  return {
    ...model,
    study: PAYLOADS[0]!,
    models: [...model.models, ...PAYLOADS],
    lexicon: [...PAYLOADS.map((p) => ({ descriptor: p, count: 99, models: 1, per_model: { [p]: 99 } })), ...lexicon],
    taxonomy: {
      dimensions: PAYLOADS.map((p, i) => ({ id: `d${i}`, label: p, parent: null, words: [p], loadings: { [p]: 0.7 } })),
      nfactors: PAYLOADS.length,
      kmo: 0.8,
      alpha: { d0: 0.8 },
      scree: { observed: [3, 1.5, 0.8, 0.4], parallel: [1.4, 1.2, 1.1, 1.0] },
    } as unknown as ReportModel['taxonomy'],
    profiles: PAYLOADS.map((p, i) => ({ model: p, dimension: `d${i}`, mean: 0.3, ci_low: 0.1, ci_high: 0.5, n: 10 })),
    simulated_models: [PAYLOADS[1]!],
  };
}


/** Plants the payloads in the first answer of a run (its text and its model name). */
export function poisonRun(file: string): string {
  const db = new Database(file);
  const row = db.prepare(`SELECT id FROM elicit_respondents WHERE response_text IS NOT NULL ORDER BY seq LIMIT 1`).get() as { id: string };
  db.prepare(`UPDATE elicit_respondents SET response_text = response_text || ? , model = ? WHERE id = ?`).run('\n' + PAYLOADS.join('\n'), PAYLOADS[1], row.id);
  db.close();
  return row.id;
}
