/**
 * isNonEnglish has a fast path for plain-ASCII answers (most of them); it must decide exactly as
 * the letter-by-letter definition does, on any text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNonEnglish } from '../../src/text/refusal.js';

const FOREIGN = new Set(['le', 'la', 'les', 'des', 'est', 'et', 'une', 'je', 'nous', 'pour', 'avec', 'sont', 'mes', 'valeurs', 'der', 'die', 'das', 'und', 'ist', 'ich', 'nicht', 'mit', 'meine', 'sind', 'werte', 'ein', 'eine', 'el', 'los', 'las', 'y', 'es', 'yo', 'mis', 'con', 'son', 'valores', 'una', 'que', 'del', 'für', 'mich', 'wichtig', 'auch', 'mir', 'wir', 'sich', 'zu', 'von', 'den', 'dem', 'im', 'il', 'di', 'che', 'sono', 'miei', 'valori', 'os', 'meus', 'com', 'um', 'uma', 'não']);
const ENGLISH = new Set(['the', 'and', 'i', 'my', 'is', 'are', 'to', 'of', 'a', 'an', 'in', 'for', 'with', 'be', 'that', 'it', 'as', 'values', 'value', 'on', 'by', 'or']);

/** The definition, letter by letter (the implementation before its ASCII fast path). */
function reference(text: string): boolean {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length === 0) return false;
  const nonLatin = letters.filter((c) => !/\p{Script=Latin}/u.test(c)).length;
  if (nonLatin / letters.length > 0.3) return true;
  const accented = letters.filter((c) => /[^\x00-\x7F]/.test(c)).length;
  if (accented / letters.length > 0.08) return true;
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  let foreign = 0;
  let english = 0;
  for (const w of words) {
    if (ENGLISH.has(w)) english++;
    else if (FOREIGN.has(w)) foreign++;
  }
  if (foreign >= 3 && foreign > 2 * english) return true;
  const foreignMorph = words.filter((w) => /\p{L}{3,}(?:keit|heit|heid|schaft|dad|idade|ción|zione|tà|ité)$/u.test(w)).length;
  return foreignMorph >= 2 && foreignMorph >= 0.3 * words.length;
}

const words = [...FOREIGN, ...ENGLISH, 'honesty', 'Ehrlichkeit', 'Freundschaft', 'libertad', 'verdad', 'bondade', 'équité', 'naïveté', 'честность', '诚实', '1.', '-', '**', '\n', ' ', ',', '🙂', 'ÉTÉ'];
const wordText = fc.array(fc.constantFrom(...words), { maxLength: 30 }).map((ws) => ws.join(' '));

describe('isNonEnglish', () => {
  it('decides as the letter-by-letter definition on word soups of English, foreign words and scripts', () => {
    fc.assert(fc.property(wordText, (t) => {
      expect(isNonEnglish(t)).toBe(reference(t));
    }), { numRuns: 3000 });
  });
  it('decides as the definition on arbitrary ASCII and Unicode text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 80 })), (t) => {
      expect(isNonEnglish(t)).toBe(reference(t));
    }), { numRuns: 3000 });
  });
});
