/**
 * Building the report model of a run: the header (study, models, cost) and then each section of
 * ./sections/index.ts in order.
 */
import type { RunStore } from '../store/store.js';
import type { ReportContext, ReportModel } from './model.js';
import { SECTIONS } from './sections/index.js';

export function buildReportModel(store: RunStore, context: ReportContext = {}): ReportModel {
  const models = store.listModels();
  const perModel = store.costSummary();
  const simulated = models.filter((m) => m.simulated).map((m) => m.name);
  const evidence = store.simulationEvidence();
  const model: ReportModel = {
    study: store.getMeta('study') ?? 'unnamed',
    models: models.filter((m) => !m.name.startsWith('judge') && !isJudge(store, m.name)).map((m) => m.name),
    ...(simulated.length > 0 ? { simulated_models: simulated } : {}),
    ...(simulated.length > 0
      ? { simulation_evidence: Object.fromEntries(simulated.map((n) => [n, evidence[n] ? { source: evidence[n].source, detail: evidence[n].detail } : { source: 'provider' as const, detail: 'labelled simulated in the run database' }])) }
      : {}),
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
  for (const s of SECTIONS) {
    const part = s.build(store);
    if (part) Object.assign(model, part);
  }
  return model;
}

/** A judge, or the choices stage's own dilemma generator: instruments, not models under study. */
function isJudge(store: RunStore, name: string): boolean {
  const cfg = store.getMetaJson<{ judge?: { name?: string } | Array<{ name?: string }>; choices?: { generator?: string | { name?: string } } }>('study_config');
  const j = cfg?.judge;
  const names = j === undefined ? [] : Array.isArray(j) ? j.map((x) => x.name) : [j.name];
  const g = cfg?.choices?.generator;
  if (g !== undefined && typeof g === 'object') names.push(g.name);
  return names.includes(name);
}
