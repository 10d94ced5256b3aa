/**
 * Any OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp server, LM Studio, Ollama /v1,
 * OpenRouter...). Generation (`/chat/completions`, `/completions`) is one JSON POST on a
 * keep-alive connection (./http.ts): the official SDK costs about twice the CPU per call and 150
 * modules at start-up, which at thousands of requests a second is the engine's main overhead over
 * a bare client (bench/elicit-run.js). Embeddings, called in a few large batches, still go through
 * the SDK. The engine's scheduler owns retries and timeouts, so neither path retries by itself.
 */
import type OpenAI from 'openai';
import type { EmbeddingResponse, Provider, ProviderRequest, ProviderResponse } from '../types.js';
import { declaresSimulation, ProviderError } from '../types.js';
import { httpError, toProviderError } from './errors.js';
import { HttpClient, type HttpResponse } from './http.js';

export interface OpenAIProviderOptions {
  baseURL?: string | undefined;
  apiKey?: string | undefined;
  timeoutMs?: number | undefined;
}

interface CompletionBody {
  model?: unknown;
  choices?: Array<{ text?: unknown; message?: { content?: unknown }; finish_reason?: unknown }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
}

const tokens = (n: unknown): number => (typeof n === 'number' && Number.isFinite(n) ? n : 0);

export class OpenAIProvider implements Provider {
  readonly name = 'openai';
  private clientPromise: Promise<OpenAI> | undefined;
  private readonly http = new HttpClient();
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly opts: OpenAIProviderOptions = {}) {
    this.base = (opts.baseURL ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
    // As the SDK sends them: a key (local servers accept any; the SDK insists on one), and the
    // organization and project from the environment variables the SDK reads.
    this.headers = {
      authorization: `Bearer ${opts.apiKey ?? 'not-needed'}`,
      'user-agent': 'valuelex',
      ...(process.env.OPENAI_ORG_ID ? { 'openai-organization': process.env.OPENAI_ORG_ID } : {}),
      ...(process.env.OPENAI_PROJECT_ID ? { 'openai-project': process.env.OPENAI_PROJECT_ID } : {}),
    };
  }

  /** The SDK (for embeddings) is loaded on first use, so commands that never call it start fast. */
  private client(): Promise<OpenAI> {
    this.clientPromise ??= import('openai').then(
      ({ default: OpenAIClient }) =>
        new OpenAIClient({
          apiKey: this.opts.apiKey ?? 'not-needed',
          baseURL: this.base,
          maxRetries: 0,
          timeout: this.opts.timeoutMs ?? 120_000,
        }),
    );
    return this.clientPromise;
  }

  private async post(path: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<{ data: CompletionBody; response: HttpResponse }> {
    let response: HttpResponse;
    try {
      response = await this.http.postJson(`${this.base}${path}`, JSON.stringify(body), this.headers, signal);
    } catch (e) {
      throw toProviderError('openai', e);
    }
    if (response.status < 200 || response.status >= 300) throw httpError('openai', response.status, response.text, response.headers);
    try {
      return { data: JSON.parse(response.text) as CompletionBody, response };
    } catch {
      throw new ProviderError(`openai: malformed JSON body from ${path} (${response.text.length} bytes)`, { retryable: true });
    }
  }

  async generate(req: ProviderRequest, signal?: AbortSignal): Promise<ProviderResponse> {
    const p = req.params;
    const sampling = {
      ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
      ...(p.top_p !== undefined ? { top_p: p.top_p } : {}),
      ...(p.max_tokens !== undefined ? { max_tokens: p.max_tokens } : {}),
      ...(p.seed !== undefined ? { seed: p.seed } : {}),
      ...(p.stop ? { stop: p.stop } : {}),
    };
    if (req.kind === 'completion') {
      const { data: res, response } = await this.post('/completions', { model: req.model, prompt: req.prompt ?? '', ...sampling }, signal);
      const choice = Array.isArray(res.choices) ? res.choices[0] : undefined;
      if (!choice || typeof choice.text !== 'string') {
        throw new ProviderError('openai: completion response has no choices[0].text', { retryable: true });
      }
      return {
        text: choice.text,
        ...(typeof choice.finish_reason === 'string' && choice.finish_reason ? { finish_reason: choice.finish_reason } : {}),
        usage: { input_tokens: tokens(res.usage?.prompt_tokens), output_tokens: tokens(res.usage?.completion_tokens) },
        ...(typeof res.model === 'string' && res.model ? { model_version: res.model } : {}),
        ...(declaresSimulation(response.headers) ? { simulated: true } : {}),
      };
    }
    const { data: res, response } = await this.post(
      '/chat/completions',
      {
        model: req.model,
        messages: (req.messages ?? []).map((m) => ({ role: m.role, content: m.content })),
        ...sampling,
        ...(p.json_schema ? { response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: p.json_schema, strict: false } } } : {}),
      },
      signal,
    );
    const choice = Array.isArray(res.choices) ? res.choices[0] : undefined;
    const content = choice?.message?.content;
    if (!choice || (typeof content !== 'string' && content !== null)) {
      throw new ProviderError('openai: chat response has no choices[0].message', { retryable: true });
    }
    return {
      text: content ?? '',
      ...(typeof choice.finish_reason === 'string' && choice.finish_reason ? { finish_reason: choice.finish_reason } : {}),
      usage: { input_tokens: tokens(res.usage?.prompt_tokens), output_tokens: tokens(res.usage?.completion_tokens) },
      ...(typeof res.model === 'string' && res.model ? { model_version: res.model } : {}),
      ...(declaresSimulation(response.headers) ? { simulated: true } : {}),
    };
  }

  async close(): Promise<void> {
    this.http.close();
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
