/**
 * The multitrait-multimethod reading of a run (src/study/mtmm.ts) on method scores drawn from a
 * known truth: values measured by every method converge; a value that exists only in what models
 * say about themselves is called out; with few models nothing is decided; scale-use styles do not
 * pass for traits. The whole pipeline on simulated models is tested in ./mtmm-e2e.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/rng.js';
import { RunStore } from '../../src/store/store.js';
import { buildMtmm, mtmmFromScores, type MethodScores, type MtmmMethod } from '../../src/study/mtmm.js';

const TRAITS = ['care', 'truth', 'order', 'stated'].map((id) => ({ id, label: id[0]!.toUpperCase() + id.slice(1) }));

/**
 * Raw scores per method for `n` models. Each model has a true priority per trait; `stated` is a
 * value models claim (self-ratings and elicitation follow a claim independent of behaviour) while
 * their behaviour (projective, choices) does not vary with it. Ratings carry a per-model
 * acquiescence and elicitation a per-model verbosity (sd `style`): general tendencies of a method.
 */
function drawScores(seed: number, n: number, traits = TRAITS, style = 0.3): { byMethod: Map<MtmmMethod, MethodScores>; models: string[] } {
  const rng = createRng(seed);
  const byMethod = new Map<MtmmMethod, MethodScores>([['self-ratings', new Map()], ['elicitation', new Map()], ['projective', new Map()], ['choices', new Map()]]);
  const models = Array.from({ length: n }, (_, i) => `m${i}`);
  for (const m of models) {
    const truth = new Map(traits.map((t) => [t.id, t.id === 'stated' ? 0 : rng.normal()]));
    const claim = rng.normal();
    const acquiescence = style * rng.normal();
    const verbosity = style * rng.normal();
    const said = (t: string): number => (t === 'stated' ? claim : truth.get(t)!);
    const mean = [...truth.values()].reduce((a, b) => a + b, 0) / truth.size;
    for (const t of traits) {
      byMethod.get('self-ratings')!.set(m, (byMethod.get('self-ratings')!.get(m) ?? new Map()).set(t.id, 3 + 0.6 * said(t.id) + acquiescence + 0.3 * rng.normal()));
      byMethod.get('elicitation')!.set(m, (byMethod.get('elicitation')!.get(m) ?? new Map()).set(t.id, 1 / (1 + Math.exp(-(said(t.id) + verbosity + 0.4 * rng.normal())))));
      byMethod.get('projective')!.set(m, (byMethod.get('projective')!.get(m) ?? new Map()).set(t.id, 0.3 * truth.get(t.id)! + 0.1 * rng.normal()));
      byMethod.get('choices')!.set(m, (byMethod.get('choices')!.get(m) ?? new Map()).set(t.id, 2 * (truth.get(t.id)! - mean) + 0.5 * rng.normal()));
    }
  }
  return { byMethod, models };
}

describe('MTMM readings where the truth is known', () => {
  it('values measured by every method converge; a value only models claim is "self-report-only"', () => {
    const { byMethod, models } = drawScores(1, 30);
    const res = mtmmFromScores(byMethod, TRAITS, models)!;
    expect(res.models).toHaveLength(30);
    expect(res.methods.map((m) => m.id)).toEqual(['self-ratings', 'elicitation', 'projective', 'choices']);
    expect(res.columns).toHaveLength(16);
    for (const id of ['care', 'truth', 'order']) {
      const t = res.per_trait.find((x) => x.trait === id)!;
      expect(t.reading).toBe('methods-agree');
      expect(t.verdict).toBe('convergent');
      expect(t.convergent!).toBeGreaterThan(0.6);
      expect(t.across.r!).toBeGreaterThan(0.5);
      expect(t.statement).toMatch(new RegExp(`^The methods agree on ${t.label}`));
    }
    const stated = res.per_trait.find((x) => x.trait === 'stated')!;
    expect(stated.reading).toBe('self-report-only');
    expect(stated.self_report.r!).toBeGreaterThan(0.6);
    expect(Math.abs(stated.across.r!)).toBeLessThan(0.3);
    expect(stated.convergent!).toBeLessThan(0.3);
    expect(stated.statement).toMatch(/exists only in what models say about themselves/);
    expect(res.notes).toEqual([]);
  });

  it('over many draws, a value only models claim is never read as one the methods agree on', () => {
    const readings = new Map<string, number>();
    for (let seed = 10; seed < 50; seed++) {
      const { byMethod, models } = drawScores(seed, 25);
      const r = mtmmFromScores(byMethod, TRAITS, models)!.per_trait.find((t) => t.trait === 'stated')!.reading;
      readings.set(r, (readings.get(r) ?? 0) + 1);
    }
    expect(readings.get('methods-agree') ?? 0).toBe(0);
    expect(readings.get('not-distinct') ?? 0).toBe(0);
    // Measured at 25 models: self-report-only 27 of 40, insufficient-data 10, method-specific 3.
    expect(readings.get('self-report-only')!).toBeGreaterThanOrEqual(22);
  });

  it('with six models nothing is decided about a claimed value, and the report says more models are needed', () => {
    const { byMethod, models } = drawScores(2, 6);
    const res = mtmmFromScores(byMethod, TRAITS, models)!;
    const stated = res.per_trait.find((t) => t.trait === 'stated')!;
    expect(stated.reading).toBe('insufficient-data');
    expect(stated.statement).toMatch(/Not enough evidence/);
    expect(res.notes[0]).toMatch(/6 models: .* about 20 or more models are needed/);
  });

  it('a strong general style of one method (acquiescent ratings) shows as a method effect, not as convergence', () => {
    const { byMethod, models } = drawScores(3, 40, TRAITS, 3);
    const res = mtmmFromScores(byMethod, TRAITS, models)!;
    const col = (t: string, m: string): number => res.columns.findIndex((c) => c.trait === t && c.method === m);
    // Different values rated by the same model move together...
    expect(res.r[col('care', 'self-ratings')]![col('truth', 'self-ratings')]!).toBeGreaterThan(0.8);
    // ...so the self-ratings of a value no longer stand out from the other values' self-ratings.
    for (const id of ['care', 'truth', 'order']) {
      const c = res.convergent.find((x) => x.trait === id && x.methodA === 'self-ratings' && x.methodB === 'choices')!;
      expect(c.heteroMono.met).toBeLessThan(c.heteroMono.made);
    }
    expect(res.overall.heteroMono.met / res.overall.heteroMono.made).toBeLessThan(mtmmFromScores(drawScores(3, 40).byMethod, TRAITS, models)!.overall.heteroMono.met / mtmmFromScores(drawScores(3, 40).byMethod, TRAITS, models)!.overall.heteroMono.made);
  });

  it('two dimensions: the note says forced choices cannot discriminate them; one method: no matrix', () => {
    const two = TRAITS.slice(0, 2);
    const { byMethod, models } = drawScores(4, 30, two);
    const res = mtmmFromScores(byMethod, two, models)!;
    expect(res.notes.some((n) => /Two dimensions/.test(n))).toBe(true);
    expect(mtmmFromScores(new Map([['choices', byMethod.get('choices')!]]), two, models)).toBeUndefined();
  });

  it('a run without any stage has no MTMM section', () => {
    const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'vlx-mtmm-')), 'run.db'));
    expect(buildMtmm(store)).toBeUndefined();
    store.close();
  });
});
