/**
 * One model given inline on the command line, in the same shape as a study's models:
 * `--model provider/model-id` with `--base-url` and `--api-key-env`; and the judge the environment
 * names when none is given.
 */
import { InputError } from '../core/errors.js';
import type { ModelConfigInput } from './schema.js';

/** `provider/model-id` (with optional server and key variable) as a model config named `<role>-<model>`. */
export function inlineModel(spec: string, baseUrl?: string, apiKeyEnv?: string, role = 'judge'): ModelConfigInput {
  const slash = spec.indexOf('/');
  const provider = slash > 0 ? spec.slice(0, slash) : '';
  if (!['openai', 'anthropic', 'ollama', 'local', 'simulated'].includes(provider)) {
    throw new InputError(`--model: expected <provider>/<model> with provider openai, anthropic, ollama, local or simulated, got "${spec}"`);
  }
  const model = spec.slice(slash + 1);
  return {
    name: `${role}-${model.replace(/[^A-Za-z0-9._:@+-]/g, '-')}`,
    provider: provider as ModelConfigInput['provider'],
    model,
    ...(baseUrl ? { base_url: baseUrl } : {}),
    ...(apiKeyEnv ? { api_key_env: apiKeyEnv } : {}),
  };
}

/**
 * The judge when no `--model` is given: `VALUELEX_JUDGE_MODEL` on the OpenAI-compatible server in
 * `VALUELEX_BASE_URL` (key from the variable named in `VALUELEX_API_KEY_ENV`), as the demo uses.
 */
export function judgeFromEnv(env: NodeJS.ProcessEnv = process.env): ModelConfigInput | undefined {
  const model = env.VALUELEX_JUDGE_MODEL;
  if (!model) return undefined;
  const spec = /^(openai|anthropic|ollama|local|simulated)\//.test(model) ? model : `openai/${model}`;
  return inlineModel(spec, env.VALUELEX_BASE_URL, env.VALUELEX_API_KEY_ENV);
}
