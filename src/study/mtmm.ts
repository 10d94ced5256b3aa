/**
 * Stated against revealed values: the multitrait-multimethod matrix (Campbell & Fiske 1959) of a
 * run, across models. Traits are the dimensions of the study's value system; methods are every
 * method the run used on them:
 *   self-ratings  (rate)       mean rating of the dimension's words, over the model's respondents;
 *   elicitation   (elicit)     share of the model's answers that name at least one of its words;
 *   projective    (projective) mean judge score of the model's sentence completions;
 *   choices       (choices)    Bradley-Terry log-strength from the model's forced choices.
 * The first two are what a model says about itself (self-report); the last two are indirect (what
 * it writes when asked something else, what it chooses).
 *
 * Scale: every method on its own scale, across models: mean ratings, shares of answers, mean judge
 * scores, and Bradley-Terry log-strengths (relative by construction: each model's are centred on
 * zero). Scores are deliberately not centred within model for the other methods: centred
 * (ipsative) scores share minus the mean of the other values, which makes the methods agree on a
 * value that only one of them measures (r = 1/sqrt(k) for k values), the very artefact this
 * analysis exists to catch. A general style of one method (acquiescent ratings, verbose answers, a
 * lenient judge) shows instead as high correlations between different values within that method
 * (heterotrait-monomethod), which the Campbell-Fiske comparisons count against the value.
 *
 * Every method is read through the owning stage's results and tables; a method the run did not use
 * (or used on another value system) is simply absent. Verdicts come from `mtmm` (src/stats), which
 * accounts for the number of models: with a handful of models they say so ("insufficient-data");
 * and a trait whose self-report methods agree with each other while neither indirect method follows
 * is called out as existing only in what models say about themselves.
 */
import { mtmm, type ConvergentValidity, type MtmmColumn, type MtmmResult, type MtmmVerdict } from '../stats/mtmm.js';
import { normalQuantile } from '../stats/probability.js';
import type { RunStore } from '../store/store.js';
import { schwartzValues } from '../values/schwartz.js';
import type { StudyConfig } from '../config/schema.js';
import { loadChoices } from './stages/choices/stage.js';
import { respondentTermMatrix } from './stages/elicit/lexicon.js';
import { loadProjective } from './stages/projective/stage.js';
import { ratingMatrix } from './stages/rate/stage.js';
import { loadTaxonomy } from './stages/taxonomy/stage.js';
import { dimensionWords } from './value-systems.js';

export const MTMM_METHODS = ['self-ratings', 'elicitation', 'projective', 'choices'] as const;
export type MtmmMethod = (typeof MTMM_METHODS)[number];
export type MethodFamily = 'self-report' | 'indirect';

export const METHOD_INFO: Record<MtmmMethod, { family: MethodFamily; description: string }> = {
  'self-ratings': { family: 'self-report', description: "mean self-rating of the dimension's words (rate stage)" },
  elicitation: { family: 'self-report', description: "share of the model's elicitation answers naming at least one of the dimension's words" },
  projective: { family: 'indirect', description: "mean judge score of the model's sentence completions on the dimension" },
  choices: { family: 'indirect', description: "Bradley-Terry log-strength of the value in the model's forced choices" },
};

export interface TraitDefinition {
  id: string;
  label: string;
  /** Words that express the dimension (self-ratings and elicitation are measured through them). */
  words: string[];
}

/** Scores of one method: model -> dimension -> score. */
export type MethodScores = Map<string, Map<string, number>>;

/** A plain-language reading of a trait's validity. */
export type ValidityReading = 'methods-agree' | 'not-distinct' | 'self-report-only' | 'method-specific' | 'methods-disagree' | 'insufficient-data';

export interface FamilyAgreement {
  /** Fisher-z mean of the convergent correlations between methods of these families. */
  r: number | null;
  /** Smallest n among them, and the interval on it. */
  n: number;
  ci: [number, number] | null;
  pairs: number;
}

export interface MtmmTraitReading {
  trait: string;
  label: string;
  methods: MtmmMethod[];
  /** The statistical verdict (src/stats/mtmm.ts) and its reason. */
  verdict: MtmmVerdict;
  reason: string;
  convergent: number | null;
  ci: [number, number] | null;
  n: number;
  /** Campbell-Fiske criteria 2 and 3: comparisons of its convergent correlations met, of those made. */
  discriminant: { met: number; made: number; share: number | null };
  /** Agreement within the self-report methods, within the indirect methods, and across the two. */
  self_report: FamilyAgreement;
  indirect: FamilyAgreement;
  across: FamilyAgreement;
  reading: ValidityReading;
  /** One sentence for a report. */
  statement: string;
}

export interface MtmmReport {
  /** The value system whose dimensions are the traits, and where it came from. */
  system: string;
  source: 'choices' | 'projective' | 'taxonomy';
  traits: Array<{ id: string; label: string }>;
  methods: Array<{ id: MtmmMethod; family: MethodFamily; description: string }>;
  models: string[];
  /** Each method on its own scale (see the module comment). */
  scale: 'per-method';
  /** The scores the matrix is computed from (one row per model and column). */
  scores: Array<{ model: string; trait: string; method: MtmmMethod; score: number }>;
  columns: MtmmColumn[];
  r: (number | null)[][];
  n: number[][];
  convergent: ConvergentValidity[];
  per_trait: MtmmTraitReading[];
  overall: MtmmResult['overall'];
  level: number;
  /** What a reader must know to read the numbers (few models, two dimensions...). */
  notes: string[];
}

/** Models needed before a convergent r of about .6 has an interval that excludes .3 (n where the 95% half-width is ~.3). */
export const MODELS_FOR_VERDICTS = 20;

/**
 * The traits of a run: the forced-choice system if the choices stage ran, else the projective
 * system, else the taxonomy; undefined when none ran.
 */
export function mtmmTraits(store: RunStore): { system: string; source: MtmmReport['source']; traits: TraitDefinition[] } | undefined {
  const choices = loadChoices(store);
  if (choices) return { system: choices.system, source: 'choices', traits: choices.dimensions.map((d) => ({ id: d.id, label: d.label, words: d.words ?? [] })) };
  const taxonomy = loadTaxonomy(store);
  const taxonomyTraits = (): TraitDefinition[] => taxonomy!.system.dimensions.filter((d) => d.parent === null).map((d) => ({ id: d.id, label: d.label, words: Object.keys(d.loadings) }));
  const projective = loadProjective(store);
  if (projective) {
    const wordsOf = new Map<string, string[]>();
    if (taxonomy && taxonomy.system.name === projective.system) for (const t of taxonomyTraits()) wordsOf.set(t.id, t.words);
    else if (projective.system === 'schwartz') for (const d of schwartzValues().dimensions) wordsOf.set(d.id, dimensionWords(d));
    return { system: projective.system, source: 'projective', traits: projective.dimensions.map((d) => ({ id: d.id, label: d.label, words: wordsOf.get(d.id) ?? [] })) };
  }
  if (taxonomy) return { system: taxonomy.system.name, source: 'taxonomy', traits: taxonomyTraits() };
  return undefined;
}

function put(scores: MethodScores, model: string, trait: string, value: number): void {
  let m = scores.get(model);
  if (!m) scores.set(model, (m = new Map()));
  m.set(trait, value);
}

/** Self-ratings: per respondent the mean rating of the dimension's rated words, averaged over the model's respondents. */
export function selfRatingScores(store: RunStore, traits: readonly TraitDefinition[]): MethodScores {
  const out: MethodScores = new Map();
  if (!store.hasTable('ratings')) return out;
  const { respondents, terms, matrix } = ratingMatrix(store);
  const col = new Map(terms.map((t, j) => [t.toLowerCase(), j]));
  for (const t of traits) {
    const cols = [...new Set(t.words.map((w) => col.get(w.toLowerCase())).filter((j): j is number => j !== undefined))];
    if (cols.length === 0) continue;
    const perModel = new Map<string, number[]>();
    respondents.forEach((r, i) => {
      const vals = cols.map((j) => matrix[i]![j]!).filter((v): v is number => v !== null);
      if (vals.length === 0) return;
      const list = perModel.get(r.model) ?? [];
      list.push(vals.reduce((a, b) => a + b, 0) / vals.length);
      perModel.set(r.model, list);
    });
    for (const [model, list] of perModel) put(out, model, t.id, list.reduce((a, b) => a + b, 0) / list.length);
  }
  return out;
}

/** Elicitation: the share of the model's parsed answers that name at least one of the dimension's words. */
export function elicitationScores(store: RunStore, traits: readonly TraitDefinition[]): MethodScores {
  const out: MethodScores = new Map();
  if (!store.hasTable('elicit_respondents')) return out;
  const words = [...new Set(traits.flatMap((t) => t.words))];
  if (words.length === 0) return out;
  const { respondents, terms, matrix } = respondentTermMatrix(store, { terms: words, binary: true });
  const col = new Map(terms.map((t, j) => [t, j]));
  const totals = new Map<string, number>();
  for (const r of respondents) totals.set(r.model, (totals.get(r.model) ?? 0) + 1);
  for (const t of traits) {
    const cols = t.words.map((w) => col.get(w)).filter((j): j is number => j !== undefined);
    if (cols.length === 0) continue;
    const named = new Map<string, number>();
    respondents.forEach((r, i) => {
      if (cols.some((j) => matrix[i]![j]! > 0)) named.set(r.model, (named.get(r.model) ?? 0) + 1);
    });
    for (const [model, total] of totals) put(out, model, t.id, (named.get(model) ?? 0) / total);
  }
  return out;
}

/** Projective: the profile means of the projective stage, when it scored this value system. */
export function projectiveScores(store: RunStore, system: string): MethodScores {
  const out: MethodScores = new Map();
  const p = loadProjective(store);
  if (!p || p.system !== system) return out;
  for (const row of p.profiles) put(out, row.model, row.dimension, row.mean);
  return out;
}

/** Choices: Bradley-Terry log-strengths, when the choices stage used this value system. */
export function choiceScores(store: RunStore, system: string): MethodScores {
  const out: MethodScores = new Map();
  const c = loadChoices(store);
  if (!c || c.system !== system) return out;
  for (const row of c.priorities) put(out, row.model, row.dimension, row.log_strength);
  return out;
}

function fisherMean(cs: readonly ConvergentValidity[], level: number): FamilyAgreement {
  const valid = cs.filter((c) => c.r !== null);
  if (valid.length === 0) return { r: null, n: 0, ci: null, pairs: 0 };
  const clamp = (r: number): number => Math.max(-0.999999999999, Math.min(0.999999999999, r));
  const z = valid.reduce((s, c) => s + Math.atanh(clamp(c.r!)), 0) / valid.length;
  const n = Math.min(...valid.map((c) => c.n));
  const h = n >= 4 ? normalQuantile(1 - (1 - level) / 2) / Math.sqrt(n - 3) : NaN;
  return { r: Math.tanh(z), n, ci: n >= 4 ? [Math.tanh(z - h), Math.tanh(z + h)] : null, pairs: valid.length };
}

const f2 = (x: number | null): string => (x === null ? 'NA' : x.toFixed(2));

/** The plain-language reading of one trait (see the module comment). */
export function readTrait(t: MtmmResult['perTrait'][number], label: string, convergent: readonly ConvergentValidity[], level: number, thresholds: { adequate: number; weak: number }): MtmmTraitReading {
  const familyOf = (m: string): MethodFamily => METHOD_INFO[m as MtmmMethod].family;
  const own = convergent.filter((c) => c.trait === t.trait);
  const selfReport = fisherMean(own.filter((c) => familyOf(c.methodA) === 'self-report' && familyOf(c.methodB) === 'self-report'), level);
  const indirect = fisherMean(own.filter((c) => familyOf(c.methodA) === 'indirect' && familyOf(c.methodB) === 'indirect'), level);
  const across = fisherMean(own.filter((c) => familyOf(c.methodA) !== familyOf(c.methodB)), level);
  const ciTxt = (a: FamilyAgreement): string => (a.ci ? `r = ${f2(a.r)}, ${Math.round(level * 100)}% CI ${f2(a.ci[0])} to ${f2(a.ci[1])}` : `r = ${f2(a.r)}`);
  let reading: ValidityReading;
  let statement: string;
  if (t.verdict === 'convergent') {
    reading = 'methods-agree';
    statement = `The methods agree on ${label}: ${t.reason}.`;
  } else if (t.verdict === 'not-discriminant') {
    reading = 'not-distinct';
    statement = `The methods agree on ${label}, but no more than they agree about other values, so it is not distinct from them: ${t.reason}.`;
  } else if (selfReport.ci && across.ci && selfReport.ci[0] >= thresholds.weak && across.ci[1] < thresholds.adequate) {
    reading = 'self-report-only';
    statement = `${label} exists only in what models say about themselves: the self-report methods agree (${ciTxt(selfReport)}, ${selfReport.n} models), but the indirect methods do not follow them (${ciTxt(across)}).`;
  } else if (t.verdict === 'method-specific') {
    reading = 'method-specific';
    statement = `${label} is a method effect rather than a trait: ${t.reason}.`;
  } else if (t.verdict === 'weak') {
    reading = 'methods-disagree';
    statement = `The methods disagree on ${label}: ${t.reason}.`;
  } else {
    reading = 'insufficient-data';
    statement = `Not enough evidence to judge ${label} (${t.reason}); about ${MODELS_FOR_VERDICTS} or more models are needed before anything but near-perfect agreement is decisive.`;
  }
  return {
    trait: t.trait,
    label,
    methods: t.methods as MtmmMethod[],
    verdict: t.verdict,
    reason: t.reason,
    convergent: t.convergent,
    ci: t.ci,
    n: t.n,
    discriminant: { met: t.heteroHetero.met + t.heteroMono.met, made: t.heteroHetero.made + t.heteroMono.made, share: t.share },
    self_report: selfReport,
    indirect,
    across,
    reading,
    statement,
  };
}

/**
 * The MTMM matrix from each method's scores: one column per (trait, method) with any score, rows
 * in `models` order. Undefined when fewer than two methods measured anything.
 */
export function mtmmFromScores(
  byMethod: ReadonlyMap<MtmmMethod, MethodScores>,
  traits: ReadonlyArray<{ id: string; label: string }>,
  models: readonly string[],
  opts: { level?: number; adequate?: number; weak?: number } = {},
): Omit<MtmmReport, 'system' | 'source'> | undefined {
  const level = opts.level ?? 0.95;
  const thresholds = { adequate: opts.adequate ?? 0.5, weak: opts.weak ?? 0.3 };
  const present = new Map([...byMethod].filter(([, s]) => s.size > 0));
  const methods = MTMM_METHODS.filter((m) => present.has(m));
  const columns: MtmmColumn[] = [];
  for (const t of traits) for (const m of methods) if ([...present.get(m)!.values()].some((s) => s.has(t.id))) columns.push({ trait: t.id, method: m });
  if (columns.length < 2 || new Set(columns.map((c) => c.method)).size < 2) return undefined;
  const rows = models.filter((model) => columns.some((c) => present.get(c.method as MtmmMethod)!.get(model)?.has(c.trait)));
  const scores = rows.map((model) => columns.map((c) => present.get(c.method as MtmmMethod)!.get(model)?.get(c.trait) ?? null));
  const res = mtmm(scores, columns, { level, ...thresholds });
  const labelOf = new Map(traits.map((t) => [t.id, t.label]));
  const notes: string[] = [];
  if (rows.length < MODELS_FOR_VERDICTS) notes.push(`${rows.length} models: correlations across so few models have wide intervals, so most verdicts are "insufficient-data"; about ${MODELS_FOR_VERDICTS} or more models are needed to tell convergent from weak.`);
  const measured = new Set(columns.map((c) => c.trait));
  if (measured.size === 2 && methods.includes('choices')) notes.push('Two dimensions: their forced-choice strengths are mirror images (r = -1), so discriminant validity cannot be judged within that method.');
  const unmeasured = traits.filter((t) => !measured.has(t.id)).map((t) => t.label);
  if (unmeasured.length > 0) notes.push(`No method measured: ${unmeasured.join(', ')}.`);
  for (const t of res.perTrait) if (t.methods.length < 2) notes.push(`${labelOf.get(t.trait) ?? t.trait} is measured by one method only (${t.methods.join(', ')}).`);
  return {
    traits: traits.map((t) => ({ id: t.id, label: t.label })),
    methods: methods.map((m) => ({ id: m, ...METHOD_INFO[m] })),
    models: rows,
    scale: 'per-method',
    scores: rows.flatMap((model, i) => columns.flatMap((c, j) => (scores[i]![j] === null ? [] : [{ model, trait: c.trait, method: c.method as MtmmMethod, score: scores[i]![j]! }]))),
    columns: res.columns,
    r: res.r,
    n: res.n,
    convergent: res.convergent,
    per_trait: res.perTrait.map((t) => readTrait(t, labelOf.get(t.trait) ?? t.trait, res.convergent, level, thresholds)),
    overall: res.overall,
    level,
    notes,
  };
}

/** The run's MTMM analysis over every method it used, or undefined when fewer than two methods measured its traits. */
export function buildMtmm(store: RunStore): MtmmReport | undefined {
  const found = mtmmTraits(store);
  if (!found) return undefined;
  const byMethod = new Map<MtmmMethod, MethodScores>([
    ['self-ratings', selfRatingScores(store, found.traits)],
    ['elicitation', elicitationScores(store, found.traits)],
    ['projective', projectiveScores(store, found.system)],
    ['choices', choiceScores(store, found.system)],
  ]);
  const configured = store.getMetaJson<Pick<StudyConfig, 'models'>>('study_config')?.models.map((m) => m.name) ?? [];
  const seen = new Set<string>();
  for (const s of byMethod.values()) for (const m of s.keys()) seen.add(m);
  const models = [...configured.filter((m) => seen.has(m)), ...[...seen].filter((m) => !configured.includes(m)).sort()];
  const res = mtmmFromScores(byMethod, found.traits, models);
  return res ? { system: found.system, source: found.source, ...res } : undefined;
}
