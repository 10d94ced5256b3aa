/**
 * The one place embedders are made: from the study's `embedding:` config (`createEmbedder`) or
 * from a one-word spec as the command line and classifier files name them (`embedderFromSpec`).
 * API keys are read from the named environment variable through `readApiKey`, which registers
 * them for redaction.
 */
import type { z } from 'zod';
import type { embeddingConfigSchema } from '../config/schema.js';
import { readApiKey, registerUrlSecret } from '../core/secrets.js';
import { GLOVE_MEAN_ID, GloveEmbedder } from './glove.js';
import { OllamaEmbedder } from './ollama.js';
import { OpenAIEmbedder } from './openai.js';
import { TransformersEmbedder } from './transformers.js';
import { InputError } from '../core/errors.js';
import { EmbeddingError, type Embedder } from './types.js';

export type EmbeddingConfig = z.input<typeof embeddingConfigSchema>;

export function createEmbedder(config: EmbeddingConfig): Embedder {
  const backend = config.backend ?? 'glove';
  registerUrlSecret(config.base_url);
  switch (backend) {
    case 'glove':
      return new GloveEmbedder();
    case 'openai': {
      if (!config.model) throw new EmbeddingError('embedding: backend openai needs a model');
      const apiKey = readApiKey(config.api_key_env ?? (config.base_url ? undefined : 'OPENAI_API_KEY'));
      return new OpenAIEmbedder({ model: config.model, baseURL: config.base_url, apiKey });
    }
    case 'ollama':
      if (!config.model) throw new EmbeddingError('embedding: backend ollama needs a model');
      return new OllamaEmbedder({ model: config.model, baseURL: config.base_url });
    case 'transformers':
      if (!config.path) throw new EmbeddingError('embedding: backend transformers needs path: <model folder> (a sentence-transformers model in ONNX form)');
      return new TransformersEmbedder({ path: config.path });
  }
}

/**
 * `glove | openai:<model> | ollama:<model> | transformers:<model folder>` (or a classifier's
 * recorded embedder id, which for transformers is the model folder's absolute path).
 */
export function embedderFromSpec(spec: string, baseUrl?: string, apiKeyEnv?: string): Embedder {
  // Classifier files trained before SIF phrase vectors record the plain-mean id: they get the
  // plain-mean embedder they were trained on.
  if (spec === GLOVE_MEAN_ID) return new GloveEmbedder({ method: 'mean' });
  if (spec === 'glove' || spec.startsWith('glove:')) return createEmbedder({ backend: 'glove' });
  if (spec.startsWith('transformers:')) return createEmbedder({ backend: 'transformers', path: spec.slice('transformers:'.length) });
  const m = /^(openai|ollama):(.+)$/.exec(spec);
  if (!m) throw new InputError(`--embedding: expected glove, openai:<model>, ollama:<model> or transformers:<folder>, got "${spec}"`);
  return createEmbedder({ backend: m[1] as 'openai' | 'ollama', model: m[2]!, ...(baseUrl ? { base_url: baseUrl } : {}), ...(apiKeyEnv ? { api_key_env: apiKeyEnv } : {}) });
}
