/**
 * wink's lemma and part of speech of every lowercase word of the GloVe vocabulary, computed ahead
 * of time (scripts/lemma-table.mjs, `npm run lemmas`) and shipped as data/text/lemmas.tsv, so that a
 * run whose words are all in the table never loads wink and its model (about 0.3 s, a tenth of a
 * 2,000-request elicitation).
 *
 * The table holds exactly what `winkLemma` returns for each word read alone, and it is used only
 * when the installed wink packages are the versions it was made with (its header names them):
 * looking a word up in the table and asking wink give the same answer, always.
 *
 * The file is one line per word, `word<TAB>lemma<TAB>POS` (lemma empty when it is the word), sorted
 * by word, after a header line. It is searched in place (binary search over its bytes): reading the
 * 5 MB file takes milliseconds, where building a map of its 336,000 words would take a few hundred.
 */
import { readFileSync } from 'node:fs';
import { dataFile } from '../core/data.js';

export interface Lemma {
  lemma: string;
  pos: string;
}

/** The header line: the wink packages' versions the table was made with. */
export interface LemmaTableHeader {
  winkNlp: string;
  model: string;
}

const HEADER = /^# wink-nlp (\S+); wink-eng-lite-web-model (\S+);/;

const NEWLINE = 0x0a;
const TAB = 0x09;

export class LemmaTable {
  readonly header: LemmaTableHeader;
  /** The file's bytes (ASCII: words of letters, hyphens and apostrophes), searched without decoding. */
  private readonly bytes: Buffer;
  /** Where the first entry starts (after the header line). */
  private readonly start: number;

  constructor(text: string | Buffer) {
    this.bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const firstLineEnd = this.bytes.indexOf(NEWLINE);
    const m = HEADER.exec(this.bytes.toString('latin1', 0, firstLineEnd < 0 ? this.bytes.length : firstLineEnd));
    if (!m) throw new Error('lemma table: the first line must name the wink-nlp and wink-eng-lite-web-model versions');
    this.header = { winkNlp: m[1]!, model: m[2]! };
    this.start = firstLineEnd < 0 ? this.bytes.length : firstLineEnd + 1;
  }

  /** The lemma and part of speech of `word`, or undefined when the table does not hold it. */
  get(word: string): Lemma | undefined {
    // The table holds ASCII words only; byte order is then the order of JavaScript's `<`.
    if (!/^[\x20-\x7e]*$/.test(word)) return undefined;
    const target = Buffer.from(word, 'latin1');
    const b = this.bytes;
    // Binary search over byte positions: each probe reads the line it falls in. lo is always a
    // line start, so the line holding mid starts in [lo, mid]; mid - 1 >= 0, as the header comes first.
    let lo = this.start;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const lineStart = b.lastIndexOf(NEWLINE, mid - 1) + 1;
      const tab = b.indexOf(TAB, lineStart);
      if (tab < 0) return undefined;
      let lineEnd = b.indexOf(NEWLINE, tab);
      if (lineEnd < 0) lineEnd = b.length;
      const order = b.compare(target, 0, target.length, lineStart, tab);
      if (order === 0) {
        const second = b.indexOf(TAB, tab + 1);
        const lemma = b.toString('latin1', tab + 1, second);
        return { lemma: lemma === '' ? word : lemma, pos: b.toString('latin1', second + 1, lineEnd) };
      }
      if (order < 0) lo = lineEnd + 1;
      else hi = lineStart;
    }
    return undefined;
  }
}

/** The table in `text` if it was made with the `installed` wink packages, else null. */
export function matchingLemmaTable(text: string | Buffer, installed: LemmaTableHeader): LemmaTable | null {
  const table = new LemmaTable(text);
  return table.header.winkNlp === installed.winkNlp && table.header.model === installed.model ? table : null;
}

let bundled: LemmaTable | null | undefined;

/**
 * The shipped table, or null when it cannot stand in for wink: a missing or unreadable file, or
 * installed wink packages other than those it was made with (wink then answers every word).
 */
export function bundledLemmaTable(installed: () => LemmaTableHeader): LemmaTable | null {
  if (bundled === undefined) {
    try {
      bundled = matchingLemmaTable(readFileSync(dataFile('text/lemmas.tsv')), installed());
    } catch {
      bundled = null;
    }
  }
  return bundled;
}
