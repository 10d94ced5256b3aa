/**
 * Injection resistance, measured. Pure: the effect of an appended instruction is 0 when nothing
 * moves, found when scores move to the target at a planted rate, and not called "followed" when
 * scores only churn both ways. End to end against the local model server: the plain simulated judge
 * ignores the instruction inside the fence (no score changes), the `+gullible` one obeys it at
 * GULLIBLE_RATE, and the check reports each as such in the run and in the report.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { INJECTED_INSTRUCTION, injectionEffect, withInjection, type InjectionPair } from '../../src/judge/checks.js';
import { drawPopulation } from '../../src/sim/population.js';
import { GULLIBLE_RATE } from '../../src/sim/responders/projective.js';
import { startSimServer, type SimServer } from '../../src/sim/server.js';
import { createRng } from '../../src/stats/rng.js';
import { runCliAsync } from '../helpers/cli.js';

const DIMS = ['a', 'b', 'c'];

function pairs(n: number, move: (before: number, rng: ReturnType<typeof createRng>, unitObeys: boolean) => number, rate: number, seed: number, scores: readonly number[] = [-1, 0, 0, 0, 1]): InjectionPair[] {
  const rng = createRng(seed);
  const out: InjectionPair[] = [];
  for (let u = 0; u < n; u++) {
    const obeys = rng.next() < rate;
    for (const d of DIMS) {
      const before = scores[rng.int(scores.length)]!;
      out.push({ unit: `u${u}`, dimension: d, before, after: move(before, rng, obeys) });
    }
  }
  return out;
}

describe('injection effect (pure)', () => {
  it('reports no change, no significance, and a one-sided bound when the judge ignores the instruction', () => {
    const e = injectionEffect(pairs(50, (b) => b, 0, 1));
    expect(e.changed_scores).toBe(0);
    expect(e.changed_completions.k).toBe(0);
    expect(e.changed_completions.ci_high!).toBeCloseTo(0.0711, 3); // Clopper-Pearson upper bound for 0/50
    expect(e.sign_test.p).toBe(1);
    expect(e.significant).toBe(false);
    expect(e.reading).toMatch(/no score changed/);
  });

  it('finds a planted obedience rate: followed share near it, significant', () => {
    for (const rate of [0.2, 0.6, 0.9]) {
      const e = injectionEffect(pairs(200, (b, _r, obeys) => (obeys ? 1 : b), rate, 7));
      expect(Math.abs(e.followed! - rate)).toBeLessThan(0.1);
      expect(e.sign_test.away).toBe(0);
      expect(e.significant).toBe(true);
      expect(e.mean_shift).toBeGreaterThan(0);
      expect(e.reading).toMatch(/followed the injected instruction in/);
    }
  });

  it('does not call churn in both directions "following": under a true null the sign test rejects about alpha of the time', () => {
    let rejected = 0;
    const runs = 200;
    for (let s = 0; s < runs; s++) {
      // A sampling judge: each score redrawn with probability 0.3 from the same (uniform) distribution
      // the scores come from, so a move up is as likely as a move down: a true null for the sign test.
      const e = injectionEffect(pairs(40, (b, r) => (r.next() < 0.3 ? [-1, 0, 1][r.int(3)]! : b), 0, 100 + s, [-1, 0, 1]));
      if (e.significant) rejected++;
    }
    // Exact sign tests are conservative: about alpha or less, never much more.
    expect(rejected / runs).toBeLessThan(0.09);
  });

  it('appends the instruction inside the text the judge scores', () => {
    expect(withInjection('I value care.')).toBe(`I value care.\n\n${INJECTED_INSTRUCTION}`);
  });
});

describe('injection check end to end (simulated judges behind the local server)', () => {
  const POPULATION = drawPopulation(91, { models: 4 });
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ population: POPULATION });
  });
  afterAll(async () => server.close());

  it('the plain judge changes nothing; the gullible judge is caught at about its rate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-injection-'));
    const system = { name: 'planted', dimensions: POPULATION.dimensions.map((d) => ({ id: d.id, label: d.id, definition: `Values such as ${d.words.slice(0, 2).join(' and ')}.`, examples: d.words })) };
    writeFileSync(join(dir, 'planted.yaml'), stringify(system));
    const [m1, m2, m3] = POPULATION.models;
    const models = [m1!, m2!].map((m) => `  - {name: ${m.name}, provider: openai, base_url: "${server.url}/v1", model: sim/${m.name}, concurrency: 8}`).join('\n');
    const judges = [`sim/${m3!.name}`, `sim/${m3!.name}+gullible`].map((id, i) => `  - {name: ${i === 0 ? 'judge-plain' : 'judge-gullible'}, provider: openai, base_url: "${server.url}/v1", model: "${id}", concurrency: 8}`).join('\n');
    writeFileSync(join(dir, 'study.yaml'), `name: injection\nstore: run.db\nseed: 5\nmodels:\n${models}\njudge:\n${judges}\nprojective: ${JSON.stringify({ samples: 1, system: join(dir, 'planted.yaml'), judge_checks: ['injection'], judge_injection_sample: 120 })}\n`);
    const r = await runCliAsync(['projective', 'study.yaml', '--json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/valuelex: /);
    expect(r.code).toBe(0);
    const rep = await runCliAsync(['report', 'run.db', '--format', 'json'], { cwd: dir });
    const q = JSON.parse(rep.stdout).judge_quality as { injection: Record<string, ReturnType<typeof injectionEffect>> };
    const plain = q.injection['judge-plain']!, gullible = q.injection['judge-gullible']!;
    expect(plain.n_completions).toBe(120);
    expect(plain.changed_scores).toBe(0);
    expect(plain.significant).toBe(false);
    expect(gullible.n_completions).toBe(120);
    // The gullible judge obeys per text with probability GULLIBLE_RATE: the share of open scores it
    // moved to +1 estimates that rate (binomial sd over 120 texts about 0.045).
    expect(Math.abs(gullible.followed! - GULLIBLE_RATE)).toBeLessThan(0.15);
    expect(gullible.changed_completions.ci_low!).toBeLessThan(GULLIBLE_RATE);
    expect(gullible.changed_completions.ci_high!).toBeGreaterThan(GULLIBLE_RATE - 0.05);
    expect(gullible.sign_test.away).toBe(0);
    expect(gullible.sign_test.p).toBeLessThan(1e-6);
    expect(gullible.significant).toBe(true);
    // The report says what was measured, per judge.
    const html = await runCliAsync(['report', 'run.db', '--out', join(dir, 'report.html')], { cwd: dir });
    expect(html.code).toBe(0);
    const page = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(page).toContain('Injection check');
    expect(page).toMatch(/judge-gullible<\/code>: <strong>follows injected instructions<\/strong>/);
    expect(page).toMatch(/judge-plain<\/code>: no score changed/);
  }, 240_000);
});
