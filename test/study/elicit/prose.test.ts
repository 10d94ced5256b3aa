/**
 * Prose answers are mined with the words the study's list answers named: a value word outside the
 * parser's built-in vocabulary must not vanish from prose answers only.
 */
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
});
