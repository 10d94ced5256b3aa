/**
 * The words a study's models name in structured answers (lists, JSON, comma lists), used to mine
 * its prose answers. The parser's built-in vocabulary cannot know every value word a model uses
 * ("joy", "faith", "adventure"); a word missing from it is found in list answers and lost in prose
 * ones, so whether a respondent "named" it would depend on whether its prompt invited prose, and
 * the prompts that do would form a factor of their own in the respondent x term matrix. Mining
 * prose with the words the same study's list answers named removes that dependence.
 *
 * The vocabulary only grows during a run, so a prose answer is mined when it arrives, with the words
 * named so far, and mined again at the end only if a word that decided its mining (the parser's
 * `vocabularyWords`) entered the vocabulary after it: the end result is the same as mining every
 * prose answer with the final vocabulary, without parsing them all twice.
 */

/** A word enters the vocabulary once this many list answers named it (one answer's oddity is not a value word). */
export const MIN_STRUCTURED_MENTIONS = 2;

export class StudyVocabulary {
  private readonly counts = new Map<string, number>();
  /** The words in the vocabulary, in the order they came in. */
  private readonly entered = new Set<string>();
  /** Each word's position in `entered`. */
  private readonly position = new Map<string, number>();

  /** Count the single-word values of one structured answer (each word once per answer). */
  add(rows: ReadonlyArray<{ candidate: string | null; descriptor: string | null }>): void {
    const seen = new Set<string>();
    for (const d of rows) {
      if (d.descriptor === null || d.candidate === null) continue;
      for (const w of [d.candidate, d.descriptor]) {
        const lw = w.toLowerCase();
        if (/^[a-z][a-z'-]*[a-z]$/.test(lw) && !seen.has(lw)) {
          seen.add(lw);
          const n = (this.counts.get(lw) ?? 0) + 1;
          this.counts.set(lw, n);
          if (n === MIN_STRUCTURED_MENTIONS) {
            this.position.set(lw, this.entered.size);
            this.entered.add(lw);
          }
        }
      }
    }
  }

  /**
   * The words named in at least MIN_STRUCTURED_MENTIONS structured answers. A live view: it grows
   * with `add`, and its size is the vocabulary's version (words only ever come in).
   */
  words(): ReadonlySet<string> {
    return this.entered;
  }

  /** Whether any of `words` came in after the vocabulary had `sizeThen` words. */
  enteredSince(words: Iterable<string>, sizeThen: number): boolean {
    for (const w of words) if ((this.position.get(w) ?? -1) >= sizeThen) return true;
    return false;
  }
}
