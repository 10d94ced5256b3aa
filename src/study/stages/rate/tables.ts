/**
 * The rate stage's tables: the rating respondents (model x sampled respondent) and their ratings
 * of lexicon terms. DDL and every statement on them, as typed functions.
 */
import type { RunStore } from '../../../store/store.js';
import type { Ddl, TableDb } from '../../../store/sql.js';

/**
 * Version 2 adds the administration (1, or 2 for the retest) and the rated items with their kind.
 * The stage clears and re-asks these tables from the request cache on every run, so a schema
 * change drops and recreates them (no model call is lost).
 */
const SCHEMA_VERSION = 2;
const SCHEMA: Ddl = () => `
DROP TABLE IF EXISTS ratings;
DROP TABLE IF EXISTS rate_respondents;
DROP TABLE IF EXISTS rate_items;
CREATE TABLE IF NOT EXISTS rate_respondents (
  id TEXT PRIMARY KEY,            -- model/r<index>, or model/retest/r<index>
  model TEXT NOT NULL,
  respondent INTEGER NOT NULL,
  administration INTEGER NOT NULL DEFAULT 1,  -- 1; 2 = the independent retest (other seeds)
  scale INTEGER NOT NULL,
  prompt_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rate_items (
  item TEXT PRIMARY KEY,
  kind TEXT NOT NULL,             -- lexicon | antonym | reversed (style items never enter the lexicon)
  reverses TEXT                   -- the lexicon term a style item opposes
);
CREATE TABLE IF NOT EXISTS ratings (
  respondent_id TEXT NOT NULL,
  term TEXT NOT NULL,
  rating INTEGER,                 -- NULL = missing after every attempt
  batch INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  PRIMARY KEY (respondent_id, term)
);
CREATE INDEX IF NOT EXISTS ratings_term ON ratings(term);
`;

export interface RateRespondentRow {
  id: string;
  model: string;
  respondent: number;
  administration: number;
  scale: number;
  prompt_version: string;
}

export interface RatingRow {
  respondent_id: string;
  term: string;
  rating: number | null;
  batch: number;
  attempts: number;
}

export interface RateItemRow {
  item: string;
  kind: string;
  reverses: string | null;
}

interface RateTables {
  rate_respondents: RateRespondentRow;
  ratings: RatingRow;
  rate_items: RateItemRow;
}

const db = (store: RunStore): TableDb<RateTables> => store.tables<RateTables>();

export function ensureRateSchema(store: RunStore): void {
  store.ensureSchema('rate', SCHEMA_VERSION, SCHEMA);
}

/** Empty the tables and register this run's respondents and items (one transaction). */
export function resetRespondents(store: RunStore, respondents: readonly RateRespondentRow[], items: readonly RateItemRow[] = []): void {
  const t = db(store);
  const insert = t.prepare<RateRespondentRow>((p) =>
    t.q
      .insertInto('rate_respondents')
      .values({ id: p('id'), model: p('model'), respondent: p('respondent'), administration: p('administration'), scale: p('scale'), prompt_version: p('prompt_version') })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({ model: eb.ref('excluded.model'), respondent: eb.ref('excluded.respondent'), administration: eb.ref('excluded.administration'), scale: eb.ref('excluded.scale'), prompt_version: eb.ref('excluded.prompt_version') })),
      ),
  );
  const putItem = t.prepare<RateItemRow>((p) => t.q.insertInto('rate_items').values({ item: p('item'), kind: p('kind'), reverses: p('reverses') }));
  t.transaction(() => {
    t.run(t.q.deleteFrom('ratings'));
    t.run(t.q.deleteFrom('rate_respondents'));
    t.run(t.q.deleteFrom('rate_items'));
    for (const r of respondents) insert.run(r);
    for (const it of items) putItem.run(it);
  });
}

/** The rated items with their kind (lexicon or style item). */
export function rateItemRows(store: RunStore): RateItemRow[] {
  const t = db(store);
  return t.all(t.q.selectFrom('rate_items').selectAll().orderBy('item'));
}

/** A writer of one batch's ratings (compiled once; one transaction per call). */
export function ratingsWriter(store: RunStore): (rows: readonly RatingRow[]) => void {
  const t = db(store);
  const insert = t.prepare<RatingRow>((p) =>
    t.q
      .insertInto('ratings')
      .values({ respondent_id: p('respondent_id'), term: p('term'), rating: p('rating'), batch: p('batch'), attempts: p('attempts') })
      .onConflict((oc) =>
        oc.columns(['respondent_id', 'term']).doUpdateSet((eb) => ({ rating: eb.ref('excluded.rating'), batch: eb.ref('excluded.batch'), attempts: eb.ref('excluded.attempts') })),
      ),
  );
  return (rows) =>
    t.transaction(() => {
      for (const r of rows) insert.run(r);
    });
}

export function rateRespondents(store: RunStore): Array<{ id: string; model: string; respondent: number; administration: number; scale: number }> {
  const t = db(store);
  return t.all(t.q.selectFrom('rate_respondents').select(['id', 'model', 'respondent', 'administration', 'scale']));
}

export function ratedTerms(store: RunStore): string[] {
  const t = db(store);
  return t.all(t.q.selectFrom('ratings').select('term').distinct()).map((r) => r.term);
}

export function allRatings(store: RunStore): IterableIterator<{ respondent_id: string; term: string; rating: number | null }> {
  const t = db(store);
  return t.iterate(t.q.selectFrom('ratings').select(['respondent_id', 'term', 'rating']));
}
