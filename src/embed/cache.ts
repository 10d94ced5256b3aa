/**
 * Vectors cached in the run database by (backend id, text): a rerun or a resumed run never pays a
 * backend again for a text it has embedded. Vectors are stored as Float32 BLOBs.
 */
import type { RunStore } from '../store/store.js';
import { embeddingTable, type EmbeddingTable } from './tables.js';
import { EmbeddingError, type Embedder } from './types.js';

export class CachedEmbedder implements Embedder {
  readonly id: string;
  /** Texts sent to the inner backend so far (for tests and cost reports). */
  misses = 0;
  private readonly table: EmbeddingTable;

  constructor(
    private readonly inner: Embedder,
    store: RunStore,
    private readonly batchSize = 256,
  ) {
    this.id = inner.id;
    this.table = embeddingTable(store);
  }

  get dimension(): number | undefined {
    return this.inner.dimension;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const out = new Array<Float32Array | undefined>(texts.length);
    const missing = new Map<string, number[]>();
    texts.forEach((t, i) => {
      const row = this.table.get(this.id, t);
      if (row) {
        const copy = new Uint8Array(row.vector);
        out[i] = new Float32Array(copy.buffer, 0, row.dim);
      } else {
        const list = missing.get(t);
        if (list) list.push(i);
        else missing.set(t, [i]);
      }
    });
    const todo = [...missing.keys()];
    for (let start = 0; start < todo.length; start += this.batchSize) {
      const batch = todo.slice(start, start + this.batchSize);
      const vectors = await this.inner.embed(batch, signal);
      if (vectors.length !== batch.length) throw new EmbeddingError(`${this.id}: got ${vectors.length} vectors for ${batch.length} texts`);
      this.misses += batch.length;
      this.table.put(batch.map((t, k) => ({ backendId: this.id, text: t, vector: vectors[k]! })));
      batch.forEach((t, k) => {
        for (const i of missing.get(t)!) out[i] = vectors[k]!;
      });
    }
    return out as Float32Array[];
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
