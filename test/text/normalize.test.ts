import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DescriptorNormalizer, termKey } from '../../src/text/normalize.js';
import { ADJ_TO_NOUN, knownNounSet, nounCandidates } from '../../src/text/morphology.js';
import { VALUE_WORD_POOL } from '../../src/sim/value-words.js';

const n = new DescriptorNormalizer();
const norm = (s: string) => n.normalize(s).descriptor;

describe('normalization to value nouns', () => {
  it.each([
    ['honest', 'honesty'],
    ['honestly', 'honesty'],
    ['honesty', 'honesty'],
    ['Helpful', 'helpfulness'],
    ['helpfully', 'helpfulness'],
    ['fair', 'fairness'],
    ['transparent', 'transparency'],
    ['kind', 'kindness'],
    ['responsible', 'responsibility'],
    ['responsibly', 'responsibility'],
    ['responsibilities', 'responsibility'],
    ['accurate', 'accuracy'],
    ['curious', 'curiosity'],
    ['creative', 'creativity'],
    ['empathetic', 'empathy'],
    ['humble', 'humility'],
    ['ethics', 'ethics'],
    ['values', 'value'],
    ['respecting', 'respect'],
  ])('%s -> %s', (input, expected) => {
    expect(norm(input)).toBe(expected);
  });

  it('derives nouns by suffix rules only when the noun is a real word', () => {
    // Not in the explicit map: found by rules, checked against the known-noun list.
    for (const w of ['gracious', 'decent', 'resilient', 'cheerful']) expect(ADJ_TO_NOUN[w]).toBeUndefined();
    expect(norm('gracious')).toBe('graciousness');
    expect(norm('decent')).toBe('decency');
    expect(norm('resilient')).toBe('resilience');
    expect(norm('cheerful')).toBe('cheerfulness');
    expect(norm('tactfully')).toBe('tact');
    expect(norm('compassionately')).toBe('compassion');
    // A made-up adjective has no known noun: it stays as it is rather than inventing "blorfulness".
    expect(norm('blorful')).toBe('blorful');
    expect(nounCandidates('blorful')).toContain('blorfulness');
    expect(knownNounSet().has('blorfulness')).toBe(false);
  });

  it('merges British spellings and hyphen/space variants', () => {
    expect(norm('honour')).toBe('honor');
    expect(norm('behaviour')).toBe('behavior');
    expect(norm('judgement')).toBe('judgment');
    expect(norm('prioritisation')).toBe('prioritization');
    expect(termKey(norm('well being'))).toBe(termKey(norm('wellbeing')));
    expect(norm('open minded')).toBe('open-mindedness');
    expect(norm('Open-Minded')).toBe('open-mindedness');
    expect(termKey('open - mindedness')).toBe(termKey('open mindedness'));
  });

  it("keeps the simulated population's value words as they are", () => {
    for (const w of VALUE_WORD_POOL) expect(norm(w), w).toBe(w);
  });

  it('every value noun of the explicit map is a fixed point (no chains like a -> b -> c)', () => {
    for (const noun of new Set(Object.values(ADJ_TO_NOUN))) expect(norm(noun), noun).toBe(noun);
  });

  it('is idempotent', () => {
    const words = [...Object.keys(ADJ_TO_NOUN), ...Object.values(ADJ_TO_NOUN), 'responsibly', 'honestly', 'truthfully', 'values'];
    fc.assert(
      fc.property(fc.constantFrom(...words), (w) => {
        const once = norm(w);
        expect(norm(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });
});
