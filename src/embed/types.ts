/**
 * One interface for every embedding backend (GloVe, OpenAI-compatible, Ollama, transformers.js).
 * Vectors come back in the order of the input texts; a backend that cannot embed a text throws
 * an `EmbeddingError` naming it (never a silent zero vector).
 */
export interface Embedder {
  /** Stable identity used for caching: `<backend>:<model>`. */
  readonly id: string;
  /** Vector length, when known before the first call. */
  readonly dimension: number | undefined;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  close?(): Promise<void>;
}

export class EmbeddingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddingError';
  }
}
