/**
 * Ollama's native embeddings API: `POST {base}/api/embed {model, input: [...]}` answers
 * `{embeddings: [[...], ...]}` in input order.
 */
import { EmbeddingError, type Embedder } from './types.js';
import { checkTexts, checkVectors, toFloat32 } from './validate.js';

export interface OllamaEmbedderOptions {
  model: string;
  /** Default http://127.0.0.1:11434. */
  baseURL?: string;
  dimension?: number;
  batchSize?: number;
}

export class OllamaEmbedder implements Embedder {
  readonly id: string;
  dimension: number | undefined;
  private readonly base: string;
  private readonly batchSize: number;

  constructor(private readonly options: OllamaEmbedderOptions) {
    this.id = `ollama:${options.model}`;
    this.dimension = options.dimension;
    this.base = (options.baseURL ?? 'http://127.0.0.1:11434').replace(/\/+$/, '');
    this.batchSize = options.batchSize ?? 128;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    checkTexts(this.id, texts);
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      const batch = texts.slice(start, start + this.batchSize);
      let res: Response;
      try {
        res = await fetch(`${this.base}/api/embed`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: this.options.model, input: batch }),
          signal,
        });
      } catch (e) {
        if (signal?.aborted) throw e;
        throw new EmbeddingError(`${this.id}: cannot reach ${this.base}/api/embed: ${(e as Error).message}`);
      }
      const body = await res.text();
      if (!res.ok) throw new EmbeddingError(`${this.id}: HTTP ${res.status} from ${this.base}/api/embed: ${body.slice(0, 200)}`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new EmbeddingError(`${this.id}: answer is not JSON`);
      }
      const embeddings = (parsed as { embeddings?: unknown }).embeddings;
      if (!Array.isArray(embeddings)) throw new EmbeddingError(`${this.id}: answer has no embeddings array`);
      const vectors = embeddings.map((v, i) => toFloat32(this.id, v, batch[i] ?? ''));
      checkVectors(this.id, batch, vectors, this.dimension);
      this.dimension ??= vectors[0]!.length;
      out.push(...vectors);
    }
    return out;
  }
}
