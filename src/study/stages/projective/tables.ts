/**
 * The projective stage's tables: completions (made by the models or imported), the judges'
 * scores per dimension with the judge configuration, the repeated scores of the stability check
 * and the scores with the dimensions listed in reverse order (order check).
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

interface ProjectiveTables {
  projective_completions: CompletionRow;
  projective_scores: ScoreRecord;
  projective_judge_repeats: RepeatRecord;
  projective_order_scores: OrderRecord;
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
}

export function clearProjective(store: RunStore): void {
  const t = db(store);
  t.transaction(() => {
    t.run(t.q.deleteFrom('projective_scores'));
    t.run(t.q.deleteFrom('projective_completions'));
    t.run(t.q.deleteFrom('projective_judge_repeats'));
    t.run(t.q.deleteFrom('projective_order_scores'));
  });
}

export interface ProjectiveWriter {
  completion(row: CompletionRow): void;
  /** One completion's scores by one judge (with repeats and order-check scores), in one transaction. */
  scores(scores: readonly ScoreRecord[], repeats: readonly RepeatRecord[], order: readonly OrderRecord[]): void;
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
  const putRepeat = t.prepare<RepeatRecord>((p) =>
    t.q
      .insertInto('projective_judge_repeats')
      .values({ completion_id: p('completion_id'), judge: p('judge'), repeat: p('repeat'), dimension: p('dimension'), score: p('score') })
      .onConflict((oc) => oc.columns(['completion_id', 'judge', 'repeat', 'dimension']).doUpdateSet((eb) => ({ score: eb.ref('excluded.score') }))),
  );
  const putOrder = t.prepare<OrderRecord>((p) =>
    t.q
      .insertInto('projective_order_scores')
      .values({ completion_id: p('completion_id'), judge: p('judge'), dimension: p('dimension'), score: p('score') })
      .onConflict((oc) => oc.columns(['completion_id', 'judge', 'dimension']).doUpdateSet((eb) => ({ score: eb.ref('excluded.score') }))),
  );
  return {
    completion: (row) => void putCompletion.run(row),
    scores: (scores, repeats, order) =>
      t.transaction(() => {
        for (const s of scores) putScore.run(s);
        for (const r of repeats) putRepeat.run(r);
        for (const o of order) putOrder.run(o);
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

/** Valid repeated scores with their completion's item, by repeat. */
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
