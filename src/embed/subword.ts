/**
 * What the GloVe backend does with a word it does not know. Real value lexicons are full of such
 * words (`relatability`, `user-centricity`, `nonmaleficence`, British spellings, typos), and one
 * of them must never sink a batch. Each step is tried in order and the first that finds something
 * wins:
 *
 *  1. `variant`: spelling and morphology. British -> American (`neighbourliness`), then suffixes
 *     rewritten or stripped, once and then twice (`relatability` -> `relatable`,
 *     `helpfulness` -> `helpful` -> `help`, `centricity` -> `centric`).
 *  2. `split`: camelCase (`userCentricity`), then a compound cut into two known words of at least
 *     three letters (`nonmaleficence` -> `non` + `maleficence`, `selfcare` -> `self` + `care`),
 *     the cut whose rarer half is most frequent winning; each half may itself be a variant.
 *  3. `spelling`: one edit (deletion, transposition, substitution, insertion) away from a word among
 *     the 100,000 most frequent, the most frequent such word winning (`honsety` -> `honesty`);
 *     words of five letters or more only, where one edit rarely turns one real word into another.
 *  4. `ngram`: FastText-style character n-grams hashed into the GloVe space. Each 3- to 5-gram
 *     (with `<` `>` word boundaries) of the 100,000 most frequent alphabetic words hashes to one
 *     of 2^16 buckets, whose vector is the mean centred vector of the words in it; an unknown
 *     word is the idf-weighted mean of its n-grams' buckets plus the vocabulary mean. A rough
 *     vector, but in the neighbourhood of words sharing its stems. The index is built once per
 *     process and only when some word reaches this step.
 *  5. nothing: the caller reports the word.
 */
import { BRITISH_TO_AMERICAN } from '../text/morphology.js';

/** How a word got its vector. */
export type WordSource = 'exact' | 'variant' | 'split' | 'spelling' | 'ngram';

/** The part of the word table the backoff reads. */
export interface Vocabulary {
  readonly dimension: number;
  readonly words: readonly string[];
  /** The vector of the word of this rank (a view: do not modify it). */
  row(rank: number): Float32Array;
  /** Frequency rank (0 = most frequent) of a known word. */
  rank(word: string): number | undefined;
}

/** One vector contributing to a word: a vocabulary row (`rank`) or a synthesized vector. */
export interface WordPiece {
  /** The vocabulary word used (or the unknown word itself for n-grams). */
  as: string;
  /** Vocabulary rank, or the vocabulary size for synthesized vectors (rare as can be). */
  rank: number;
  vector: Float32Array;
}

export interface ResolvedWord {
  source: WordSource;
  pieces: WordPiece[];
}

/** Suffix rewrites tried when a word is unknown (specific rewrites before bare strips). */
const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['ability', 'able'], ['ibility', 'ible'], ['ization', 'ize'], ['isation', 'ize'], ['icity', 'ic'], ['ality', 'al'],
  ['ivity', 'ive'], ['iness', 'y'], ['ousness', 'ous'], ['fulness', 'ful'], ['iveness', 'ive'], ['lessness', 'less'],
  ['ness', ''], ['ity', ''], ['ity', 'e'], ['ful', ''], ['ment', ''], ['ism', ''], ['ist', ''],
  ['ally', 'al'], ['ly', ''], ['ing', ''], ['ing', 'e'], ['ied', 'y'], ['ies', 'y'], ['ed', ''], ['ed', 'e'],
  ['es', ''], ['s', ''],
];

function stripOnce(word: string): string[] {
  const out: string[] = [];
  for (const [suffix, replacement] of SUFFIXES) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) out.push(word.slice(0, -suffix.length) + replacement);
  }
  return out;
}

/** Spelling and morphological variants of a word, in the order they are tried. */
export function wordVariants(word: string): string[] {
  const out: string[] = [];
  const push = (w: string): void => {
    if (w !== word && !out.includes(w)) out.push(w);
  };
  const american = BRITISH_TO_AMERICAN[word] ?? word.replace(/our(s?|ing|ed|able|ite|hood|liness|ful)$/, 'or$1').replace(/is(e|ed|es|ing|ation|ations)$/, 'iz$1');
  push(american);
  const first = [word, american].flatMap(stripOnce);
  for (const v of first) push(v);
  for (const v of first) for (const w of stripOnce(v)) push(w);
  return out;
}

function row(vocab: Vocabulary, rank: number): Float32Array {
  return vocab.row(rank);
}

function exactOrVariant(vocab: Vocabulary, word: string): ResolvedWord | undefined {
  const r = vocab.rank(word);
  if (r !== undefined) return { source: 'exact', pieces: [{ as: word, rank: r, vector: row(vocab, r) }] };
  for (const v of wordVariants(word)) {
    const rv = vocab.rank(v);
    if (rv !== undefined) return { source: 'variant', pieces: [{ as: v, rank: rv, vector: row(vocab, rv) }] };
  }
  return undefined;
}

const SPELLING_RANKS = 100_000;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

function spelling(vocab: Vocabulary, word: string): ResolvedWord | undefined {
  if (word.length < 5 || !/^[a-z]+$/.test(word)) return undefined;
  let best: number | undefined;
  let bestWord = '';
  const consider = (w: string): void => {
    const r = vocab.rank(w);
    if (r !== undefined && r < SPELLING_RANKS && (best === undefined || r < best)) {
      best = r;
      bestWord = w;
    }
  };
  for (let i = 0; i <= word.length; i++) {
    const a = word.slice(0, i), b = word.slice(i);
    if (b) consider(a + b.slice(1));
    if (b.length > 1) consider(a + b[1] + b[0] + b.slice(2));
    for (const c of ALPHABET) {
      if (b) consider(a + c + b.slice(1));
      consider(a + c + b);
    }
  }
  return best === undefined ? undefined : { source: 'spelling', pieces: [{ as: bestWord, rank: best, vector: row(vocab, best) }] };
}

function split(vocab: Vocabulary, original: string, word: string): ResolvedWord | undefined {
  // camelCase in the text as written: userCentricity -> user, centricity.
  const camel = original.split(/(?<=[a-z])(?=[A-Z])/);
  if (camel.length > 1) {
    const parts = camel.map((p) => exactOrVariant(vocab, p.toLowerCase()));
    if (parts.every((p) => p)) return { source: 'split', pieces: parts.flatMap((p) => p!.pieces) };
  }
  if (word.length < 6) return undefined;
  let best: ResolvedWord | undefined;
  let bestScore = Infinity;
  for (let i = 3; i <= word.length - 3; i++) {
    const left = exactOrVariant(vocab, word.slice(0, i));
    if (!left) continue;
    const right = exactOrVariant(vocab, word.slice(i));
    if (!right) continue;
    // The cut whose rarer half is most frequent: real compounds are made of real words, while
    // junk cuts (`relat` + `ability`) tend to hit rare tokens.
    const score = Math.max(left.pieces[0]!.rank, right.pieces[0]!.rank);
    if (score < bestScore) {
      bestScore = score;
      best = { source: 'split', pieces: [...left.pieces, ...right.pieces] };
    }
  }
  return best && bestScore < SPELLING_RANKS ? best : undefined;
}

// ---------- character n-grams ----------

const NGRAM_BUCKETS = 1 << 16;
const NGRAM_WORDS = 100_000;

// Buckets: FNV-1a over UTF-16 code units, stable across runs and platforms.

/** Character 3-, 4- and 5-grams of `<word>`, as bucket numbers (hashed without slicing strings). */
export function ngramBuckets(word: string): number[] {
  const w = `<${word}>`;
  const out: number[] = [];
  for (let n = 3; n <= 5; n++) {
    for (let i = 0; i + n <= w.length; i++) {
      let h = 0x811c9dc5;
      for (let k = i; k < i + n; k++) {
        h ^= w.charCodeAt(k);
        h = Math.imul(h, 0x01000193);
      }
      out.push((h >>> 0) & (NGRAM_BUCKETS - 1));
    }
  }
  return out;
}

function uniqueBuckets(word: string): number[] {
  const all = ngramBuckets(word);
  return all.filter((b, i) => all.indexOf(b) === i);
}

export interface NgramTable {
  /** Bucket b's words are `ranks[offsets[b] .. offsets[b + 1])` (an inverted index, CSR). */
  offsets: Int32Array;
  ranks: Int32Array;
  /** Mean of the table's words, subtracted from bucket means and added back to a synthesized vector. */
  center: Float32Array;
  /** Bucket means, computed when first needed. */
  means: Map<number, Float32Array>;
}

/**
 * Build the n-gram index from the most frequent alphabetic words: an inverted index from bucket
 * to words (6 MB, ~0.1 s) rather than a table of bucket means (26 MB and seconds to fill); the
 * means of the few buckets an unknown word touches are computed on demand.
 */
export function buildNgramTable(vocab: Vocabulary): NgramTable {
  const d = vocab.dimension;
  const used: number[] = [];
  const limit = Math.min(vocab.words.length, NGRAM_WORDS);
  for (let r = 0; r < limit; r++) if (/^[a-z]{3,}$/.test(vocab.words[r]!)) used.push(r);
  // Two passes (count, then fill) hashing each word twice: cheaper than keeping 100,000 lists.
  const offsets = new Int32Array(NGRAM_BUCKETS + 1);
  for (const r of used) for (const b of uniqueBuckets(vocab.words[r]!)) offsets[b + 1]!++;
  for (let b = 0; b < NGRAM_BUCKETS; b++) offsets[b + 1]! += offsets[b]!;
  const fill = offsets.slice(0, NGRAM_BUCKETS);
  const ranks = new Int32Array(offsets[NGRAM_BUCKETS]!);
  for (const r of used) for (const b of uniqueBuckets(vocab.words[r]!)) ranks[fill[b]!++] = r;
  const center = new Float64Array(d);
  for (const r of used) {
    const v = row(vocab, r);
    for (let j = 0; j < d; j++) center[j]! += v[j]! / used.length;
  }
  return { offsets, ranks, center: Float32Array.from(center), means: new Map() };
}

function bucketMean(vocab: Vocabulary, table: NgramTable, b: number): Float32Array {
  let m = table.means.get(b);
  if (m) return m;
  const d = vocab.dimension;
  const acc = new Float64Array(d);
  const from = table.offsets[b]!, to = table.offsets[b + 1]!;
  for (let k = from; k < to; k++) {
    const v = row(vocab, table.ranks[k]!);
    for (let j = 0; j < d; j++) acc[j]! += v[j]!;
  }
  m = new Float32Array(d);
  for (let j = 0; j < d; j++) m[j] = acc[j]! / (to - from) - table.center[j]!;
  table.means.set(b, m);
  return m;
}

function ngram(vocab: Vocabulary, table: NgramTable, word: string): ResolvedWord | undefined {
  if (!/\p{L}/u.test(word) || word.length < 3) return undefined;
  const d = vocab.dimension;
  const count = (b: number): number => table.offsets[b + 1]! - table.offsets[b]!;
  const buckets = uniqueBuckets(word).filter((b) => count(b) > 0);
  if (buckets.length === 0) return undefined;
  const v = new Float32Array(d);
  // An n-gram shared by many words (`ing`, `tion`) says little about this one: weight each bucket
  // by its inverse document frequency.
  let total = 0;
  for (const b of buckets) {
    const w = Math.log(1 + NGRAM_WORDS / count(b));
    const m = bucketMean(vocab, table, b);
    total += w;
    for (let j = 0; j < d; j++) v[j]! += w * m[j]!;
  }
  for (let j = 0; j < d; j++) v[j] = v[j]! / total + table.center[j]!;
  return { source: 'ngram', pieces: [{ as: word, rank: vocab.words.length, vector: v }] };
}

/**
 * Resolve a token (as written; matched lowercased) to vocabulary vectors by the backoff chain;
 * undefined when every step fails. `table` builds the n-gram table on first need.
 */
export function resolveWord(vocab: Vocabulary, token: string, table: () => NgramTable): ResolvedWord | undefined {
  const word = token.toLowerCase();
  return exactOrVariant(vocab, word) ?? split(vocab, token, word) ?? spelling(vocab, word) ?? ngram(vocab, table(), word);
}
