/**
 * The elicit stage's tables: respondents (one answer each) and the descriptors parsed from them,
 * and the lexicon built from those with its recorded synonym merges. DDL and every statement on
 * them, as typed functions; nothing else in the stage writes SQL.
 */
import type { RunStore } from '../../../store/store.js';
import { sql, type Ddl, type Generated, type Prepared, type TableDb } from '../../../store/sql.js';
import type { CoreTables } from '../../../store/tables.js';

/**
 * Version 3 (2 had no vocab_size/vocab_words). The stage rebuilds these tables from the request
 * cache on every run, so a schema change simply drops and recreates them (no model call is lost).
 */
export const ELICIT_SCHEMA_VERSION = 3;
export const ELICIT_SCHEMA: Ddl = (t) => `
DROP TABLE IF EXISTS elicit_descriptors;
DROP TABLE IF EXISTS elicit_respondents;
CREATE TABLE IF NOT EXISTS elicit_respondents (
  id TEXT PRIMARY KEY,            -- model/prompt_id/t<temperature>/s<sample>
  seq INTEGER NOT NULL,           -- position in the study plan (stable order, whatever order answers arrive in)
  model TEXT NOT NULL,
  prompt_id TEXT NOT NULL,
  bank TEXT NOT NULL,             -- bank name and version, e.g. elicit@1
  sample INTEGER NOT NULL,
  temperature ${t.real} NOT NULL,
  request_key TEXT,
  response_text TEXT,
  status TEXT NOT NULL,           -- ok | refusal | non-english | no-values | empty | error
  format TEXT,                    -- json | table | list | lines | comma | prose
  finish_reason TEXT,             -- 'length' means the answer was cut off (its last item is marked truncated)
  error TEXT,
  vocab_size INTEGER,             -- prose answers: how many words the study vocabulary had when the answer was mined
  vocab_words TEXT                -- prose answers: the words (space-separated) whose being in that vocabulary decided the mining
);
CREATE INDEX IF NOT EXISTS elicit_respondents_model ON elicit_respondents(model);
CREATE INDEX IF NOT EXISTS elicit_respondents_seq ON elicit_respondents(seq);
CREATE TABLE IF NOT EXISTS elicit_descriptors (
  respondent_id TEXT NOT NULL REFERENCES elicit_respondents(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  raw TEXT NOT NULL,              -- the item as the model wrote it
  candidate TEXT,                 -- cleaned (explanation and filler stripped)
  descriptor TEXT,                -- normalized value term
  term_key TEXT,                  -- hyphen/space-insensitive merge key
  reject TEXT,                    -- NULL when accepted; else junk | too-long | stopword | non-english | duplicate | truncated
  PRIMARY KEY (respondent_id, position)
);
CREATE INDEX IF NOT EXISTS elicit_descriptors_key ON elicit_descriptors(term_key);
`;

export const LEXICON_SCHEMA: Ddl = (t) => `
CREATE TABLE IF NOT EXISTS lexicon (
  descriptor TEXT PRIMARY KEY,
  term_key TEXT NOT NULL UNIQUE,
  variants TEXT NOT NULL,      -- JSON array of surface forms (normalized and raw) merged into this term
  count INTEGER NOT NULL,      -- respondents that named it
  n_models INTEGER NOT NULL,
  per_model TEXT NOT NULL,     -- JSON {model: respondents}
  first_seen TEXT NOT NULL     -- JSON array of the first respondent ids that named it
);
CREATE TABLE IF NOT EXISTS lexicon_merges (
  "from" TEXT PRIMARY KEY,
  "to" TEXT NOT NULL,
  similarity ${t.real} NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  method TEXT NOT NULL DEFAULT 'embedding',
  created_at TEXT NOT NULL DEFAULT (${t.now})
);
`;

export interface RespondentRow {
  id: string;
  seq: number;
  model: string;
  prompt_id: string;
  bank: string;
  sample: number;
  temperature: number;
  request_key: string | null;
  response_text: string | null;
  status: string;
  format: string | null;
  finish_reason: string | null;
  error: string | null;
  /** Prose answers: the size of the study vocabulary they were mined with (see ./prose.ts). */
  vocab_size: number | null;
  /** Prose answers: the words whose being in that vocabulary decided the mining, space-separated. */
  vocab_words: string | null;
}

export interface DescriptorRecord {
  respondent_id: string;
  position: number;
  raw: string;
  candidate: string | null;
  descriptor: string | null;
  term_key: string | null;
  reject: string | null;
}

export interface LexiconRow {
  descriptor: string;
  term_key: string;
  variants: string;
  count: number;
  n_models: number;
  per_model: string;
  first_seen: string;
}

interface ElicitTables extends Pick<CoreTables, 'requests'> {
  elicit_respondents: RespondentRow;
  elicit_descriptors: DescriptorRecord;
  lexicon: LexiconRow;
  lexicon_merges: { from: string; to: string; similarity: number; active: Generated<number>; method: Generated<string>; created_at: Generated<string> };
}

const db = (store: RunStore): TableDb<ElicitTables> => store.tables<ElicitTables>();

export function ensureElicitSchema(store: RunStore): void {
  store.ensureSchema('elicit', ELICIT_SCHEMA_VERSION, ELICIT_SCHEMA);
}

export function ensureLexiconSchema(store: RunStore): void {
  store.ensureSchema('lexicon', 1, LEXICON_SCHEMA);
}

/** Empty the stage's tables (the stage rebuilds them from the request cache every run). */
export function clearElicitation(store: RunStore): void {
  const t = db(store);
  t.transaction(() => {
    t.run(t.q.deleteFrom('elicit_descriptors'));
    t.run(t.q.deleteFrom('elicit_respondents'));
  });
}

/** The insert of one descriptor row, shared by the writer and the rewriter. */
function descriptorInsert(t: TableDb<ElicitTables>): Prepared<DescriptorRecord, unknown> {
  return t.prepare<DescriptorRecord>((p) =>
    t.q.insertInto('elicit_descriptors').values({
      respondent_id: p('respondent_id'),
      position: p('position'),
      raw: p('raw'),
      candidate: p('candidate'),
      descriptor: p('descriptor'),
      term_key: p('term_key'),
      reject: p('reject'),
    }),
  );
}

/** A writer of respondents with their descriptors: statements compiled once, one transaction per call. */
export function elicitationWriter(store: RunStore): (records: ReadonlyArray<{ respondent: RespondentRow; descriptors: readonly DescriptorRecord[] }>) => void {
  const t = db(store);
  const putRespondent = t.prepare<RespondentRow>((p) =>
    t.q
      .insertInto('elicit_respondents')
      .values({
        id: p('id'),
        seq: p('seq'),
        model: p('model'),
        prompt_id: p('prompt_id'),
        bank: p('bank'),
        sample: p('sample'),
        temperature: p('temperature'),
        request_key: p('request_key'),
        response_text: p('response_text'),
        status: p('status'),
        format: p('format'),
        finish_reason: p('finish_reason'),
        error: p('error'),
        vocab_size: p('vocab_size'),
        vocab_words: p('vocab_words'),
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          seq: eb.ref('excluded.seq'),
          model: eb.ref('excluded.model'),
          prompt_id: eb.ref('excluded.prompt_id'),
          bank: eb.ref('excluded.bank'),
          sample: eb.ref('excluded.sample'),
          temperature: eb.ref('excluded.temperature'),
          request_key: eb.ref('excluded.request_key'),
          response_text: eb.ref('excluded.response_text'),
          status: eb.ref('excluded.status'),
          format: eb.ref('excluded.format'),
          finish_reason: eb.ref('excluded.finish_reason'),
          error: eb.ref('excluded.error'),
          vocab_size: eb.ref('excluded.vocab_size'),
          vocab_words: eb.ref('excluded.vocab_words'),
        })),
      ),
  );
  const putDescriptor = descriptorInsert(t);
  return (records) =>
    t.transaction(() => {
      for (const r of records) {
        putRespondent.run(r.respondent);
        for (const d of r.descriptors) putDescriptor.run(d);
      }
    });
}

/**
 * Prose answers mined with a smaller study vocabulary than `vocabSize` words, after `afterSeq` in
 * seq order: those a word that came in later could change.
 */
export function staleProseAnswers(
  store: RunStore,
  vocabSize: number,
  afterSeq: number,
  limit: number,
): Array<{ id: string; seq: number; response_text: string; finish_reason: string | null; vocab_size: number; vocab_words: string }> {
  const t = db(store);
  return t.all(
    t.q
      .selectFrom('elicit_respondents')
      .select(['id', 'seq', sql<string>`response_text`.as('response_text'), 'finish_reason', sql<number>`vocab_size`.as('vocab_size'), sql<string>`vocab_words`.as('vocab_words')])
      .where('vocab_size', '<', vocabSize)
      .where('vocab_words', 'is not', null)
      .where('response_text', 'is not', null)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit),
  );
}

/** Replace prose answers' descriptors, status and mining record (mined again), one transaction per call. */
export function descriptorRewriter(
  store: RunStore,
): (records: ReadonlyArray<{ id: string; status: string; vocab_size: number | null; vocab_words: string | null; descriptors: readonly DescriptorRecord[] }>) => void {
  const t = db(store);
  const drop = t.prepare<{ id: string }>((p) => t.q.deleteFrom('elicit_descriptors').where('respondent_id', '=', p('id')));
  const setStatus = t.prepare<{ id: string; status: string; vocab_size: number | null; vocab_words: string | null }>((p) =>
    t.q
      .updateTable('elicit_respondents')
      .set({ status: p('status'), vocab_size: p('vocab_size'), vocab_words: p('vocab_words') })
      .where('id', '=', p('id')),
  );
  const putDescriptor = descriptorInsert(t);
  return (records) =>
    t.transaction(() => {
      for (const r of records) {
        drop.run({ id: r.id });
        setStatus.run({ id: r.id, status: r.status, vocab_size: r.vocab_size, vocab_words: r.vocab_words });
        for (const d of r.descriptors) putDescriptor.run(d);
      }
    });
}

/** Respondents per status, ordered by status. */
export function statusCounts(store: RunStore): Array<{ status: string; n: number }> {
  const t = db(store);
  return t.all(t.q.selectFrom('elicit_respondents').select(['status', sql<number>`COUNT(*)`.as('n')]).groupBy('status').orderBy('status'));
}

/** Accepted and rejected descriptor items. */
export function descriptorCounts(store: RunStore): { ok: number | null; bad: number | null } {
  const t = db(store);
  return t.get(sql<{ ok: number | null; bad: number | null }>`SELECT SUM(CASE WHEN reject IS NULL THEN 1 ELSE 0 END) AS ok, SUM(CASE WHEN reject IS NULL THEN 0 ELSE 1 END) AS bad FROM elicit_descriptors`)!;
}

/** Per model, each accepted term's count, most frequent first (for the stage summary). */
export function termCountsPerModel(store: RunStore): Array<{ model: string; descriptor: string; n: number }> {
  const t = db(store);
  return t.all(
    sql<{ model: string; descriptor: string; n: number }>`SELECT r.model AS model, MIN(d.descriptor) AS descriptor, COUNT(*) AS n FROM elicit_descriptors d JOIN elicit_respondents r ON r.id = d.respondent_id
       WHERE d.reject IS NULL AND r.status = 'ok' GROUP BY r.model, d.term_key ORDER BY r.model, n DESC, descriptor`,
  );
}

/** Accepted descriptors of parsed answers, in plan order (what the lexicon is built from). */
export function acceptedDescriptors(store: RunStore): IterableIterator<{ rid: string; model: string; raw: string; descriptor: string; key: string }> {
  const t = db(store);
  return t.iterate(
    sql<{ rid: string; model: string; raw: string; descriptor: string; key: string }>`SELECT d.respondent_id AS rid, r.model AS model, d.raw AS raw, d.descriptor AS descriptor, d.term_key AS key
       FROM elicit_descriptors d JOIN elicit_respondents r ON r.id = d.respondent_id
       WHERE d.reject IS NULL AND r.status = 'ok'
       ORDER BY r.seq, d.position`,
  );
}

/** Every accepted descriptor's respondent and term key (any respondent status). */
export function descriptorKeys(store: RunStore): IterableIterator<{ rid: string; key: string }> {
  const t = db(store);
  return t.iterate(t.q.selectFrom('elicit_descriptors').select(['respondent_id as rid', 'term_key as key']).where('reject', 'is', null)) as IterableIterator<{ rid: string; key: string }>;
}

/** Respondents whose answer parsed (status ok), in plan order. */
export function parsedRespondents(store: RunStore): Array<{ id: string; model: string }> {
  const t = db(store);
  return t.all(t.q.selectFrom('elicit_respondents').select(['id', 'model']).where('status', '=', 'ok').orderBy('seq'));
}

/**
 * Parsed answers (status ok) with the paper's respondent they belong to (model x prompt) and the
 * repeated measurement they are (temperature, sample), in plan order.
 */
export function parsedAnswers(store: RunStore): Array<{ id: string; model: string; prompt_id: string; temperature: number; sample: number }> {
  const t = db(store);
  return t.all(t.q.selectFrom('elicit_respondents').select(['id', 'model', 'prompt_id', 'temperature', 'sample']).where('status', '=', 'ok').orderBy('seq'));
}

/** Replace the lexicon with `rows` (one transaction). */
export function replaceLexicon(store: RunStore, rows: readonly LexiconRow[]): void {
  const t = db(store);
  const insert = t.prepare<LexiconRow>((p) =>
    t.q.insertInto('lexicon').values({ descriptor: p('descriptor'), term_key: p('term_key'), variants: p('variants'), count: p('count'), n_models: p('n_models'), per_model: p('per_model'), first_seen: p('first_seen') }),
  );
  t.transaction(() => {
    t.run(t.q.deleteFrom('lexicon'));
    for (const r of rows) insert.run(r);
  });
}

/** Lexicon rows with at least `minCount` respondents and `minModels` models, most frequent first. */
export function lexiconRows(store: RunStore, minCount: number, minModels: number, limit: number): Array<Omit<LexiconRow, 'term_key'>> {
  const t = db(store);
  return t.all(
    t.q
      .selectFrom('lexicon')
      .select(['descriptor', 'variants', 'count', 'n_models', 'per_model', 'first_seen'])
      .where('count', '>=', minCount)
      .where('n_models', '>=', minModels)
      .orderBy('count', 'desc')
      .orderBy('n_models', 'desc')
      .orderBy('descriptor', 'asc')
      .limit(limit),
  );
}

/** Each lexicon term's display name and merge key. */
export function lexiconKeys(store: RunStore): Array<{ descriptor: string; term_key: string }> {
  const t = db(store);
  return t.all(t.q.selectFrom('lexicon').select(['descriptor', 'term_key']));
}

export function lexiconKeyOf(store: RunStore, descriptor: string): string | undefined {
  const t = db(store);
  return t.get(t.q.selectFrom('lexicon').select('term_key').where('descriptor', '=', descriptor))?.term_key;
}

/** The answers behind the given term keys, in plan order. */
export function sourcesOfKeys(store: RunStore, keys: readonly string[], limit: number): Array<{ respondent_id: string; model: string; prompt_id: string; raw: string; response_text: string }> {
  const t = db(store);
  return t.all(
    t.q
      .selectFrom('elicit_descriptors as d')
      .innerJoin('elicit_respondents as r', 'r.id', 'd.respondent_id')
      .select(['d.respondent_id', 'r.model', 'r.prompt_id', 'd.raw', 'r.response_text'])
      .where('d.reject', 'is', null)
      .where('r.status', '=', 'ok')
      .where('d.term_key', 'in', [...keys])
      .orderBy('r.seq')
      .orderBy('d.position')
      .limit(limit),
  ) as Array<{ respondent_id: string; model: string; prompt_id: string; raw: string; response_text: string }>;
}

/** Active merges (from -> to). */
export function activeMerges(store: RunStore): Array<{ f: string; t: string }> {
  const t = db(store);
  return t.all(t.q.selectFrom('lexicon_merges').select(['from as f', 'to as t']).where('active', '=', 1));
}

export function putMerges(store: RunStore, merges: ReadonlyArray<{ from: string; to: string; similarity: number; method: string }>): void {
  const t = db(store);
  const put = t.prepare<{ from: string; to: string; similarity: number; method: string }>((p) =>
    t.q
      .insertInto('lexicon_merges')
      .values({ from: p('from'), to: p('to'), similarity: p('similarity'), active: 1, method: p('method') })
      .onConflict((oc) =>
        oc.column('from').doUpdateSet((eb) => ({ to: eb.ref('excluded.to'), similarity: eb.ref('excluded.similarity'), active: 1, method: eb.ref('excluded.method') })),
      ),
  );
  t.transaction(() => {
    for (const m of merges) put.run(m);
  });
}

export function mergeRows(store: RunStore): Array<{ f: string; t: string; similarity: number; active: number }> {
  const t = db(store);
  return t.all(t.q.selectFrom('lexicon_merges').select(['from as f', 'to as t', 'similarity', 'active']).orderBy('similarity', 'desc'));
}

/** Switch a recorded merge on or off; false when there is none for `from`. */
export function setMergeRow(store: RunStore, from: string, active: boolean): boolean {
  const t = db(store);
  return t.run(t.q.updateTable('lexicon_merges').set({ active: active ? 1 : 0 }).where('from', '=', from)) > 0;
}

/** Answered elicitation requests with the request they came from (labelable pairs), in plan order. */
export function answeredRespondents(store: RunStore, limit: number, offset: number): Array<{ id: string; model: string; response_text: string; request: string | null }> {
  const t = db(store);
  return t.all(
    t.q
      .selectFrom('elicit_respondents as r')
      .leftJoin('requests as q', 'q.key', 'r.request_key')
      .select(['r.id', 'r.model', 'r.response_text', 'q.request'])
      .where('r.response_text', 'is not', null)
      .orderBy('r.seq')
      .limit(limit)
      .offset(offset),
  ) as Array<{ id: string; model: string; response_text: string; request: string | null }>;
}

/** Whether `id` names an answered respondent (a pair the viewer may label). */
export function isAnsweredRespondent(store: RunStore, id: string): boolean {
  const t = db(store);
  return t.get(t.q.selectFrom('elicit_respondents').select('id').where('id', '=', id).where('response_text', 'is not', null)) !== undefined;
}
