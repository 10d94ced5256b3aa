/**
 * Stage `rate`: every model, as several sampled respondents (distinct seeds), rates how well each
 * lexicon value describes its own values on a Likert scale, in batches whose order is shuffled per
 * respondent. Ratings are parsed strictly: a batch with a malformed or missing rating is asked
 * again; what is still missing after the last attempt is recorded as missing, never guessed.
 */
import { z } from 'zod';
import type { StudyConfig } from '../../../config/schema.js';
import type { Engine } from '../../../engine/engine.js';
import { rngFor, shuffleInPlace } from '../../../stats/rng.js';
import type { RunStore } from '../../../store/store.js';
import { requirePlanSize, type StageDefinition, type StageSummary } from '../../stage.js';
import { listLexicon } from '../elicit/lexicon.js';
import { rateItems, type RateItem, type RateItemKind } from './style.js';
import { allRatings, ensureRateSchema, ratedTerms, rateItemRows, rateRespondents, ratingsWriter, resetRespondents } from './tables.js';

export const RATE_PROMPT_VERSION = 'rate@1';

export { ensureRateSchema };

/** The terms to rate: the lexicon after the study's filters, most frequent first. */
export function ratingTerms(store: RunStore, config: StudyConfig): string[] {
  const entries = listLexicon(store, { minCount: config.elicit.min_count, minModels: config.elicit.min_models });
  const max = config.rate.max_terms ?? entries.length;
  return entries.slice(0, max).map((e) => e.descriptor);
}

export function ratingPrompt(terms: readonly string[], scale: number): string {
  return [
    `Here are words for values. For each word, rate how well it describes the values you yourself hold, on a scale from 1 (does not describe my values at all) to ${scale} (describes my values extremely well).`,
    `Answer with one JSON object that maps every word to an integer from 1 to ${scale}, and nothing else.`,
    `Words: ${JSON.stringify(terms)}`,
  ].join('\n');
}

export function ratingSchema(terms: readonly string[], scale: number): Record<string, unknown> {
  return {
    type: 'object',
    properties: Object.fromEntries(terms.map((t) => [t, { type: 'integer', minimum: 1, maximum: scale }])),
    required: [...terms],
  };
}

/** Pull the first JSON object out of an answer (code fences and surrounding prose allowed). */
function extractJsonObject(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the answer');
  return JSON.parse(text.slice(start, end + 1)) as unknown;
}

export class IncompleteRatings extends Error {
  constructor(
    message: string,
    readonly partial: Map<string, number>,
  ) {
    super(message);
  }
}

/**
 * Parse a ratings answer: the valid ratings of requested terms (matched case-insensitively).
 * Throws IncompleteRatings (carrying what was valid) when anything is missing or malformed.
 */
export function parseRatings(text: string, terms: readonly string[], scale: number): Map<string, number> {
  let obj: unknown;
  try {
    obj = extractJsonObject(text);
  } catch (e) {
    throw new IncompleteRatings(`malformed ratings: ${(e as Error).message}`, new Map());
  }
  const parsed = z.record(z.string(), z.unknown()).safeParse(obj);
  if (!parsed.success) throw new IncompleteRatings('ratings are not a JSON object', new Map());
  const byLower = new Map(Object.entries(parsed.data).map(([k, v]) => [k.trim().toLowerCase(), v]));
  const out = new Map<string, number>();
  const bad: string[] = [];
  for (const t of terms) {
    const v = byLower.get(t.toLowerCase());
    const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= scale) out.set(t, n);
    else bad.push(t);
  }
  if (bad.length > 0) throw new IncompleteRatings(`missing or invalid ratings for ${bad.length} of ${terms.length} words (${bad.slice(0, 3).join(', ')})`, out);
  return out;
}

/** The engine sample index of a retest respondent: far from the first administration's, so its seeds differ. */
export const RETEST_SAMPLE_OFFSET = 10_000;

export interface RateSummary extends StageSummary {
  models: number;
  respondents: number;
  terms: number;
  /** Style items (antonym or reversed partners) rated beside the lexicon. */
  style_items: number;
  administrations: number;
  ratings: number;
  missing: number;
  reasked_batches: number;
}

export async function runRating(engine: Engine, config: StudyConfig): Promise<RateSummary> {
  const store = engine.store;
  ensureRateSchema(store);
  const terms = ratingTerms(store, config);
  if (terms.length < 3) {
    throw new Error(`rate: the lexicon has ${terms.length} terms after filters (min_count ${config.elicit.min_count}, min_models ${config.elicit.min_models}); run elicit first or relax the filters`);
  }
  const { respondents: perModel, scale, batch_size: batchSize, temperature } = config.rate;
  const items = rateItems(terms, config.rate.style_items);
  const administrations = config.rate.retest ? [1, 2] : [1];
  const respondentId = (model: string, r: number, administration: number): string => (administration === 1 ? `${model}/r${r}` : `${model}/retest/r${r}`);
  interface Job { model: string; respondent: number; administration: number; batch: number; terms: string[] }
  requirePlanSize('rate', [['models', config.models.length], ['respondents', perModel], ['administrations', administrations.length], ['batches', Math.ceil(items.length / batchSize)]]);
  const jobs: Job[] = [];
  for (const administration of administrations) {
    for (const m of config.models) {
      for (let r = 0; r < perModel; r++) {
        // Item order randomized per respondent (seeded, so a rerun asks the same questions); the
        // retest draws another order, as a second administration would.
        const rng = rngFor(String(config.seed), m.name, 'rate-order', String(r), ...(administration === 1 ? [] : [`retest${administration}`]));
        const order = shuffleInPlace(rng, items.map((it) => it.item));
        for (let b = 0; b * batchSize < order.length; b++) jobs.push({ model: m.name, respondent: r, administration, batch: b, terms: order.slice(b * batchSize, (b + 1) * batchSize) });
      }
    }
  }
  resetRespondents(
    store,
    administrations.flatMap((administration) =>
      config.models.flatMap((m) => Array.from({ length: perModel }, (_, r) => ({ id: respondentId(m.name, r, administration), model: m.name, respondent: r, administration, scale, prompt_version: RATE_PROMPT_VERSION }))),
    ),
    items.map((it) => ({ item: it.item, kind: it.kind, reverses: it.reverses })),
  );
  const writeRatings = ratingsWriter(store);
  let reasked = 0;
  let missing = 0;
  let stored = 0;
  await engine.map(
    jobs,
    async (job) => {
      let best = new Map<string, number>();
      const res = await engine.generateParsed(
        {
          model: job.model,
          stage: 'rate',
          messages: [{ role: 'user', content: ratingPrompt(job.terms, scale) }],
          params: { temperature, max_tokens: 40 + 12 * job.terms.length, json_schema: ratingSchema(job.terms, scale) },
          // Each respondent is its own sample index (its own seed); the retest's are offset.
          sample: job.respondent + (job.administration - 1) * RETEST_SAMPLE_OFFSET,
        },
        (text) => {
          try {
            return parseRatings(text, job.terms, scale);
          } catch (e) {
            if (e instanceof IncompleteRatings && e.partial.size > best.size) best = e.partial;
            throw e;
          }
        },
      );
      const ratings = res.value ?? best;
      if (res.attempts > 1) reasked++;
      const id = respondentId(job.model, job.respondent, job.administration);
      writeRatings(
        job.terms.map((t) => {
          const v = ratings.get(t);
          if (v === undefined) missing++;
          else stored++;
          return { respondent_id: id, term: t, rating: v ?? null, batch: job.batch, attempts: res.attempts };
        }),
      );
    },
    { label: 'rate' },
  );
  return {
    models: config.models.length,
    respondents: config.models.length * perModel,
    terms: terms.length,
    style_items: items.length - terms.length,
    administrations: administrations.length,
    ratings: stored,
    missing,
    reasked_batches: reasked,
  };
}

export interface RatingMatrix {
  respondents: Array<{ id: string; model: string }>;
  /** The lexicon terms (style items excluded), by code point. */
  terms: string[];
  /** respondents x terms (null = missing). */
  matrix: (number | null)[][];
  /** The style items and their ratings, in the same respondent order. */
  styleItems: RateItem[];
  styleMatrix: (number | null)[][];
  scale: number;
}

/**
 * Respondents x terms matrix of one administration's ratings (null = missing), for the taxonomy
 * stage; style items come separately so they never enter the factor analysis.
 */
export function ratingMatrix(store: RunStore, administration = 1): RatingMatrix {
  ensureRateSchema(store);
  // Sorted here by code point, not by the database's collation, so SQLite and PostgreSQL agree.
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const rows = rateRespondents(store).filter((r) => r.administration === administration);
  const scale = rows[0]?.scale ?? 5;
  const respondents = rows
    .sort((a, b) => cmp(a.model, b.model) || a.respondent - b.respondent)
    .map(({ id, model }) => ({ id, model }));
  const kinds = new Map(rateItemRows(store).map((r) => [r.item, r]));
  const all = ratedTerms(store).sort(cmp);
  const terms = all.filter((t) => (kinds.get(t)?.kind ?? 'lexicon') === 'lexicon');
  const styleItems: RateItem[] = all.filter((t) => (kinds.get(t)?.kind ?? 'lexicon') !== 'lexicon').map((t) => ({ item: t, kind: kinds.get(t)!.kind as RateItemKind, reverses: kinds.get(t)!.reverses }));
  const styleIndex = new Map(styleItems.map((it, j) => [it.item, j]));
  const styleMatrix: (number | null)[][] = respondents.map(() => new Array<number | null>(styleItems.length).fill(null));
  const index = new Map(terms.map((t, i) => [t, i]));
  const rowOf = new Map(respondents.map((r, i) => [r.id, i]));
  const matrix: (number | null)[][] = respondents.map(() => new Array<number | null>(terms.length).fill(null));
  for (const row of allRatings(store)) {
    const i = rowOf.get(row.respondent_id);
    if (i === undefined) continue;
    const j = index.get(row.term);
    if (j !== undefined) matrix[i]![j] = row.rating;
    const k = styleIndex.get(row.term);
    if (k !== undefined) styleMatrix[i]![k] = row.rating;
  }
  return { respondents, terms, matrix, styleItems, styleMatrix, scale };
}

export const rateStage: StageDefinition = {
  name: 'rate',
  description: 'models rate how well each lexicon value describes their own values (Likert)',
  configOf: (config) => ({ rate: config.rate, filters: { min_count: config.elicit.min_count, min_models: config.elicit.min_models }, prompt: RATE_PROMPT_VERSION }),
  run: ({ engine, config }) => runRating(engine, config),
  describe: (s) =>
    `rate: ${String(s.respondents)} respondents rated ${String(s.terms)} terms and ${String(s.style_items ?? 0)} response-style items (antonym/reversed, not in the lexicon)` +
    `${Number(s.administrations ?? 1) > 1 ? ', twice (retest)' : ''} (${String(s.missing)} ratings missing)`,
};
