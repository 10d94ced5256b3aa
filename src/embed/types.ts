/**
 * One interface for every embedding backend (GloVe, OpenAI-compatible, Ollama, transformers.js).
 * Vectors come back in the order of the input texts. A remote backend that cannot embed a text
 * throws an `EmbeddingError` naming it; the GloVe backend never fails a batch for one text: it
 * backs off to word pieces and, failing those, gives a zero vector and a warning naming the text.
 */
import type { WordSource } from './subword.js';

export interface Embedder {
  /** Stable identity used for caching: `<backend>:<model>`. */
  readonly id: string;
  /** Vector length, when known before the first call. */
  readonly dimension: number | undefined;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** The same vectors with an account of how each text was embedded (backends that back off). */
  embedWithReport?(texts: readonly string[], signal?: AbortSignal): Promise<EmbedReport>;
  close?(): Promise<void>;
}

/** How one text was embedded. */
export interface TextEmbedding {
  /** exact: every word known; backoff: some word found by backoff or left out; none: zero vector. */
  source: 'exact' | 'backoff' | 'none';
  /** Words found by backoff: how, and which vocabulary words stand for them. */
  backoff?: Array<{ word: string; via: Exclude<WordSource, 'exact'>; as: string[] }>;
  /** Words left out (no backoff found anything). */
  unknown?: string[];
}

export interface EmbedReport {
  vectors: Float32Array[];
  details: TextEmbedding[];
  /** One line per text that could not be embedded, naming it. */
  warnings: string[];
}

export class EmbeddingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddingError';
  }
}
