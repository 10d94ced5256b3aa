/**
 * Alignment end to end against the local model server (OpenAI protocol): a simulated policy whose
 * answers vary in value content, a simulated judge; every strategy must bring answers closer to
 * the target, and exported preference pairs must validate against TRL's and OpenRLHF's formats.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { agreement, distance, parseTarget, preferencePairs, type AlignResult } from '../../src/evaluation/align.js';
import { SCHWARTZ_VALUES } from '../../src/values/schwartz.js';
import { runCliAsync } from '../helpers/cli.js';
import { pickSimNames } from '../helpers/sim.js';

/** Models of the default simulated population, by role (their names are drawn from its seed). */
const [RLHF_A, RLHF_B] = pickSimNames('rlhf', 'rlhf') as [string, string];

const V = SCHWARTZ_VALUES;
const message = (role: string) => z.object({ role: z.literal(role), content: z.string().min(1) }).strict();
const vectors = { chosen_values: z.record(z.string(), z.number()), rejected_values: z.record(z.string(), z.number()), chosen_distance: z.number(), rejected_distance: z.number() };
// TRL DPOTrainer: conversational preference (prompt / chosen / rejected message lists) and standard (strings).
const trlConversational = z.object({ prompt: z.array(message('user')).length(1), chosen: z.array(message('assistant')).length(1), rejected: z.array(message('assistant')).length(1), ...vectors });
const trlStandard = z.object({ prompt: z.string().min(1), chosen: z.string().min(1), rejected: z.string().min(1), ...vectors });
// OpenRLHF (--chosen_key chosen --rejected_key rejected --apply_chat_template): whole conversations.
const openrlhf = z.object({ chosen: z.tuple([message('user'), message('assistant')]), rejected: z.tuple([message('user'), message('assistant')]), ...vectors });

describe('targets and distances', () => {
  it('parses vectors, JSON, named profiles and files; rejects unknown values and out-of-range numbers', () => {
    expect(parseTarget('security=1,power=-0.5', V)).toMatchObject({ security: 1, power: -0.5, hedonism: 0 });
    expect(parseTarget('{"benevolence": 1}', V).benevolence).toBe(1);
    expect(parseTarget('0,0,0,1,0,1,1,0,1,1', V)).toMatchObject({ achievement: 1, security: 1, conformity: 1, tradition: 0, benevolence: 1, universalism: 1, power: 0 });
    expect(parseTarget('[1, 0, 0, 0, 0, 0, 0, 0, 0, -1]', V)).toMatchObject({ self_direction: 1, universalism: -1 });
    expect(() => parseTarget('1,0,1', V)).toThrow(/needs 10 numbers/);
    expect(parseTarget('fulcra-default', V)).toMatchObject({ achievement: 1, security: 1, conformity: 1, benevolence: 1, universalism: 1, power: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'vlx-target-'));
    writeFileSync(join(dir, 't.json'), '{"target": {"tradition": 1}}');
    expect(parseTarget(join(dir, 't.json'), V).tradition).toBe(1);
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

  it('pairs: closest candidate against every clearly worse one, identical texts never paired', () => {
    const c = (text: string, d: number) => ({ text, origin: text, vector: { security: 1 - d }, distance: d });
    const r: AlignResult = { id: 'x', prompt: 'p', strategy: 'best-of-n', before: c('a', 1), after: c('b', 0.2), improvement: 0.8, candidates: [c('a', 1), c('b', 0.2), c('c', 0.25), c('a', 1)] };
    const pairs = preferencePairs([r], 'trl-standard', { margin: 0.1 });
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ prompt: 'p', chosen: 'b', rejected: 'a' });
  });
});

describe('valuelex align against the local model server', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ faults: { seed: 2, rates: { '429': 0.05, malformed: 0.05 }, retryAfterSeconds: 0 } });
  });
  afterAll(async () => server.close());

  const prompts = Array.from({ length: 16 }, (_, i) => ({ id: `q${i}`, prompt: `How should I plan week ${i + 1} of my project?` }));

  for (const [strategy, format, schema] of [
    ['best-of-n', 'trl', trlConversational],
    ['revise', 'openrlhf', openrlhf],
    ['system-prompt', 'trl-standard', trlStandard],
  ] as const) {
    it(`${strategy} reduces the distance to the target; ${format} pairs validate`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vlx-align-'));
      writeFileSync(join(dir, 'prompts.jsonl'), prompts.map((p) => JSON.stringify(p)).join('\n') + '\n');
      const args = ['align', '--input', 'prompts.jsonl', '--target', 'security=1,conformity=1,benevolence=1', '--model', `openai/sim/${RLHF_A}`, '--base-url', `${server.url}/v1`, '--judge', `openai/sim/${RLHF_B}`, '--judge-base-url', `${server.url}/v1`, '--strategy', strategy, '--n', '6', '--rounds', '2', '--store', 'run.db', '--out', 'results.jsonl', '--export-pairs', 'pairs.jsonl', '--pairs-format', format, '--json'];
      const r = await runCliAsync(args, { cwd: dir });
      expect(r.stderr).not.toMatch(/valuelex: /);
      expect(r.code).toBe(0);
      const s = JSON.parse(r.stdout) as { scored: number; mean_before: number; mean_after: number; mean_improvement: number; ci_low: number; agreement_before: number; agreement_after: number; cost: { requests: number; input_tokens: number }; pairs_exported: number };
      expect(s.scored).toBe(16);
      expect(s.mean_after).toBeLessThan(s.mean_before);
      expect(s.ci_low).toBeGreaterThan(0);
      expect(s.agreement_after).toBeGreaterThan(s.agreement_before);
      expect(s.cost.requests).toBeGreaterThan(0);
      expect(s.cost.input_tokens).toBeGreaterThan(0);
      const pairs = readFileSync(join(dir, 'pairs.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(pairs.length).toBe(s.pairs_exported);
      expect(pairs.length).toBeGreaterThan(0);
      for (const p of pairs) {
        const parsed = schema.parse(p);
        expect(parsed.chosen_distance).toBeLessThan(parsed.rejected_distance);
      }
      // Resume: a second run replays from the cache; nothing is sent again.
      const before = server.stats.received;
      const again = await runCliAsync(args, { cwd: dir });
      expect(again.code).toBe(0);
      expect(server.stats.received).toBe(before);
      expect(JSON.parse(again.stdout)).toMatchObject({ mean_after: s.mean_after, mean_before: s.mean_before });
      // The report shows the alignment section.
      const rep = await runCliAsync(['report', 'run.db', '--format', 'json'], { cwd: dir });
      expect((JSON.parse(rep.stdout) as { align: Array<{ strategy: string }> }).align.map((a) => a.strategy)).toEqual([strategy]);
    }, 120_000);
  }

  it('without --judge: VALUELEX_JUDGE_MODEL, else the steered model judges itself (and says so)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-align-self-'));
    writeFileSync(join(dir, 'prompts.jsonl'), prompts.slice(0, 4).map((p) => JSON.stringify(p)).join('\n') + '\n');
    const base = ['align', '--input', 'prompts.jsonl', '--target', 'security=1', '--model', `openai/sim/${RLHF_A}`, '--base-url', `${server.url}/v1`, '--strategy', 'system-prompt', '--json'];
    const self = await runCliAsync([...base, '--store', 'a.db'], { cwd: dir });
    expect(self.code).toBe(0);
    expect(self.stderr).toMatch(/judges its own answers/);
    expect(JSON.parse(self.stdout)).toMatchObject({ evaluator: `judge:sim/${RLHF_A}`, scored: 4 });
    const fromEnv = await runCliAsync([...base, '--store', 'b.db'], { cwd: dir, env: { VALUELEX_JUDGE_MODEL: `sim/${RLHF_B}`, VALUELEX_BASE_URL: `${server.url}/v1` } });
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ evaluator: `judge:sim/${RLHF_B}` });
  }, 60_000);

  it('bad input is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-align-bad-'));
    writeFileSync(join(dir, 'p.jsonl'), '{"id": 1, "prompt": "x"}\n{"id": 2}\n');
    const r = await runCliAsync(['align', '--input', 'p.jsonl', '--target', 'security=1', '--model', `simulated/sim/${RLHF_A}`, '--judge', `simulated/sim/${RLHF_B}`], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/p\.jsonl:2: needs a non-empty "prompt" string/);
    const r2 = await runCliAsync(['align', '--input', 'p.jsonl', '--model', 'simulated/x'], { cwd: dir });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/exactly one of --target and --target-from/);
  });
});
