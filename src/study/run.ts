/**
 * Running a study: the stages of ./stages/index.ts in order, each a function from run-database
 * state to run-database state; with `resume`, stages already finished with the same configuration
 * are skipped. `runConfig` and `runStudyFile` also open the run database (taking its run lock) and
 * the engine on the study's models and judges. Used by `valuelex run`, the per-stage commands and
 * `valuelex demo`; importable.
 */
import { loadStudy, type LoadedStudy } from '../config/study.js';
import type { StudyConfig } from '../config/schema.js';
import { InputError } from '../core/errors.js';
import { hashJson } from '../core/hash.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { localRuntimeStats } from '../engine/local/runtime.js';
import { redactUrl, RunStore, type CostSummary } from '../store/store.js';
import { recordPlantedTruth, type PlantedTruthResolver } from './planted-record.js';
import { auxiliaryModelsOf, judgesOf, type StageContext, type StageDefinition, type StageSummary } from './stage.js';
import { STAGE_ORDER, type StageName } from './stage-names.js';
import { STAGES, type StageEntry } from './stages/index.js';

function stageEntry(name: string): StageEntry {
  const entry = STAGES.find((s) => s.name === name);
  if (!entry) throw new InputError(`unknown or unavailable stage "${name}" (available: ${STAGES.map((s) => s.name).join(', ') || 'none'})`);
  return entry;
}

/** A stage's definition; its module loads on first use (a run loads only the stages it runs). */
export async function loadStage(name: string): Promise<StageDefinition> {
  return stageEntry(name).load();
}

/** An engine on a study's models and judges, seeded by the study's seed. */
export function studyEngine(config: StudyConfig, store: RunStore, opts: Omit<EngineOptions, 'models' | 'store' | 'seed'> = {}): Engine {
  return new Engine({ ...opts, models: [...config.models, ...judgesOf(config), ...auxiliaryModelsOf(config)], store, seed: config.seed });
}

function fingerprint(stage: StageDefinition, config: StudyConfig): string {
  const models = config.models.map((m) => ({ name: m.name, provider: m.provider, model: m.model, kind: m.kind, params: m.params }));
  return hashJson({ models, judge: config.judge, stage: stage.configOf(config) }).slice(0, 16);
}

export interface StageOutcome {
  stage: StageName;
  skipped: boolean;
  summary: StageSummary;
}

export async function runStage(name: string, ctx: StageContext, opts: { resume?: boolean } = {}): Promise<StageOutcome> {
  const stage = await loadStage(name);
  const store = ctx.engine.store;
  const fp = fingerprint(stage, ctx.config);
  const last = store.lastStage(stage.name);
  if (opts.resume && last?.status === 'done') {
    const lastFp = store.getMeta(`stage:${stage.name}:fingerprint`);
    if (lastFp === fp) {
      ctx.log(`${stage.name}: already done (resume), skipping`);
      return { stage: stage.name, skipped: true, summary: (last.summary ?? {}) as StageSummary };
    }
  }
  const id = store.startStage(stage.name, { fingerprint: fp, config: stage.configOf(ctx.config) });
  try {
    const summary = await stage.run(ctx);
    store.finishStage(id, summary);
    store.setMeta(`stage:${stage.name}:fingerprint`, fp);
    return { stage: stage.name, skipped: false, summary };
  } catch (e) {
    store.failStage(id, (e as Error).message);
    throw e;
  }
}

/** Run the study's stages in order (those listed in `stages`, else the config's, else all). */
export async function runStudy(ctx: StageContext, opts: { stages?: string[]; resume?: boolean } = {}): Promise<StageOutcome[]> {
  const wanted = opts.stages ?? ctx.config.stages ?? STAGES.map((s) => s.name);
  for (const s of wanted) stageEntry(s);
  const ordered = STAGE_ORDER.filter((s) => wanted.includes(s));
  const outcomes: StageOutcome[] = [];
  for (const s of ordered) {
    if (ctx.engine.aborted) break;
    outcomes.push(await runStage(s, ctx, opts));
  }
  return outcomes;
}

export interface RunOptions {
  stages?: string[];
  resume?: boolean;
  progress?: boolean;
  log?: (message: string) => void;
  /** Called with the engine before stages start (e.g. to wire SIGINT to engine.abort). */
  onEngine?: (engine: Engine) => void;
  /** `collect`: answer from the cache only and record other requests for batch export. */
  mode?: 'live' | 'collect';
  /** Provider factories beyond the real ones (the command line adds the simulated population). */
  factories?: EngineOptions['factories'];
  /** Take the run lock even when its holder cannot be checked (see RunStore.acquireRunLock). */
  breakLock?: boolean;
  /**
   * Resolves simulated model ids to their planted truth (the command line passes src/sim's): when
   * every model of the run is simulated and resolves to one population, its truth is recorded so
   * the report can show planted vs recovered.
   */
  plantedTruth?: PlantedTruthResolver;
}

export interface RunResult {
  study: string;
  store: string;
  stages: StageOutcome[];
  cost: CostSummary[];
  /** Models and judges labelled simulated (by their provider, or by their server's declaration). */
  simulated: string[];
  /** Peak resident memory and model switches of in-process local models, when any ran. */
  local?: { peak_rss_mb: number; model_switches: number };
}

export async function runConfig(config: StudyConfig, storePath: string, opts: RunOptions = {}): Promise<RunResult> {
  const store = RunStore.open(storePath);
  let release: () => void;
  try {
    release = store.acquireRunLock(opts.stages ? `stages ${opts.stages.join(',')}` : 'run', { breakLock: opts.breakLock ?? false, log: opts.log ?? (() => {}) });
  } catch (e) {
    store.close();
    throw e;
  }
  const engine = studyEngine(config, store, { progress: opts.progress ?? false, mode: opts.mode ?? 'live', ...(opts.factories ? { factories: opts.factories } : {}), ...(opts.log ? { log: opts.log } : {}) });
  opts.onEngine?.(engine);
  const log = opts.log ?? (() => {});
  try {
    store.setMeta('study', config.name);
    store.setMetaJson('study_config', config.store ? { ...config, store: redactUrl(config.store) } : config);
    const stages = await runStudy({ engine, config, log }, { ...(opts.stages ? { stages: opts.stages } : {}), resume: opts.resume ?? false });
    // After the stages: a server declares simulation on its answers, so the engine knows only now
    // (models and judges alike; a label from an earlier run on this database stays).
    const simulated = engine.models().filter((m) => engine.isSimulated(m.name)).map((m) => m.name);
    if (simulated.length > 0) store.setMetaJson('simulated_models', simulated);
    if (opts.plantedTruth) recordPlantedTruth(store, opts.plantedTruth);
    const local = localRuntimeStats();
    if (local) store.setMetaJson('local_runtime', local);
    return { study: config.name, store: store.path, stages, cost: store.costSummary(), simulated, ...(local ? { local } : {}) };
  } finally {
    await engine.close();
    release();
    store.close();
  }
}

export async function runStudyFile(file: string, opts: RunOptions = {}): Promise<RunResult & { loaded: LoadedStudy }> {
  const loaded = loadStudy(file);
  const result = await runConfig(loaded.config, loaded.storePath, opts);
  return { ...result, loaded };
}
