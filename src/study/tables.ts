/**
 * The study's own table: requests exported for a batch (OpenAI Batch API / vLLM run-batch), so an
 * imported result finds the request it answers.
 */
import type { RunStore } from '../store/store.js';
import { sql, type Ddl, type Generated, type TableDb } from '../store/sql.js';

const SCHEMA: Ddl = (t) => `
CREATE TABLE IF NOT EXISTS batch_requests (
  key TEXT PRIMARY KEY,
  stage TEXT NOT NULL,
  model_name TEXT NOT NULL,
  request TEXT NOT NULL,
  sample INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  exported_at TEXT NOT NULL DEFAULT (${t.now})
);`;

export interface BatchRequestRow {
  key: string;
  stage: string;
  model_name: string;
  /** The provider request as JSON. */
  request: string;
  sample: number;
  attempt: number;
}

interface StudyTables {
  batch_requests: BatchRequestRow & { exported_at: Generated<string> };
}

const db = (store: RunStore): TableDb<StudyTables> => store.tables<StudyTables>();

export function ensureBatchSchema(store: RunStore): void {
  store.ensureSchema('batch', 1, SCHEMA);
}

/** Record exported requests (a request exported again gets a new export time), in one transaction. */
export function recordExported(store: RunStore, rows: readonly BatchRequestRow[]): void {
  const t = db(store);
  const insert = t.prepare<BatchRequestRow>((p) =>
    t.q
      .insertInto('batch_requests')
      .values({ key: p('key'), stage: p('stage'), model_name: p('model_name'), request: p('request'), sample: p('sample'), attempt: p('attempt') })
      .onConflict((oc) => oc.column('key').doUpdateSet({ exported_at: sql.raw<string>(t.types.now) })),
  );
  t.transaction(() => {
    for (const r of rows) insert.run(r);
  });
}

/** The exported request a batch result's custom_id names. */
export function exportedRequest(store: RunStore, key: string): BatchRequestRow | undefined {
  const t = db(store);
  return t.get(t.q.selectFrom('batch_requests').select(['key', 'stage', 'model_name', 'request', 'sample', 'attempt']).where('key', '=', key));
}
