/**
 * Provider construction from a model config, through factories by provider name: the engine's
 * defaults are the real providers (openai, anthropic, ollama, local); a composition root adds
 * others (the simulated population) by passing its own factories. Keys are read from the
 * environment variable the config names (and registered for redaction); a missing variable is a
 * clear error, not a silent anonymous request.
 */
import type { ModelConfig } from '../../config/schema.js';
import { InputError } from '../../core/errors.js';
import { readApiKey } from '../../core/secrets.js';
import type { Provider } from '../types.js';
import { AnthropicProvider } from './anthropic.js';
import { LocalProvider } from './local.js';
import { OllamaProvider } from './ollama.js';
import { OpenAIProvider } from './openai.js';

export type ProviderFactory = (model: ModelConfig) => Provider;
export type ProviderFactories = Partial<Record<ModelConfig['provider'], ProviderFactory>>;

function apiKeyFor(model: ModelConfig, defaultEnv: string | undefined, required: boolean): string | undefined {
  const envName = model.api_key_env ?? defaultEnv;
  const key = readApiKey(envName);
  if (!key && model.api_key_env) {
    throw new InputError(`model "${model.name}": environment variable ${model.api_key_env} (api_key_env) is not set`);
  }
  if (!key && required) {
    throw new InputError(`model "${model.name}": no API key; set ${defaultEnv} or name a variable with api_key_env`);
  }
  return key;
}

/** The real providers. */
export const DEFAULT_PROVIDERS: Readonly<ProviderFactories> = {
  openai: (model) => {
    const hosted = !model.base_url || /api\.openai\.com/.test(model.base_url);
    const apiKey = apiKeyFor(model, hosted ? 'OPENAI_API_KEY' : undefined, hosted);
    return new OpenAIProvider({ baseURL: model.base_url, apiKey, timeoutMs: model.timeout_ms });
  },
  anthropic: (model) => {
    const hosted = !model.base_url || /anthropic\.com/.test(model.base_url);
    const apiKey = apiKeyFor(model, hosted ? 'ANTHROPIC_API_KEY' : undefined, hosted);
    return new AnthropicProvider({ baseURL: model.base_url, apiKey, timeoutMs: model.timeout_ms });
  },
  ollama: (model) => new OllamaProvider({ baseURL: model.base_url, timeoutMs: model.timeout_ms, apiKey: apiKeyFor(model, undefined, false) }),
  local: (model) => new LocalProvider(model),
};

export function createProvider(model: ModelConfig, factories: Readonly<ProviderFactories> = DEFAULT_PROVIDERS): Provider {
  const factory = factories[model.provider];
  if (!factory) {
    throw new InputError(`model "${model.name}": provider "${model.provider}" is not available here (available: ${Object.keys(factories).join(', ')})`);
  }
  return factory(model);
}
