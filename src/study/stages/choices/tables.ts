/**
 * The choices stage's tables: the dilemmas (every candidate the generator wrote, with the pair of
 * values it opposes, its template and what became of it) and the models' answers (one row per
 * model, dilemma, framing, option order and sample; the letter, or NULL when the answer stayed
 * malformed after the re-ask). DDL and every statement on them, as typed functions.
 */
import type { RunStore } from '../../../store/store.js';
import type { Ddl, TableDb } from '../../../store/sql.js';

/** The stage rebuilds both tables from the request cache on every run: a schema change simply drops them. */
export const CHOICES_SCHEMA_VERSION = 1;
const SCHEMA: Ddl = (t) => `
CREATE TABLE IF NOT EXISTS choice_dilemmas (
  id TEXT PRIMARY KEY,            -- <value_a>~<value_b>/<slot>
  pair TEXT NOT NULL,             -- <value_a>~<value_b>, value_a first in the value system's order
  value_a TEXT NOT NULL,
  value_b TEXT NOT NULL,
  slot INTEGER NOT NULL,          -- the pair's n-th candidate
  round INTEGER NOT NULL,         -- generation round that wrote it
  template TEXT NOT NULL,
  setting TEXT NOT NULL,          -- everyday | assistant
  dilemma TEXT,                   -- NULL when the generator never gave a valid answer
  option_a TEXT,                  -- the action honouring value_a
  option_b TEXT,                  -- the action honouring value_b
  status TEXT NOT NULL,           -- kept | malformed | duplicate | unverified | unchecked
  duplicate_of TEXT,
  similarity ${t.real},           -- highest similarity to an earlier kept dilemma
  verified_as TEXT,               -- the judge's mapping (JSON [value of option_a, value of option_b]) when checked
  request_key TEXT
);
CREATE TABLE IF NOT EXISTS choice_answers (
  id TEXT PRIMARY KEY,            -- <model>/<dilemma>/<framing>/<order>/s<sample>
  model TEXT NOT NULL,
  dilemma_id TEXT NOT NULL,
  framing TEXT NOT NULL,          -- act | reject
  option_order TEXT NOT NULL,     -- ab (option_a shown as A) | ba (option_b shown as A)
  sample INTEGER NOT NULL,
  answer TEXT,                    -- the last answer's text
  letter TEXT,                    -- A | B; NULL = missing after the re-ask
  preferred TEXT,                 -- the value preferred (framing recoded); NULL when missing
  attempts INTEGER NOT NULL,
  request_key TEXT
);
CREATE INDEX IF NOT EXISTS choice_answers_model ON choice_answers(model);
`;

export interface DilemmaRow {
  id: string;
  pair: string;
  value_a: string;
  value_b: string;
  slot: number;
  round: number;
  template: string;
  setting: string;
  dilemma: string | null;
  option_a: string | null;
  option_b: string | null;
  status: 'kept' | 'malformed' | 'duplicate' | 'unverified' | 'unchecked';
  duplicate_of: string | null;
  similarity: number | null;
  verified_as: string | null;
  request_key: string | null;
}

export interface AnswerRow {
  id: string;
  model: string;
  dilemma_id: string;
  framing: 'act' | 'reject';
  option_order: 'ab' | 'ba';
  sample: number;
  answer: string | null;
  letter: 'A' | 'B' | null;
  preferred: string | null;
  attempts: number;
  request_key: string | null;
}

interface ChoicesTables {
  choice_dilemmas: DilemmaRow;
  choice_answers: AnswerRow;
}

const db = (store: RunStore): TableDb<ChoicesTables> => store.tables<ChoicesTables>();

export function ensureChoicesSchema(store: RunStore): void {
  store.ensureSchema('choices', CHOICES_SCHEMA_VERSION, SCHEMA);
}

/** Empty both tables (the stage rebuilds them from the request cache). */
export function clearChoices(store: RunStore): void {
  const t = db(store);
  t.transaction(() => {
    t.run(t.q.deleteFrom('choice_answers'));
    t.run(t.q.deleteFrom('choice_dilemmas'));
  });
}

/** Store a round's candidate dilemmas (one transaction; a candidate stored again is replaced). */
export function putDilemmas(store: RunStore, rows: readonly DilemmaRow[]): void {
  const t = db(store);
  const insert = t.prepare<DilemmaRow>((p) =>
    t.q
      .insertInto('choice_dilemmas')
      .values({
        id: p('id'), pair: p('pair'), value_a: p('value_a'), value_b: p('value_b'), slot: p('slot'), round: p('round'), template: p('template'), setting: p('setting'),
        dilemma: p('dilemma'), option_a: p('option_a'), option_b: p('option_b'), status: p('status'), duplicate_of: p('duplicate_of'), similarity: p('similarity'), verified_as: p('verified_as'), request_key: p('request_key'),
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          round: eb.ref('excluded.round'),
          template: eb.ref('excluded.template'),
          setting: eb.ref('excluded.setting'),
          dilemma: eb.ref('excluded.dilemma'),
          option_a: eb.ref('excluded.option_a'),
          option_b: eb.ref('excluded.option_b'),
          status: eb.ref('excluded.status'),
          duplicate_of: eb.ref('excluded.duplicate_of'),
          similarity: eb.ref('excluded.similarity'),
          verified_as: eb.ref('excluded.verified_as'),
          request_key: eb.ref('excluded.request_key'),
        })),
      ),
  );
  t.transaction(() => {
    for (const r of rows) insert.run(r);
  });
}

/** A writer of answers (compiled once; one transaction per call). */
export function answerWriter(store: RunStore): (rows: readonly AnswerRow[]) => void {
  const t = db(store);
  const insert = t.prepare<AnswerRow>((p) =>
    t.q
      .insertInto('choice_answers')
      .values({
        id: p('id'), model: p('model'), dilemma_id: p('dilemma_id'), framing: p('framing'), option_order: p('option_order'), sample: p('sample'),
        answer: p('answer'), letter: p('letter'), preferred: p('preferred'), attempts: p('attempts'), request_key: p('request_key'),
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          answer: eb.ref('excluded.answer'),
          letter: eb.ref('excluded.letter'),
          preferred: eb.ref('excluded.preferred'),
          attempts: eb.ref('excluded.attempts'),
          request_key: eb.ref('excluded.request_key'),
        })),
      ),
  );
  return (rows) =>
    t.transaction(() => {
      for (const r of rows) insert.run(r);
    });
}

/** Every candidate dilemma, by id (the caller orders by code point where it matters). */
export function dilemmaRows(store: RunStore): DilemmaRow[] {
  const t = db(store);
  return t.all(t.q.selectFrom('choice_dilemmas').selectAll()) as DilemmaRow[];
}

/** Every answer (valid or missing). */
export function answerRows(store: RunStore): AnswerRow[] {
  const t = db(store);
  return t.all(t.q.selectFrom('choice_answers').selectAll()) as AnswerRow[];
}
