/**
 * Any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, vLLM, Ollama's /v1, LM Studio) through
 * the `openai` SDK (loaded on first use). Texts go in batches; the answer's `index` field restores
 * input order.
 */
import type OpenAI from 'openai';
import { EmbeddingError, type Embedder } from './types.js';
import { checkTexts, checkVectors, toFloat32 } from './validate.js';
import { redactSecrets } from '../core/secrets.js';

export interface OpenAIEmbedderOptions {
  model: string;
  /** Default https://api.openai.com/v1. */
  baseURL?: string;
  apiKey?: string;
  /** Expected vector length (checked on every answer) when known. */
  dimension?: number;
  batchSize?: number;
  maxRetries?: number;
  timeoutMs?: number;
}

export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  dimension: number | undefined;
  private clientPromise: Promise<OpenAI> | undefined;
  private readonly batchSize: number;

  constructor(private readonly options: OpenAIEmbedderOptions) {
    this.id = `openai:${options.model}`;
    this.dimension = options.dimension;
    this.batchSize = options.batchSize ?? 256;
  }

  private client(): Promise<OpenAI> {
    this.clientPromise ??= import('openai').then(
      ({ default: OpenAIClient }) =>
        new OpenAIClient({
          baseURL: this.options.baseURL,
          // Local servers (vLLM, Ollama, LM Studio) accept any key; the SDK insists on one.
          apiKey: this.options.apiKey ?? 'not-needed',
          maxRetries: this.options.maxRetries ?? 2,
          timeout: this.options.timeoutMs ?? 60_000,
        }),
    );
    return this.clientPromise;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    checkTexts(this.id, texts);
    const client = await this.client();
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      const batch = texts.slice(start, start + this.batchSize);
      let data: { index: number; embedding: unknown }[];
      try {
        const res = await client.embeddings.create(
          { model: this.options.model, input: batch, encoding_format: 'float' },
          { signal },
        );
        data = res.data as { index: number; embedding: unknown }[];
      } catch (e) {
        if (signal?.aborted) throw e;
        throw new EmbeddingError(`${this.id}: embeddings request failed: ${redactSecrets((e as Error).message)}`);
      }
      if (!Array.isArray(data)) throw new EmbeddingError(`${this.id}: answer has no data array`);
      const vectors: Float32Array[] = new Array<Float32Array>(batch.length);
      for (const item of data) {
        const i = item.index;
        if (!Number.isInteger(i) || i < 0 || i >= batch.length) throw new EmbeddingError(`${this.id}: answer has a bad index ${String(i)}`);
        vectors[i] = toFloat32(this.id, item.embedding, batch[i]!);
      }
      for (let i = 0; i < batch.length; i++) if (!vectors[i]) throw new EmbeddingError(`${this.id}: no vector for ${JSON.stringify(batch[i])}`);
      checkVectors(this.id, batch, vectors, this.dimension);
      this.dimension ??= vectors[0]!.length;
      out.push(...vectors);
    }
    return out;
  }
}
