/** Word vectors: a frequency-ranked vocabulary, its index and its rows (in memory or read from a file). */
import type { Vocabulary } from './subword.js';

export interface WordVectors extends Vocabulary {
  readonly index: ReadonlyMap<string, number>;
  vector(word: string): Float32Array | undefined;
}

/** Vocabulary words and their index (first occurrence wins: the vocabulary is frequency-ordered). */
export function vocabularyIndex(words: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = words.length - 1; i >= 0; i--) index.set(words[i]!, i);
  return index;
}
