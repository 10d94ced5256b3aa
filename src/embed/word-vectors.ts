/** Word vectors: a frequency-ranked vocabulary, its index and its rows (in memory or read from a file). */
import type { Vocabulary } from './subword.js';

export interface WordVectors extends Vocabulary {
  readonly index: ReadonlyMap<string, number>;
  vector(word: string): Float32Array | undefined;
}

/** Word vectors over a frequency-ordered vocabulary whose rows `row` gives (from memory or a file). */
export function wordVectors(dimension: number, words: readonly string[], row: (rank: number) => Float32Array): WordVectors {
  const index = new Map<string, number>();
  // First occurrence wins (the vocabulary is frequency-ordered).
  for (let i = words.length - 1; i >= 0; i--) index.set(words[i]!, i);
  return {
    dimension,
    words,
    index,
    row,
    rank: (word) => index.get(word),
    vector(word: string) {
      const i = index.get(word);
      return i === undefined ? undefined : row(i);
    },
  };
}
