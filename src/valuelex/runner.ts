/**
 * Running a study from a file: load and validate it, open the run database and the engine, run the
 * chosen stages. Used by `valuelex run`, the per-stage commands and `valuelex demo`; importable.
 */
import { loadStudy, type LoadedStudy } from '../config/study.js';
import type { StudyConfig } from '../config/schema.js';
import { Engine } from '../engine/engine.js';
import { redactUrl, RunStore } from '../store/store.js';
import { localRuntimeStats } from '../engine/local/runtime.js';
import { runStudy, type StageOutcome } from '../study/run.js';
import '../study/stages/index.js';

export interface RunOptions {
  stages?: string[];
  resume?: boolean;
  progress?: boolean;
  log?: (message: string) => void;
  /** Called with the engine before stages start (e.g. to wire SIGINT to engine.abort). */
  onEngine?: (engine: Engine) => void;
  /** `collect`: answer from the cache only and record other requests for batch export. */
  mode?: 'live' | 'collect';
}

export interface RunResult {
  study: string;
  store: string;
  stages: StageOutcome[];
  cost: ReturnType<RunStore['costSummary']>;
  simulated: string[];
  /** Peak resident memory and model switches of in-process local models, when any ran. */
  local?: { peak_rss_mb: number; model_switches: number };
}

export async function runConfig(config: StudyConfig, storePath: string, opts: RunOptions = {}): Promise<RunResult> {
  const store = RunStore.open(storePath);
  let release: () => void;
  try {
    release = store.acquireRunLock(opts.stages ? `stages ${opts.stages.join(',')}` : 'run');
  } catch (e) {
    store.close();
    throw e;
  }
  const engine = new Engine({ config, store, progress: opts.progress ?? false, mode: opts.mode ?? 'live' });
  opts.onEngine?.(engine);
  const log = opts.log ?? (() => {});
  try {
    store.setMeta('study', config.name);
    store.setMetaJson('study_config', config.store ? { ...config, store: redactUrl(config.store) } : config);
    const simulated = config.models.filter((m) => engine.isSimulated(m.name)).map((m) => m.name);
    if (simulated.length > 0) store.setMetaJson('simulated_models', simulated);
    const stages = await runStudy({ engine, config, log }, { ...(opts.stages ? { stages: opts.stages } : {}), resume: opts.resume ?? false });
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
