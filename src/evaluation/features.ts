/**
 * Feature maps from (prompt, response) pairs to rows for the value classifier: text embeddings
 * from any backend of the semantic layer (the classifier proper), and a TF-IDF bag of words (the
 * baseline a classifier must beat). Both are fitted on training pairs only and serialise to JSON,
 * so a saved model re-creates exactly the features it was trained on.
 */
import type { Embedder } from '../embed/types.js';
import { tokenize } from '../embed/glove.js';
import { denseRow, type SparseRow } from '../stats/logistic.js';
import type { ValuePair } from '../values/pairs.js';

// ---------- bag of words ----------

export interface BagOfWordsModel {
  kind: 'bow';
  vocabulary: string[];
  idf: number[];
}

function terms(text: string): string[] {
  const t = tokenize(text.toLowerCase());
  const out = [...t];
  for (let i = 0; i + 1 < t.length; i++) out.push(`${t[i]} ${t[i + 1]}`);
  return out;
}

/** Vocabulary of unigrams and bigrams of the responses seen in at least `minDf` training pairs. */
export function fitBagOfWords(pairs: readonly ValuePair[], opts: { minDf?: number; maxTerms?: number } = {}): BagOfWordsModel {
  const minDf = opts.minDf ?? 2;
  const maxTerms = opts.maxTerms ?? 20000;
  const df = new Map<string, number>();
  for (const p of pairs) for (const t of new Set(terms(p.response))) df.set(t, (df.get(t) ?? 0) + 1);
  const kept = [...df.entries()].filter(([, c]) => c >= minDf).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, maxTerms);
  const n = pairs.length;
  return { kind: 'bow', vocabulary: kept.map(([t]) => t), idf: kept.map(([, c]) => Math.log((1 + n) / (1 + c)) + 1) };
}

/** Sublinear TF-IDF, L2-normalised (scikit-learn's TfidfVectorizer(sublinear_tf=True) weighting). */
export function bagOfWordsRows(model: BagOfWordsModel, pairs: readonly ValuePair[]): SparseRow[] {
  const index = new Map(model.vocabulary.map((t, i) => [t, i]));
  return pairs.map((p) => {
    const tf = new Map<number, number>();
    for (const t of terms(p.response)) {
      const i = index.get(t);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    const idx = Int32Array.from([...tf.keys()].sort((a, b) => a - b));
    const val = Float64Array.from(idx, (i) => (1 + Math.log(tf.get(i)!)) * model.idf[i]!);
    const norm = Math.hypot(...val) || 1;
    for (let j = 0; j < val.length; j++) val[j] = val[j]! / norm;
    return { idx, val };
  });
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
    // One text without a known word must not sink the batch: embed one at a time and give such a
    // text the vector of a neutral placeholder, documented in the classifier's model card.
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
