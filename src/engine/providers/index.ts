/**
 * Provider construction from a model config. Keys are read from the environment variable the
 * config names (and registered for redaction); a missing variable is a clear error, not a silent
 * anonymous request.
 */
import type { ModelConfig } from '../../config/schema.js';
import { InputError } from '../../core/errors.js';
import { readApiKey } from '../../core/secrets.js';
import type { Provider } from '../types.js';
import { AnthropicProvider } from './anthropic.js';
import { LocalProvider } from './local.js';
import { OllamaProvider } from './ollama.js';
import { OpenAIProvider } from './openai.js';
import { SimulatedProvider } from '../../sim/provider.js';

export type ProviderFactory = (model: ModelConfig) => Provider;

const extraFactories = new Map<string, ProviderFactory>();

/** Let optional providers (e.g. in-process local models) plug in without a hard dependency. */
export function registerProviderFactory(name: string, factory: ProviderFactory): void {
  extraFactories.set(name, factory);
}

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

export function createProvider(model: ModelConfig): Provider {
  const timeoutMs = model.timeout_ms;
  switch (model.provider) {
    case 'openai': {
      const hosted = !model.base_url || /api\.openai\.com/.test(model.base_url);
      const apiKey = apiKeyFor(model, hosted ? 'OPENAI_API_KEY' : undefined, hosted);
      return new OpenAIProvider({ baseURL: model.base_url, apiKey, timeoutMs });
    }
    case 'anthropic': {
      const hosted = !model.base_url || /anthropic\.com/.test(model.base_url);
      const apiKey = apiKeyFor(model, hosted ? 'ANTHROPIC_API_KEY' : undefined, hosted);
      return new AnthropicProvider({ baseURL: model.base_url, apiKey, timeoutMs });
    }
    case 'ollama':
      return new OllamaProvider({ baseURL: model.base_url, timeoutMs, apiKey: apiKeyFor(model, undefined, false) });
    case 'simulated':
      return new SimulatedProvider();
    case 'local':
      return new LocalProvider(model);
    default: {
      const factory = extraFactories.get(model.provider);
      if (!factory) {
        throw new InputError(`model "${model.name}": provider "${model.provider}" is not available in this build`);
      }
      return factory(model);
    }
  }
}
