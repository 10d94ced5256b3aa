/**
 * Prose answers are mined with the words the study's list answers named: a value word outside the
 * parser's built-in vocabulary must not vanish from prose answers only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseElicitation } from '../../../src/text/parse.js';
import { DescriptorNormalizer } from '../../../src/text/normalize.js';
import { analyseResponse } from '../../../src/study/stages/elicit/stage.js';
import { MIN_STRUCTURED_MENTIONS, StudyVocabulary } from '../../../src/study/stages/elicit/prose.js';

const PROSE = 'I value joy and adventure above all. Faith matters to me as well, and so does honesty.';

describe('prose mined with the study vocabulary', () => {
  it('finds words the built-in vocabulary lacks only when the study named them in lists', () => {
    const plain = parseElicitation(PROSE).items.filter((i) => i.descriptor).map((i) => i.descriptor);
    expect(plain).toContain('honesty');
    expect(plain).not.toContain('joy');
    const mined = parseElicitation(PROSE, { vocabulary: new Set(['joy', 'faith']) }).items.filter((i) => i.descriptor).map((i) => i.descriptor);
    expect(mined).toEqual(expect.arrayContaining(['honesty', 'joy', 'faith']));
    expect(mined).not.toContain('adventure');
    // A list answer does not depend on the vocabulary.
    const list = '1. Joy\n2. Adventure\n3. Honesty';
    expect(parseElicitation(list, { vocabulary: new Set() }).items).toEqual(parseElicitation(list).items);
  });

  it('takes a word once it was named in enough structured answers, each answer counting once', () => {
    const normalizer = new DescriptorNormalizer();
    const vocabulary = new StudyVocabulary();
    const once = analyseResponse('1. Joy\n2. Joy\n3. Adventure', normalizer).rows;
    vocabulary.add(once);
    expect(vocabulary.words().has('joy')).toBe(MIN_STRUCTURED_MENTIONS <= 1);
    for (let i = 1; i < MIN_STRUCTURED_MENTIONS; i++) vocabulary.add(analyseResponse('- Joy\n- Faith', normalizer).rows);
    expect(vocabulary.words().has('joy')).toBe(true);
    expect(vocabulary.words().has('adventure')).toBe(MIN_STRUCTURED_MENTIONS <= 1);
    const { rows } = analyseResponse(PROSE, normalizer, { vocabulary: vocabulary.words() });
    expect(rows.filter((r) => r.descriptor).map((r) => r.descriptor)).toContain('joy');
  });

  it('a word that comes in later is recorded as deciding every answer it would change', () => {
    const normalizer = new DescriptorNormalizer();
    const vocabulary = new StudyVocabulary();
    for (let i = 0; i < MIN_STRUCTURED_MENTIONS; i++) vocabulary.add(analyseResponse('- Faith\n- Honesty', normalizer).rows);
    const before = vocabulary.words().size;
    const parsed = parseElicitation(PROSE, { vocabulary: vocabulary.words() });
    // Words the vocabulary decided: in it already (faith) or not (joy, adventure); built-in value
    // words are decided without it.
    expect(parsed.vocabularyWords).toEqual(expect.arrayContaining(['joy', 'adventure', 'faith']));
    expect(parsed.vocabularyWords).not.toContain('honesty');
    expect(vocabulary.enteredSince(parsed.vocabularyWords!, before)).toBe(false);
    // Words that come in but decided nothing in this answer leave it as it is...
    for (let i = 0; i < MIN_STRUCTURED_MENTIONS; i++) vocabulary.add(analyseResponse('- Kindness\n- Courage', normalizer).rows);
    expect(vocabulary.words().size).toBeGreaterThan(before);
    expect(vocabulary.enteredSince(parsed.vocabularyWords!, before)).toBe(false);
    // ...one that decided it calls for mining it again.
    for (let i = 0; i < MIN_STRUCTURED_MENTIONS; i++) vocabulary.add(analyseResponse('- Joy\n- Kindness', normalizer).rows);
    expect(vocabulary.enteredSince(parsed.vocabularyWords!, before)).toBe(true);
    expect(vocabulary.enteredSince(parsed.vocabularyWords!, vocabulary.words().size)).toBe(false);
    // A list answer records none: the vocabulary cannot change it.
    expect(parseElicitation('1. Joy\n2. Adventure\n3. Honesty').vocabularyWords).toBeUndefined();
  });

  it('an answer parses the same under any larger vocabulary that adds none of its deciding words (property)', () => {
    // Prose from a pool of value words, words only a vocabulary can make values, stop words and a
    // subject ("I value ..."), with random markdown; vocabularies drawn from the open words.
    const OPEN = ['joy', 'faith', 'adventure', 'grit', 'zeal', 'warmth', 'craft', 'home', 'play', 'calm'];
    const FIXED = ['honesty', 'kindness', 'fairness', 'curiosity', 'humility'];
    const FILLER = ['and', 'the', 'I', 'value', 'we', 'also', 'care', 'about', 'deeply', 'so', 'does', 'matters', 'to', 'me'];
    const token = fc.oneof(fc.constantFrom(...OPEN), fc.constantFrom(...FIXED), fc.constantFrom(...FILLER));
    const styled = fc.tuple(token, fc.constantFrom('', '**', '*', '_')).map(([w, m]) => `${m}${w}${m}`);
    const text = fc.array(fc.tuple(styled, fc.constantFrom(' ', ', ', '. ', '\n')), { minLength: 3, maxLength: 40 }).map((parts) => parts.map(([w, sep]) => w + sep).join('').trim() + '.');
    const subset = fc.subarray(OPEN);
    let changed = 0;
    let runs = 0;
    fc.assert(
      fc.property(text, subset, subset, (t, small, extra) => {
        runs++;
        const v = new Set(small);
        const bigger = new Set([...small, ...extra]);
        const a = parseElicitation(t, { vocabulary: v });
        const b = parseElicitation(t, { vocabulary: bigger });
        // The second parse of the same text reuses its vocabulary-free reading: the same as a fresh one.
        parseElicitation('1. Honesty\n2. Kindness');
        expect(parseElicitation(t, { vocabulary: bigger })).toEqual(b);
        const decisive = (a.vocabularyWords ?? []).some((w) => bigger.has(w) && !v.has(w));
        const same = JSON.stringify(a) === JSON.stringify({ ...b, ...(b.vocabularyWords ? { vocabularyWords: a.vocabularyWords } : {}) }) && JSON.stringify(a.items) === JSON.stringify(b.items) && a.reject === b.reject;
        if (!same) changed++;
        // No deciding word added: nothing changes (the stage then keeps the answer as mined).
        if (!decisive) expect(same).toBe(true);
      }),
      { numRuns: 400, seed: 24 },
    );
    // The property is not vacuous: larger vocabularies did change answers.
    expect(changed).toBeGreaterThan(runs / 20);
  });
});

