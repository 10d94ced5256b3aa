/**
 * The value lexicon: one row per normalized value term with its spelling variants, how often and by
 * how many models it was named, and the first respondents that named it (so every entry can be
 * traced back to raw answers). Built from the elicitation tables; near-synonym merges by embedding
 * similarity are recorded in `lexicon_merges` and can be switched off again (then the lexicon is
 * rebuilt without them).
 */
import { csvCell } from '../../../core/csv.js';
import { InputError } from '../../../core/errors.js';
import type { Embedder } from '../../../embed/types.js';
import type { RunStore } from '../../../store/store.js';
import { termKey } from '../../../text/normalize.js';
import {
  acceptedDescriptors,
  activeMerges,
  descriptorKeys,
  ensureLexiconSchema,
  lexiconKeyOf,
  lexiconKeys,
  lexiconRows,
  mergeRows,
  parsedAnswers,
  parsedRespondents,
  putMerges,
  replaceLexicon,
  setMergeRow,
  sourcesOfKeys,
  type LexiconRow,
} from './tables.js';

export { ensureLexiconSchema };

export interface LexiconEntry {
  descriptor: string;
  variants: string[];
  count: number;
  n_models: number;
  per_model: Record<string, number>;
  first_seen: string[];
}

export interface LexiconFilter {
  minCount?: number;
  minModels?: number;
  limit?: number;
}

export interface LexiconMerge {
  from: string;
  to: string;
  similarity: number;
  active: boolean;
}

const FIRST_SEEN = 10;

/** Active merges as term key -> final term key (chains followed, cycles cut). */
function mergeMap(store: RunStore): Map<string, string> {
  const rows = activeMerges(store);
  const direct = new Map(rows.map((r) => [termKey(r.f), termKey(r.t)]));
  const out = new Map<string, string>();
  for (const from of direct.keys()) {
    let to = from;
    const seen = new Set<string>();
    while (direct.has(to) && !seen.has(to)) {
      seen.add(to);
      to = direct.get(to)!;
    }
    if (to !== from) out.set(from, to);
  }
  return out;
}

interface Acc {
  surfaces: Map<string, number>;
  ownSurfaces: Map<string, number>;
  variants: Set<string>;
  perModel: Map<string, number>;
  count: number;
  firstSeen: string[];
}

/** (Re)build the lexicon table from the elicitation tables and the active merges. Returns the term count. */
export function buildLexicon(store: RunStore): number {
  if (!store.hasTable('elicit_descriptors')) throw new InputError(`${store.path}: no elicitation data (run the elicit stage first)`);
  ensureLexiconSchema(store);
  const merges = mergeMap(store);
  const acc = new Map<string, Acc>();
  for (const row of acceptedDescriptors(store)) {
    const key = merges.get(row.key) ?? row.key;
    let a = acc.get(key);
    if (!a) {
      a = { surfaces: new Map(), ownSurfaces: new Map(), variants: new Set(), perModel: new Map(), count: 0, firstSeen: [] };
      acc.set(key, a);
    }
    a.surfaces.set(row.descriptor, (a.surfaces.get(row.descriptor) ?? 0) + 1);
    if (key === row.key) a.ownSurfaces.set(row.descriptor, (a.ownSurfaces.get(row.descriptor) ?? 0) + 1);
    a.variants.add(row.descriptor);
    a.variants.add(row.raw.trim().toLowerCase());
    a.perModel.set(row.model, (a.perModel.get(row.model) ?? 0) + 1);
    a.count++;
    if (a.firstSeen.length < FIRST_SEEN && a.firstSeen[a.firstSeen.length - 1] !== row.rid) a.firstSeen.push(row.rid);
  }
  const used = new Set<string>();
  const rows: LexiconRow[] = [];
  for (const [key, a] of acc) {
    // Show the term's own most frequent spelling (not a merged synonym's); ties alphabetically.
    const pool = a.ownSurfaces.size > 0 ? a.ownSurfaces : a.surfaces;
    let descriptor = [...pool.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]![0];
    if (used.has(descriptor)) descriptor = key;
    used.add(descriptor);
    const perModel = Object.fromEntries([...a.perModel.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1)));
    rows.push({ descriptor, term_key: key, variants: JSON.stringify([...a.variants].sort()), count: a.count, n_models: a.perModel.size, per_model: JSON.stringify(perModel), first_seen: JSON.stringify(a.firstSeen) });
  }
  replaceLexicon(store, rows);
  return acc.size;
}

/** Lexicon entries, most frequent first, with optional minimum frequency and minimum number of models. */
export function listLexicon(store: RunStore, filter: LexiconFilter = {}): LexiconEntry[] {
  if (!store.hasTable('lexicon')) return [];
  const rows = lexiconRows(store, filter.minCount ?? 1, filter.minModels ?? 1, filter.limit ?? Number.MAX_SAFE_INTEGER);
  // Ties by code point (SQLite's binary collation), whatever the database's own collation.
  rows.sort((a, b) => b.count - a.count || b.n_models - a.n_models || (a.descriptor < b.descriptor ? -1 : a.descriptor > b.descriptor ? 1 : 0));
  return rows.map((r) => ({
    descriptor: r.descriptor,
    variants: JSON.parse(r.variants) as string[],
    count: r.count,
    n_models: r.n_models,
    per_model: JSON.parse(r.per_model) as Record<string, number>,
    first_seen: JSON.parse(r.first_seen) as string[],
  }));
}

/** CSV (one term a row; variants and first_seen joined with |, per_model as model=count;...) or JSON. */
export function exportLexicon(entries: readonly LexiconEntry[], format: 'csv' | 'json'): string {
  if (format === 'json') return JSON.stringify(entries, null, 2) + '\n';
  const lines = ['descriptor,count,n_models,per_model,variants,first_seen'];
  for (const e of entries) {
    const perModel = Object.entries(e.per_model)
      .map(([m, c]) => `${m}=${c}`)
      .join(';');
    lines.push([e.descriptor, e.count, e.n_models, perModel, e.variants.join('|'), e.first_seen.join('|')].map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

export interface TermMatrix {
  respondents: Array<{ id: string; model: string }>;
  terms: string[];
  /** respondents x terms: how often the respondent named the term (0/1 with `binary`). */
  matrix: number[][];
}

/**
 * The respondent x term matrix the taxonomy stage analyses: every respondent whose answer was
 * parsed (status ok), and the chosen terms (default: the lexicon after the filters), in lexicon order.
 */
export function respondentTermMatrix(store: RunStore, opts: { terms?: readonly string[]; binary?: boolean } & LexiconFilter = {}): TermMatrix {
  const terms = opts.terms ? [...opts.terms] : listLexicon(store, opts).map((e) => e.descriptor);
  const merges = mergeMap(store);
  // Resolve each wanted term to its key; lexicon display names and raw keys both work.
  const keyOfTerm = new Map<string, number>();
  const lex = store.hasTable('lexicon') ? lexiconKeys(store) : [];
  const keyByDescriptor = new Map(lex.map((r) => [r.descriptor, r.term_key]));
  terms.forEach((t, i) => keyOfTerm.set(keyByDescriptor.get(t) ?? termKey(t), i));
  const respondents = parsedRespondents(store);
  const rowOf = new Map(respondents.map((r, i) => [r.id, i]));
  const matrix = respondents.map(() => new Array<number>(terms.length).fill(0));
  for (const r of descriptorKeys(store)) {
    const i = rowOf.get(r.rid);
    const j = keyOfTerm.get(merges.get(r.key) ?? r.key);
    if (i === undefined || j === undefined) continue;
    matrix[i]![j] = opts.binary ? 1 : matrix[i]![j]! + 1;
  }
  return { respondents, terms, matrix };
}

/** The largest count cell (8 ordered categories, the most polychoric correlations take). */
const MAX_COUNT = 7;

/** How a respondent's repeated samples become one cell per term. */
export type ElicitationCells = 'count' | 'any';

export interface ElicitationRespondent {
  /** `model/prompt_id`: the paper's respondent. */
  id: string;
  model: string;
  prompt_id: string;
  /** Parsed answers (samples x temperatures) of this respondent; refusals and errors are not measurements. */
  samples: number;
}

export interface ElicitationMatrix {
  respondents: ElicitationRespondent[];
  terms: string[];
  /**
   * respondents x terms. `count`: in how many of the respondent's samples the term was named,
   * 0..S (S = the most samples any respondent has; a respondent with fewer parsed samples is put
   * on the same 0..S scale by its share, rounded; above 7 samples the scale is 0..7). `any`: 1 when named in at least one sample.
   */
  matrix: number[][];
  cells: ElicitationCells;
  /** S: the largest number of samples per respondent. */
  maxSamples: number;
  /**
   * Each respondent's agreement with itself across its samples: the mean Jaccard similarity of the
   * sets of `terms` its samples named, over the pairs of samples in which at least one term was
   * named (null with fewer than two such samples). A row whose samples disagree is a noisy
   * measurement of that respondent.
   */
  reliability: Array<number | null>;
}

/**
 * The paper's respondent x term matrix: one row per model x prompt (Biedma et al. 2024), its
 * repeated samples (and temperatures) aggregated within the row, because five samples of one
 * model answering one prompt are repeated measurements of one respondent, not five respondents.
 */
export function elicitationMatrix(store: RunStore, opts: { terms: readonly string[]; cells?: ElicitationCells }): ElicitationMatrix {
  const cells = opts.cells ?? 'count';
  const terms = [...opts.terms];
  const merges = mergeMap(store);
  const lex = store.hasTable('lexicon') ? lexiconKeys(store) : [];
  const keyByDescriptor = new Map(lex.map((r) => [r.descriptor, r.term_key]));
  const colOfKey = new Map<string, number>();
  terms.forEach((t, j) => colOfKey.set(keyByDescriptor.get(t) ?? termKey(t), j));
  const answers = parsedAnswers(store);
  const respondents: ElicitationRespondent[] = [];
  const rowOfRespondent = new Map<string, number>();
  const answerOf = new Map<string, { row: number; sample: number }>();
  for (const a of answers) {
    const id = `${a.model}/${a.prompt_id}`;
    let row = rowOfRespondent.get(id);
    if (row === undefined) {
      row = respondents.length;
      rowOfRespondent.set(id, row);
      respondents.push({ id, model: a.model, prompt_id: a.prompt_id, samples: 0 });
    }
    answerOf.set(a.id, { row, sample: respondents[row]!.samples++ });
  }
  // Per respondent, per sample: the set of named columns.
  const named: Array<Array<Set<number>>> = respondents.map((r) => Array.from({ length: r.samples }, () => new Set<number>()));
  for (const d of descriptorKeys(store)) {
    const at = answerOf.get(d.rid);
    const j = colOfKey.get(merges.get(d.key) ?? d.key);
    if (at === undefined || j === undefined) continue;
    named[at.row]![at.sample]!.add(j);
  }
  const maxSamples = Math.max(0, ...respondents.map((r) => r.samples));
  // Polychoric correlations take at most 8 categories (0..7): more samples are binned onto that scale.
  const top = Math.min(maxSamples, MAX_COUNT);
  const matrix = respondents.map((r, i) => {
    const row = new Array<number>(terms.length).fill(0);
    for (const set of named[i]!) for (const j of set) row[j]!++;
    if (cells === 'any') return row.map((c) => (c > 0 ? 1 : 0));
    return r.samples === top ? row : row.map((c) => Math.round((top * c) / r.samples));
  });
  const reliability = named.map((sets) => {
    const used = sets.filter((s) => s.size > 0);
    if (used.length < 2) return null;
    let sum = 0;
    let pairs = 0;
    for (let a = 0; a < used.length; a++) {
      for (let b = a + 1; b < used.length; b++) {
        let both = 0;
        for (const j of used[a]!) if (used[b]!.has(j)) both++;
        sum += both / (used[a]!.size + used[b]!.size - both);
        pairs++;
      }
    }
    return sum / pairs;
  });
  return { respondents, terms, matrix, cells, maxSamples, reliability };
}

/** From everything elicited to what is analysed: the lexicon's reduction, for the terminal and the report. */
export interface LexiconReduction {
  /** Accepted descriptor items (every value word of every parsed answer). */
  descriptors: number;
  /** Distinct normalized terms (after synonym merges). */
  unique_terms: number;
  /** Terms that pass the lexicon filters (min_count answers, min_models models). */
  lexicon_terms: number;
  min_count: number;
  min_models: number;
}

export function lexiconReduction(store: RunStore, filter: { minCount: number; minModels: number }): LexiconReduction {
  let descriptors = 0;
  for (const _ of acceptedDescriptors(store)) descriptors++;
  const all = listLexicon(store);
  return {
    descriptors,
    unique_terms: all.length,
    lexicon_terms: all.filter((e) => e.count >= filter.minCount && e.n_models >= filter.minModels).length,
    min_count: filter.minCount,
    min_models: filter.minModels,
  };
}

export interface TermSource {
  respondent_id: string;
  model: string;
  prompt_id: string;
  /** The item as the model wrote it. */
  raw: string;
  /** The whole answer. */
  response_text: string;
}

/**
 * Every answer that produced a lexicon term (through its spellings, morphological variants and
 * active synonym merges), in plan order: the full trace behind an entry's `first_seen`.
 */
export function termSources(store: RunStore, descriptor: string, opts: { limit?: number } = {}): TermSource[] {
  const key = (store.hasTable('lexicon') ? lexiconKeyOf(store, descriptor) : undefined) ?? termKey(descriptor);
  const merges = mergeMap(store);
  const keys = [key, ...[...merges.entries()].filter(([, to]) => to === key).map(([from]) => from)];
  return sourcesOfKeys(store, keys, opts.limit ?? Number.MAX_SAFE_INTEGER);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Merge near-synonyms: terms whose embeddings have cosine similarity >= threshold are merged into
 * the more frequent one (greedily, most similar pairs first; a term absorbed once is not a target
 * later). Each merge is recorded (reversible with `setMergeActive`) and the lexicon is rebuilt.
 * Embedding neighbours are not always synonyms (antonyms are close too): keep the threshold high
 * and review `lexicon_merges`.
 */
export async function mergeSynonyms(
  store: RunStore,
  embedder: Embedder,
  opts: { threshold: number; minCount?: number; maxTerms?: number },
): Promise<LexiconMerge[]> {
  ensureLexiconSchema(store);
  const entries = listLexicon(store, { minCount: opts.minCount ?? 1, limit: opts.maxTerms ?? 2000 });
  if (entries.length < 2) return [];
  const vectors = await embedder.embed(entries.map((e) => e.descriptor));
  const pairs: Array<{ i: number; j: number; sim: number }> = [];
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const sim = cosine(vectors[i]!, vectors[j]!);
      if (sim >= opts.threshold) pairs.push({ i, j, sim });
    }
  }
  pairs.sort((a, b) => b.sim - a.sim || a.i - b.i || a.j - b.j);
  const absorbed = new Set<number>();
  const targets = new Set<number>();
  const merges: LexiconMerge[] = [];
  for (const p of pairs) {
    // entries are sorted by count desc, so i is the more frequent term.
    if (absorbed.has(p.i) || absorbed.has(p.j) || targets.has(p.j)) continue;
    absorbed.add(p.j);
    targets.add(p.i);
    merges.push({ from: entries[p.j]!.descriptor, to: entries[p.i]!.descriptor, similarity: p.sim, active: true });
  }
  putMerges(store, merges.map((m) => ({ from: m.from, to: m.to, similarity: m.similarity, method: `embedding:${embedder.id}` })));
  buildLexicon(store);
  return merges;
}

export function listMerges(store: RunStore): LexiconMerge[] {
  if (!store.hasTable('lexicon_merges')) return [];
  return mergeRows(store).map((r) => ({ from: r.f, to: r.t, similarity: r.similarity, active: r.active === 1 }));
}

/** Undo (or redo) one recorded merge and rebuild the lexicon. Returns false when no such merge exists. */
export function setMergeActive(store: RunStore, from: string, active: boolean): boolean {
  ensureLexiconSchema(store);
  if (!setMergeRow(store, from, active)) return false;
  buildLexicon(store);
  return true;
}
