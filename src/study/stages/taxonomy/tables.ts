/**
 * The taxonomy stage's table: the dimensions of the discovered value system, with their words and
 * loadings (the whole result is also kept in meta `taxonomy`).
 */
import type { RunStore } from '../../../store/store.js';
import type { Ddl, TableDb } from '../../../store/sql.js';

const SCHEMA: Ddl = () => `
CREATE TABLE IF NOT EXISTS taxonomy_dimensions (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  parent TEXT,
  definition TEXT NOT NULL,
  words TEXT NOT NULL,
  loadings TEXT NOT NULL
);`;

export interface TaxonomyDimensionRow {
  id: string;
  label: string;
  parent: string | null;
  definition: string;
  /** JSON array of the dimension's words. */
  words: string;
  /** JSON object word -> loading. */
  loadings: string;
}

interface TaxonomyTables {
  taxonomy_dimensions: TaxonomyDimensionRow;
}

const db = (store: RunStore): TableDb<TaxonomyTables> => store.tables<TaxonomyTables>();

/** Replace the stored dimensions (one transaction). */
export function replaceDimensions(store: RunStore, rows: readonly TaxonomyDimensionRow[]): void {
  store.ensureSchema('taxonomy', 1, SCHEMA);
  const t = db(store);
  const insert = t.prepare<TaxonomyDimensionRow>((p) =>
    t.q.insertInto('taxonomy_dimensions').values({ id: p('id'), label: p('label'), parent: p('parent'), definition: p('definition'), words: p('words'), loadings: p('loadings') }),
  );
  t.transaction(() => {
    t.run(t.q.deleteFrom('taxonomy_dimensions'));
    for (const r of rows) insert.run(r);
  });
}

export function dimensionRows(store: RunStore): TaxonomyDimensionRow[] {
  const t = db(store);
  return t.all(t.q.selectFrom('taxonomy_dimensions').selectAll().orderBy('id'));
}
