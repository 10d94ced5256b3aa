/**
 * Vectors cached in the run database by (backend id, text): a rerun or a resumed run never pays a
 * backend again for a text it has embedded. Vectors are stored as Float32 BLOBs.
 */
import type { RunStore } from '../store/store.js';
import { EmbeddingError, type Embedder } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS embeddings (
  backend_id TEXT NOT NULL,
  text TEXT NOT NULL,
  dim INTEGER NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (backend_id, text)
);`;

export class CachedEmbedder implements Embedder {
  readonly id: string;
  /** Texts sent to the inner backend so far (for tests and cost reports). */
  misses = 0;

  constructor(
    private readonly inner: Embedder,
    private readonly store: RunStore,
    private readonly batchSize = 256,
  ) {
    this.id = inner.id;
    store.ensureSchema('embeddings', 1, SCHEMA);
  }

  get dimension(): number | undefined {
    return this.inner.dimension;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const db = this.store.db;
    const get = db.prepare('SELECT dim, vector FROM embeddings WHERE backend_id = ? AND text = ?');
    const out = new Array<Float32Array | undefined>(texts.length);
    const missing = new Map<string, number[]>();
    texts.forEach((t, i) => {
      const row = get.get(this.id, t) as { dim: number; vector: Buffer } | undefined;
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
    const put = db.prepare('INSERT OR REPLACE INTO embeddings (backend_id, text, dim, vector) VALUES (?, ?, ?, ?)');
    for (let start = 0; start < todo.length; start += this.batchSize) {
      const batch = todo.slice(start, start + this.batchSize);
      const vectors = await this.inner.embed(batch, signal);
      if (vectors.length !== batch.length) throw new EmbeddingError(`${this.id}: got ${vectors.length} vectors for ${batch.length} texts`);
      this.misses += batch.length;
      db.transaction(() => {
        batch.forEach((t, k) => {
          const v = vectors[k]!;
          put.run(this.id, t, v.length, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
          for (const i of missing.get(t)!) out[i] = v;
        });
      })();
    }
    return out as Float32Array[];
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
