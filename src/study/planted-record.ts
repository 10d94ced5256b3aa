/**
 * The planted truth of a run on simulated models, kept in the run database (meta `planted_truth`):
 * recorded after a run when every model (judges included) is simulated and resolves to one planted
 * population, cleared otherwise. Apart from ./planted.ts (the analysis) so that a run does not load
 * the stages it does not run.
 */
import type { RunStore } from '../store/store.js';

/** What the self-test needs of a simulated population's truth (src/sim's `SimTruth` has it all). */
export interface PlantedTruth {
  seed: number;
  simulated: true;
  notice: string;
  dimensions: Array<{ id: string; words: string[] }>;
  models: Array<{ name: string; traits: Record<string, number> }>;
}

/** A simulated model id (`sim/<seed>/<name>`, ...) -> its population's truth and its name there; undefined when unknown. */
export type PlantedTruthResolver = (modelId: string) => { truth: PlantedTruth; name: string } | undefined;

/** What the run database keeps: the truth and which run model is which planted model. */
export interface PlantedRecord {
  truth: PlantedTruth;
  /** Run model name -> planted model name (judges included). */
  models: Record<string, string>;
}

const META = 'planted_truth';

/**
 * Record the planted truth of a run whose models (and judges) are all simulated and resolve to one
 * population; otherwise clear any earlier record (a run that mixed in a real model has no known truth).
 */
export function recordPlantedTruth(store: RunStore, resolve: PlantedTruthResolver): PlantedRecord | undefined {
  const models = store.listModels();
  let record: PlantedRecord | undefined;
  if (models.length > 0 && models.every((m) => m.simulated)) {
    const resolved = models.map((m) => ({ name: m.name, r: resolve(m.model) }));
    const seeds = new Set(resolved.map((x) => x.r?.truth.seed));
    if (resolved.every((x) => x.r !== undefined) && seeds.size === 1) record = { truth: resolved[0]!.r!.truth, models: Object.fromEntries(resolved.map((x) => [x.name, x.r!.name])) };
  }
  store.setMetaJson(META, record ?? null);
  return record;
}

/** The planted truth recorded for a run, only while every one of its models is still labelled simulated. */
export function loadPlantedRecord(store: RunStore): PlantedRecord | undefined {
  const record = store.getMetaJson<PlantedRecord | null>(META);
  if (!record) return undefined;
  const models = store.listModels();
  return models.length > 0 && models.every((m) => m.simulated) && models.every((m) => record.models[m.name] !== undefined) ? record : undefined;
}
