/**
 * Every statement of the query layer on both databases: each `tables.ts` function (and the store's
 * own) runs on SQLite and on a real PostgreSQL (test/helpers/postgres.ts) with the same data, and
 * the results are equal. A tables.ts function this test does not call fails it, so a new statement
 * cannot skip PostgreSQL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as embedTables from '../../src/embed/tables.js';
import * as evaluationTables from '../../src/evaluation/tables.js';
import { RunStore } from '../../src/store/store.js';
import * as choicesTables from '../../src/study/stages/choices/tables.js';
import * as elicitTables from '../../src/study/stages/elicit/tables.js';
import * as projectiveTables from '../../src/study/stages/projective/tables.js';
import * as rateTables from '../../src/study/stages/rate/tables.js';
import * as taxonomyTables from '../../src/study/stages/taxonomy/tables.js';
import * as studyTables from '../../src/study/tables.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';

const server = await startTestPostgres();
if (typeof server === 'string') console.warn(`test/store/dialects.test.ts: SKIPPED: ${server}`);

const MODULES = { elicitTables, rateTables, taxonomyTables, projectiveTables, choicesTables, studyTables, evaluationTables, embedTables } as const;

/** The modules with each function call recorded (DDL constants aside). */
function recorded(called: Set<string>): typeof MODULES {
  const wrap = <M extends object>(name: string, m: M): M =>
    new Proxy(m, {
      get(target, key) {
        const v = (target as Record<string | symbol, unknown>)[key];
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          called.add(`${name}.${String(key)}`);
          return (v as (...a: unknown[]) => unknown)(...args);
        };
      },
    });
  return Object.fromEntries(Object.entries(MODULES).map(([k, m]) => [k, wrap(k, m)])) as unknown as typeof MODULES;
}

const byJson = <T>(rows: readonly T[]): T[] => [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
const bytes = (v: Uint8Array): number[] => Array.from(v);

/** Writes the same data through every statement and returns what the reads give. */
function exercise(store: RunStore, called: Set<string>): Record<string, unknown> {
  const { elicitTables: e, rateTables: r, taxonomyTables: x, projectiveTables: p, choicesTables: c, studyTables: s, evaluationTables: v, embedTables: m } = recorded(called);
  const out: Record<string, unknown> = {};

  // The store's own tables. Models are upserted in configuration order every time an engine opens
  // (the order listModels keeps: first insertion on SQLite, latest version on PostgreSQL).
  const alpha = { name: 'alpha', provider: 'simulated', model: 'sim/a', kind: 'completion', base_url: 'http://h', tags: {}, simulated: true, config: { x: 1 } };
  store.upsertModel({ name: 'zeta', provider: 'openai', model: 'z', kind: 'chat', tags: { size: '8B' }, simulated: false, config: {} });
  store.upsertModel(alpha);
  store.upsertModel({ name: 'zeta', provider: 'openai', model: 'z2', kind: 'chat', tags: { size: '8B' }, simulated: false, config: {} });
  store.upsertModel(alpha);
  out.models = store.listModels();
  // A model seen simulated stays labelled: a later upsert saying otherwise does not undo it.
  store.markModelSimulated('zeta', { source: 'server', detail: 'the server declared x-valuelex-simulated: true' });
  store.markModelSimulated('zeta', { source: 'provider', detail: 'kept: the first evidence stays' });
  store.upsertModel({ name: 'zeta', provider: 'openai', model: 'z2', kind: 'chat', tags: { size: '8B' }, simulated: false, config: {} });
  out.modelsMarked = store.listModels().map((m) => [m.name, m.simulated]).sort();
  out.evidence = Object.entries(store.simulationEvidence()).map(([k, v]) => [k, v.source, v.detail, /^\d{4}-\d\d-\d\dT/.test(v.first_seen)]);
  const ans = (key: string, model: string, text: string): Parameters<RunStore['putResponse']>[0] => ({
    key, stage: 'elicit', model_name: model, provider: 'openai', model: 'z', request: { messages: [{ role: 'user', content: `ask ${key}` }] }, text, input_tokens: 3, output_tokens: 5, cost_usd: 0.25, latency_ms: 12.5, attempts: 1,
  });
  store.putResponse(ans('k1', 'zeta', 'honesty, kindness'));
  store.putResponse(ans('k2', 'alpha', 'Fairness'));
  out.pendingAnswer = store.getResponse('k1');
  store.flush();
  store.putError({ key: 'k3', stage: 'rate', model_name: 'zeta', provider: 'openai', model: 'z', request: {}, attempts: 2, error: 'HTTP 500' });
  store.putError({ key: 'k3', stage: 'rate', model_name: 'zeta', provider: 'openai', model: 'z', request: {}, attempts: 2, error: 'HTTP 503' });
  store.putResponse({ ...ans('k3', 'zeta', 'late answer'), attempts: 1 });
  store.putError({ key: 'k1', stage: 'elicit', model_name: 'zeta', provider: 'openai', model: 'z', request: {}, attempts: 1, error: 'ignored: k1 is answered' });
  // A reused answer counts once however often it is read again (a resumed run reads them all again).
  store.countCacheHit('elicit', 'zeta', 'k1');
  store.countCacheHit('elicit', 'zeta', 'k1');
  store.countCacheHit('rate', 'zeta', 'k3');
  out.answers = ['k1', 'k2', 'k3', 'k4'].map((k) => store.getResponse(k));
  out.cost = store.costSummary();
  const id = store.startStage('elicit', { a: 1 });
  store.finishStage(id, { terms: 3 });
  const failed = store.startStage('rate', {});
  store.failStage(failed, 'boom');
  out.lastStage = { ...store.lastStage('elicit'), finished_at: 'T' };
  out.lastFailed = { ...store.lastStage('rate'), finished_at: 'T' };
  out.stageRuns = store.stageRuns().map((s) => ({ ...s, started_at: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(s.started_at), finished_at: s.finished_at !== null }));
  store.setMetaJson('m', { b: [1, 2] });
  out.meta = [store.getMetaJson('m'), store.getMeta('absent')];
  // A stage left running by a killed process is marked interrupted when the next process takes the lock.
  store.startStage('taxonomy', {});
  const release = store.acquireRunLock('test');
  out.locked = store.getMeta('run_lock') !== undefined;
  out.lockRecord = Object.keys(JSON.parse(store.getMeta('run_lock')!) as object).sort();
  release();
  out.unlocked = store.getMeta('run_lock');
  out.interrupted = store.stageRuns().map((s) => s.status);
  out.lastInterrupted = { ...store.lastStage('taxonomy'), finished_at: 'T' };

  // elicit
  e.ensureElicitSchema(store);
  e.ensureLexiconSchema(store);
  e.clearElicitation(store);
  const respondent = (id: string, seq: number, model: string, status: string, key: string | null): elicitTables.RespondentRow => ({
    id, seq, model, prompt_id: 'p1', bank: 'elicit@1', sample: seq, temperature: 0.7, request_key: key, response_text: status === 'error' ? null : `text ${id}`, status, format: 'list', finish_reason: 'stop', error: null, vocab_size: null, vocab_words: null,
  });
  const d = (rid: string, position: number, descriptor: string | null, reject: string | null = null): elicitTables.DescriptorRecord => ({
    respondent_id: rid, position, raw: descriptor ?? 'junk!', candidate: descriptor, descriptor, term_key: descriptor?.replace(/[\s-]/g, '') ?? null, reject,
  });
  const write = e.elicitationWriter(store);
  write([
    { respondent: respondent('zeta/p1/s0', 0, 'zeta', 'ok', 'k1'), descriptors: [d('zeta/p1/s0', 0, 'honesty'), d('zeta/p1/s0', 1, 'kindness'), d('zeta/p1/s0', 2, null, 'junk')] },
    { respondent: respondent('alpha/p1/s1', 1, 'alpha', 'ok', 'k2'), descriptors: [d('alpha/p1/s1', 0, 'fairness'), d('alpha/p1/s1', 1, 'honesty'), d('alpha/p1/s1', 2, 'honesty', 'duplicate')] },
    { respondent: respondent('alpha/p1/s2', 2, 'alpha', 'refusal', null), descriptors: [d('alpha/p1/s2', 0, 'open-mindedness')] },
  ]);
  write([{ respondent: { ...respondent('zeta/p1/s3', 3, 'zeta', 'error', null), error: 'timed out' }, descriptors: [] }]);
  // Prose answers mined with a smaller vocabulary: read a page of the stale ones, replace their
  // descriptors, status and mining record.
  write([
    { respondent: { ...respondent('zeta/p2/s4', 4, 'zeta', 'no-values', 'k4'), format: 'prose', vocab_size: 0, vocab_words: 'joy faith' }, descriptors: [d('zeta/p2/s4', 0, null, 'junk')] },
    { respondent: { ...respondent('alpha/p2/s5', 5, 'alpha', 'ok', 'k5'), format: 'prose', vocab_size: 1, vocab_words: '' }, descriptors: [d('alpha/p2/s5', 0, 'honesty')] },
    { respondent: { ...respondent('alpha/p2/s6', 6, 'alpha', 'ok', 'k6'), format: 'prose', vocab_size: 2, vocab_words: 'trust' }, descriptors: [d('alpha/p2/s6', 0, 'honesty')] },
  ]);
  out.staleProseAnswers = [e.staleProseAnswers(store, 2, -1, 1), e.staleProseAnswers(store, 2, 4, 10), e.staleProseAnswers(store, 2, 5, 10), e.staleProseAnswers(store, 3, -1, 10)];
  e.descriptorRewriter(store)([{ id: 'zeta/p2/s4', status: 'ok', vocab_size: 2, vocab_words: 'joy faith', descriptors: [d('zeta/p2/s4', 0, 'joy'), d('zeta/p2/s4', 1, 'faith')] }]);
  out.staleAfterRewrite = e.staleProseAnswers(store, 2, -1, 10);
  out.statusCounts = e.statusCounts(store);
  out.descriptorCounts = e.descriptorCounts(store);
  out.termCountsPerModel = e.termCountsPerModel(store);
  out.acceptedDescriptors = [...e.acceptedDescriptors(store)];
  out.descriptorKeys = byJson([...e.descriptorKeys(store)]);
  out.parsedRespondents = e.parsedRespondents(store);
  out.parsedAnswers = e.parsedAnswers(store);
  const lex = (descriptor: string, count: number, models: number): elicitTables.LexiconRow => ({ descriptor, term_key: descriptor.replace(/[\s-]/g, ''), variants: JSON.stringify([descriptor]), count, n_models: models, per_model: '{}', first_seen: '[]' });
  e.replaceLexicon(store, [lex('honesty', 2, 2), lex('kindness', 1, 1), lex('fairness', 1, 1)]);
  e.replaceLexicon(store, [lex('honesty', 2, 2), lex('kindness', 1, 1), lex('fairness', 1, 1), lex('open-mindedness', 1, 1)]);
  out.lexiconRows = e.lexiconRows(store, 1, 1, Number.MAX_SAFE_INTEGER);
  out.lexiconRowsFiltered = e.lexiconRows(store, 2, 2, 1);
  out.lexiconKeys = byJson(e.lexiconKeys(store));
  out.lexiconKeyOf = [e.lexiconKeyOf(store, 'open-mindedness'), e.lexiconKeyOf(store, 'absent')];
  out.sourcesOfKeys = e.sourcesOfKeys(store, ['honesty', 'kindness'], 10);
  out.sourcesLimited = e.sourcesOfKeys(store, ['honesty'], 1);
  e.putMerges(store, [{ from: 'kindness', to: 'honesty', similarity: 0.91, method: 'embedding:test' }, { from: 'fairness', to: 'honesty', similarity: 0.75, method: 'embedding:test' }]);
  e.putMerges(store, [{ from: 'fairness', to: 'kindness', similarity: 0.8, method: 'embedding:test' }]);
  out.mergeSwitch = [e.setMergeRow(store, 'kindness', false), e.setMergeRow(store, 'absent', false)];
  out.activeMerges = byJson(e.activeMerges(store));
  out.mergeRows = e.mergeRows(store);
  out.answered = e.answeredRespondents(store, 10, 0);
  out.isAnswered = ['zeta/p1/s0', 'zeta/p1/s3', 'absent'].map((id) => e.isAnsweredRespondent(store, id));
  out.answeredPage = e.answeredRespondents(store, 1, 1);

  // rate
  r.ensureRateSchema(store);
  r.resetRespondents(store, [
    { id: 'zeta/r0', model: 'zeta', respondent: 0, administration: 1, scale: 5, prompt_version: 'rate@1' },
    { id: 'alpha/r0', model: 'alpha', respondent: 0, administration: 2, scale: 5, prompt_version: 'rate@1' },
  ], [{ item: 'honesty', kind: 'lexicon', reverses: null }, { item: 'dishonesty', kind: 'antonym', reverses: 'honesty' }]);
  out.rateItems = r.rateItemRows(store);
  const ratings = r.ratingsWriter(store);
  ratings([{ respondent_id: 'zeta/r0', term: 'honesty', rating: 5, batch: 0, attempts: 1 }, { respondent_id: 'zeta/r0', term: 'kindness', rating: null, batch: 0, attempts: 3 }]);
  ratings([{ respondent_id: 'alpha/r0', term: 'honesty', rating: 2, batch: 0, attempts: 1 }, { respondent_id: 'zeta/r0', term: 'kindness', rating: 4, batch: 1, attempts: 2 }]);
  out.rateRespondents = byJson(r.rateRespondents(store));
  out.ratedTerms = [...r.ratedTerms(store)].sort();
  out.ratings = byJson([...r.allRatings(store)]);

  // taxonomy
  const dim = (id: string, parent: string | null): taxonomyTables.TaxonomyDimensionRow => ({ id, label: `L ${id}`, parent, definition: 'd', words: '["honesty"]', loadings: '{"honesty":0.7}' });
  x.replaceDimensions(store, [dim('dim1', null), dim('dim1.1', 'dim1')]);
  x.replaceDimensions(store, [dim('dim1', null), dim('dim2', null), dim('dim1.1', 'dim1')]);
  out.dimensions = x.dimensionRows(store);

  // projective
  p.ensureProjectiveSchema(store);
  p.clearProjective(store);
  const pw = p.projectiveWriter(store);
  const completion = (id: string, model: string, item: string, sample: number): projectiveTables.CompletionRow => ({ id, model, item, sample, stem: `stem ${item}`, completion: `I value ${id}`, request_key: sample === 0 ? null : 'k2' });
  pw.completion(completion('zeta/likes-01/s0', 'zeta', 'likes-01', 0));
  pw.completion(completion('alpha/likes-01/s1', 'alpha', 'likes-01', 1));
  pw.completion({ ...completion('alpha/likes-01/s1', 'alpha', 'likes-01', 1), completion: 'replaced' });
  const score = (cid: string, judge: string, dimension: string, value: number | null): projectiveTables.ScoreRecord => ({ completion_id: cid, judge, dimension, score: value, judge_config: `{"judge":"${judge}"}` });
  const rescore = (kind: projectiveTables.RescoreKind, k: number, value: number | null, hash: string | null): projectiveTables.RescoreRecord => ({ completion_id: 'zeta/likes-01/s0', judge: 'j1', kind, k, dimension: 'dim1', score: value, answer_hash: hash, temperature: kind === 'repeat' ? 0.7 : 0 });
  pw.scores(
    [score('zeta/likes-01/s0', 'j1', 'dim1', 1), score('zeta/likes-01/s0', 'j1', 'dim2', null), score('alpha/likes-01/s1', 'j1', 'dim1', -1), score('alpha/likes-01/s1', 'j2', 'dim1', 0)],
    [{ completion_id: 'zeta/likes-01/s0', judge: 'j1', dimension: 'dim1', score: 0 }, { completion_id: 'zeta/likes-01/s0', judge: 'j1', dimension: 'dim2', score: null }],
    [rescore('repeat', 2, 0, 'h2'), rescore('repeat', 1, 1, 'h1'), rescore('variant', 1, null, null), rescore('repeat', 1, 1, 'h1b')],
  );
  pw.retestCompletion({ ...completion('zeta/likes-01/a1/s0', 'zeta', 'likes-01', 0), administration: 1 });
  pw.retestCompletion({ ...completion('zeta/likes-01/a1/s0', 'zeta', 'likes-01', 0), administration: 1, completion: 'replaced' });
  pw.retestScores([score('zeta/likes-01/a1/s0', 'j1', 'dim1', 1), score('zeta/likes-01/a1/s0', 'j1', 'dim2', null)]);
  pw.retestScores([score('zeta/likes-01/a1/s0', 'j1', 'dim1', -1)]);
  out.retestScoredRows = byJson(p.retestScoredRows(store));
  out.rescoreRows = p.rescoreRows(store).map((r) => [r.kind, r.k, r.score, r.answer_hash, r.temperature, r.item]);
  out.scoredRows = byJson(p.scoredRows(store));
  out.scoredRowsWithText = byJson(p.scoredRowsWithText(store));
  out.completionModels = p.completionModels(store);
  out.completionSamples = byJson(p.completionSamples(store));
  out.dimensionScores = byJson(p.dimensionScores(store, 'dim1'));
  out.storedJudgeConfigs = byJson(p.storedJudgeConfigs(store));
  out.repeatScores = p.repeatScores(store).map((x) => x.score); // an older run's repeats: none written now
  out.orderScores = p.orderScores(store);
  pw.injectionScores([{ completion_id: 'zeta/likes-01/s0', judge: 'j1', dimension: 'dim1', score: 0 }, { completion_id: 'zeta/likes-01/s0', judge: 'j1', dimension: 'dim2', score: null }, { completion_id: 'alpha/likes-01/s1', judge: 'j1', dimension: 'dim1', score: -1 }]);
  pw.injectionScores([{ completion_id: 'zeta/likes-01/s0', judge: 'j1', dimension: 'dim1', score: 1 }]);
  out.injectionScores = p.injectionScores(store);
  const browse = p.completionsWithScores(store, 10);
  out.completionsWithScores = { completions: browse.completions, scores: browse.scores.map((s) => [s.judge, s.dimension]) };

  // choices
  c.ensureChoicesSchema(store);
  c.clearChoices(store);
  const dilemma = (id: string, status: choicesTables.DilemmaRow['status'], text: string | null): choicesTables.DilemmaRow => ({
    id, pair: 'honesty~kindness', value_a: 'honesty', value_b: 'kindness', slot: Number(id.split('/')[1]), round: 0, template: 'ev-friend-plan', setting: 'everyday',
    dilemma: text, option_a: text && 'Tell the truth', option_b: text && 'Spare their feelings', status, duplicate_of: status === 'duplicate' ? 'honesty~kindness/0' : null, similarity: text ? 0.25 : null, verified_as: status === 'kept' ? '["honesty","kindness"]' : null, request_key: 'k1',
  });
  c.putDilemmas(store, [dilemma('honesty~kindness/0', 'kept', 'A friend asks for your honest opinion.'), dilemma('honesty~kindness/1', 'malformed', null)]);
  c.putDilemmas(store, [dilemma('honesty~kindness/1', 'duplicate', 'A friend asks for your honest opinion!'), dilemma('honesty~kindness/2', 'unverified', 'Your neighbour asks for help.')]);
  const answers = c.answerWriter(store);
  const answer = (model: string, order: 'ab' | 'ba', letter: 'A' | 'B' | null): choicesTables.AnswerRow => ({
    id: `${model}/honesty~kindness/0/act/${order}/s0`, model, dilemma_id: 'honesty~kindness/0', framing: 'act', option_order: order, sample: 0, answer: letter ?? 'I cannot choose.', letter, preferred: letter === null ? null : (letter === 'A') === (order === 'ab') ? 'honesty' : 'kindness', attempts: letter ? 1 : 2, request_key: 'k2',
  });
  answers([answer('zeta', 'ab', 'A'), answer('zeta', 'ba', null)]);
  answers([answer('zeta', 'ba', 'B'), answer('alpha', 'ab', 'B')]);
  out.choiceDilemmas = byJson(c.dilemmaRows(store));
  out.choiceAnswers = byJson(c.answerRows(store));

  // study: batch requests
  s.ensureBatchSchema(store);
  s.recordExported(store, [{ key: 'b1', stage: 'elicit', model_name: 'zeta', request: '{"kind":"chat"}', sample: 0, attempt: 0 }]);
  s.recordExported(store, [{ key: 'b1', stage: 'elicit', model_name: 'zeta', request: '{"kind":"chat"}', sample: 0, attempt: 0 }]);
  out.exported = [s.exportedRequest(store, 'b1'), s.exportedRequest(store, 'absent')];

  // evaluation: alignment results and labels
  const align = v.alignResultWriter(store);
  align({ prompt_id: 'p1', strategy: 'best-of-n', model: 'zeta', result: '{"v":1}' });
  align({ prompt_id: 'p1', strategy: 'best-of-n', model: 'zeta', result: '{"v":2}' });
  v.ensureLabelSchema(store);
  v.putLabel(store, { pair_id: 'zeta/p1/s0', annotator: 'ann', value: 'security', label: 1, created_at: '2024-01-01T00:00:00.000Z' });
  v.putLabel(store, { pair_id: 'zeta/p1/s0', annotator: 'ann', value: 'security', label: -1, created_at: '2024-01-02T00:00:00.000Z' });
  v.putLabel(store, { pair_id: 'alpha/p1/s1', annotator: 'bob', value: 'power', label: 0, created_at: '2024-01-03T00:00:00.000Z' });
  out.labels = v.labelRows(store);
  const vec = (source: string, id: string, x: number): evaluationTables.ValueVectorRow => ({ source, id, prompt_key: `k${id}`, risks: '["fraud"]', vector: `{"power":${x}}` });
  v.replaceValueVectors(store, [vec('b', '2', 1), vec('a', '1', -1), vec('a', '1', 0.5)]);
  v.replaceValueVectors(store, [vec('b', '2', 1), vec('a', '1', -0.5), vec('a', '3', 0)]);
  out.valueVectors = byJson(v.valueVectorRows(store));

  // embed: the vector cache
  const cache = m.embeddingTable(store);
  cache.put([{ backendId: 'glove', text: 'honesty', vector: new Float32Array([0.5, -1.25]) }]);
  cache.put([{ backendId: 'glove', text: 'honesty', vector: new Float32Array([0.25, 2, 3]) }]);
  const hit = cache.get('glove', 'honesty');
  out.vector = hit && { dim: hit.dim, bytes: bytes(hit.vector) };
  out.vectorMiss = cache.get('glove', 'absent');

  out.tables = ['elicit_respondents', 'lexicon_merges', 'ratings', 'taxonomy_dimensions', 'projective_order_scores', 'projective_injection_scores', 'projective_judge_rescores', 'projective_retest_completions', 'choice_dilemmas', 'choice_answers', 'batch_requests', 'align_results', 'labels', 'embeddings', 'nope'].map((t) => store.hasTable(t));
  return out;
}

describe.skipIf(typeof server === 'string')('the query layer on SQLite and PostgreSQL', () => {
  const pgs = server as TestPostgres;
  afterAll(() => pgs.stop());

  it('every statement gives the same results on both', async () => {
    const calledSqlite = new Set<string>();
    const sqlite = RunStore.open(join(mkdtempSync(join(tmpdir(), 'vlx-dialects-')), 'run.db'));
    const a = exercise(sqlite, calledSqlite);
    sqlite.close();

    const calledPg = new Set<string>();
    const pg = RunStore.open(await pgs.createDatabase('vlx_dialects'));
    const b = exercise(pg, calledPg);
    pg.close();

    for (const k of Object.keys(a)) expect(b[k], k).toEqual(a[k]);
    // The results themselves, not only their equality across databases.
    expect(a.interrupted).toEqual(['done', 'failed', 'interrupted']);
    expect((a.lastInterrupted as { status: string }).status).toBe('interrupted');
    expect(a.isAnswered).toEqual([true, false, false]);
    expect((a.cost as Array<{ model: string; cached: number }>).find((c) => c.model === 'zeta')!.cached).toBe(2);
    expect(a.lockRecord).toEqual(expect.arrayContaining(['boot_id', 'host', 'pid', 'pid_ns', 'purpose', 'since', 'start_ticks']));
    expect(Object.keys(b)).toEqual(Object.keys(a));
    // What both agree on is right: the simulated label is sticky and keeps its first evidence.
    expect(a.modelsMarked).toEqual([['alpha', true], ['zeta', true]]);
    expect(a.evidence).toEqual([['zeta', 'server', 'the server declared x-valuelex-simulated: true', true]]);
    // Stale prose answers: mined with fewer words than asked, after a seq, a page at a time.
    const ids = (rows: unknown): string[] => (rows as Array<{ id: string }>).map((r) => r.id);
    expect((a.staleProseAnswers as unknown[]).map(ids)).toEqual([['zeta/p2/s4'], ['alpha/p2/s5'], [], ['zeta/p2/s4', 'alpha/p2/s5', 'alpha/p2/s6']]);
    expect(ids(a.staleAfterRewrite)).toEqual(['alpha/p2/s5']);

    // Every statement function of every tables.ts module ran (on both).
    const all = Object.entries(MODULES).flatMap(([name, m]) =>
      Object.entries(m)
        .filter(([k, v]) => typeof v === 'function' && !/SCHEMA/.test(k))
        .map(([k]) => `${name}.${k}`),
    );
    expect(all.filter((f) => !calledSqlite.has(f))).toEqual([]);
    expect([...calledPg].sort()).toEqual([...calledSqlite].sort());
  }, 120_000);
});
