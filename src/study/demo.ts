/**
 * `valuelex demo`: the main job end to end on the best models this machine can reach, with no
 * setup. In order of preference:
 *   1. an OpenAI-compatible server named in the environment (VALUELEX_BASE_URL, optionally
 *      VALUELEX_MODELS=a,b,c and VALUELEX_API_KEY_ENV=NAME; models discovered via GET /models),
 *   2. a local Ollama (OLLAMA_HOST, models discovered via GET /api/tags),
 *   3. the embedded local models (./local-population.ts), downloaded once,
 *   4. the simulated population, labelled as simulated in the terminal and the report; the caller
 *      hands it in (`simulatedPopulation(defaultPopulation())` from src/sim), since only the command
 *      line, the library's index and tests may load the simulator.
 * It never presents simulated answers as real ones.
 */
import type { ModelConfigInput, StudyConfig } from '../config/schema.js';
import { studyConfigSchema } from '../config/schema.js';
import { DEFAULT_LOCAL_JUDGE, localModelConfigs, prepareLocalPopulation } from './local-population.js';

export type PopulationKind = 'server' | 'ollama' | 'local' | 'simulated';

export interface DemoPopulation {
  kind: PopulationKind;
  description: string;
  models: ModelConfigInput[];
  judge: ModelConfigInput;
}

type PopulationDetector = (env: NodeJS.ProcessEnv) => Promise<DemoPopulation | undefined>;

async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
  return (await res.json()) as unknown;
}

const label = (id: string): string => id.replace(/[^A-Za-z0-9._:@+-]/g, '-').replace(/^-+/, '') || 'model';

async function fromServer(env: NodeJS.ProcessEnv): Promise<DemoPopulation | undefined> {
  const base = env.VALUELEX_BASE_URL?.replace(/\/+$/, '');
  if (!base) return undefined;
  const keyEnv = env.VALUELEX_API_KEY_ENV;
  let ids = env.VALUELEX_MODELS?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
  if (ids.length === 0) {
    const headers: Record<string, string> = keyEnv && env[keyEnv] ? { authorization: `Bearer ${env[keyEnv]}` } : {};
    const data = (await getJson(`${base}/models`, headers)) as { data?: Array<{ id?: string }> };
    ids = (data.data ?? []).map((m) => m.id).filter((x): x is string => typeof x === 'string').slice(0, 8);
  }
  if (ids.length === 0) throw new Error(`VALUELEX_BASE_URL=${base}: the server lists no models; set VALUELEX_MODELS`);
  const shared = { provider: 'openai' as const, base_url: base, ...(keyEnv ? { api_key_env: keyEnv } : {}), concurrency: 4 };
  const judgeId = env.VALUELEX_JUDGE_MODEL ?? ids[0]!;
  return {
    kind: 'server',
    description: `OpenAI-compatible server at ${base} (${ids.length} models)`,
    models: ids.map((id) => ({ ...shared, name: label(id), model: id })),
    judge: { ...shared, name: `judge-${label(judgeId)}`, model: judgeId },
  };
}

async function fromOllama(env: NodeJS.ProcessEnv): Promise<DemoPopulation | undefined> {
  const host = env.OLLAMA_HOST;
  if (!host) return undefined;
  const base = (/^https?:\/\//.test(host) ? host : `http://${host}`).replace(/\/+$/, '');
  const data = (await getJson(`${base}/api/tags`)) as { models?: Array<{ name?: string }> };
  const ids = (data.models ?? []).map((m) => m.name).filter((x): x is string => typeof x === 'string').slice(0, 6);
  if (ids.length === 0) throw new Error(`OLLAMA_HOST=${host}: no models pulled (ollama pull qwen2.5:0.5b)`);
  const judgeId = env.VALUELEX_JUDGE_MODEL ?? ids[0]!;
  return {
    kind: 'ollama',
    description: `Ollama at ${base} (${ids.length} models)`,
    models: ids.map((id) => ({ name: label(id), provider: 'ollama', model: id, base_url: base, concurrency: 1 })),
    judge: { name: `judge-${label(judgeId)}`, provider: 'ollama', model: judgeId, base_url: base },
  };
}

async function fromLocalModels(env: NodeJS.ProcessEnv, log: (m: string) => void): Promise<DemoPopulation | undefined> {
  if (env.VALUELEX_DEMO_POPULATION === 'simulated' || env.VALUELEX_NO_LOCAL_MODELS === '1') return undefined;
  const specs = await prepareLocalPopulation(log, env);
  if (specs.length < 2) return undefined;
  const judgeSpec = specs.find((s) => s.name === DEFAULT_LOCAL_JUDGE) ?? specs.find((s) => s.kind === 'chat') ?? specs[0]!;
  return {
    kind: 'local',
    description: `${specs.length} embedded local models (${specs.map((s) => s.name).join(', ')})`,
    models: localModelConfigs(specs),
    judge: { name: `judge-${judgeSpec.name}`, provider: 'local', model: judgeSpec.ref, kind: 'chat' },
  };
}

/** What the demo needs to know of a simulated model (src/sim's `SimModel` has it). */
export interface SimulatedModelInfo {
  name: string;
  family: string;
  size: string;
  training: string;
}

/** What the demo needs to know of a simulated population (src/sim's `SimPopulation` has it). */
export interface SimulatedPopulationInfo {
  seed: number;
  models: readonly SimulatedModelInfo[];
}

/**
 * The demo population made of simulated models (the last resort of `detectPopulation`). Model ids
 * name the seed (`sim/<seed>/<name>`), so the run database records which planted population
 * answered; the judge is one of the population's chat-trained models.
 */
export function simulatedPopulation(population: SimulatedPopulationInfo): DemoPopulation {
  const id = (m: SimulatedModelInfo): string => `sim/${population.seed}/${m.name}`;
  const judge = population.models.find((m) => m.training === 'rlhf') ?? population.models.find((m) => m.training !== 'base') ?? population.models[0];
  if (!judge) throw new Error('simulated population has no models');
  return {
    kind: 'simulated',
    description: `SIMULATED population of ${population.models.length} synthetic models drawn from seed ${population.seed} (no real LLM answered)`,
    models: population.models.map((m) => ({
      name: m.name,
      provider: 'simulated',
      model: id(m),
      kind: m.training === 'base' ? 'completion' : 'chat',
      tags: { family: m.family, size: m.size, training: m.training, simulated: true },
    })),
    judge: { name: 'sim-judge', provider: 'simulated', model: id(judge), tags: { simulated: true } },
  };
}

/**
 * The best reachable population, else `fallback` (the simulated one); failures of a named server
 * are reported, never hidden.
 */
export async function detectPopulation(fallback: DemoPopulation, env: NodeJS.ProcessEnv = process.env, log: (m: string) => void = () => {}): Promise<DemoPopulation> {
  const detectors: PopulationDetector[] = [fromServer, fromOllama, (e) => fromLocalModels(e, log)];
  for (const detect of detectors) {
    try {
      const p = await detect(env);
      if (p) return p;
    } catch (e) {
      log(`demo: ${(e as Error).message}; trying the next population`);
    }
  }
  return fallback;
}

/**
 * A study sized for a demo: quick on the simulated population, modest on a server, and about 15
 * minutes on a 2-core CPU with the embedded local models (fewer prompts, short answers).
 */
export function demoStudy(pop: DemoPopulation, storePath: string): StudyConfig {
  const size = {
    simulated: { prompts: 'all', samples: 4, max_tokens: 400, respondents: 30, max_terms: 40, projective: 2 },
    server: { prompts: 'all', samples: 2, max_tokens: 400, respondents: 6, max_terms: 30, projective: 1 },
    ollama: { prompts: 'all', samples: 2, max_tokens: 400, respondents: 6, max_terms: 30, projective: 1 },
    local: {
      prompts: ['fp-list-core', 'fp-json-values', 'desc-list-good-assistant', 'desc-free-trustworthy', 'scen-free-conflict', 'fp-list-one-word'],
      samples: 1,
      max_tokens: 120,
      respondents: 3,
      max_terms: 24,
      projective: 1,
    },
  }[pop.kind];
  return studyConfigSchema.parse({
    name: 'demo',
    store: storePath,
    seed: 7,
    models: pop.models,
    judge: pop.judge,
    embedding: { backend: 'glove' },
    elicit: { prompts: size.prompts, samples: size.samples, temperature: 1.0, max_tokens: size.max_tokens, min_count: pop.kind === 'local' ? 2 : 3, min_models: 2 },
    rate: { respondents: size.respondents, scale: 5, batch_size: pop.kind === 'local' ? 15 : 20, max_terms: size.max_terms },
    // The paper's source; the ratings are factored too and compared. The demo never stops on weak
    // data: it reports what is weak and completes with what the data support.
    // Sized to finish in a minute or two: fewer permutation nulls and terms than a study's defaults.
    taxonomy: { source: 'elicitation', factors: 'auto', fm: 'minres', rotate: 'oblimin', enforce_adequacy: false, pa_iter: 40, max_terms: 30, folds: 2 },
    projective: { items: 'default', samples: size.projective, system: 'taxonomy', ...(pop.kind === 'local' ? { max_tokens: 40 } : {}) },
    choices: { system: 'taxonomy', dilemmas_per_pair: pop.kind === 'local' ? 2 : 4 },
  });
}

