/**
 * Evaluation's tables: alignment results per (prompt, strategy, model), human labels of
 * (prompt, response) pairs on the value system (the viewer writes them, the evaluator trains on
 * them), and the value vectors a value analysis was made from (so reports recompute it).
 */
import type { RunStore } from '../store/store.js';
import type { Ddl, TableDb } from '../store/sql.js';

const ALIGN_SCHEMA: Ddl = () => `
CREATE TABLE IF NOT EXISTS align_results (
  prompt_id TEXT NOT NULL,
  strategy TEXT NOT NULL,
  model TEXT NOT NULL,
  result TEXT NOT NULL,            -- AlignResult as JSON (all candidates with vectors and distances)
  PRIMARY KEY (prompt_id, strategy, model)
);`;

const LABELS_SCHEMA: Ddl = () => `CREATE TABLE IF NOT EXISTS labels (
       pair_id TEXT NOT NULL, annotator TEXT NOT NULL, value TEXT NOT NULL,
       label INTEGER NOT NULL CHECK (label IN (-1, 0, 1)), created_at TEXT NOT NULL,
       PRIMARY KEY (pair_id, annotator, value))`;

const VECTORS_SCHEMA: Ddl = () => `
CREATE TABLE IF NOT EXISTS value_vectors (
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  prompt_key TEXT NOT NULL,        -- hash of the prompt text: answers sharing it share a prompt
  risks TEXT NOT NULL,             -- JSON array of risk categories
  vector TEXT NOT NULL,            -- JSON object value -> score in [-1, 1]
  PRIMARY KEY (source, id)
);`;

/** One answer's value vector as a value analysis uses it. */
export interface ValueVectorRow {
  source: string;
  id: string;
  prompt_key: string;
  risks: string;
  vector: string;
}

export interface AlignResultRow {
  prompt_id: string;
  strategy: string;
  model: string;
  /** The AlignResult as JSON. */
  result: string;
}

export interface LabelRow {
  pair_id: string;
  annotator: string;
  value: string;
  label: -1 | 0 | 1;
  created_at: string;
}

interface EvaluationTables {
  align_results: AlignResultRow;
  labels: LabelRow;
  value_vectors: ValueVectorRow;
}

const db = (store: RunStore): TableDb<EvaluationTables> => store.tables<EvaluationTables>();

/** A writer of alignment results (compiled once; a result replaces the earlier one of its prompt, strategy and model). */
export function alignResultWriter(store: RunStore): (row: AlignResultRow) => void {
  store.ensureSchema('align', 1, ALIGN_SCHEMA);
  const t = db(store);
  const put = t.prepare<AlignResultRow>((p) =>
    t.q
      .insertInto('align_results')
      .values({ prompt_id: p('prompt_id'), strategy: p('strategy'), model: p('model'), result: p('result') })
      .onConflict((oc) => oc.columns(['prompt_id', 'strategy', 'model']).doUpdateSet((eb) => ({ result: eb.ref('excluded.result') }))),
  );
  return (row) => void put.run(row);
}

export function ensureLabelSchema(store: RunStore): void {
  store.ensureSchema('labels', 1, LABELS_SCHEMA);
}

/** Save (or change) one annotator's label of one value of one pair. */
export function putLabel(store: RunStore, row: LabelRow): void {
  ensureLabelSchema(store);
  const t = db(store);
  t.run(
    t.q
      .insertInto('labels')
      .values(row)
      .onConflict((oc) => oc.columns(['pair_id', 'annotator', 'value']).doUpdateSet((eb) => ({ label: eb.ref('excluded.label'), created_at: eb.ref('excluded.created_at') }))),
  );
}

export function labelRows(store: RunStore): LabelRow[] {
  const t = db(store);
  return t.all(t.q.selectFrom('labels').select(['pair_id', 'annotator', 'value', 'label', 'created_at']).orderBy('pair_id').orderBy('value').orderBy('annotator'));
}

/** Replace the stored value vectors (the input of the run's value analysis) with `rows`. */
export function replaceValueVectors(store: RunStore, rows: readonly ValueVectorRow[]): void {
  store.ensureSchema('value_vectors', 1, VECTORS_SCHEMA);
  const t = db(store);
  const put = t.prepare<ValueVectorRow>((p) =>
    t.q
      .insertInto('value_vectors')
      .values({ source: p('source'), id: p('id'), prompt_key: p('prompt_key'), risks: p('risks'), vector: p('vector') })
      .onConflict((oc) => oc.columns(['source', 'id']).doUpdateSet((eb) => ({ prompt_key: eb.ref('excluded.prompt_key'), risks: eb.ref('excluded.risks'), vector: eb.ref('excluded.vector') }))),
  );
  t.transaction(() => {
    t.run(t.q.deleteFrom('value_vectors'));
    for (const r of rows) put.run(r);
  });
}

/** The stored value vectors, by source and id. */
export function valueVectorRows(store: RunStore): ValueVectorRow[] {
  const t = db(store);
  return t.all(t.q.selectFrom('value_vectors').select(['source', 'id', 'prompt_key', 'risks', 'vector']).orderBy('source').orderBy('id'));
}
