/**
 * Near-duplicate dilemmas: a generator asked for many dilemmas sometimes writes the same story
 * twice (ignoring the situation it was given, or rephrasing an earlier answer). Two texts are
 * compared after normalization (lower case, letters and digits only, single spaces) by the Jaccard
 * similarity of their character trigrams, which is robust to small rewordings and insensitive to
 * length; a dilemma at least `threshold` similar to one kept before it is a duplicate.
 */

export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The set of character trigrams of a normalized text (padded, so short words count too). */
export function trigrams(text: string): Set<string> {
  const t = ` ${normalizeText(text)} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= t.length; i++) out.add(t.slice(i, i + 3));
  return out;
}

/** |A ∩ B| / |A ∪ B|; 1 for two empty sets. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const x of small) if (large.has(x)) common++;
  return common / (a.size + b.size - common);
}

export function textSimilarity(a: string, b: string): number {
  return jaccard(trigrams(a), trigrams(b));
}

export interface DedupeVerdict {
  /** Id of the earlier text this one duplicates, or null. */
  duplicateOf: string | null;
  /** Highest similarity to an earlier accepted text (0 when there is none). */
  similarity: number;
}

/**
 * Walk `candidates` in order; each is compared with `accepted` (texts kept before, e.g. in earlier
 * rounds) and with the earlier candidates that were not duplicates themselves.
 */
export function findDuplicates(
  candidates: ReadonlyArray<{ id: string; text: string }>,
  threshold: number,
  accepted: ReadonlyArray<{ id: string; text: string }> = [],
): DedupeVerdict[] {
  const pool = accepted.map((a) => ({ id: a.id, grams: trigrams(a.text) }));
  return candidates.map((c) => {
    const grams = trigrams(c.text);
    let best = 0;
    let of: string | null = null;
    for (const p of pool) {
      const s = jaccard(grams, p.grams);
      if (s > best) {
        best = s;
        of = p.id;
      }
    }
    if (best >= threshold) return { duplicateOf: of, similarity: best };
    pool.push({ id: c.id, grams });
    return { duplicateOf: null, similarity: best };
  });
}
