/**
 * Test-retest stability of the rating-based model scores (issue 18, item 3; `rate.retest: true`):
 * a second, independent administration (other seeds, another item order) is scored on the same
 * dimensions, and per dimension the models' scores are compared across the two runs by ICC(2,1)
 * (two-way random, absolute agreement: the same score again, not merely the same rank) with its
 * interval, and by the rank-order stability of the models (Spearman). Per model, the ipsative
 * stability of its profile (the correlation of its dimension scores across the runs). The unit is
 * the model; a split-half of one run would only be internal consistency, and is not reported as
 * test-retest.
 */
import { correlationTest } from '../../../stats/effects.js';
import { intraclassCorrelation, ipsativeStability } from '../../../stats/icc.js';

export interface RetestDimension {
  dimension: string;
  models: number;
  icc: number;
  icc_low: number;
  icc_high: number;
  spearman: number | null;
  spearman_p: number | null;
}

export interface RetestResult {
  administrations: 2;
  dimensions: RetestDimension[];
  /** Per model: Pearson r of its dimension scores in the two runs (null with fewer than 3 dimensions or a flat profile). */
  ipsative: Array<{ model: string; r: number | null }>;
  warnings: string[];
}

interface Ratings {
  respondents: ReadonlyArray<{ model: string }>;
  terms: readonly string[];
  matrix: readonly (readonly (number | null)[])[];
}

/**
 * Each model's score on each dimension: the mean rating of the dimension's words over the model's
 * respondents, negatively loading words reversed on the scale.
 */
export function modelDimensionScores(ratings: Ratings, dims: ReadonlyArray<{ id: string; loadings: Record<string, number> }>, scale: number, models: readonly string[]): Record<string, Array<number | null>> {
  const col = new Map(ratings.terms.map((t, j) => [t, j]));
  const out: Record<string, Array<number | null>> = {};
  for (const d of dims) {
    const items = Object.entries(d.loadings).filter(([w]) => col.has(w)).map(([w, l]) => ({ j: col.get(w)!, sign: l < 0 ? -1 : 1 }));
    out[d.id] = models.map((m) => {
      let sum = 0, n = 0;
      ratings.respondents.forEach((r, i) => {
        if (r.model !== m) return;
        for (const it of items) {
          const v = ratings.matrix[i]![it.j];
          if (v === null || v === undefined) continue;
          sum += it.sign > 0 ? v : scale + 1 - v;
          n++;
        }
      });
      return n > 0 ? sum / n : null;
    });
  }
  return out;
}

export function retestStability(first: Ratings, second: Ratings, dims: ReadonlyArray<{ id: string; loadings: Record<string, number> }>, scale: number): RetestResult {
  const models = [...new Set(first.respondents.map((r) => r.model))].filter((m) => second.respondents.some((r) => r.model === m)).sort();
  const a = modelDimensionScores(first, dims, scale, models);
  const b = modelDimensionScores(second, dims, scale, models);
  const warnings: string[] = [];
  const dimensions: RetestDimension[] = [];
  for (const d of dims) {
    const rows = models.map((_, m) => [a[d.id]![m], b[d.id]![m]] as const).filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null);
    if (rows.length < 3) {
      warnings.push(`test-retest of ${d.id}: ${rows.length} models scored in both runs (needs 3)`);
      continue;
    }
    try {
      const icc = intraclassCorrelation(rows.map((p) => [...p]));
      let spearman: number | null = null, p: number | null = null;
      try {
        const s = correlationTest(rows.map((x) => x[0]), rows.map((x) => x[1]), 'spearman');
        spearman = s.estimate;
        p = s.p;
      } catch (e) {
        warnings.push(`rank-order stability of ${d.id}: ${(e as Error).message}`);
      }
      dimensions.push({ dimension: d.id, models: rows.length, icc: icc.icc2.icc, icc_low: icc.icc2.lower, icc_high: icc.icc2.upper, spearman, spearman_p: p });
    } catch (e) {
      warnings.push(`test-retest of ${d.id}: ${(e as Error).message}`);
    }
  }
  const ipsative = models.map((model, m) => {
    const pairs = dims.map((d) => [a[d.id]![m], b[d.id]![m]] as const).filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null);
    try {
      return { model, r: pairs.length >= 3 ? ipsativeStability(pairs.map((p) => p[0]), pairs.map((p) => p[1])).r : null };
    } catch {
      return { model, r: null };
    }
  });
  return { administrations: 2, dimensions, ipsative, warnings };
}
