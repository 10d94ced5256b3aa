/**
 * Checks applied to every backend's answer, so a bad server reply becomes a clear error instead of
 * NaNs or ragged vectors flowing into the statistics.
 */
import { EmbeddingError } from './types.js';

/** Throws unless `vectors` has one finite vector of `dimension` (when given) per text. */
export function checkVectors(backend: string, texts: readonly string[], vectors: readonly Float32Array[], dimension?: number): void {
  if (vectors.length !== texts.length) {
    throw new EmbeddingError(`${backend}: got ${vectors.length} vectors for ${texts.length} texts`);
  }
  const dim = dimension ?? vectors[0]?.length;
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i]!;
    if (v.length === 0 || v.length !== dim) {
      throw new EmbeddingError(`${backend}: vector for ${JSON.stringify(texts[i])} has dimension ${v.length}, expected ${dim}`);
    }
    for (let j = 0; j < v.length; j++) {
      if (!Number.isFinite(v[j]!)) throw new EmbeddingError(`${backend}: vector for ${JSON.stringify(texts[i])} contains a non-finite value`);
    }
  }
}

/** Throws on empty texts (no backend gives them a meaningful vector). */
export function checkTexts(backend: string, texts: readonly string[]): void {
  texts.forEach((t, i) => {
    if (typeof t !== 'string' || t.trim() === '') throw new EmbeddingError(`${backend}: text #${i + 1} is empty`);
  });
}

/** Convert a JSON number array, rejecting anything else. */
export function toFloat32(backend: string, value: unknown, text: string): Float32Array {
  if (!Array.isArray(value)) throw new EmbeddingError(`${backend}: no vector array for ${JSON.stringify(text)}`);
  const out = new Float32Array(value.length);
  for (let j = 0; j < value.length; j++) {
    const x: unknown = value[j];
    if (typeof x !== 'number') throw new EmbeddingError(`${backend}: vector for ${JSON.stringify(text)} contains a non-number`);
    out[j] = x;
  }
  return out;
}
