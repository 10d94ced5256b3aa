/**
 * Any OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp server, LM Studio, Ollama /v1,
 * OpenRouter...) through the official `openai` SDK. The SDK's own retries are off: the engine's
 * scheduler owns retries so that rate limits are shared across workers.
 */
import type OpenAI from 'openai';
import type { EmbeddingResponse, Provider, ProviderRequest, ProviderResponse } from '../types.js';
import { declaresSimulation, ProviderError } from '../types.js';
import { toProviderError } from './errors.js';

export interface OpenAIProviderOptions {
  baseURL?: string | undefined;
  apiKey?: string | undefined;
  timeoutMs?: number | undefined;
}

export class OpenAIProvider implements Provider {
  readonly name = 'openai';
  private clientPromise: Promise<OpenAI> | undefined;

  constructor(private readonly opts: OpenAIProviderOptions = {}) {}

  /** The SDK is loaded on first use, so commands that never call a model start fast. */
  private client(): Promise<OpenAI> {
    this.clientPromise ??= import('openai').then(
      ({ default: OpenAIClient }) =>
        new OpenAIClient({
          // Local servers accept any key; the SDK insists on one.
          apiKey: this.opts.apiKey ?? 'not-needed',
          baseURL: this.opts.baseURL ?? 'https://api.openai.com/v1',
          maxRetries: 0,
          timeout: this.opts.timeoutMs ?? 120_000,
        }),
    );
    return this.clientPromise;
  }

  async generate(req: ProviderRequest, signal?: AbortSignal): Promise<ProviderResponse> {
    const p = req.params;
    try {
      const client = await this.client();
      if (req.kind === 'completion') {
        const { data: res, response } = await client.completions.create(
          {
            model: req.model,
            prompt: req.prompt ?? '',
            ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
            ...(p.top_p !== undefined ? { top_p: p.top_p } : {}),
            ...(p.max_tokens !== undefined ? { max_tokens: p.max_tokens } : {}),
            ...(p.seed !== undefined ? { seed: p.seed } : {}),
            ...(p.stop ? { stop: p.stop } : {}),
          },
          signal ? { signal } : undefined,
        ).withResponse();
        const choice = res.choices?.[0];
        if (!choice || typeof choice.text !== 'string') {
          throw new ProviderError('openai: completion response has no choices[0].text', { retryable: true });
        }
        return {
          text: choice.text,
          ...(choice.finish_reason ? { finish_reason: choice.finish_reason } : {}),
          usage: { input_tokens: res.usage?.prompt_tokens ?? 0, output_tokens: res.usage?.completion_tokens ?? 0 },
          ...(res.model ? { model_version: res.model } : {}),
          ...(declaresSimulation(response.headers) ? { simulated: true } : {}),
        };
      }
      const { data: res, response } = await client.chat.completions.create(
        {
          model: req.model,
          messages: (req.messages ?? []).map((m) => ({ role: m.role, content: m.content })),
          ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
          ...(p.top_p !== undefined ? { top_p: p.top_p } : {}),
          ...(p.max_tokens !== undefined ? { max_tokens: p.max_tokens } : {}),
          ...(p.seed !== undefined ? { seed: p.seed } : {}),
          ...(p.stop ? { stop: p.stop } : {}),
          ...(p.json_schema
            ? { response_format: { type: 'json_schema' as const, json_schema: { name: 'answer', schema: p.json_schema, strict: false } } }
            : {}),
        },
        signal ? { signal } : undefined,
      ).withResponse();
      const choice = res.choices?.[0];
      const content = choice?.message?.content;
      if (!choice || (typeof content !== 'string' && content !== null)) {
        throw new ProviderError('openai: chat response has no choices[0].message', { retryable: true });
      }
      return {
        text: content ?? '',
        ...(choice.finish_reason ? { finish_reason: choice.finish_reason } : {}),
        usage: { input_tokens: res.usage?.prompt_tokens ?? 0, output_tokens: res.usage?.completion_tokens ?? 0 },
        ...(res.model ? { model_version: res.model } : {}),
        ...(declaresSimulation(response.headers) ? { simulated: true } : {}),
      };
    } catch (e) {
      throw toProviderError('openai', e);
    }
  }

  async embed(model: string, texts: string[], signal?: AbortSignal): Promise<EmbeddingResponse> {
    try {
      const client = await this.client();
      const res = await client.embeddings.create({ model, input: texts }, signal ? { signal } : undefined);
      const vectors = [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      return {
        vectors,
        usage: { input_tokens: res.usage?.prompt_tokens ?? 0, output_tokens: 0 },
        ...(res.model ? { model_version: res.model } : {}),
      };
    } catch (e) {
      throw toProviderError('openai', e);
    }
  }
}
