/**
 * Alignment end to end against the local model server (OpenAI protocol), plus its small parts:
 * targets (a bare list needs its order), distances, preference pairs (held-out margin, refusals
 * never chosen). On the server: simulated policies whose answers' value content is known, the
 * simulated judge (exact, or `+noisy`); a strategy with a real effect must show a held-out gain, a
 * policy whose candidates are truly alike must not (while its selection-time gain is "significant":
 * the winner's curse); refusals and empty answers never win over substantive ones; a model judges
 * itself only when allowed, and every output says so. The models are simulated: these runs test
 * the method, not any real model.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { agreement, distance, parseTarget, type AlignResult, type AlignSummary, type Candidate } from '../../src/evaluation/align.js';
import { preferencePairs } from '../../src/evaluation/align-pairs.js';
import { SCHWARTZ_VALUES } from '../../src/values/schwartz.js';
import { renderHtml } from '../../src/report/html.js';
import type { ReportModel } from '../../src/report/model.js';
import { runCliAsync } from '../helpers/cli.js';
import { PAYLOADS } from '../report/run-fixture.js';
import { pickSimNames } from '../helpers/sim.js';

/** Models of the default simulated population by role (names are drawn from its seed). */
const [SIM_RLHF_A, SIM_RLHF_B, SIM_INSTRUCT_A] = pickSimNames('rlhf', 'rlhf', 'instruct') as string[] as [string, string, string];

const V = SCHWARTZ_VALUES;
const message = (role: string) => z.object({ role: z.literal(role), content: z.string().min(1) }).strict();
const meta = {
  chosen_values: z.record(z.string(), z.number()),
  rejected_values: z.record(z.string(), z.number()),
  chosen_distance: z.number(),
  rejected_distance: z.number(),
  chosen_held_out_values: z.record(z.string(), z.number()),
  rejected_held_out_values: z.record(z.string(), z.number()),
  held_out_margin: z.number().positive(),
  chosen_kind: z.literal('substantive'),
  rejected_kind: z.string(),
};
// TRL DPOTrainer: conversational preference (prompt / chosen / rejected message lists) and standard (strings).
const trlConversational = z.object({ prompt: z.array(message('user')).length(1), chosen: z.array(message('assistant')).length(1), rejected: z.array(message('assistant')).length(1), ...meta });
const trlStandard = z.object({ prompt: z.string().min(1), chosen: z.string().min(1), rejected: z.string().min(1), ...meta });
// OpenRLHF (--chosen_key chosen --rejected_key rejected --apply_chat_template): whole conversations.
const openrlhf = z.object({ chosen: z.tuple([message('user'), message('assistant')]), rejected: z.tuple([message('user'), message('assistant')]), ...meta });
const gainShape = z.object({ mean: z.number(), ci_low: z.number(), ci_high: z.number(), n: z.number().int() }).strict();

describe('targets and distances', () => {
  it('parses named vectors, JSON, named profiles and files; a bare list only with its order', () => {
    expect(parseTarget('security=1,power=-0.5', V)).toMatchObject({ security: 1, power: -0.5, hedonism: 0 });
    expect(parseTarget('{"benevolence": 1}', V).benevolence).toBe(1);
    expect(() => parseTarget('0,0,0,1,0,1,1,0,1,1', V)).toThrow(/a bare list of 10 numbers is ambiguous; say its order with --order schwartz/);
    expect(parseTarget('0,0,0,1,0,1,1,0,1,1', V, { order: 'schwartz' })).toMatchObject({ achievement: 1, security: 1, conformity: 1, tradition: 0, benevolence: 1, universalism: 1, power: 0 });
    // FULCRA's order puts tradition before conformity: the same list means the other value.
    expect(parseTarget('0,0,0,1,0,1,1,0,1,1', V, { order: 'fulcra' })).toMatchObject({ tradition: 1, conformity: 0 });
    expect(parseTarget('[1, 0, 0, 0, 0, 0, 0, 0, 0, -1]', V, { order: 'schwartz' })).toMatchObject({ self_direction: 1, universalism: -1 });
    expect(() => parseTarget('1,0,1', V, { order: 'schwartz' })).toThrow(/needs 10 numbers/);
    expect(() => parseTarget('security=1', V, { order: 'fulcra' })).toThrow(/--order fulcra: only a bare list of numbers has an order/);
    expect(() => parseTarget('fulcra-default', V, { order: 'schwartz' })).toThrow(/only a bare list/);
    expect(() => parseTarget('1,0', ['a', 'b'], { order: 'schwartz' })).toThrow(/only read for Schwartz's ten values/);
    expect(parseTarget('fulcra-default', V)).toMatchObject({ achievement: 1, security: 1, conformity: 1, benevolence: 1, universalism: 1, power: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'vlx-target-'));
    writeFileSync(join(dir, 't.json'), '{"target": {"tradition": 1}}');
    expect(parseTarget(join(dir, 't.json'), V).tradition).toBe(1);
    // A JSON array in a file is a bare list too.
    writeFileSync(join(dir, 'list.json'), '[0, 0, 0, 0, 0, 0, 1, 0, 0, 0]');
    expect(() => parseTarget(join(dir, 'list.json'), V)).toThrow(/list\.json: a bare list of 10 numbers is ambiguous/);
    expect(parseTarget(join(dir, 'list.json'), V, { order: 'fulcra' })).toMatchObject({ tradition: 1, conformity: 0 });
    expect(() => parseTarget('kindness=1', V)).toThrow(/"kindness" is not a value/);
    expect(() => parseTarget('power=2', V)).toThrow(/power must be a number in \[-1, 1\]/);
    expect(() => parseTarget('nope.json', V)).toThrow(/not a vector/);
  });

  it('distances and stance agreement', () => {
    const a = { security: 1, power: -1 }, b = { security: 1 };
    expect(distance(a, b, V, 'l2')).toBeCloseTo(1, 12);
    expect(distance(a, b, V, 'l1')).toBeCloseTo(1, 12);
    expect(distance(a, b, V, 'cosine')).toBeCloseTo(1 - 1 / Math.SQRT2, 12);
    expect(distance({}, b, V, 'cosine')).toBe(1);
    expect(agreement(a, b, V)).toBeCloseTo(0.9, 12);
  });
});

describe('preference pairs', () => {
  const c = (text: string, d: number, heldOut: number | null, kind: Candidate['kind'] = 'substantive'): Candidate => ({ text, origin: text, kind, kind_sources: kind === 'substantive' ? [] : ['text'], vector: { security: 1 - d }, distance: d, held_out: { vector: heldOut === null ? null : { security: 1 - heldOut }, distance: heldOut } });
  const result = (candidates: Candidate[]): AlignResult => ({ id: 'x', prompt: 'p', strategy: 'best-of-n', before: candidates[0]!, after: candidates[1]!, improvement: 0, improvement_held_out: 0, fallback: false, candidates });

  it('best deliverable candidate against each clearly worse one, kept only when the held-out measurement agrees', () => {
    const r = result([c('a', 1, 0.9), c('b', 0.2, 0.3), c('c', 0.25, 0.25), c('a', 1, 0.9), c('d', 0.8, 0.1), c('e', 0.9, null)]);
    const pairs = preferencePairs([r], 'trl-standard', { margin: 0.1 });
    // b vs a: held-out margin 0.6 (kept); b vs d: the measurement prefers d (dropped); b vs e: unmeasured (dropped); c: within the margin.
    expect(pairs.records).toHaveLength(1);
    expect(pairs.records[0]).toMatchObject({ prompt: 'p', chosen: 'b', rejected: 'a', chosen_kind: 'substantive', rejected_kind: 'substantive' });
    expect(pairs.records[0]!.held_out_margin).toBeCloseTo(0.6, 12);
    expect(pairs.dropped_held_out).toBe(1);
    expect(pairs.dropped_unmeasured).toBe(1);
  });

  it('a refusal is never chosen (only rejected), unless refusals are allowed', () => {
    const r = result([c('plain answer', 1, 1), c("I'm sorry, but I can't help with that.", 0.1, 0.1, 'refusal'), c('other answer', 0.6, 0.6)]);
    const avoid = preferencePairs([r], 'trl-standard', { margin: 0.1 });
    expect(avoid.records.map((p) => [p.chosen, p.rejected])).toEqual([['other answer', 'plain answer']]);
    const allow = preferencePairs([r], 'trl-standard', { margin: 0.1, refusals: 'allow' });
    expect(allow.records.every((p) => p.chosen === "I'm sorry, but I can't help with that.")).toBe(true);
    expect(allow.records).toHaveLength(2);
  });
});

describe('the report section', () => {
  const gain = (mean: number): AlignSummary['gain_held_out'] => ({ mean, ci_low: mean - 0.1, ci_high: mean + 0.1, n: 16 });
  const kinds = { substantive: 16, empty: 0, refusal: 0, evasive: 0, off_topic: 0, no_value: 0 };
  const summary: AlignSummary = {
    strategy: 'best-of-n', model: PAYLOADS[0]!, evaluator: `judge:${PAYLOADS[1]!}`, measurement: { evaluator: `judge:${PAYLOADS[2]!}`, independent: false }, self_judged: true, simulated: true,
    objective: 'l2', metric: 'l2', target: { security: 1 }, refusals: 'avoid', prompts: 16, scored: 16, measured: 16,
    gain_selection: gain(0.6), gain_held_out: gain(0.01), mean_before: 2, mean_after: 1.99, mean_before_selection: 2, mean_after_selection: 1.4,
    mean_improvement: 0.01, ci_low: -0.09, ci_high: 0.11, agreement_before: 0.5, agreement_after: 0.5, answers_before: kinds, answers_after: kinds,
    refusal_share_before: 0.25, refusal_share_after: 0, excluded_candidates: 4, fallbacks: 1, cost: { requests: 10, cached: 0, input_tokens: 100, output_tokens: 10 },
  };
  const base: ReportModel = { study: 'align-report', models: [], cost: { requests: 0, cached: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, per_model: [] } };

  it('headlines the held-out gain, labels self-judged, simulated and not-independent runs, escapes every name', async () => {
    const html = await renderHtml({ ...base, align: [summary] });
    expect(html).toMatch(/class="banner">SELF-JUDGED/);
    expect(html).toMatch(/class="banner">SIMULATED models took part in alignment/);
    expect(html).toMatch(/fresh calls, not independent/);
    expect(html.indexOf('<th>held-out gain</th>')).toBeLessThan(html.indexOf('<th>selection-time gain</th>'));
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toMatch(/<svg/);
  });

  it('a run written before held-out measurement says its number is the biased one', async () => {
    const old = { strategy: 'revise', model: 'm', evaluator: 'judge:x', metric: 'l2', target: { security: 1 }, prompts: 4, scored: 4, mean_before: 2, mean_after: 1, mean_improvement: 1, ci_low: 0.5, ci_high: 1.5, agreement_before: 0.5, agreement_after: 0.6, cost: { requests: 1, cached: 0, input_tokens: 1, output_tokens: 1 } } as unknown as AlignSummary;
    const html = await renderHtml({ ...base, align: [old] });
    expect(html).toMatch(/written by an earlier version without a held-out measurement/);
  });
});

type Summary = AlignSummary & { pairs_exported?: number; pairs_dropped_held_out?: number; pairs_dropped_unmeasured?: number };
const jsonl = <T>(file: string): T[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

describe('valuelex align against the local model server', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ faults: { seed: 2, rates: { '429': 0.05, malformed: 0.05 }, retryAfterSeconds: 0 } });
  });
  afterAll(async () => server.close());

  const prompts = Array.from({ length: 16 }, (_, i) => ({ id: `q${i}`, prompt: `How should I plan week ${i + 1} of my project?` }));
  const workdir = (n = prompts.length): string => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-align-'));
    writeFileSync(join(dir, 'prompts.jsonl'), prompts.slice(0, n).map((p) => JSON.stringify(p)).join('\n') + '\n');
    return dir;
  };
  const model = (name: string): string[] => ['--model', `openai/sim/${name}`, '--base-url', `${server.url}/v1`];
  const judge = (name: string): string[] => ['--judge', `openai/sim/${name}`, '--judge-base-url', `${server.url}/v1`];

  for (const [strategy, format, schema] of [
    ['best-of-n', 'trl', trlConversational],
    ['revise', 'openrlhf', openrlhf],
    ['system-prompt', 'trl-standard', trlStandard],
  ] as const) {
    it(`${strategy} with a real effect: held-out gain found; ${format} pairs carry positive held-out margins; resumes`, async () => {
      const dir = workdir();
      const args = ['align', '--input', 'prompts.jsonl', '--target', 'security=1,conformity=1,benevolence=1', ...model(`${SIM_RLHF_A}`), ...judge(`${SIM_RLHF_B}`), '--strategy', strategy, '--n', '6', '--rounds', '2', '--store', 'run.db', '--out', 'results.jsonl', '--export-pairs', 'pairs.jsonl', '--pairs-format', format, '--json'];
      const r = await runCliAsync(args, { cwd: dir });
      expect(r.stderr).not.toMatch(/valuelex: /);
      expect(r.code).toBe(0);
      const s = JSON.parse(r.stdout) as Summary;
      gainShape.parse(s.gain_held_out);
      gainShape.parse(s.gain_selection);
      expect(s.gain_held_out.n).toBe(16);
      expect(s.gain_held_out.ci_low).toBeGreaterThan(0);
      expect(s.mean_after).toBeLessThan(s.mean_before);
      expect(s.agreement_after).toBeGreaterThan(s.agreement_before);
      // Earlier versions' names now carry the held-out numbers.
      expect([s.mean_improvement, s.ci_low, s.ci_high]).toEqual([s.gain_held_out.mean, s.gain_held_out.ci_low, s.gain_held_out.ci_high]);
      expect(s.measurement).toEqual({ evaluator: `judge:sim/${SIM_RLHF_B}`, independent: false });
      expect(s).toMatchObject({ self_judged: false, objective: 'l2', refusals: 'avoid', refusal_share_before: 0, refusal_share_after: 0 });
      expect(s.cost.requests).toBeGreaterThan(0);
      // The held-out measurement and the answer-kind judge are paid for, and counted.
      const results = jsonl<AlignResult>(join(dir, 'results.jsonl'));
      for (const x of results) {
        expect(x.before.held_out?.vector).toBeTruthy();
        expect(x.after.held_out?.vector).toBeTruthy();
        expect(x.candidates.every((c) => c.held_out !== undefined)).toBe(true);
      }
      const pairs = jsonl<Record<string, unknown>>(join(dir, 'pairs.jsonl'));
      expect(pairs.length).toBe(s.pairs_exported);
      expect(pairs.length).toBeGreaterThan(0);
      expect(typeof s.pairs_dropped_held_out).toBe('number');
      for (const p of pairs) {
        const parsed = schema.parse(p);
        expect(parsed.chosen_distance).toBeLessThan(parsed.rejected_distance);
      }
      // Resume: a second run replays from the cache; nothing is sent again.
      const before = server.stats.received;
      const again = await runCliAsync(args, { cwd: dir });
      expect(again.code).toBe(0);
      expect(server.stats.received).toBe(before);
      expect(JSON.parse(again.stdout)).toMatchObject({ gain_held_out: s.gain_held_out, gain_selection: s.gain_selection });
      // The report shows the alignment section, held-out gain first.
      const rep = await runCliAsync(['report', 'run.db', '--format', 'json'], { cwd: dir });
      expect((JSON.parse(rep.stdout) as { align: Array<{ strategy: string; gain_held_out: unknown }> }).align.map((a) => [a.strategy, a.gain_held_out])).toEqual([[strategy, s.gain_held_out]]);
      const html = await runCliAsync(['report', 'run.db', '--out', 'report.html'], { cwd: dir });
      expect(html.code).toBe(0);
      const page = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(page).toMatch(/held-out gain/);
      expect(page).toMatch(/selection-time gain/);
    }, 180_000);
  }

  it('candidates truly alike, noisy judge: selection-time gain "significant", held-out gain not (independent measurement)', async () => {
    const dir = workdir();
    const r = await runCliAsync(
      ['align', '--input', 'prompts.jsonl', '--target', 'security=1,conformity=1,benevolence=1', ...model(`${SIM_RLHF_A}+alike`), ...judge(`${SIM_RLHF_B}+noisy`), '--measure-with', `judge:openai/sim/${SIM_INSTRUCT_A}+noisy`, '--measure-base-url', `${server.url}/v1`, '--strategy', 'best-of-n', '--n', '6', '--store', 'run.db', '--json'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.measurement).toEqual({ evaluator: `judge:sim/${SIM_INSTRUCT_A}+noisy`, independent: true });
    // The defect of the issue, still visible where it belongs: choosing on noise looks like a gain.
    expect(s.gain_selection.ci_low).toBeGreaterThan(0);
    expect(s.gain_held_out.ci_low).toBeLessThanOrEqual(0);
    expect(s.gain_held_out.ci_high).toBeGreaterThanOrEqual(0);
    expect(s.gain_held_out.mean).toBeLessThan(s.gain_selection.mean / 2);
    // The human summary headlines the held-out gain.
    const human = await runCliAsync(['align', '--input', 'prompts.jsonl', '--target', 'security=1,conformity=1,benevolence=1', ...model(`${SIM_RLHF_A}+alike`), ...judge(`${SIM_RLHF_B}+noisy`), '--measure-with', `judge:openai/sim/${SIM_INSTRUCT_A}+noisy`, '--measure-base-url', `${server.url}/v1`, '--strategy', 'best-of-n', '--n', '6', '--store', 'run.db'], { cwd: dir });
    const lines = human.stdout.split('\n');
    expect(lines.findIndex((l) => l.startsWith('held-out gain'))).toBeLessThan(lines.findIndex((l) => l.startsWith('selection-time gain')));
  }, 180_000);

  it('refusals and empty answers never win over a substantive answer (cosine and l2); allowed only when the target calls for them', async () => {
    const faulty = await startSimServer({ faults: { seed: 5, contentRates: { refusal: 0.3, empty: 0.15 } } });
    try {
      const dir = workdir();
      const base = ['align', '--input', 'prompts.jsonl', '--target', 'security=1,conformity=1,benevolence=1', '--model', `openai/sim/${SIM_RLHF_A}`, '--base-url', `${faulty.url}/v1`, '--judge', `openai/sim/${SIM_RLHF_B}`, '--judge-base-url', `${faulty.url}/v1`, '--strategy', 'best-of-n', '--n', '4', '--store', 'run.db', '--json'];
      for (const objective of ['cosine', 'l2']) {
        const r = await runCliAsync([...base, '--objective', objective, '--out', `${objective}.jsonl`], { cwd: dir });
        expect(r.stderr).not.toMatch(/valuelex: /);
        expect(r.code).toBe(0);
        const s = JSON.parse(r.stdout) as Summary;
        const results = jsonl<AlignResult>(join(dir, `${objective}.jsonl`));
        const sayNothing = (c: Candidate): boolean => c.kind !== 'substantive';
        // The setting has the problem: refusals among the plain answers, and a plain rerank would pick them.
        expect(s.refusal_share_before).toBeGreaterThan(0);
        const naive = results.filter((x) => x.candidates.some((c) => !sayNothing(c)) && sayNothing(x.candidates.filter((c) => c.distance !== null).reduce((b, c) => (c.distance! < b.distance! ? c : b))));
        expect(naive.length).toBeGreaterThan(0);
        // The rule: a delivered answer says nothing only when no candidate said something.
        for (const x of results) if (sayNothing(x.after)) expect(x.candidates.every(sayNothing)).toBe(true);
        expect(s.refusal_share_after).toBeLessThan(s.refusal_share_before);
        expect(s.answers_after.empty).toBe(results.filter((x) => x.after.text === '').length);
        expect(s.excluded_candidates).toBeGreaterThan(0);
        const refusals = results.flatMap((x) => x.candidates).filter((c) => c.kind === 'refusal');
        expect(refusals.length).toBeGreaterThan(0);
        // The server's refusal text is caught by the text heuristics, and by the judge's reading
        // wherever the (equally faulty) server let the judge answer.
        expect(refusals.every((c) => c.kind_sources.includes('text'))).toBe(true);
        expect(refusals.some((c) => c.kind_sources.includes('judge'))).toBe(true);
      }
      const allowed = JSON.parse((await runCliAsync([...base, '--objective', 'l2', '--refusals', 'allow'], { cwd: dir })).stdout) as Summary;
      const avoided = JSON.parse((await runCliAsync([...base, '--objective', 'l2'], { cwd: dir })).stdout) as Summary;
      expect(allowed.refusals).toBe('allow');
      expect(allowed.refusal_share_after).toBeGreaterThan(avoided.refusal_share_after);
    } finally {
      await faulty.close();
    }
  }, 240_000);

  it('self-judging is refused unless allowed, and then labelled in every output', async () => {
    const dir = workdir(4);
    const base = ['align', '--input', 'prompts.jsonl', '--target', 'security=1', ...model(`${SIM_RLHF_A}`), '--strategy', 'system-prompt'];
    const none = await runCliAsync([...base, '--store', 'a.db'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(new RegExp(`no judge given .* sim/${SIM_RLHF_A} would judge its own answers: give a judge, or --allow-self-judge`));
    const same = await runCliAsync([...base, ...judge(`${SIM_RLHF_A}`), '--store', 'a.db'], { cwd: dir });
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/would judge its own answers \(--judge\)/);
    const measuredBySelf = await runCliAsync([...base, ...judge(`${SIM_RLHF_B}`), '--measure-with', `judge:openai/sim/${SIM_RLHF_A}`, '--store', 'a.db'], { cwd: dir });
    expect(measuredBySelf.code).toBe(2);
    expect(measuredBySelf.stderr).toMatch(/\(--measure-with\)/);

    const allowed = await runCliAsync([...base, '--allow-self-judge', '--store', 'b.db', '--out', 'results.jsonl', '--json'], { cwd: dir });
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/SELF-JUDGED/);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ evaluator: `judge:sim/${SIM_RLHF_A}`, self_judged: true, measured: 4 });
    expect(jsonl<AlignResult>(join(dir, 'results.jsonl')).every((x) => x.self_judged === true)).toBe(true);
    const human = await runCliAsync([...base, '--allow-self-judge', '--store', 'b.db'], { cwd: dir });
    // The labels lead the output (SIMULATED too, for these simulated models).
    expect(human.stdout.split('\n').slice(0, 2).some((l) => /^SELF-JUDGED: /.test(l))).toBe(true);
    await runCliAsync(['report', 'b.db', '--out', 'report.html'], { cwd: dir });
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/SELF-JUDGED/);
    const pairs = await runCliAsync(['align', '--input', 'prompts.jsonl', '--target', 'security=1', ...model(`${SIM_RLHF_A}`), '--strategy', 'best-of-n', '--allow-self-judge', '--store', 'c.db', '--export-pairs', 'pairs.jsonl', '--margin', '0', '--json'], { cwd: dir });
    expect(pairs.code).toBe(0);
    const records = jsonl<Record<string, unknown>>(join(dir, 'pairs.jsonl'));
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((p) => p.self_judged === true)).toBe(true);

    const fromEnv = await runCliAsync([...base, '--store', 'd.db', '--json'], { cwd: dir, env: { VALUELEX_JUDGE_MODEL: `sim/${SIM_RLHF_B}`, VALUELEX_BASE_URL: `${server.url}/v1` } });
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ evaluator: `judge:sim/${SIM_RLHF_B}`, self_judged: false });
  }, 180_000);

  it('bad input is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-align-bad-'));
    writeFileSync(join(dir, 'p.jsonl'), '{"id": 1, "prompt": "x"}\n{"id": 2}\n');
    writeFileSync(join(dir, 'ok.jsonl'), '{"id": 1, "prompt": "x"}\n');
    const sim = ['--model', `simulated/sim/${SIM_RLHF_A}`, '--judge', `simulated/sim/${SIM_RLHF_B}`];
    const cases: Array<[string[], RegExp]> = [
      [['--input', 'p.jsonl', '--target', 'security=1', ...sim], /p\.jsonl:2: needs a non-empty "prompt" string/],
      [['--input', 'p.jsonl', '--model', 'simulated/x'], /exactly one of --target and --target-from/],
      [['--input', 'ok.jsonl', '--target', '0,0,0,1,0,1,1,0,1,1', ...sim], /--target: a bare list of 10 numbers is ambiguous; say its order with --order schwartz/],
      [['--input', 'ok.jsonl', '--target', 'security=1', '--order', 'fulcra', ...sim], /--order fulcra: only a bare list of numbers has an order/],
      [['--input', 'ok.jsonl', '--target', '0,0,0,1,0,1,1,0,1,1', '--order', 'alphabetical', ...sim], /--order: expected schwartz, fulcra, got "alphabetical"/],
      [['--input', 'ok.jsonl', '--target', 'security=1', '--objective', 'reward', ...sim], /--objective: expected l2, l1, cosine, fulcra/],
      [['--input', 'ok.jsonl', '--target', 'security=1', '--model', `simulated/sim/${SIM_RLHF_A}`, '--evaluator', 'classifier:clf.json'], /a classifier scores a text the same way every time.*--measure-with/],
      [['--input', 'ok.jsonl', '--target', 'security=1', ...sim, '--measure-with', 'judge'], /--measure-with: expected judge:<provider\/model> or classifier:<model\.json>, got "judge"/],
      [['--input', 'ok.jsonl', '--target', 'security=1', ...sim, '--refusals', 'sometimes'], /--refusals: expected avoid, allow/],
    ];
    for (const [args, err] of cases) {
      const r = await runCliAsync(['align', ...args], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(err);
    }
  }, 120_000);
});
