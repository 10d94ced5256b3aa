/**
 * transformers.js (`@huggingface/transformers`) on a model folder the user already has: a
 * sentence-transformers model in ONNX form (config.json, tokenizer.json, onnx/model.onnx or
 * onnx/model_quantized.onnx). Fully offline: remote models are disabled, so a missing file is an
 * error naming it, never a download. Sentence vectors are the attention-masked mean of the last
 * hidden state (sentence-transformers' default pooling), L2-normalised unless told otherwise.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EmbeddingError, type Embedder } from './types.js';
import { checkTexts, checkVectors } from './validate.js';

export interface TransformersEmbedderOptions {
  /** The model folder. */
  path: string;
  pooling?: 'mean' | 'cls';
  normalize?: boolean;
  batchSize?: number;
}

interface FeatureExtractor {
  (texts: string[], options: { pooling: 'mean' | 'cls'; normalize: boolean }): Promise<{ dims: number[]; data: Float32Array }>;
  dispose?: () => Promise<void>;
}

export class TransformersEmbedder implements Embedder {
  readonly id: string;
  dimension: number | undefined;
  private extractor: Promise<FeatureExtractor> | undefined;
  private readonly folder: string;

  constructor(private readonly options: TransformersEmbedderOptions) {
    this.folder = resolve(options.path);
    this.id = `transformers:${this.folder}`;
  }

  private load(): Promise<FeatureExtractor> {
    this.extractor ??= (async () => {
      for (const f of ['config.json', 'tokenizer.json']) {
        if (!existsSync(join(this.folder, f))) throw new EmbeddingError(`${this.id}: ${join(this.folder, f)} is missing (expected a sentence-transformers model folder in ONNX form)`);
      }
      const quantized = !existsSync(join(this.folder, 'onnx', 'model.onnx')) && existsSync(join(this.folder, 'onnx', 'model_quantized.onnx'));
      if (!quantized && !existsSync(join(this.folder, 'onnx', 'model.onnx'))) throw new EmbeddingError(`${this.id}: no onnx/model.onnx or onnx/model_quantized.onnx in ${this.folder}`);
      let lib: typeof import('@huggingface/transformers');
      try {
        lib = await import('@huggingface/transformers');
      } catch (e) {
        throw new EmbeddingError(`${this.id}: @huggingface/transformers is not installed (${(e as Error).message})`);
      }
      lib.env.allowRemoteModels = false;
      lib.env.allowLocalModels = true;
      lib.env.localModelPath = dirname(this.folder) + '/';
      try {
        return (await lib.pipeline('feature-extraction', basename(this.folder), { dtype: quantized ? 'q8' : 'fp32', local_files_only: true })) as unknown as FeatureExtractor;
      } catch (e) {
        throw new EmbeddingError(`${this.id}: cannot load the model in ${this.folder}: ${(e as Error).message}`);
      }
    })();
    return this.extractor;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    checkTexts(this.id, texts);
    const extractor = await this.load();
    const out: Float32Array[] = [];
    const size = this.options.batchSize ?? 32;
    for (let at = 0; at < texts.length; at += size) {
      signal?.throwIfAborted();
      const batch = texts.slice(at, at + size);
      const t = await extractor([...batch], { pooling: this.options.pooling ?? 'mean', normalize: this.options.normalize ?? true });
      const dim = t.dims[t.dims.length - 1]!;
      for (let i = 0; i < batch.length; i++) out.push(Float32Array.from(t.data.subarray(i * dim, (i + 1) * dim)));
      this.dimension = dim;
    }
    checkVectors(this.id, texts, out, this.dimension);
    return out;
  }

  async close(): Promise<void> {
    const e = await this.extractor?.catch(() => undefined);
    await e?.dispose?.();
  }
}
