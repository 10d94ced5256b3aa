/**
 * Response style in the models' self-ratings. LLM questionnaire answers are dominated by response
 * bias (Meyer, Garcia & Wulff 2026 report it explaining most of the between-model variation), so a
 * model that rates every value word highly may hold no value more than another: it agrees.
 *
 * - Style items: the most frequent terms get a partner of opposite meaning, an antonym from a
 *   hand-checked list (data/text/value-antonyms.txt) or else a reversed item "lack of <term>".
 *   They are rated with the lexicon, marked, and never enter the lexicon or the factor analysis.
 * - Acquiescence (Billiet & McClendon 2000): over the balanced pairs, the mean of the two ratings
 *   minus the scale midpoint. A respondent who holds a value rates the term high and its opposite
 *   low, which averages to the midpoint whatever the value; agreeing with both does not.
 * - Straight-lining: the share of a respondent's ratings equal to its most frequent rating; a
 *   respondent at >= 0.9 is counted as straight-lining.
 * - Ipsatization: each respondent's ratings centred on its own mean over the lexicon items (as in
 *   Schwartz's MRAT correction), which removes a uniform shift before the structure is analysed.
 * - How much of the between-model variance the style explains: across models, the squared Pearson
 *   correlation of each dimension's model score with the model's acquiescence, with its t-test p
 *   (the model is the unit, so the test has models - 2 degrees of freedom).
 * Pure functions; the stage reads and writes the tables.
 */
import { readFileSync } from 'node:fs';
import { dataFile } from '../../../core/data.js';
import { correlationTest } from '../../../stats/effects.js';

export type RateItemKind = 'lexicon' | 'antonym' | 'reversed';

export interface RateItem {
  item: string;
  kind: RateItemKind;
  /** For style items: the lexicon term it opposes. */
  reverses: string | null;
}

let antonymCache: Map<string, string> | undefined;

/** The shipped antonym list: value word -> a word of opposite meaning. */
export function valueAntonyms(): ReadonlyMap<string, string> {
  if (!antonymCache) {
    const m = new Map<string, string>();
    for (const line of readFileSync(dataFile('text/value-antonyms.txt'), 'utf8').split('\n')) {
      const t = line.trim();
      if (!t || t.startsWith('#')) continue;
      const [word, opposite] = t.split(':').map((x) => x.trim().toLowerCase());
      if (word && opposite) m.set(word, opposite);
    }
    antonymCache = m;
  }
  return antonymCache;
}

/**
 * The lexicon terms followed by up to `n` style items, one partner for each of the first `n` terms
 * (the most frequent): its antonym when the list has one that is not itself a rated term, else
 * "lack of <term>".
 */
export function rateItems(terms: readonly string[], n: number, antonyms: ReadonlyMap<string, string> = valueAntonyms()): RateItem[] {
  const lexicon = new Set(terms.map((t) => t.toLowerCase()));
  const items: RateItem[] = terms.map((t) => ({ item: t, kind: 'lexicon', reverses: null }));
  const used = new Set(lexicon);
  for (const t of terms.slice(0, n)) {
    const opposite = antonyms.get(t.toLowerCase());
    const item = opposite && !used.has(opposite) ? { item: opposite, kind: 'antonym' as const } : { item: `lack of ${t}`, kind: 'reversed' as const };
    if (used.has(item.item)) continue;
    used.add(item.item);
    items.push({ ...item, reverses: t });
  }
  return items;
}

export interface RespondentStyle {
  respondent: string;
  model: string;
  /** Mean of each balanced pair's two ratings minus the midpoint (null without a complete pair). */
  acquiescence: number | null;
  /** Share of the respondent's lexicon ratings equal to its most frequent rating. */
  modal_share: number | null;
  sd: number | null;
}

export interface ModelStyle {
  model: string;
  respondents: number;
  /** Mean acquiescence of its respondents, in scale points above the midpoint. */
  acquiescence: number | null;
  /** Share of its respondents that straight-line (modal share >= 0.9). */
  straight_lining: number;
  /** Mean within-respondent SD of its lexicon ratings. */
  mean_sd: number | null;
}

const avg = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);

/** Straight-lining cut: at least this share of a respondent's ratings identical. */
export const STRAIGHT_LINING = 0.9;

/**
 * Acquiescence and straight-lining per respondent and per model. `ratings[i][j]` is respondent
 * i's rating of `items[j]` (null missing).
 */
export function responseStyle(
  ratings: readonly (readonly (number | null)[])[],
  items: readonly RateItem[],
  respondents: ReadonlyArray<{ id: string; model: string }>,
  scale: number,
): { respondents: RespondentStyle[]; models: ModelStyle[]; pairs: number } {
  const col = new Map(items.map((it, j) => [it.item, j]));
  const pairs = items.filter((it) => it.kind !== 'lexicon' && it.reverses !== null && col.has(it.reverses)).map((it) => [col.get(it.reverses!)!, col.get(it.item)!] as const);
  const lexiconCols = items.map((it, j) => (it.kind === 'lexicon' ? j : -1)).filter((j) => j >= 0);
  const mid = (scale + 1) / 2;
  const per: RespondentStyle[] = ratings.map((row, i) => {
    const both = pairs.filter(([a, b]) => row[a] !== null && row[a] !== undefined && row[b] !== null && row[b] !== undefined).map(([a, b]) => (row[a]! + row[b]!) / 2 - mid);
    const lex = lexiconCols.map((j) => row[j]).filter((v): v is number => v !== null && v !== undefined);
    const counts = new Map<number, number>();
    for (const v of lex) counts.set(v, (counts.get(v) ?? 0) + 1);
    const m = avg(lex);
    return {
      respondent: respondents[i]!.id,
      model: respondents[i]!.model,
      acquiescence: avg(both),
      modal_share: lex.length > 0 ? Math.max(...counts.values()) / lex.length : null,
      sd: m !== null && lex.length > 1 ? Math.sqrt(lex.reduce((s, v) => s + (v - m) ** 2, 0) / (lex.length - 1)) : null,
    };
  });
  const models = [...new Set(respondents.map((r) => r.model))].sort();
  return {
    pairs: pairs.length,
    respondents: per,
    models: models.map((model) => {
      const rs = per.filter((r) => r.model === model);
      return {
        model,
        respondents: rs.length,
        acquiescence: avg(rs.map((r) => r.acquiescence).filter((v): v is number => v !== null)),
        straight_lining: rs.length === 0 ? 0 : rs.filter((r) => r.modal_share !== null && r.modal_share >= STRAIGHT_LINING).length / rs.length,
        mean_sd: avg(rs.map((r) => r.sd).filter((v): v is number => v !== null)),
      };
    }),
  };
}

/** Each respondent's ratings minus its own mean over the given columns (null stays null). */
export function ipsatize(ratings: readonly (readonly (number | null)[])[], columns?: readonly number[]): (number | null)[][] {
  return ratings.map((row) => {
    const cols = columns ?? row.map((_, j) => j);
    const m = avg(cols.map((j) => row[j]).filter((v): v is number => v !== null && v !== undefined));
    return row.map((v) => (v === null || m === null ? null : v - m));
  });
}

export interface StyleShare {
  /** A dimension id, or `all` for the mean over every lexicon item. */
  dimension: string;
  models: number;
  /** Share of the between-model variance of the dimension's model scores that acquiescence explains (r²). */
  r2: number;
  r: number;
  p: number;
}

/**
 * Across models: how much of each score's between-model variance acquiescence explains (r² of a
 * one-predictor regression), with the t-test of r. `scores[d][m]` and `acquiescence[m]` are
 * aligned by model; models without an acquiescence value are left out.
 */
export function styleVarianceExplained(scores: Readonly<Record<string, readonly (number | null)[]>>, acquiescence: readonly (number | null)[]): StyleShare[] {
  const out: StyleShare[] = [];
  for (const [dimension, ys] of Object.entries(scores)) {
    const idx = ys.map((_, m) => m).filter((m) => ys[m] !== null && acquiescence[m] !== null && Number.isFinite(ys[m]!) && Number.isFinite(acquiescence[m]!));
    if (idx.length < 4) continue;
    const x = idx.map((m) => acquiescence[m]!);
    const y = idx.map((m) => ys[m]!);
    if (new Set(x).size < 2 || new Set(y).size < 2) continue;
    const t = correlationTest(x, y, 'pearson');
    out.push({ dimension, models: idx.length, r2: t.estimate * t.estimate, r: t.estimate, p: t.p });
  }
  return out;
}
