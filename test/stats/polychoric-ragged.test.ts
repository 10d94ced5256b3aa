import { describe, expect, it } from 'vitest';
import { polychoric, tetrachoric } from '../../src/stats/polychoric.js';
import { parallelAnalysis } from '../../src/stats/parallel.js';
import { maxAbsDiff, rReference } from './r-reference.js';

/** test/fixtures/r/factor-count.R, "ragged" part. */
interface RaggedCase {
  seed: number;
  data: number[][];
  /** psych::polychoric(global = FALSE, smooth = FALSE)$rho, or null where psych fails outright. */
  psych: number[][] | null;
  /** psych's arithmetic with the fix: degenerate pairs renormalized (computed in R with psych's polyF). */
  fixed: number[][];
  degenerate_pairs: number;
}

const cases = rReference<RaggedCase[]>('factor-count', 'polychoric-ragged.json');

describe('polychoric with ragged category sets (global thresholds impossible)', () => {
  it.each(cases.map((c) => [c.seed, c] as const))('case %i equals the R reference: psych where its thresholds are defined, renormalized where not', (_seed, c) => {
    const res = polychoric(c.data, { smooth: false });
    expect(res.global).toBe(false);
    expect(maxAbsDiff(res.rho, c.fixed)).toBeLessThan(1e-4);
    if (c.degenerate_pairs === 0) {
      // nothing to fix: identical to psych::polychoric
      expect(maxAbsDiff(res.rho, c.psych!)).toBeLessThan(1e-4);
      expect(res.warnings.join(' ')).not.toMatch(/renormalized/);
    } else {
      expect(res.warnings.join(' ')).toMatch(new RegExp(`${c.degenerate_pairs} pair\\(s\\) had a rare last category`));
    }
  });

  it('the fix matters: psych is off by more than 0.01 on a degenerate pair, or fails outright', () => {
    const degenerate = cases.filter((c) => c.degenerate_pairs > 0);
    expect(degenerate.length).toBeGreaterThanOrEqual(3);
    for (const c of degenerate) {
      if (c.psych === null) continue; // psych stopped or returned a list instead of a matrix
      expect(maxAbsDiff(c.psych, c.fixed)).toBeGreaterThan(0.01);
    }
    expect(degenerate.some((c) => c.psych === null)).toBe(true);
  });
});

/** test/fixtures/r/factor-count.R, "rare" part: 400 respondents x 28 terms, 1 to 125 positives each. */
interface RareTerms { data: number[][]; rho: number[][]; tau: number[]; positives: number[] }

describe('tetrachoric on an elicitation-like matrix with near-empty columns', () => {
  const fx = rReference<RareTerms>('factor-count', 'rare-terms.json');
  it('has terms with a single positive, and equals psych::tetrachoric (smoothed) to 1e-4', () => {
    expect(Math.min(...fx.positives)).toBe(1);
    const res = tetrachoric(fx.data);
    expect(maxAbsDiff(res.rho, fx.rho)).toBeLessThan(1e-4);
    expect(maxAbsDiff(res.tau, fx.tau)).toBeLessThan(1e-10);
    expect(res.smoothed).toBe(true);
    expect(res.rho.flat().every((v) => Number.isFinite(v) && Math.abs(v) <= 1 + 1e-12)).toBe(true);
  });
  it('supports a permutation parallel analysis (marginals kept, so no draw loses a rare term)', () => {
    const tet = (d: (number | null)[][]) => tetrachoric(d).rho;
    const res = parallelAnalysis({ data: fx.data }, { null: 'permutation', correlation: tet, iter: 20, seed: 1 });
    expect(res.redraws).toBe(0);
    expect(res.faSimQuantile!.every(Number.isFinite)).toBe(true);
    expect(res.nfact).toBeGreaterThanOrEqual(1);
  });
});
