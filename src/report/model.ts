/**
 * The report model: everything a report shows, as plain data, built from the run database. The
 * JSON form is a contract (DESIGN.md, `valuelex report --format json`); sections a run did not
 * produce are absent.
 */
import type { RunStore } from '../store/store.js';

export interface ReportContext {
  population?: string;
  populationDescription?: string;
}

export interface ReportModel {
  study: string;
  models: string[];
  simulated_models?: string[];
  population?: string;
  cost: { requests: number; cached: number; input_tokens: number; output_tokens: number; cost_usd: number; per_model: ReturnType<RunStore['costSummary']> };
  [section: string]: unknown;
}

export type ReportSection = (store: RunStore) => Record<string, unknown> | undefined;

const sections: Array<{ name: string; build: ReportSection }> = [];

/** Stages contribute their sections (lexicon, taxonomy, profiles...) through this registry. */
export function registerReportSection(name: string, build: ReportSection): void {
  const i = sections.findIndex((s) => s.name === name);
  if (i >= 0) sections[i] = { name, build };
  else sections.push({ name, build });
}

export function buildReportModel(store: RunStore, context: ReportContext = {}): ReportModel {
  const models = store.listModels();
  const perModel = store.costSummary();
  const simulated = models.filter((m) => m.simulated).map((m) => m.name);
  const model: ReportModel = {
    study: store.getMeta('study') ?? 'unnamed',
    models: models.filter((m) => !m.name.startsWith('judge') && !isJudge(store, m.name)).map((m) => m.name),
    ...(simulated.length > 0 ? { simulated_models: simulated } : {}),
    ...(context.population ? { population: context.population } : {}),
    cost: {
      requests: perModel.reduce((s, c) => s + c.requests, 0),
      cached: perModel.reduce((s, c) => s + c.cached, 0),
      input_tokens: perModel.reduce((s, c) => s + c.input_tokens, 0),
      output_tokens: perModel.reduce((s, c) => s + c.output_tokens, 0),
      cost_usd: perModel.reduce((s, c) => s + c.cost_usd, 0),
      per_model: perModel,
    },
  };
  for (const s of sections) {
    const part = s.build(store);
    if (part) Object.assign(model, part);
  }
  // Provenance: every stage run with the configuration it ran with.
  const stages = store.db
    .prepare(`SELECT stage, status, started_at, finished_at, config FROM stage_runs ORDER BY id`)
    .all() as Array<{ stage: string; status: string; started_at: string; finished_at: string | null; config: string }>;
  if (stages.length > 0) model.stages = stages;
  return model;
}

function isJudge(store: RunStore, name: string): boolean {
  const cfg = store.getMetaJson<{ judge?: { name?: string } | Array<{ name?: string }> }>('study_config');
  const j = cfg?.judge;
  const names = j === undefined ? [] : Array.isArray(j) ? j.map((x) => x.name) : [j.name];
  return names.includes(name);
}
