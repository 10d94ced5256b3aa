import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DescriptorNormalizer } from '../../src/text/normalize.js';
import { parseElicitation } from '../../src/text/parse.js';
import { analyseResponse } from '../../src/study/stages/elicit/stage.js';

const VALUE_WORDS = ['Honesty', 'helpful', 'Kindness', 'fair', 'transparent', 'curiosity', 'well-being', 'respect for others', 'Empathy'];
const FILLER = ['Sure!', 'Here are my values:', 'I hope this helps.', '**Note**: values vary.', '```json', '```', '', '   '];

/** Answers assembled from the pieces real answers are made of, in random styles. */
const answer = fc.oneof(
  fc.array(fc.constantFrom(...VALUE_WORDS), { minLength: 1, maxLength: 8 }).map((ws) => ws.map((w, i) => `${i + 1}. ${w}`).join('\n')),
  fc.array(fc.constantFrom(...VALUE_WORDS), { minLength: 1, maxLength: 8 }).map((ws) => ws.map((w) => `- **${w}**: because it matters`).join('\n')),
  fc.array(fc.constantFrom(...VALUE_WORDS), { minLength: 1, maxLength: 8 }).map((ws) => JSON.stringify(ws)),
  fc.array(fc.oneof(fc.constantFrom(...VALUE_WORDS, ...FILLER), fc.string({ maxLength: 30 })), { maxLength: 12 }).map((xs) => xs.join('\n')),
  fc.array(fc.oneof(fc.constantFrom(...VALUE_WORDS, ...FILLER), fc.string({ maxLength: 30 })), { maxLength: 12 }).map((xs) => xs.join(', ')),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
);

describe('parser properties', () => {
  const normalizer = new DescriptorNormalizer();
  it('never throws; accepted descriptors are short lowercase letter phrases; rejects carry a reason', () => {
    fc.assert(
      fc.property(answer, (text) => {
        const p = parseElicitation(text);
        for (const item of p.items) {
          if (item.descriptor !== undefined) {
            expect(item.descriptor).toMatch(/^\p{L}[\p{L}' -]*\p{L}$/u);
            expect(item.descriptor).toBe(item.descriptor.toLowerCase());
            expect(item.descriptor.split(' ').length).toBeLessThanOrEqual(4);
          } else expect(item.reject).toBeDefined();
        }
        if (p.reject) expect(p.items.every((i) => i.descriptor === undefined)).toBe(true);
        else expect(p.items.some((i) => i.descriptor !== undefined)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('every value named in a numbered list is found, whatever the order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...VALUE_WORDS), { minLength: 2, maxLength: 8 }), (ws) => {
        const { rows } = analyseResponse(ws.map((w, i) => `${i + 1}. ${w}`).join('\n'), normalizer);
        const expected = ws.map((w) => normalizer.normalize(w.toLowerCase()).descriptor);
        expect(rows.filter((r) => r.reject === null).map((r) => r.descriptor)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
