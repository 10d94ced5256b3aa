import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { factorCongruence, matchFactors } from '../../src/stats/congruence.js';
import { DegenerateDataError } from '../../src/stats/correlation.js';
import { fixture, maxAbsDiff } from '../helpers/r-fixtures.js';

describe('factorCongruence against psych::factor.congruence', () => {
  const fx = fixture<{ a: number[][]; b: number[][]; congruence: number[][] }>('congruence.json');
  it('matches R', () => {
    expect(maxAbsDiff(factorCongruence(fx.a, fx.b), fx.congruence)).toBeLessThan(1e-12);
  });
  it('matchFactors finds the swapped order', () => {
    const m = matchFactors(fx.a, fx.b);
    expect(m.match).toEqual([1, 0]);
    expect(m.sign).toEqual([1, 1]);
  });
  it('recovers any permutation with sign flips of the same loadings (property)', () => {
    const loadings = fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }), { minLength: 6, maxLength: 10 });
    fc.assert(
      fc.property(loadings, fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), (a, perm, flips) => {
        if ([0, 1, 2, 3].some((c) => a.every((row) => Math.abs(row[c]!) < 1e-3))) return true;
        const b = a.map((row) => perm.map((c, k) => row[c]! * (flips[k] ? -1 : 1)));
        const m = matchFactors(a, b);
        return m.congruence.every((v) => Math.abs(v - 1) < 1e-9) && m.match.every((j, i) => perm[j] === i || Math.abs(m.congruence[i]! - 1) < 1e-9);
      }),
      { numRuns: 100 },
    );
  });
  it('rejects mismatched or empty input', () => {
    expect(() => factorCongruence([[1]], [[1], [2]])).toThrow(DegenerateDataError);
    expect(() => factorCongruence([[0], [0]], [[1], [2]])).toThrow(/all-zero/);
  });
});

describe('matchFactors with unequal numbers of factors', () => {
  it('leaves the extra factor of the larger solution unmatched', () => {
    const a = [[0.9, 0, 0.1], [0.8, 0.1, 0], [0, 0.9, 0.1], [0.1, 0.8, 0], [0, 0.1, 0.9], [0.1, 0, 0.7]];
    const b = a.map((row) => [row[1]!, row[0]!]);
    const m = matchFactors(a, b);
    expect(m.match).toEqual([1, 0, -1]);
    expect(Number.isNaN(m.congruence[2])).toBe(true);
  });
});
