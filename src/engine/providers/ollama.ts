/**
 * Ollama's native API (/api/chat, /api/generate, /api/embed). Structured output uses Ollama's
 * `format` field with the JSON schema; base models are prompted raw through /api/generate.
 */
import type { EmbeddingResponse, Provider, ProviderRequest, ProviderResponse } from '../types.js';
import { declaresSimulation, ProviderError } from '../types.js';
import { httpError, toProviderError } from './errors.js';
import { withDeadline } from '../abort.js';

export interface OllamaProviderOptions {
  baseURL?: string | undefined;
  timeoutMs?: number | undefined;
  apiKey?: string | undefined;
}

interface OllamaChatBody {
  model?: string;
  message?: { content?: unknown };
  response?: unknown;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  error?: string;
}

export class OllamaProvider implements Provider {
  readonly name = 'ollama';
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly apiKey: string | undefined;

  constructor(opts: OllamaProviderOptions = {}) {
    this.base = (opts.baseURL ?? process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434').replace(/\/+$/, '').replace(/\/api$/, '');
    this.timeoutMs = opts.timeoutMs ?? 300_000;
    this.apiKey = opts.apiKey;
  }

  /** The parsed JSON body, and whether the response declared itself simulated. */
  private async post(path: string, body: unknown, signal?: AbortSignal): Promise<{ data: unknown; simulated: boolean }> {
    let res: Response;
    let text: string;
    try {
      [res, text] = await withDeadline(signal, this.timeoutMs, async (combined) => {
        const r = await fetch(`${this.base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
          body: JSON.stringify(body),
          signal: combined,
        });
        return [r, await r.text()] as const;
      });
    } catch (e) {
      throw toProviderError('ollama', e);
    }
    if (!res.ok) throw httpError('ollama', res.status, text, res.headers);
    try {
      return { data: JSON.parse(text) as unknown, simulated: declaresSimulation(res.headers) };
    } catch {
      throw new ProviderError(`ollama: malformed JSON body from ${path}`, { retryable: true });
    }
  }

  async generate(req: ProviderRequest, signal?: AbortSignal): Promise<ProviderResponse> {
    const p = req.params;
    const options = {
      ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
      ...(p.top_p !== undefined ? { top_p: p.top_p } : {}),
      ...(p.seed !== undefined ? { seed: p.seed } : {}),
      ...(p.max_tokens !== undefined ? { num_predict: p.max_tokens } : {}),
      ...(p.stop ? { stop: p.stop } : {}),
    };
    const format = p.json_schema ? { format: p.json_schema } : {};
    const body =
      req.kind === 'completion'
        ? { model: req.model, prompt: req.prompt ?? '', raw: true, stream: false, options, ...format }
        : { model: req.model, messages: req.messages ?? [], stream: false, options, ...format };
    const posted = await this.post(req.kind === 'completion' ? '/api/generate' : '/api/chat', body, signal);
    const data = posted.data as OllamaChatBody;
    if (data.error) throw new ProviderError(`ollama: ${data.error}`, { retryable: false });
    const text = req.kind === 'completion' ? data.response : data.message?.content;
    if (typeof text !== 'string') throw new ProviderError('ollama: response has no text', { retryable: true });
    return {
      text,
      ...(data.done_reason ? { finish_reason: data.done_reason } : {}),
      usage: { input_tokens: data.prompt_eval_count ?? 0, output_tokens: data.eval_count ?? 0 },
      ...(data.model ? { model_version: data.model } : {}),
      ...(posted.simulated ? { simulated: true } : {}),
    };
  }

  async embed(model: string, texts: string[], signal?: AbortSignal): Promise<EmbeddingResponse> {
    const data = (await this.post('/api/embed', { model, input: texts }, signal)).data as { embeddings?: unknown; model?: string };
    if (!Array.isArray(data.embeddings) || data.embeddings.length !== texts.length) {
      throw new ProviderError(`ollama: /api/embed returned ${Array.isArray(data.embeddings) ? data.embeddings.length : 'no'} vectors for ${texts.length} texts`, { retryable: false });
    }
    return { vectors: data.embeddings as number[][], ...(data.model ? { model_version: data.model } : {}) };
  }
}
