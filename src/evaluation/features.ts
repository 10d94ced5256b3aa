/**
 * Feature maps from (prompt, response) pairs to rows for the value classifier:
 *  - `combined` (the default classifier): TF-IDF word 1-2-grams of the response and of the prompt
 *    plus standardised phrase embeddings of response, prompt and sentences, one sparse row. Short
 *    value-laden texts are decided by a few words ("illegal", "respect their privacy") that a mean
 *    of word vectors blurs, while embeddings carry the synonyms a 1,000-pair vocabulary never saw:
 *    the two together beat either (bench/fulcra-cv.js);
 *  - `embedding`: the embeddings alone (the MLP learner, other backends);
 *  - `bow`: TF-IDF of the response alone, the baseline a classifier must beat.
 * All are fitted on training pairs only and serialise to JSON, so a saved model re-creates exactly
 * the features it was trained on.
 */
import type { Embedder } from '../embed/types.js';
import { tokenize } from '../embed/glove.js';
import { denseRow, type SparseRow } from '../stats/logistic.js';
import type { ValuePair } from '../values/pairs.js';

// ---------- bag of words ----------

export interface BagOfWordsModel extends TfidfModel {
  kind: 'bow';
}

function terms(text: string): string[] {
  const t = tokenize(text.toLowerCase());
  const out = [...t];
  for (let i = 0; i + 1 < t.length; i++) out.push(`${t[i]} ${t[i + 1]}`);
  return out;
}

/** A TF-IDF vocabulary: terms and their inverse document frequencies. */
export interface TfidfModel {
  vocabulary: string[];
  idf: number[];
}

/** Vocabulary of unigrams and bigrams of `texts` seen in at least `minDf` of them (the `maxTerms` most frequent). */
export function fitTfidf(texts: readonly string[], opts: { minDf?: number; maxTerms?: number } = {}): TfidfModel {
  const minDf = opts.minDf ?? 2;
  const maxTerms = opts.maxTerms ?? 20000;
  const df = new Map<string, number>();
  for (const t of texts) for (const term of new Set(terms(t))) df.set(term, (df.get(term) ?? 0) + 1);
  const kept = [...df.entries()].filter(([, c]) => c >= minDf).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, maxTerms);
  const n = texts.length;
  return { vocabulary: kept.map(([t]) => t), idf: kept.map(([, c]) => Math.log((1 + n) / (1 + c)) + 1) };
}

/**
 * Sublinear TF-IDF, L2-normalised (scikit-learn's TfidfVectorizer(sublinear_tf=True) weighting),
 * column indices shifted by `offset` and values scaled by `scale`, so blocks can be concatenated.
 */
export function tfidfRows(model: TfidfModel, texts: readonly string[], offset = 0, scale = 1): SparseRow[] {
  const index = new Map(model.vocabulary.map((t, i) => [t, i]));
  return texts.map((text) => {
    const tf = new Map<number, number>();
    for (const t of terms(text)) {
      const i = index.get(t);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    const idx = Int32Array.from([...tf.keys()].sort((a, b) => a - b));
    const val = Float64Array.from(idx, (i) => (1 + Math.log(tf.get(i)!)) * model.idf[i]!);
    let norm = 0;
    for (let j = 0; j < val.length; j++) norm += val[j]! * val[j]!;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < val.length; j++) val[j] = (scale * val[j]!) / norm;
    for (let j = 0; j < idx.length; j++) idx[j]! += offset;
    return { idx, val };
  });
}

/** Vocabulary of unigrams and bigrams of the responses seen in at least `minDf` training pairs. */
export function fitBagOfWords(pairs: readonly ValuePair[], opts: { minDf?: number; maxTerms?: number } = {}): BagOfWordsModel {
  return { kind: 'bow', ...fitTfidf(pairs.map((p) => p.response), opts) };
}

/** The baseline's rows: TF-IDF of the response. */
export function bagOfWordsRows(model: BagOfWordsModel, pairs: readonly ValuePair[]): SparseRow[] {
  return tfidfRows(model, pairs.map((p) => p.response));
}

// ---------- embeddings ----------

export interface EmbeddingFeatureModel {
  kind: 'embedding';
  /** Embedder identity (`<backend>:<model>`): a saved model refuses vectors from another one. */
  embedder: string;
  dimension: number;
  /** Standardisation fitted on the training rows. */
  mean: number[];
  sd: number[];
}

/**
 * The texts embedded for one pair: the response, the prompt, and the response's sentences (so a
 * long answer's stance is not averaged away by its boilerplate). Rows are [response | prompt |
 * max over sentences of each coordinate].
 */
function sentences(text: string): string[] {
  const s = text.split(/(?<=[.!?])\s+|\n+/).map((x) => x.trim()).filter((x) => /[A-Za-z]/.test(x));
  return s.length > 0 ? s : [text];
}

async function safeEmbed(embedder: Embedder, texts: string[]): Promise<Float32Array[]> {
  try {
    return await embedder.embed(texts);
  } catch {
    // Remote backends may refuse a text (GloVe never does: it backs off, or gives a zero vector).
    // One refused text must not sink the batch: embed one at a time and give such a text the
    // vector of a neutral placeholder.
    const out: Float32Array[] = [];
    for (const t of texts) {
      try {
        out.push((await embedder.embed([t]))[0]!);
      } catch {
        out.push((await embedder.embed(['none']))[0]!);
      }
    }
    return out;
  }
}

/** Raw (unstandardised) embedding features of pairs, in order. */
export async function embeddingFeatures(embedder: Embedder, pairs: readonly ValuePair[]): Promise<Float64Array[]> {
  const responses = await safeEmbed(embedder, pairs.map((p) => p.response || 'none'));
  const prompts = await safeEmbed(embedder, pairs.map((p) => p.prompt || 'none'));
  const sentenceLists = pairs.map((p) => sentences(p.response || 'none'));
  const flat = await safeEmbed(embedder, sentenceLists.flat());
  let at = 0;
  return pairs.map((_, i) => {
    const d = responses[i]!.length;
    const row = new Float64Array(3 * d);
    row.set(responses[i]!, 0);
    row.set(prompts[i]!, d);
    const max = new Float64Array(d).fill(-Infinity);
    for (let s = 0; s < sentenceLists[i]!.length; s++) {
      const v = flat[at++]!;
      for (let j = 0; j < d; j++) if (v[j]! > max[j]!) max[j] = v[j]!;
    }
    row.set(max, 2 * d);
    return row;
  });
}

export function fitStandardiser(embedder: string, raw: readonly Float64Array[]): EmbeddingFeatureModel {
  const d = raw[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const r of raw) for (let j = 0; j < d; j++) mean[j] += r[j]! / raw.length;
  for (const r of raw) for (let j = 0; j < d; j++) sd[j] += (r[j]! - mean[j]!) ** 2 / Math.max(1, raw.length - 1);
  return { kind: 'embedding', embedder, dimension: d, mean, sd: sd.map((v) => Math.sqrt(v) || 1) };
}

export function standardisedRows(model: EmbeddingFeatureModel, raw: readonly Float64Array[]): SparseRow[] {
  return raw.map((r) => denseRow(Array.from(r, (v, j) => (v - model.mean[j]!) / model.sd[j]!)));
}

// ---------- combined ----------

export interface CombinedFeatureModel {
  kind: 'combined';
  response: TfidfModel;
  prompt: TfidfModel;
  embedding: EmbeddingFeatureModel;
  /**
   * Block scales. Each TF-IDF block is L2-normalised to `promptWeight` (response: 1); the
   * standardised embedding block is scaled to root-mean-square norm `embeddingWeight`, so one L2
   * penalty treats the blocks alike whatever their widths.
   */
  promptWeight: number;
  embeddingWeight: number;
}

export const DEFAULT_BLOCK_WEIGHTS = { promptWeight: 0.5, embeddingWeight: 1 };

export function fitCombined(pairs: readonly ValuePair[], raw: readonly Float64Array[], embedder: string, weights: { promptWeight: number; embeddingWeight: number } = DEFAULT_BLOCK_WEIGHTS): CombinedFeatureModel {
  return {
    kind: 'combined',
    response: fitTfidf(pairs.map((p) => p.response)),
    prompt: fitTfidf(pairs.map((p) => p.prompt)),
    embedding: fitStandardiser(embedder, raw),
    ...weights,
  };
}

/** Column count of a combined model's rows. */
export function combinedDimension(model: CombinedFeatureModel): number {
  return model.response.vocabulary.length + model.prompt.vocabulary.length + model.embedding.dimension;
}

/** Rows [response TF-IDF | prompt TF-IDF | embeddings] for pairs whose raw embedding features are `raw`. */
export function combinedRows(model: CombinedFeatureModel, pairs: readonly ValuePair[], raw: readonly Float64Array[]): SparseRow[] {
  const nr = model.response.vocabulary.length, np = model.prompt.vocabulary.length;
  const resp = tfidfRows(model.response, pairs.map((p) => p.response), 0, 1);
  const prompt = model.promptWeight > 0 ? tfidfRows(model.prompt, pairs.map((p) => p.prompt), nr, model.promptWeight) : pairs.map(() => ({ idx: new Int32Array(0), val: new Float64Array(0) }));
  const d = model.embedding.dimension;
  const scale = model.embeddingWeight / Math.sqrt(d);
  return pairs.map((_, i) => {
    const a = resp[i]!, b = prompt[i]!;
    const idx = new Int32Array(a.idx.length + b.idx.length + (scale > 0 ? d : 0));
    const val = new Float64Array(idx.length);
    idx.set(a.idx, 0);
    val.set(a.val, 0);
    idx.set(b.idx, a.idx.length);
    val.set(b.val, a.idx.length);
    if (scale > 0) {
      const r = raw[i]!;
      const off = a.idx.length + b.idx.length;
      for (let j = 0; j < d; j++) {
        idx[off + j] = nr + np + j;
        val[off + j] = (scale * (r[j]! - model.embedding.mean[j]!)) / model.embedding.sd[j]!;
      }
    }
    return { idx, val };
  });
}
