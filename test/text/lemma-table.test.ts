import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dataFile } from '../../src/core/data.js';
import { LemmaTable, bundledLemmaTable, matchingLemmaTable } from '../../src/text/lemma-table.js';
import { DescriptorNormalizer, installedWink, winkLemma } from '../../src/text/normalize.js';
import { ADJ_TO_NOUN, knownNounSet } from '../../src/text/morphology.js';
import { VALUE_WORD_POOL } from '../../src/sim/value-words.js';

const shipped = readFileSync(dataFile('text/lemmas.tsv'), 'utf8');
const entries = shipped.split('\n').slice(1, -1).map((line) => line.split('\t') as [string, string, string]);

describe('the shipped lemma table', () => {
  it('was made with the installed wink packages (else: npm run lemmas)', () => {
    expect(new LemmaTable(shipped).header).toEqual(installedWink());
    expect(bundledLemmaTable(installedWink)).not.toBeNull();
  });

  it('is sorted, one word per line, and holds the GloVe vocabulary words the normalizer meets', () => {
    expect(entries.length).toBeGreaterThan(300_000);
    const unsorted = entries.findIndex((e, i) => i > 0 && !(entries[i - 1]![0] < e[0]));
    expect(unsorted).toBe(-1);
    expect(entries.every((e) => e.length === 3 && e[2] !== '')).toBe(true);
    const table = bundledLemmaTable(installedWink)!;
    for (const w of ['self-discipline', 'inclusivity', 'open-mindedness', 'trustworthiness', 'informativeness', 'non-maleficence', 'honest', 'values']) expect(table.get(w), w).toBeDefined();
  });

  it('answers what wink answers, for a sample of its words and for value words', () => {
    const table = bundledLemmaTable(installedWink)!;
    // Every 97th entry (3,400 words across the alphabet), the first and last, and the value vocabulary.
    const sample = [...entries.filter((_, i) => i % 97 === 0).map((e) => e[0]), entries[0]![0], entries.at(-1)![0], ...VALUE_WORD_POOL.flatMap((w) => w.split(' '))];
    let checked = 0;
    for (const w of sample) {
      const fromTable = table.get(w);
      if (!fromTable) continue;
      expect(fromTable, w).toEqual(winkLemma(w));
      checked++;
    }
    expect(checked).toBeGreaterThan(3_000);
  });

  it('normalizes exactly as wink alone does', () => {
    const withTable = new DescriptorNormalizer();
    const winkOnly = new DescriptorNormalizer({ lemmaTable: null });
    const nouns = [...knownNounSet()].filter((_, i) => i % 7 === 0);
    const words = [...VALUE_WORD_POOL, ...Object.keys(ADJ_TO_NOUN), ...nouns, ...nouns.map((w) => `${w}s`), 'honestly', 'caring', 'respecting', 'self-disciplined', 'co-workers', "children's", 'zzzqx'];
    for (const w of words) expect(withTable.normalize(w), w).toEqual(winkOnly.normalize(w));
  });
});

describe('LemmaTable', () => {
  const header = '# wink-nlp 1.0.0; wink-eng-lite-web-model 2.0.0; test\n';
  const words = ['able', 'ably', 'b', "b's", 'b-c', 'bc', 'value', 'values', 'zeal'];
  const text = `${header}${words.map((w) => `${w}\t${w === 'values' ? 'value' : ''}\t${w.length > 2 ? 'NOUN' : 'X'}`).join('\n')}\n`;
  const table = new LemmaTable(text);

  it('finds every word, with its lemma (empty: the word) and part of speech', () => {
    for (const w of words) expect(table.get(w), w).toEqual({ lemma: w === 'values' ? 'value' : w, pos: w.length > 2 ? 'NOUN' : 'X' });
  });

  it('finds nothing for a word it does not hold: before, between, after, prefixes, extensions', () => {
    for (const w of ['', 'a', 'abl', 'ablez', 'c', 'valu', 'valuess', 'zeals', 'zzz', '#', '\t', 'able\tNOUN', 'valué', 'é', 'able\n', '\u{1F600}']) expect(table.get(w), JSON.stringify(w)).toBeUndefined();
  });

  it('agrees with a linear search on arbitrary tables and words', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z'-]{1,6}$/), { maxLength: 60 }), fc.array(fc.stringMatching(/^[a-z'-]{0,7}$/), { maxLength: 20 }), (ws, probes) => {
        const sorted = [...ws].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const t = new LemmaTable(`${header}${sorted.map((w) => `${w}\t\tNOUN`).join('\n')}${sorted.length ? '\n' : ''}`);
        for (const p of [...probes, ...sorted]) expect(t.get(p) !== undefined, p).toBe(sorted.includes(p));
      }),
      { numRuns: 300 },
    );
  });

  it('stands in for wink only when made with the installed versions', () => {
    expect(matchingLemmaTable(text, { winkNlp: '1.0.0', model: '2.0.0' })).not.toBeNull();
    expect(matchingLemmaTable(text, { winkNlp: '1.0.1', model: '2.0.0' })).toBeNull();
    expect(matchingLemmaTable(text, { winkNlp: '1.0.0', model: '2.1.0' })).toBeNull();
    expect(() => new LemmaTable('able\t\tNOUN\n')).toThrow(/first line/);
  });
});
