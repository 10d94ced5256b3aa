/**
 * The demo's default population of small open models, run in process when no model server is
 * configured: pretrained (base) and instruction-tuned builds from different families, so the demo
 * compares the two as the paper does. Downloaded once (about 2.3 GB in all) into the model cache;
 * see README "Local models". Licenses: Qwen2.5 (Apache-2.0), SmolLM2 (Apache-2.0), Llama 3.2
 * (Llama 3.2 Community License).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelConfigInput } from '../config/schema.js';
import { ensureModelFile } from '../engine/local/download.js';
import { modelsDir, parseModelRef } from '../engine/local/model-ref.js';

export interface LocalModelSpec {
  name: string;
  ref: string;
  kind: 'chat' | 'completion';
  tags: { family: string; size: string; training: 'base' | 'instruct' };
  approxMB: number;
  license: string;
}

export const DEFAULT_LOCAL_POPULATION: readonly LocalModelSpec[] = [
  { name: 'qwen2.5-0.5b-instruct', ref: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf', kind: 'chat', tags: { family: 'qwen2.5', size: '0.5B', training: 'instruct' }, approxMB: 398, license: 'Apache-2.0' },
  { name: 'qwen2.5-0.5b-base', ref: 'hf:QuantFactory/Qwen2.5-0.5B-GGUF/Qwen2.5-0.5B.Q4_K_M.gguf', kind: 'completion', tags: { family: 'qwen2.5', size: '0.5B', training: 'base' }, approxMB: 398, license: 'Apache-2.0' },
  { name: 'smollm2-360m-instruct', ref: 'hf:HuggingFaceTB/SmolLM2-360M-Instruct-GGUF/smollm2-360m-instruct-q8_0.gguf', kind: 'chat', tags: { family: 'smollm2', size: '360M', training: 'instruct' }, approxMB: 386, license: 'Apache-2.0' },
  { name: 'smollm2-360m-base', ref: 'hf:QuantFactory/SmolLM2-360M-GGUF/SmolLM2-360M.Q4_K_M.gguf', kind: 'completion', tags: { family: 'smollm2', size: '360M', training: 'base' }, approxMB: 271, license: 'Apache-2.0' },
  { name: 'llama3.2-1b-instruct', ref: 'hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf', kind: 'chat', tags: { family: 'llama3.2', size: '1B', training: 'instruct' }, approxMB: 808, license: 'Llama 3.2 Community License' },
];

/** The judge for the local demo: the largest instruct model, at temperature 0. */
export const DEFAULT_LOCAL_JUDGE = 'llama3.2-1b-instruct';

export function isCached(spec: LocalModelSpec, env: NodeJS.ProcessEnv = process.env): boolean {
  const ref = parseModelRef(spec.ref, env);
  return ref.kind === 'path' ? existsSync(ref.path) : existsSync(join(modelsDir(env), ref.cacheName)) && existsSync(join(modelsDir(env), `${ref.cacheName}.json`));
}

/**
 * Make the population available: models already cached are used as they are; missing ones are
 * downloaded (with a progress bar). Models that cannot be had are left out with a note; fewer than
 * two models means no local population.
 */
export async function prepareLocalPopulation(log: (m: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<LocalModelSpec[]> {
  const ready: LocalModelSpec[] = [];
  for (const spec of DEFAULT_LOCAL_POPULATION) {
    if (isCached(spec, env)) {
      ready.push(spec);
      continue;
    }
    try {
      log(`local models: downloading ${spec.name} (~${spec.approxMB} MB, ${spec.license}) once into ${modelsDir(env)}`);
      await ensureModelFile(spec.ref, { progress: true, env });
      ready.push(spec);
    } catch (e) {
      log(`local models: ${spec.name} unavailable (${(e as Error).message})`);
      // Offline: every other download would fail the same way.
      if (/cannot reach/.test((e as Error).message)) break;
    }
  }
  return ready;
}

export function localModelConfigs(specs: readonly LocalModelSpec[]): ModelConfigInput[] {
  return specs.map((s) => ({ name: s.name, provider: 'local', model: s.ref, kind: s.kind, tags: s.tags }));
}
