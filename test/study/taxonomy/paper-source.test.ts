/**
 * The paper's source where the truth is known, without a server: respondents are models x prompts,
 * each answering in several samples that name value words with a probability rising with the
 * respondent's trait on the word's planted dimension. The samples are aggregated within the
 * respondent (any-mention -> tetrachoric, or counts -> polychoric), the number of factors comes
 * from parallel analysis against a permutation null, and the words must land on their planted
 * dimensions (ARI >= 0.9) for 2 to 5 planted dimensions and several seeds. Under a population
 * with no structure (every word named independently), no structure may be reported, and held-out
 * models must confirm a planted structure (ordinal CFA, congruence, reliability).
 */
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../../src/stats/cluster/ari.js';
import { createRng } from '../../../src/stats/rng.js';
import { correlate, discoverStructure, InadequateDataError, pruneLowMsa } from '../../../src/study/stages/taxonomy/structure.js';
import { validateByModels } from '../../../src/study/stages/taxonomy/validation.js';

interface Planted {
  any: number[][];
  count: number[][];
  terms: string[];
  /** Planted dimension of each term (-1: none). */
  truth: number[];
  rowModels: string[];
}

/** models x prompts respondents, `samples` answers each; `dims` = 0 plants no structure. */
function plantedElicitation(seed: number, o: { dims: number; perDim: number; models: number; prompts: number; samples: number; background?: number }): Planted {
  const rng = createRng(seed);
  const background = o.background ?? 4;
  const truth: number[] = [];
  const terms: string[] = [];
  const dims = Math.max(o.dims, 1);
  for (let d = 0; d < dims; d++) for (let k = 0; k < o.perDim; k++) { terms.push(`w${d}_${k}`); truth.push(o.dims === 0 ? -1 : d); }
  for (let k = 0; k < background; k++) { terms.push(`bg${k}`); truth.push(-1); }
  // Each word's base rate: between 10% and 45% of answers name it.
  const bias = terms.map(() => -2.2 + 1.6 * rng.next());
  const any: number[][] = [];
  const count: number[][] = [];
  const rowModels: string[] = [];
  for (let m = 0; m < o.models; m++) {
    const modelTrait = Array.from({ length: dims }, () => 0.5 * rng.normal());
    for (let p = 0; p < o.prompts; p++) {
      const trait = modelTrait.map((t) => t + 0.8 * rng.normal());
      // Under the null every word has its own independent propensity for this respondent.
      const own = terms.map(() => 0.8 * rng.normal());
      const c = terms.map(() => 0);
      for (let s = 0; s < o.samples; s++) {
        terms.forEach((_, j) => {
          const latent = truth[j]! >= 0 ? 1.6 * trait[truth[j]!]! : own[j]!;
          if (rng.next() < 1 / (1 + Math.exp(-(latent + bias[j]!)))) c[j]!++;
        });
      }
      count.push(c);
      any.push(c.map((v) => (v > 0 ? 1 : 0)));
      rowModels.push(`m${m}`);
    }
  }
  return { any, count, terms, truth, rowModels };
}

const OPTS = { factors: 'auto' as const, fm: 'minres' as const, rotate: 'oblimin' as const, threshold: 0.3, enforceAdequacy: false, paIter: 60 };

/** ARI of the planted dimensions of the planted words against the dimensions they were assigned to (unassigned = a cluster of its own). */
function ariOf(p: Planted, members: number[][]): number {
  const found = new Map<number, number>();
  members.forEach((items, k) => items.forEach((i) => found.set(i, k)));
  const idx = p.truth.map((t, i) => (t >= 0 ? i : -1)).filter((i) => i >= 0);
  return adjustedRandIndex(idx.map((i) => p.truth[i]!), idx.map((i) => found.get(i) ?? -1));
}

describe("the paper's source recovers planted structures", () => {
  for (const [dims, seed] of [[2, 11], [3, 12], [3, 13], [4, 14], [5, 15]] as const) {
    it(`${dims} planted dimensions (seed ${seed}), any-mention cells, tetrachoric`, () => {
      const p = plantedElicitation(seed, { dims, perDim: 8, models: 12, prompts: 15, samples: 4 });
      const s = discoverStructure(p.any, p.terms, { ...OPTS, cor: 'tetrachoric', seed });
      expect(s.nfactors).toBe(dims);
      expect(ariOf(p, s.members)).toBeGreaterThanOrEqual(0.9);
      // MAP and the scree are reported beside the parallel analysis.
      expect(s.factorCount.map).not.toBeNull();
      expect(s.factorCount.scree).toHaveLength(p.terms.length);
      expect(s.factorCount.iter).toBe(60);
    }, 120_000);
  }

  it('dropping terms of low sampling adequacy removes the words on no dimension and keeps the planted ones', () => {
    const p = plantedElicitation(61, { dims: 3, perDim: 8, models: 12, prompts: 15, samples: 4, background: 6 });
    const pruned = pruneLowMsa(correlate('pearson', p.any), 0.5);
    expect(pruned.kmoBefore).toBeGreaterThan(0.7);
    const droppedPlanted = pruned.dropped.filter((d) => p.truth[d.index]! >= 0);
    expect(droppedPlanted).toEqual([]);
    expect(pruned.dropped.length).toBeGreaterThanOrEqual(4);
    for (const d of pruned.dropped) expect(d.msa).toBeLessThan(0.5);
  }, 60_000);

  it('count cells (samples named in, polychoric) recover the structure too', () => {
    const p = plantedElicitation(21, { dims: 3, perDim: 8, models: 12, prompts: 15, samples: 4 });
    const s = discoverStructure(p.count, p.terms, { ...OPTS, cor: 'polychoric', seed: 21 });
    expect(s.nfactors).toBe(3);
    expect(ariOf(p, s.members)).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('reports no structure when every word is named independently', () => {
    const seeds = [31, 32, 33, 34, 35, 36];
    const counts: number[] = [];
    for (const seed of seeds) {
      const p = plantedElicitation(seed, { dims: 0, perDim: 24, models: 12, prompts: 15, samples: 4 });
      // Enforced, the study refuses such data as unfit for factor analysis (KMO, Bartlett)...
      let refused = false;
      try {
        discoverStructure(p.any, p.terms, { ...OPTS, cor: 'tetrachoric', seed, enforceAdequacy: true });
      } catch (e) {
        expect(e).toBeInstanceOf(InadequateDataError);
        refused = true;
      }
      // ...and when told to go on, parallel analysis finds no factor beyond chance.
      const s = discoverStructure(p.any, p.terms, { ...OPTS, cor: 'tetrachoric', seed });
      counts.push(s.nfactors);
      if (!refused) expect(s.nfactors).toBeLessThanOrEqual(1);
      // Dropping the terms of lowest sampling adequacy (as the stage does) selects the terms that
      // look best by chance; parallel analysis must still find nothing in what is left.
      const pruned = pruneLowMsa(correlate('pearson', p.any), 0.5);
      const kept = discoverStructure(p.any.map((row) => pruned.keep.map((j) => row[j]!)), pruned.keep.map((j) => p.terms[j]!), { ...OPTS, cor: 'tetrachoric', seed });
      counts.push(kept.nfactors);
    }
    // The permutation null's 95th percentile: a false first factor is rare (about 5% of runs), a second never.
    expect(Math.max(...counts)).toBeLessThanOrEqual(1);
    expect(counts.filter((c) => c === 1).length).toBeLessThanOrEqual(2);
  }, 240_000);

  it('held-out models confirm a planted structure: congruence, ordinal CFA, reliability out of sample', () => {
    const p = plantedElicitation(41, { dims: 3, perDim: 8, models: 12, prompts: 15, samples: 4 });
    const s = discoverStructure(p.any, p.terms, { ...OPTS, cor: 'tetrachoric', seed: 41 });
    expect(s.nfactors).toBe(3);
    const v = validateByModels({ data: p.any, terms: p.terms, rowModels: p.rowModels, loadings: s.res!.loadings, dimensionIds: ['dim1', 'dim2', 'dim3'], cor: 'tetrachoric', fm: 'minres', rotate: 'oblimin', threshold: 0.3, folds: 4, seed: 1, ordinal: true });
    if (typeof v === 'string') throw new Error(v);
    expect(v.k).toBe(4);
    // Every fold holds out whole models: no model is in a fold's training and held-out sets.
    for (const f of v.folds) {
      expect(f.held_out_models).toHaveLength(3);
      expect(f.test_respondents).toBe(3 * 15);
      expect(f.train_respondents).toBe(9 * 15);
    }
    expect(new Set(v.folds.flatMap((f) => f.held_out_models)).size).toBe(12);
    expect(v.pooled.congruence_mean!).toBeGreaterThan(0.85);
    expect(v.pooled.cfa_folds).toBe(4);
    expect(v.pooled.cfi_scaled!).toBeGreaterThan(0.9);
    expect(v.pooled.rmsea_scaled!).toBeLessThan(0.08);
    for (const id of ['dim1', 'dim2', 'dim3']) {
      expect(v.pooled.alpha[id]!).toBeGreaterThan(0.6);
      expect(v.pooled.omega[id]!).toBeGreaterThan(0.7);
    }
  }, 240_000);

  it('held-out models do not confirm a structure that was forced on structureless data', () => {
    const p = plantedElicitation(51, { dims: 0, perDim: 24, models: 12, prompts: 15, samples: 4 });
    const s = discoverStructure(p.any, p.terms, { ...OPTS, factors: 3, cor: 'tetrachoric', seed: 51 });
    const v = validateByModels({ data: p.any, terms: p.terms, rowModels: p.rowModels, loadings: s.res!.loadings, dimensionIds: ['dim1', 'dim2', 'dim3'], cor: 'tetrachoric', fm: 'minres', rotate: 'oblimin', threshold: 0.3, folds: 4, seed: 1, ordinal: true });
    if (typeof v === 'string') throw new Error(v);
    // Factors of noise do not replicate in models not seen.
    expect(v.pooled.congruence_mean!).toBeLessThan(0.6);
  }, 240_000);
});
