import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseElicitation } from '../../src/text/parse.js';
import { isNonEnglish, isRefusal } from '../../src/text/refusal.js';
import { DescriptorNormalizer } from '../../src/text/normalize.js';
import { analyseResponse } from '../../src/study/stages/elicit/stage.js';

interface CorpusCase {
  id: string;
  text: string;
  expected?: string[];
  reject?: string;
  format?: string;
}

const corpus: CorpusCase[] = readFileSync(new URL('../fixtures/elicit/corpus.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as CorpusCase);

describe('descriptor parsing on a corpus of messy model answers', () => {
  const normalizer = new DescriptorNormalizer();
  it('has a realistic corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });
  for (const c of corpus) {
    it(c.id, () => {
      const { parsed, rows } = analyseResponse(c.text, normalizer);
      if (c.format) expect(parsed.format).toBe(c.format);
      expect(parsed.reject).toBe(c.reject);
      if (c.expected) expect(rows.filter((r) => r.reject === null).map((r) => r.descriptor)).toEqual(c.expected);
      // Traceability: every row keeps the raw item it came from, and that item is in the answer.
      for (const r of rows) expect(c.text.normalize('NFKC')).toContain(r.raw.trim().slice(0, 6));
    });
  }
});

describe('parse details', () => {
  it('keeps rejects with a reason instead of dropping them', () => {
    const p = parseElicitation('- Honesty\n- I always try to make sure that every answer is right\n- 42\n- Values');
    expect(p.items.map((i) => i.reject ?? i.descriptor)).toEqual(['honesty', 'too-long', 'junk', 'stopword']);
  });
  it('marks a second mention of the same value by one respondent as a duplicate', () => {
    const { rows } = analyseResponse('1. Honest\n2. Honesty\n3. honestly', new DescriptorNormalizer());
    expect(rows.map((r) => [r.descriptor, r.reject])).toEqual([
      ['honesty', null],
      ['honesty', 'duplicate'],
      ['honesty', 'duplicate'],
    ]);
  });
  it('detects refusals and non-English text', () => {
    expect(isRefusal("As an AI, I don't have personal values.")).toBe(true);
    expect(isRefusal('I value honesty and kindness.')).toBe(false);
    expect(isNonEnglish('Honnêteté, bienveillance et équité sont mes valeurs.')).toBe(true);
    expect(isNonEnglish('Ehrlichkeit, Hilfsbereitschaft, Menschlichkeit')).toBe(true);
    expect(isNonEnglish('Honesty, kindness, fairness and naïveté.')).toBe(false);
  });
  it('takes only top-level bullets (nested bullets explain)', () => {
    const p = parseElicitation('- Privacy\n  - not sharing data\n  - consent\n- Safety');
    expect(p.items.map((i) => i.descriptor)).toEqual(['privacy', 'safety']);
  });
});

describe('cut-off answers', () => {
  it('marks the last item of a truncated answer instead of counting a fragment', () => {
    const n = new DescriptorNormalizer();
    const text = '1. Honesty\n2. Kindness\n3. Usefulnes';
    expect(analyseResponse(text, n).rows.map((r) => r.reject)).toEqual([null, null, null]);
    const cut = analyseResponse(text, n, { truncated: true }).rows;
    expect(cut.map((r) => r.reject)).toEqual([null, null, 'truncated']);
    expect(cut[2]!.raw).toBe('Usefulnes');
  });
});

describe('each distinct item line is read once', () => {
  it('the same line reads as a list item and as a JSON string differently, whichever comes first', () => {
    const list = '1. **Honesty**: being truthful\n2. Kindness';
    const json = '["**Honesty**: being truthful", "Kindness"]';
    const descriptors = (text: string) => parseElicitation(text).items.map((i) => i.descriptor ?? `!${i.reject}`);
    const first = [descriptors(json), descriptors(list)];
    const again = [descriptors(json), descriptors(list)];
    const listFirst = [descriptors(list), descriptors(json)].reverse();
    expect(first[1]).toEqual(['honesty', 'kindness']);
    expect(first[0]).toEqual(['!junk', 'kindness']);
    expect(again).toEqual(first);
    expect(listFirst).toEqual(first);
  });

  it('items keep their own positions and raw text when their lines repeat across answers', () => {
    const a = parseElicitation('- Kindness\n- Honesty\n- Kindness');
    const b = parseElicitation('- Honesty\n- Kindness');
    expect(a.items.map((i) => [i.position, i.raw, i.descriptor])).toEqual([[0, 'Kindness', 'kindness'], [1, 'Honesty', 'honesty'], [2, 'Kindness', 'kindness']]);
    expect(b.items.map((i) => [i.position, i.raw, i.descriptor])).toEqual([[0, 'Honesty', 'honesty'], [1, 'Kindness', 'kindness']]);
  });
});
