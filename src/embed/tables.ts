/**
 * The embedding cache's table: vectors by (backend id, text), stored as Float32 bytes.
 */
import type { RunStore } from '../store/store.js';
import type { Ddl, TableDb } from '../store/sql.js';

const SCHEMA: Ddl = (t) => `
CREATE TABLE IF NOT EXISTS embeddings (
  backend_id TEXT NOT NULL,
  text TEXT NOT NULL,
  dim INTEGER NOT NULL,
  vector ${t.blob} NOT NULL,
  PRIMARY KEY (backend_id, text)
);`;

interface EmbeddingTables {
  embeddings: { backend_id: string; text: string; dim: number; vector: Uint8Array };
}

export interface EmbeddingTable {
  get(backendId: string, text: string): { dim: number; vector: Uint8Array } | undefined;
  /** Store vectors (a text embedded again replaces its vector), in one transaction. */
  put(rows: ReadonlyArray<{ backendId: string; text: string; vector: Float32Array }>): void;
}

/** The cache table of a run database (created on first use); statements compiled once. */
export function embeddingTable(store: RunStore): EmbeddingTable {
  store.ensureSchema('embeddings', 1, SCHEMA);
  const t: TableDb<EmbeddingTables> = store.tables<EmbeddingTables>();
  const get = t.prepare<{ backend_id: string; text: string }, { dim: number; vector: Uint8Array }>((p) =>
    t.q.selectFrom('embeddings').select(['dim', 'vector']).where('backend_id', '=', p('backend_id')).where('text', '=', p('text')),
  );
  const put = t.prepare<{ backend_id: string; text: string; dim: number; vector: Uint8Array }>((p) =>
    t.q
      .insertInto('embeddings')
      .values({ backend_id: p('backend_id'), text: p('text'), dim: p('dim'), vector: p('vector') })
      .onConflict((oc) => oc.columns(['backend_id', 'text']).doUpdateSet((eb) => ({ dim: eb.ref('excluded.dim'), vector: eb.ref('excluded.vector') }))),
  );
  return {
    get: (backendId, text) => get.get({ backend_id: backendId, text }),
    put: (rows) =>
      t.transaction(() => {
        for (const r of rows) put.run({ backend_id: r.backendId, text: r.text, dim: r.vector.length, vector: Buffer.from(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength) });
      }),
  };
}
