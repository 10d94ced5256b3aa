/**
 * The provider interface: one small contract that every model backend implements.
 * Retries, caching, rate limits and structured-output validation live above it (engine/),
 * never inside a provider.
 */

export type Role = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: Role;
  content: string;
}

/** A JSON schema object (draft-07 subset) used for structured output. */
export type JsonSchema = { [key: string]: unknown };

export interface GenerationParams {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
  stop?: string[];
  /** Ask the provider for JSON matching this schema, where the provider supports it. */
  json_schema?: JsonSchema;
}

export type ModelKind = 'chat' | 'completion';

/** What a provider is asked to do: either a chat (messages) or a raw completion (prompt). */
export interface ProviderRequest {
  /** The provider-side model id (e.g. `meta-llama/Llama-3.1-8B-Instruct`). */
  model: string;
  kind: ModelKind;
  messages?: ChatMessage[];
  prompt?: string;
  params: GenerationParams;
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
}

export interface ProviderResponse {
  text: string;
  finish_reason?: string;
  usage: TokenUsage;
  /** The model/version string the server reports (e.g. `gpt-4o-mini-2024-07-18`). */
  model_version?: string;
  /**
   * True when the answer declared itself simulated: the server sent `x-valuelex-simulated: true`
   * (ValueLex's simulated server does on every response), or the provider is the in-process
   * simulated population. Evidence from the wire, whatever the study's `provider:` says.
   */
  simulated?: boolean;
}

/** The response header by which a server declares its answers simulated (`true`). */
export const SIMULATED_HEADER = 'x-valuelex-simulated';

/** Whether response headers declare simulation (`x-valuelex-simulated: true`). */
export function declaresSimulation(headers: { get(name: string): string | null } | undefined): boolean {
  return headers?.get(SIMULATED_HEADER)?.trim().toLowerCase() === 'true';
}

export interface EmbeddingResponse {
  vectors: number[][];
  usage?: TokenUsage;
  model_version?: string;
}

export interface Provider {
  /** Provider family name: `openai`, `anthropic`, `ollama`, `local`, `simulated`. */
  readonly name: string;
  generate(request: ProviderRequest, signal?: AbortSignal): Promise<ProviderResponse>;
  /** Optional: text embeddings, for backends that offer them. */
  embed?(model: string, texts: string[], signal?: AbortSignal): Promise<EmbeddingResponse>;
  /** Release resources (local models, sockets). */
  close?(): Promise<void>;
}

/**
 * A failure a provider reports. `retryable` tells the scheduler whether to try again;
 * `retryAfterMs` carries the server's Retry-After when it sent one.
 */
export class ProviderError extends Error {
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    opts: { status?: number; retryable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ProviderError';
    this.status = opts.status;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
  }
}
