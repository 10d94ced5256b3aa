/**
 * Anthropic's Messages API through the official SDK (retries off: the engine owns them).
 * System messages go in the `system` field; Anthropic has no seed and no raw-completion mode.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { Provider, ProviderRequest, ProviderResponse } from '../types.js';
import { declaresSimulation, ProviderError } from '../types.js';
import { toProviderError } from './errors.js';

export interface AnthropicProviderOptions {
  baseURL?: string | undefined;
  apiKey?: string | undefined;
  timeoutMs?: number | undefined;
}

export class AnthropicProvider implements Provider {
  readonly name = 'anthropic';
  private clientPromise: Promise<Anthropic> | undefined;

  constructor(private readonly opts: AnthropicProviderOptions = {}) {}

  /** The SDK is loaded on first use (it is slow to import). */
  private client(): Promise<Anthropic> {
    this.clientPromise ??= import('@anthropic-ai/sdk').then(
      ({ default: AnthropicClient }) =>
        new AnthropicClient({
          apiKey: this.opts.apiKey ?? 'not-needed',
          ...(this.opts.baseURL ? { baseURL: this.opts.baseURL.replace(/\/v1\/?$/, '') } : {}),
          maxRetries: 0,
          timeout: this.opts.timeoutMs ?? 120_000,
        }),
    );
    return this.clientPromise;
  }

  async generate(req: ProviderRequest, signal?: AbortSignal): Promise<ProviderResponse> {
    const p = req.params;
    const messages = req.kind === 'completion' ? [{ role: 'user' as const, content: req.prompt ?? '' }] : (req.messages ?? []);
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    const turns = messages
      .filter((m) => m.role !== 'system')
      .map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content }));
    try {
      const client = await this.client();
      const { data: res, response } = await client.messages.create(
        {
          model: req.model,
          max_tokens: p.max_tokens ?? 1024,
          messages: turns,
          ...(system ? { system } : {}),
          ...(p.temperature !== undefined ? { temperature: Math.min(1, p.temperature) } : {}),
          ...(p.top_p !== undefined ? { top_p: p.top_p } : {}),
          ...(p.stop ? { stop_sequences: p.stop } : {}),
        },
        signal ? { signal } : undefined,
      ).withResponse();
      if (!Array.isArray(res.content)) throw new ProviderError('anthropic: response has no content array', { retryable: true });
      const text = res.content
        .map((b) => (b.type === 'text' ? b.text : ''))
        .join('');
      return {
        text,
        ...(res.stop_reason ? { finish_reason: res.stop_reason } : {}),
        usage: { input_tokens: res.usage?.input_tokens ?? 0, output_tokens: res.usage?.output_tokens ?? 0 },
        ...(res.model ? { model_version: res.model } : {}),
        ...(declaresSimulation(response.headers) ? { simulated: true } : {}),
      };
    } catch (e) {
      throw toProviderError('anthropic', e);
    }
  }
}
