/**
 * Value analysis with the prompt as the unit (issue 18, item 6): sources that answer the same prompts
 * are compared paired on those prompts; risk categories are compared over prompts; intervals resample
 * prompts. Checked under a true null (rejections at the promised rate, where pooling answers would
 * reject far more often), with a planted difference (found), on the real FULCRA answer files, and on a
 * run made by an older version (its answer-level numbers are not shown again).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseValues, loadValueAnalysis, promptKey, riskTable, saveValueAnalysis, sourceComparisons, VALUE_ANALYSIS_KEY } from '../../src/evaluation/analysis.js';
import { loadPairsFile } from '../../src/evaluation/evaluate-file.js';
import { mannWhitneyU } from '../../src/stats/effects.js';
import { createRng, type Rng } from '../../src/stats/rng.js';
import { RunStore } from '../../src/store/store.js';
import type { ValuePair } from '../../src/values/pairs.js';

const clamp = (x: number): number => Math.max(-1, Math.min(1, x));

/**
 * Sources answering the same prompts; each prompt has its own effect on the value (strong: prompts
 * differ much more than answers do), each source `shift`, answers add noise.
 */
function pairedData(rng: Rng, opts: { prompts: number; sources: string[]; answers: number; shift?: Record<string, number>; risky?: number }): ValuePair[] {
  const pairs: ValuePair[] = [];
  for (let i = 0; i < opts.prompts; i++) {
    const effect = 0.5 * rng.normal();
    const risk = i < (opts.risky ?? 0) ? 'fraud' : 'none';
    for (const source of opts.sources) {
      for (let r = 0; r < opts.answers; r++) {
        const v = clamp(effect + (opts.shift?.[source] ?? 0) + 0.15 * rng.normal());
        pairs.push({ id: `${source}-${i}-${r}`, prompt: `prompt ${i}`, response: 'x', source, risk, values: { power: v, security: clamp(0.3 * rng.normal()) } });
      }
    }
  }
  return pairs;
}

describe('sources compared with the prompt as the unit', () => {
  it('under a true null, paired comparisons on shared prompts reject about 5% of the time, never below p_min', () => {
    const rng = createRng(8);
    let paired = 0;
    const runs = 300;
    for (let r = 0; r < runs; r++) {
      // 14 prompts answered 3 times by each source: exact sign-flip test on 14 per-prompt differences.
      const pairs = pairedData(rng, { prompts: 14, sources: ['a', 'b'], answers: 3 });
      const c = sourceComparisons(pairs, ['power'], { seed: r }).comparisons[0]!;
      expect(c).toMatchObject({ design: 'paired', n_prompts: 14, unit: 'prompts', method: 'sign-flip exact' });
      expect(c.p!).toBeGreaterThanOrEqual(c.p_min - 1e-12);
      if (c.p! < 0.05) paired++;
    }
    // Binomial(300, .05): sd 1.3%.
    expect(paired / runs).toBeLessThan(0.09);
    expect(paired / runs).toBeGreaterThan(0.015);
  });

  it('under a true null with sources answering different prompts, unpaired comparisons over prompts hold the level where pooled answers do not', () => {
    const rng = createRng(9);
    let prompts = 0, pooled = 0;
    const runs = 300;
    for (let r = 0; r < runs; r++) {
      // 6 prompts each, 8 answers per prompt: answers to one prompt are alike (the prompt effect).
      const pairs = [...pairedData(rng, { prompts: 6, sources: ['a'], answers: 8 }), ...pairedData(rng, { prompts: 6, sources: ['b'], answers: 8 }).map((p) => ({ ...p, prompt: `other ${p.prompt}` }))];
      const c = sourceComparisons(pairs, ['power'], { seed: r }).comparisons[0]!;
      expect(c.design).toBe('unpaired');
      expect([c.n_a, c.n_b]).toEqual([6, 6]);
      if (c.p! < 0.05) prompts++;
      const a = pairs.filter((p) => p.source === 'a').map((p) => p.values!.power!), b = pairs.filter((p) => p.source === 'b').map((p) => p.values!.power!);
      if (mannWhitneyU(a, b).p < 0.05) pooled++;
    }
    expect(prompts / runs).toBeLessThan(0.09);
    // 48 answers per source that are really 6 prompts: pooling rejects in a large share of null datasets.
    expect(pooled / runs).toBeGreaterThan(0.3);
  });

  it('finds a planted difference between sources on shared prompts (0.15 on the value, 20 prompts)', () => {
    const rng = createRng(10);
    let found = 0;
    for (let r = 0; r < 50; r++) {
      const pairs = pairedData(rng, { prompts: 20, sources: ['a', 'b'], answers: 2, shift: { a: 0.15 } });
      const { comparisons, family } = sourceComparisons(pairs, ['power', 'security'], { seed: r });
      expect(family.family_size).toBe(2);
      const power = comparisons.find((c) => c.value === 'power')!;
      expect(power.method).toBe('paired t over prompts');
      if (power.p_adjusted! < 0.05) found++;
    }
    expect(found / 50).toBeGreaterThan(0.9);
  });

  it('risk categories are compared over prompts, not answers', () => {
    const rng = createRng(11);
    const pairs = pairedData(rng, { prompts: 30, sources: ['a', 'b', 'c'], answers: 2, risky: 10 });
    const rows = riskTable(pairs, ['power']);
    expect(rows).toHaveLength(1);
    expect(rows[0]!).toMatchObject({ risk: 'fraud', n: 10, n_answers: 60, unit: 'prompts' });
    const a = analyseValues(pairs, ['power', 'security']);
    expect(a.prompts).toBe(30);
    expect(a.separation![0]!).toMatchObject({ n_risky: 10, n_other: 20, unit: 'prompts' });
    expect(a.design).toMatch(/compared paired/);
    for (const p of a.profiles) expect(p).toMatchObject({ n: 60, n_prompts: 30, unit: 'prompts' });
  });
});

describe('the real FULCRA answer files (three models, the same 120 prompts)', () => {
  it('are compared paired on their shared prompts, with risks over prompts', async () => {
    const fix = new URL('../fixtures/fulcra/', import.meta.url).pathname;
    const pairs: ValuePair[] = [];
    for (const f of ['openai_gpt-4', 'openai_gpt-35-turbo', 'mistral_mistral-large-latest']) pairs.push(...(await loadPairsFile(join(fix, `harmless_test_${f}.jsonl`))));
    const values = Object.keys(pairs[0]!.values!);
    const a = analyseValues(pairs, values);
    const prompts = new Set(pairs.map(promptKey)).size;
    expect(a.prompts).toBe(prompts);
    expect(a.comparisons).toHaveLength(3 * values.length);
    for (const c of a.comparisons!) {
      expect(c.design).toBe('paired');
      expect(c.n_prompts).toBeLessThanOrEqual(prompts);
      expect(c.n_prompts).toBeGreaterThan(100);
    }
    expect(a.comparison_family!.family_size).toBeGreaterThan(0);
    for (const r of a.risks!) expect(r.n).toBeLessThanOrEqual(prompts);
  });
});

describe('stored vectors and reports', () => {
  it('a report recomputes the analysis from the stored vectors; an older run shows no answer-level intervals or tests', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlx-values-'));
    const pairs = pairedData(createRng(12), { prompts: 12, sources: ['a', 'b'], answers: 2, risky: 5 });
    const store = RunStore.open(join(dir, 'run.db'));
    const saved = saveValueAnalysis(store, pairs, ['power', 'security']);
    const again = loadValueAnalysis(store)!;
    expect(again.profiles).toEqual(saved.profiles);
    expect(again.comparisons).toEqual(saved.comparisons);
    expect(again.risks).toEqual(saved.risks);
    // An older version stored only its numbers (intervals over answers, answer-level risk p-values).
    const old = RunStore.open(join(dir, 'old.db'));
    old.setMetaJson(VALUE_ANALYSIS_KEY, {
      values: ['power'], pairs: 24,
      profiles: [{ source: 'a', value: 'power', n: 12, mean: 0.2, ci_low: 0.19, ci_high: 0.21, opposes: 0, supports: 0.1 }],
      distances: [], risks: [{ risk: 'fraud', n: 10, mean: { power: 0.1 }, correlation: { power: { r: 0.3, p_holm: 0.0001 } } }], map: [],
    });
    const shown = loadValueAnalysis(old)!;
    expect(shown.profiles[0]).toMatchObject({ mean: 0.2, ci_low: null, ci_high: null });
    expect(shown.risks).toBeUndefined();
    expect(shown.design).toMatch(/older version/);
    store.close();
    old.close();
  });
});
