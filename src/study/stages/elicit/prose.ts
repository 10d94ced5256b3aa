/**
 * The words a study's models name in structured answers (lists, JSON, comma lists), used to mine
 * its prose answers. The parser's built-in vocabulary cannot know every value word a model uses
 * ("joy", "faith", "adventure"); a word missing from it is found in list answers and lost in prose
 * ones, so whether a respondent "named" it would depend on whether its prompt invited prose, and
 * the prompts that do would form a factor of their own in the respondent x term matrix. Mining
 * prose with the words the same study's list answers named removes that dependence.
 */

/** A word enters the vocabulary once this many list answers named it (one answer's oddity is not a value word). */
export const MIN_STRUCTURED_MENTIONS = 2;

export class StudyVocabulary {
  private readonly counts = new Map<string, number>();

  /** Count the single-word values of one structured answer (each word once per answer). */
  add(rows: ReadonlyArray<{ candidate: string | null; descriptor: string | null }>): void {
    const seen = new Set<string>();
    for (const d of rows) {
      if (d.descriptor === null || d.candidate === null) continue;
      for (const w of [d.candidate, d.descriptor]) {
        const lw = w.toLowerCase();
        if (/^[a-z][a-z'-]*[a-z]$/.test(lw) && !seen.has(lw)) {
          seen.add(lw);
          this.counts.set(lw, (this.counts.get(lw) ?? 0) + 1);
        }
      }
    }
  }

  /** The words named in at least MIN_STRUCTURED_MENTIONS structured answers. */
  words(): ReadonlySet<string> {
    return new Set([...this.counts].filter(([, n]) => n >= MIN_STRUCTURED_MENTIONS).map(([w]) => w));
  }
}
