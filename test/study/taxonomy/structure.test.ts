/**
 * The taxonomy's statistical core where the truth is known: ordinal ratings with missing cells
 * generated from a planted structure of three correlated factors must be recovered (Tucker
 * congruence > 0.95 per factor); omega per dimension equals its closed form on a one-factor
 * matrix; comparison with another value system and the overlap with Schwartz's values.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { GloveEmbedder } from '../../../src/embed/glove.js';
import { matchFactors } from '../../../src/stats/congruence.js';
import { createRng } from '../../../src/stats/rng.js';
import { compareSystems, dimensionOmega, discoverStructure, nearestSchwartz, overlapWithSchwartz } from '../../../src/study/stages/taxonomy/stage.js';

function plantedRatings(n: number, seed: number): { data: (number | null)[][]; loadings: number[][]; terms: string[] } {
  const rng = createRng(seed);
  const k = 3, perFactor = 7, p = k * perFactor;
  const loadings = Array.from({ length: p }, (_, i) => Array.from({ length: k }, (_, f) => (Math.floor(i / perFactor) === f ? 0.55 + 0.25 * ((i % perFactor) / perFactor) : 0)));
  // Factor correlations 0.3 via a shared component.
  const data = Array.from({ length: n }, () => {
    const g = rng.normal();
    const f = Array.from({ length: k }, () => Math.sqrt(0.3) * g + Math.sqrt(0.7) * rng.normal());
    return loadings.map((l) => {
      const common = l.reduce((s, x, j) => s + x * f[j]!, 0);
      const uniq = Math.sqrt(Math.max(0.05, 1 - l.reduce((s, x) => s + x * x, 0) - 0.3 * 0)) * rng.normal();
      const z = common + uniq;
      // Five Likert categories; 8% of cells missing (a rating that failed to parse).
      if (rng.next() < 0.08) return null;
      return z < -1.2 ? 1 : z < -0.4 ? 2 : z < 0.4 ? 3 : z < 1.2 ? 4 : 5;
    });
  });
  return { data, loadings, terms: Array.from({ length: p }, (_, i) => `w${i + 1}`) };
}

describe('taxonomy structure', () => {
  for (const cor of ['polychoric', 'pearson'] as const) {
    it(`recovers a planted three-factor ordinal structure with missing cells (${cor})`, () => {
      const { data, loadings, terms } = plantedRatings(700, 17);
      const s = discoverStructure(data, terms, { cor, factors: 'auto', fm: 'minres', rotate: 'oblimin', threshold: 0.3, seed: 1 });
      expect(s.nfactors).toBe(3);
      const m = matchFactors(s.res.loadings, loadings);
      for (const c of m.congruence) expect(c).toBeGreaterThan(0.95);
      // Every word lands on its planted factor.
      s.members.forEach((items, f) => {
        const planted = items.map((i) => Math.floor(i / 7));
        expect(new Set(planted).size).toBe(1);
        void f;
      });
      expect(s.unassigned).toEqual([]);
    });
  }

  it('refuses data unfit for factor analysis unless told to proceed', () => {
    const rng = createRng(2);
    const noise = Array.from({ length: 60 }, () => Array.from({ length: 6 }, () => 1 + rng.int(5)));
    const opts = { cor: 'pearson' as const, factors: 2, fm: 'minres' as const, rotate: 'oblimin' as const, threshold: 0.3, seed: 1 };
    expect(() => discoverStructure(noise, ['a', 'b', 'c', 'd', 'e', 'f'], opts)).toThrow(/not suitable for factor analysis/);
    expect(discoverStructure(noise, ['a', 'b', 'c', 'd', 'e', 'f'], { ...opts, enforceAdequacy: false }).warnings.join(' ')).toMatch(/not suitable/);
  });

  it("omega of a dimension equals McDonald's closed form on a one-factor matrix", () => {
    const lam = [0.8, 0.7, 0.6, 0.5];
    const r = lam.map((a, i) => lam.map((b, j) => (i === j ? 1 : a * b)));
    const sum = lam.reduce((s, x) => s + x, 0);
    const expected = (sum * sum) / (sum * sum + lam.reduce((s, x) => s + 1 - x * x, 0));
    expect(dimensionOmega(r, [0, 1, 2, 3])!).toBeCloseTo(expected, 4);
    expect(dimensionOmega(r, [0, 1])).toBeNull();
  });

  it('compares with another value system by congruence and places words among Schwartz values', async () => {
    const dims = [
      { id: 'dim1', label: 'Care', loadings: { kindness: 0.8, compassion: 0.7, helpfulness: 0.6, fairness: 0.1 } },
      { id: 'dim2', label: 'Order', loadings: { safety: 0.8, stability: 0.7, discipline: 0.5, kindness: 0.05 } },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'vlx-cmp-'));
    writeFileSync(join(dir, 'other.yaml'), stringify({ name: 'other', dimensions: [{ id: 'B', label: 'b', parent: null, loadings: dims[1]!.loadings }, { id: 'A', label: 'a', parent: null, loadings: dims[0]!.loadings }] }));
    const c = compareSystems(dims, join(dir, 'other.yaml'));
    expect(c.shared_terms).toBe(7);
    expect(c.pairs).toEqual([{ dimension: 'dim1', other: 'A', congruence: expect.closeTo(1, 10) }, { dimension: 'dim2', other: 'B', congruence: expect.closeTo(1, 10) }]);
    writeFileSync(join(dir, 'bad.yaml'), stringify({ name: 'x', dimensions: [{ id: 'Z', loadings: { unrelated: 1 } }] }));
    expect(() => compareSystems(dims, join(dir, 'bad.yaml'))).toThrow(/shares only 0 words/);
    const overlap = await overlapWithSchwartz(new GloveEmbedder(), dims);
    expect(overlap.find((o) => o.dimension === 'dim2')!.top).toBe('security');
    expect(['benevolence', 'universalism']).toContain(overlap.find((o) => o.dimension === 'dim1')!.top);
  });
});

describe('nearest Schwartz value', () => {
  it('a word the embedder gives no direction (zero vector) is near no value, and the rest are still placed', async () => {
    const glove = new GloveEmbedder();
    const embedder = { id: 'test:holes', dimension: glove.dimension, embed: async (texts: string[]) => (await glove.embed(texts)).map((v, i) => (texts[i] === 'zzz-hole' ? new Float32Array(v.length) : v)) };
    expect(await nearestSchwartz(embedder, ['safety', 'zzz-hole', 'tradition'])).toEqual(['security', null, 'tradition']);
    const overlap = await overlapWithSchwartz(embedder, [
      { id: 'd1', label: 'D1', loadings: { safety: 0.8, 'zzz-hole': 0.6 } },
      { id: 'd2', label: 'D2', loadings: { 'zzz-hole': 0.7 } },
    ]);
    expect(overlap).toEqual([{ dimension: 'd1', label: 'D1', nearest: { security: 1 }, top: 'security', share: 0.5 }]);
  });
});
