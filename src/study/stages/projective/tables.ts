/**
 * The projective stage's tables: completions (made by the models or imported), the judges'
 * scores per dimension with the judge configuration, and the scores with the dimensions listed in
 * reverse order (order check). A second table set holds what measures the instrument: the
 * completions and scores of the retest administration (kept apart, so nothing that reads the main
 * administration can mix them in) and the judge's re-scorings (repeats at a sampling temperature,
 * paraphrased instruction variants) with a hash of each raw answer. `projective_judge_repeats` is
 * read only for runs made before those tables existed (repeats at the judge's own temperature).
 */
import type { RunStore } from '../../../store/store.js';
import type { Ddl, TableDb } from '../../../store/sql.js';

const SCHEMA: Ddl = () => `
CREATE TABLE IF NOT EXISTS projective_completions (
  id TEXT PRIMARY KEY,            -- model/item/s<sample>
  model TEXT NOT NULL,
  item TEXT NOT NULL,
  sample INTEGER NOT NULL,
  stem TEXT NOT NULL,
  completion TEXT,
  request_key TEXT
);
CREATE TABLE IF NOT EXISTS projective_scores (
  completion_id TEXT NOT NULL,
  judge TEXT NOT NULL,
  dimension TEXT NOT NULL,
  score INTEGER,                  -- NULL when the judge never gave a valid answer
  judge_config TEXT NOT NULL,     -- provider, model, version, temperature, seed, template, rubric hash
  PRIMARY KEY (completion_id, judge, dimension)
);
CREATE TABLE IF NOT EXISTS projective_judge_repeats (
  completion_id TEXT NOT NULL,
  judge TEXT NOT NULL,
  repeat INTEGER NOT NULL,
  dimension TEXT NOT NULL,
  score INTEGER,
  PRIMARY KEY (completion_id, judge, repeat, dimension)
);
CREATE TABLE IF NOT EXISTS projective_order_scores (
  completion_id TEXT NOT NULL,
  judge TEXT NOT NULL,
  dimension TEXT NOT NULL,
  score INTEGER,                  -- the score with the dimensions listed in reverse order
  PRIMARY KEY (completion_id, judge, dimension)
);`;

/** The injection check: a sample of completions scored again with an instruction appended inside the fence. */
const INJECTION_SCHEMA: Ddl = () => `
CREATE TABLE IF NOT EXISTS projective_injection_scores (
  completion_id TEXT NOT NULL,
  judge TEXT NOT NULL,
  dimension TEXT NOT NULL,
  score INTEGER,                  -- the score with the instruction appended; NULL when the judge gave no valid answer
  PRIMARY KEY (completion_id, judge, dimension)
);`;

const CHECKS_SCHEMA: Ddl = (t) => `
CREATE TABLE IF NOT EXISTS projective_retest_completions (
  id TEXT PRIMARY KEY,            -- model/item/a<administration>/s<sample>
  model TEXT NOT NULL,
  item TEXT NOT NULL,
  sample INTEGER NOT NULL,
  administration INTEGER NOT NULL, -- 1: the retest (the main administration, 0, is projective_completions)
  stem TEXT NOT NULL,
  completion TEXT,
  request_key TEXT
);
CREATE TABLE IF NOT EXISTS projective_retest_scores (
  completion_id TEXT NOT NULL,
  judge TEXT NOT NULL,
  dimension TEXT NOT NULL,
  score INTEGER,
  judge_config TEXT NOT NULL,
  PRIMARY KEY (completion_id, judge, dimension)
);
CREATE TABLE IF NOT EXISTS projective_judge_rescores (
  completion_id TEXT NOT NULL,
  judge TEXT NOT NULL,
  kind TEXT NOT NULL,             -- repeat (same prompt, sampling temperature) | variant (paraphrased instructions)
  k INTEGER NOT NULL,             -- repeat 1..k or variant 1..n
  dimension TEXT NOT NULL,
  score INTEGER,                  -- NULL when the judge never gave a valid answer
  answer_hash TEXT,               -- hash of the raw answer: byte-identical repeats mean a deterministic judge
  temperature ${t.real} NOT NULL,
  PRIMARY KEY (completion_id, judge, kind, k, dimension)
);`;

export interface CompletionRow {
  id: string;
  model: string;
  item: string;
  sample: number;
  stem: string;
  completion: string | null;
  request_key: string | null;
}

export interface ScoreRecord {
  completion_id: string;
  judge: string;
  dimension: string;
  score: number | null;
  judge_config: string;
}

export interface RepeatRecord {
  completion_id: string;
  judge: string;
  repeat: number;
  dimension: string;
  score: number | null;
}

export type OrderRecord = Omit<ScoreRecord, 'judge_config'>;

export interface RetestCompletionRow extends CompletionRow {
  administration: number;
}

export type RescoreKind = 'repeat' | 'variant';

export interface RescoreRecord {
  completion_id: string;
  judge: string;
  kind: RescoreKind;
  k: number;
  dimension: string;
  score: number | null;
  answer_hash: string | null;
  temperature: number;
}

interface ProjectiveTables {
  projective_completions: CompletionRow;
  projective_scores: ScoreRecord;
  projective_judge_repeats: RepeatRecord;
  projective_order_scores: OrderRecord;
  projective_retest_completions: RetestCompletionRow;
  projective_retest_scores: ScoreRecord;
  projective_judge_rescores: RescoreRecord;
  projective_injection_scores: OrderRecord;
}

/** One judged score joined with its completion. */
export interface ScoreRow {
  model: string;
  item: string;
  id: string;
  sample?: number;
  judge: string;
  dimension: string;
  score: number;
}

const db = (store: RunStore): TableDb<ProjectiveTables> => store.tables<ProjectiveTables>();

export function ensureProjectiveSchema(store: RunStore): void {
  store.ensureSchema('projective', 2, SCHEMA);
  store.ensureSchema('projective_checks', 1, CHECKS_SCHEMA);
  store.ensureSchema('projective_injection', 1, INJECTION_SCHEMA);
}

export function clearProjective(store: RunStore): void {
  const t = db(store);
  t.transaction(() => {
    t.run(t.q.deleteFrom('projective_scores'));
    t.run(t.q.deleteFrom('projective_completions'));
    t.run(t.q.deleteFrom('projective_judge_repeats'));
    t.run(t.q.deleteFrom('projective_order_scores'));
    t.run(t.q.deleteFrom('projective_retest_scores'));
    t.run(t.q.deleteFrom('projective_retest_completions'));
    t.run(t.q.deleteFrom('projective_judge_rescores'));
    t.run(t.q.deleteFrom('projective_injection_scores'));
  });
}

export interface ProjectiveWriter {
  completion(row: CompletionRow): void;
  /** One completion's scores by one judge (with its order-check scores and re-scorings), in one transaction. */
  scores(scores: readonly ScoreRecord[], order: readonly OrderRecord[], rescores?: readonly RescoreRecord[]): void;
  /** A completion of the retest administration. */
  retestCompletion(row: RetestCompletionRow): void;
  /** One retest completion's scores by one judge. */
  retestScores(scores: readonly ScoreRecord[]): void;
  /** One completion's scores by one judge with the injected instruction appended (injection check). */
  injectionScores(scores: readonly OrderRecord[]): void;
}

/** Statements compiled once for the whole stage. */
export function projectiveWriter(store: RunStore): ProjectiveWriter {
  const t = db(store);
  const putCompletion = t.prepare<CompletionRow>((p) =>
    t.q
      .insertInto('projective_completions')
      .values({ id: p('id'), model: p('model'), item: p('item'), sample: p('sample'), stem: p('stem'), completion: p('completion'), request_key: p('request_key') })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          model: eb.ref('excluded.model'),
          item: eb.ref('excluded.item'),
          sample: eb.ref('excluded.sample'),
          stem: eb.ref('excluded.stem'),
          completion: eb.ref('excluded.completion'),
          request_key: eb.ref('excluded.request_key'),
        })),
      ),
  );
  const putScore = t.prepare<ScoreRecord>((p) =>
    t.q
      .insertInto('projective_scores')
      .values({ completion_id: p('completion_id'), judge: p('judge'), dimension: p('dimension'), score: p('score'), judge_config: p('judge_config') })
      .onConflict((oc) => oc.columns(['completion_id', 'judge', 'dimension']).doUpdateSet((eb) => ({ score: eb.ref('excluded.score'), judge_config: eb.ref('excluded.judge_config') }))),
  );
  const putRetestCompletion = t.prepare<RetestCompletionRow>((p) =>
    t.q
      .insertInto('projective_retest_completions')
      .values({ id: p('id'), model: p('model'), item: p('item'), sample: p('sample'), administration: p('administration'), stem: p('stem'), completion: p('completion'), request_key: p('request_key') })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          model: eb.ref('excluded.model'),
          item: eb.ref('excluded.item'),
          sample: eb.ref('excluded.sample'),
          administration: eb.ref('excluded.administration'),
          stem: eb.ref('excluded.stem'),
          completion: eb.ref('excluded.completion'),
          request_key: eb.ref('excluded.request_key'),
        })),
      ),
  );
  const putRetestScore = t.prepare<ScoreRecord>((p) =>
    t.q
      .insertInto('projective_retest_scores')
      .values({ completion_id: p('completion_id'), judge: p('judge'), dimension: p('dimension'), score: p('score'), judge_config: p('judge_config') })
      .onConflict((oc) => oc.columns(['completion_id', 'judge', 'dimension']).doUpdateSet((eb) => ({ score: eb.ref('excluded.score'), judge_config: eb.ref('excluded.judge_config') }))),
  );
  const putRescore = t.prepare<RescoreRecord>((p) =>
    t.q
      .insertInto('projective_judge_rescores')
      .values({ completion_id: p('completion_id'), judge: p('judge'), kind: p('kind'), k: p('k'), dimension: p('dimension'), score: p('score'), answer_hash: p('answer_hash'), temperature: p('temperature') })
      .onConflict((oc) =>
        oc.columns(['completion_id', 'judge', 'kind', 'k', 'dimension']).doUpdateSet((eb) => ({ score: eb.ref('excluded.score'), answer_hash: eb.ref('excluded.answer_hash'), temperature: eb.ref('excluded.temperature') })),
      ),
  );
  const putOrder = t.prepare<OrderRecord>((p) =>
    t.q
      .insertInto('projective_order_scores')
      .values({ completion_id: p('completion_id'), judge: p('judge'), dimension: p('dimension'), score: p('score') })
      .onConflict((oc) => oc.columns(['completion_id', 'judge', 'dimension']).doUpdateSet((eb) => ({ score: eb.ref('excluded.score') }))),
  );
  const putInjection = t.prepare<OrderRecord>((p) =>
    t.q
      .insertInto('projective_injection_scores')
      .values({ completion_id: p('completion_id'), judge: p('judge'), dimension: p('dimension'), score: p('score') })
      .onConflict((oc) => oc.columns(['completion_id', 'judge', 'dimension']).doUpdateSet((eb) => ({ score: eb.ref('excluded.score') }))),
  );
  return {
    completion: (row) => void putCompletion.run(row),
    scores: (scores, order, rescores = []) =>
      t.transaction(() => {
        for (const s of scores) putScore.run(s);
        for (const o of order) putOrder.run(o);
        for (const r of rescores) putRescore.run(r);
      }),
    retestCompletion: (row) => void putRetestCompletion.run(row),
    retestScores: (scores) =>
      t.transaction(() => {
        for (const s of scores) putRetestScore.run(s);
      }),
    injectionScores: (scores) =>
      t.transaction(() => {
        for (const s of scores) putInjection.run(s);
      }),
  };
}

/** Every valid score with its completion (the order is the caller's to fix: see `unitOrder`). */
export function scoredRows(store: RunStore): ScoreRow[] {
  const t = db(store);
  return t.all(
    t.q
      .selectFrom('projective_scores as s')
      .innerJoin('projective_completions as c', 'c.id', 's.completion_id')
      .select(['c.model', 'c.item', 'c.id', 'c.sample', 's.judge', 's.dimension', 's.score'])
      .where('s.score', 'is not', null),
  ) as ScoreRow[];
}

/** As `scoredRows`, with the completion text. */
export function scoredRowsWithText(store: RunStore): Array<ScoreRow & { completion: string }> {
  const t = db(store);
  return t.all(
    t.q
      .selectFrom('projective_scores as s')
      .innerJoin('projective_completions as c', 'c.id', 's.completion_id')
      .select(['c.model', 'c.item', 'c.id', 'c.sample', 'c.completion', 's.judge', 's.dimension', 's.score'])
      .where('s.score', 'is not', null),
  ) as Array<ScoreRow & { completion: string }>;
}

/** Models with completions, by name. */
export function completionModels(store: RunStore): string[] {
  const t = db(store);
  return t.all(t.q.selectFrom('projective_completions').select('model').distinct().orderBy('model')).map((r) => r.model);
}

export function completionSamples(store: RunStore): Array<{ id: string; sample: number }> {
  const t = db(store);
  return t.all(t.q.selectFrom('projective_completions').select(['id', 'sample']));
}

/** Every judge's score (valid or not) on one dimension. */
export function dimensionScores(store: RunStore, dimension: string): Array<{ completion_id: string; judge: string; score: number | null }> {
  const t = db(store);
  return t.all(t.q.selectFrom('projective_scores').select(['completion_id', 'judge', 'score']).where('dimension', '=', dimension));
}

/** The judge configurations the stored scores were made with. */
export function storedJudgeConfigs(store: RunStore): Array<{ judge: string; judge_config: string }> {
  const t = db(store);
  return t.all(t.q.selectFrom('projective_scores').select(['judge', 'judge_config']).distinct());
}

/** Every valid score of the retest administration(s) with its completion and administration. */
export function retestScoredRows(store: RunStore): Array<ScoreRow & { administration: number }> {
  const t = db(store);
  return t.all(
    t.q
      .selectFrom('projective_retest_scores as s')
      .innerJoin('projective_retest_completions as c', 'c.id', 's.completion_id')
      .select(['c.model', 'c.item', 'c.id', 'c.sample', 'c.administration', 's.judge', 's.dimension', 's.score'])
      .where('s.score', 'is not', null),
  ) as Array<ScoreRow & { administration: number }>;
}

/** The judge's re-scorings (valid or not) with their completion's item, in (kind, k) order (the caller groups them). */
export function rescoreRows(store: RunStore): Array<RescoreRecord & { item: string }> {
  const t = db(store);
  return t.all(
    t.q
      .selectFrom('projective_judge_rescores as r')
      .innerJoin('projective_completions as c', 'c.id', 'r.completion_id')
      .select(['r.completion_id', 'c.item', 'r.judge', 'r.kind', 'r.k', 'r.dimension', 'r.score', 'r.answer_hash', 'r.temperature'])
      .orderBy('r.kind')
      .orderBy('r.k'),
  ) as Array<RescoreRecord & { item: string }>;
}

/** Valid repeated scores of runs made before re-scorings had their own table (repeats at the judge's temperature), by repeat. */
export function repeatScores(store: RunStore): Array<{ id: string; item: string; judge: string; dimension: string; score: number }> {
  const t = db(store);
  return t.all(
    t.q
      .selectFrom('projective_judge_repeats as r')
      .innerJoin('projective_completions as c', 'c.id', 'r.completion_id')
      .select(['r.completion_id as id', 'c.item', 'r.judge', 'r.dimension', 'r.score'])
      .where('r.score', 'is not', null)
      .orderBy('r.repeat'),
  ) as Array<{ id: string; item: string; judge: string; dimension: string; score: number }>;
}

/** Valid scores of the order check. */
export function orderScores(store: RunStore): Array<{ id: string; judge: string; dimension: string; score: number }> {
  const t = db(store);
  return t.all(
    t.q
      .selectFrom('projective_order_scores')
      .select(['completion_id as id', 'judge', 'dimension', 'score'])
      .where('score', 'is not', null)
      .orderBy('completion_id')
      .orderBy('judge')
      .orderBy('dimension'),
  ) as Array<{ id: string; judge: string; dimension: string; score: number }>;
}

/** Valid scores of the injection check (the instruction appended inside the fence). */
export function injectionScores(store: RunStore): Array<{ id: string; judge: string; dimension: string; score: number }> {
  const t = db(store);
  return t.all(
    t.q
      .selectFrom('projective_injection_scores')
      .select(['completion_id as id', 'judge', 'dimension', 'score'])
      .where('score', 'is not', null)
      .orderBy('completion_id')
      .orderBy('judge')
      .orderBy('dimension'),
  ) as Array<{ id: string; judge: string; dimension: string; score: number }>;
}

/** Completions with every judge score, for browsing (the viewer). */
export function completionsWithScores(
  store: RunStore,
  limit: number,
): { completions: Array<Pick<CompletionRow, 'id' | 'model' | 'item' | 'stem' | 'completion'>>; scores: Array<{ completion_id: string; judge: string; dimension: string; score: number | null }> } {
  const t = db(store);
  return {
    completions: t.all(t.q.selectFrom('projective_completions').select(['id', 'model', 'item', 'stem', 'completion']).orderBy('model').orderBy('item').orderBy('sample').limit(limit)),
    scores: t.all(t.q.selectFrom('projective_scores').select(['completion_id', 'judge', 'dimension', 'score']).orderBy('judge').orderBy('dimension')),
  };
}
