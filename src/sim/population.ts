/**
 * The simulated model population: synthetic stand-ins with a known, planted truth, for testing the
 * method where no model is reachable (tests, the offline demo, `valuelex sim-server`). Their
 * answers are never evidence about real models, and they are labelled as simulated wherever they
 * appear (the simulated server declares itself on every response; the run database, the terminal
 * and every report format say so).
 *
 * Everything planted comes from a seed (`drawPopulation(seed, options)`): the number of
 * dimensions (2-5), the value words of each (drawn without replacement from a broad pool, see
 * ./value-words.ts), the models and their tags, group effects on the latent traits, response
 * styles, item (stem) effects and the noise around all of it. Two seeds give two different
 * structures, so a method that "recovers" the structure has recovered what was drawn, not a
 * result it was handed. `population.truth` is the plain-JSON record of it all, for comparing
 * what a run recovered with what was planted.
 *
 * The generative model, in the latent trait scale (dimension d, model m, respondent r):
 *   trait[m][d]      = baseline[d] + sum over tags of effect(tag, level of m, d) + modelSd * z
 *   respondent[r][d] = trait[m][d] + respondentSd * z        (one respondent = model x prompt x sample)
 * and each responder (./responders/*) turns a respondent's traits into an answer: value words
 * named with a probability rising with the trait of their dimension (elicitation), Likert ratings
 * from loading x trait plus the model's response style (rating), completions whose value word
 * comes from a dimension chosen by softmax(1.6 (trait + item effect)) (projective).
 */
import { InputError } from '../core/errors.js';
import { rngFor, shuffleInPlace, type Rng } from '../stats/rng.js';
import { VALUE_WORD_POOL } from './value-words.js';

/** The seed of the default population (the demo's, and the sim server's unless `--seed`). */
export const DEFAULT_SEED = 20_245;

export type Training = 'base' | 'instruct' | 'rlhf';
export const TRAININGS: readonly Training[] = ['base', 'instruct', 'rlhf'];

/** One planted dimension: a neutral id and the value words that express it. */
export interface PlantedDimension {
  /** `planted-1`, `planted-2`, ...: neutral on purpose (a name would be a claim). */
  id: string;
  /** Value words of this dimension, most typical (highest loading) first. */
  words: string[];
  /** Planted loading of each word on the dimension (same order as `words`), in [0.55, 0.95]. */
  loadings: number[];
}

/** One simulated model. Numbers per dimension follow `population.dimensions` order. */
export interface SimModel {
  /** Unique within the population, e.g. `sim-boreal-7b-instruct`. */
  name: string;
  family: string;
  size: string;
  training: Training;
  /** Every group tag with this model's level (family, size, training and any extra tags). */
  tags: Record<string, string>;
  /**
   * Mean latent trait per planted dimension: baseline + group effects + the model's own
   * deviation. The extension point for responders that need value priorities (e.g. forced
   * choices): a higher trait is a stronger priority.
   */
  traits: number[];
  /** The model's own deviation from its groups' mean, per dimension (modelSd x normal). */
  deviation: number[];
  /** Rating style: shift added to every Likert rating, in quarter-scale units (0 = none, the default). */
  acquiescence: number;
  /** Rating style: multiplier of the rating's spread around the midpoint (1 = none). */
  extremity: number;
  /** Probability of answering a value question with a refusal. */
  refusalRate: number;
  /** Typical number of value words named in an elicitation answer. */
  verbosity: number;
  /** The family's turn of phrase in completions ("I <verb> to act with ..."), which a self-preferring judge can recognise. */
  verb: string;
}

/** A planted effect of a group on a dimension's latent trait (0 for the reference level). */
export interface PlantedGroupEffect {
  tag: string;
  level: string;
  /** A planted dimension id. */
  dimension: string;
  effect: number;
}

/** Noise of the generative model, all standard deviations on the latent trait scale. */
export interface SimNoise {
  /** Between models within the same groups (model-level random effect). Default 0.5. */
  modelSd: number;
  /** Between respondents (model x prompt x sample) of one model. Default 0.7. */
  respondentSd: number;
  /** Of one rating around its latent value. Default 0.6. */
  ratingSd: number;
  /** Of a projective item's (stem's) effect on each dimension. Default 0.3. */
  itemSd: number;
  /** Of one completion around its respondent's traits (within respondent, across items). Default 0. */
  completionSd: number;
  /** Of a respondent's acquiescence around its model's (rating stage). Default 0. */
  acquiescenceSd: number;
}

export const DEFAULT_NOISE: Readonly<SimNoise> = { modelSd: 0.5, respondentSd: 0.7, ratingSd: 0.6, itemSd: 0.3, completionSd: 0, acquiescenceSd: 0 };

/** An effect to plant: `drawPopulation(seed, { groupEffects: [...] })` plants exactly these, all others 0. */
export interface GroupEffectSpec {
  tag: string;
  level: string;
  /** A planted dimension id (`planted-1`...). */
  dimension: string;
  effect: number;
}

export interface SimPopulationOptions {
  /** Number of models (default: drawn, 6-8). */
  models?: number;
  /** Number of planted dimensions (default: drawn, 2-5). */
  dimensions?: number;
  /** Words per dimension (default: 10, fewer above 3 dimensions so at most 30 words are planted: 7 for 4, 6 for 5). */
  wordsPerDimension?: number;
  /**
   * Group tags and their levels; models are spread over each tag's levels as evenly as the count
   * allows, in a drawn order. `family`, `size` and `training` always exist (drawn when not given;
   * `training` levels must be base, instruct or rlhf); other tags are added as given. The first
   * level of each tag is its reference (effect 0 when effects are drawn).
   */
  groups?: Record<string, readonly string[]>;
  /**
   * `drawn` (default): each non-reference level shifts each dimension by normal(0, groupEffectSd).
   * `none`: every group effect is 0 (a true null for group comparisons).
   * A list: exactly these effects, every other 0 (a planted effect of known size).
   */
  groupEffects?: 'drawn' | 'none' | readonly GroupEffectSpec[];
  /** SD of drawn group effects (default 0.5). */
  groupEffectSd?: number;
  /**
   * Per-model rating style (rating stage). `none` (default): no acquiescence, extremity 1.
   * `drawn`: acquiescence normal(0, 0.25) and log extremity normal(0, 0.15) per model. Or the two
   * SDs. A style shared by all of a model's respondents adds a general factor to the ratings.
   */
  responseStyle?: 'drawn' | 'none' | { acquiescenceSd?: number; extremitySd?: number };
  /** Noise SDs (defaults: DEFAULT_NOISE). */
  noise?: Partial<SimNoise>;
  /** Projective stems whose drawn item effects `truth.items` lists (any stem has one; see itemEffects). */
  items?: readonly string[];
}

/** The planted truth as plain JSON (per-dimension numbers keyed by dimension id). */
export interface SimTruth {
  seed: number;
  simulated: true;
  notice: string;
  dimensions: Array<{ id: string; words: string[]; loadings: Record<string, number> }>;
  /** Words any model names now and then, on no dimension (they should not load on any). */
  background: string[];
  baseline: Record<string, number>;
  models: Array<{
    name: string;
    tags: Record<string, string>;
    traits: Record<string, number>;
    deviation: Record<string, number>;
    /** Dimension ids by decreasing trait: the model's planted value priorities. */
    priority: string[];
    acquiescence: number;
    extremity: number;
    refusal_rate: number;
    verbosity: number;
  }>;
  groups: Record<string, string[]>;
  group_effects: PlantedGroupEffect[];
  noise: SimNoise;
  items: { sd: number; effects: Array<{ stem: string; effects: Record<string, number> }> };
}

export interface SimPopulation {
  seed: number;
  dimensions: PlantedDimension[];
  /** Value words named now and then by any model, on no planted dimension. */
  background: string[];
  /** Population mean of each dimension's trait (reference levels of every tag). */
  baseline: number[];
  models: SimModel[];
  groups: Record<string, string[]>;
  groupEffects: PlantedGroupEffect[];
  noise: SimNoise;
  truth: SimTruth;
}

const FAMILIES = ['atlas', 'boreal', 'cirrus', 'delta', 'ember', 'fjord', 'gale', 'harbor', 'indigo', 'juniper', 'kestrel', 'lumen', 'meridian', 'nimbus', 'orchid', 'pylon'];
const SIZES = ['1B', '2B', '3B', '7B', '8B', '13B', '34B', '70B'];
const VERBS = ['try', 'aim', 'strive', 'seek', 'work', 'endeavor', 'intend', 'want'];
const BACKGROUND_WORDS = 8;

export const SIM_NOTICE = 'Simulated population: synthetic models with a planted structure, for testing the method. Not evidence about any real model.';

function positiveInt(name: string, v: number | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min || v > max) throw new InputError(`simulated population: ${name} must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}

function distinct<T>(rng: Rng, pool: readonly T[], n: number): T[] {
  return shuffleInPlace(rng, [...pool]).slice(0, n);
}

/** Levels spread evenly over n models, in a drawn order. */
function spread(rng: Rng, levels: readonly string[], n: number): string[] {
  return shuffleInPlace(rng, Array.from({ length: n }, (_, i) => levels[i % levels.length]!));
}

/**
 * Draw a population from a seed. The same seed and options always give the same population;
 * parts are drawn from separate streams, so e.g. `groupEffects: 'none'` keeps the same words,
 * models and deviations as the drawn effects (a paired null).
 */
export function drawPopulation(seed: number, options: SimPopulationOptions = {}): SimPopulation {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError(`simulated population: seed must be an integer >= 0, got ${seed}`);
  const stream = (...parts: string[]): Rng => rngFor('valuelex-sim', String(seed), ...parts);
  const structure = stream('structure');
  const k = positiveInt('dimensions', options.dimensions, 1, 8) ?? 2 + structure.int(4);
  const perDim = positiveInt('wordsPerDimension', options.wordsPerDimension, 2, 20) ?? Math.max(6, Math.min(10, Math.floor(30 / k)));
  if (k * perDim + BACKGROUND_WORDS > VALUE_WORD_POOL.length) {
    throw new InputError(`simulated population: ${k} dimensions x ${perDim} words exceed the pool of ${VALUE_WORD_POOL.length} value words`);
  }
  const pool = shuffleInPlace(structure, [...VALUE_WORD_POOL]);
  const dimensions: PlantedDimension[] = Array.from({ length: k }, (_, d) => ({
    id: `planted-${d + 1}`,
    words: pool.slice(d * perDim, (d + 1) * perDim),
    loadings: Array.from({ length: perDim }, () => Math.round((0.55 + 0.4 * structure.next()) * 1000) / 1000).sort((a, b) => b - a),
  }));
  const background = pool.slice(k * perDim, k * perDim + BACKGROUND_WORDS);
  const baseline = dimensions.map(() => round(0.4 + 0.3 * structure.normal()));

  const n = positiveInt('models', options.models, 2, 200) ?? 6 + stream('count').int(3);
  const groupRng = stream('groups');
  const groups: Record<string, string[]> = {
    family: distinct(groupRng, FAMILIES, 2 + groupRng.int(2)),
    size: distinct(groupRng, SIZES, 2 + groupRng.int(2)).sort((a, b) => parseFloat(a) - parseFloat(b)),
    training: [...TRAININGS],
  };
  for (const [tag, levels] of Object.entries(options.groups ?? {})) {
    if (!/^[a-z][a-z0-9_]*$/.test(tag)) throw new InputError(`simulated population: group tag "${tag}" must be lower-case letters, digits and _`);
    if (levels.length === 0 || new Set(levels).size !== levels.length) throw new InputError(`simulated population: group "${tag}" needs distinct levels`);
    if (tag === 'training' && levels.some((l) => !TRAININGS.includes(l as Training))) throw new InputError(`simulated population: training levels must be ${TRAININGS.join(', ')}`);
    groups[tag] = [...levels];
  }
  const levelsOf: Record<string, string[]> = {};
  for (const tag of Object.keys(groups)) levelsOf[tag] = spread(stream('assign', tag), groups[tag]!, n);

  const groupEffects = plantGroupEffects(groups, dimensions, options, stream('effects'));
  const effectOf = new Map(groupEffects.map((e) => [`${e.tag}\u0000${e.level}\u0000${e.dimension}`, e.effect]));
  const noise: SimNoise = { ...DEFAULT_NOISE, ...options.noise };
  for (const [key, v] of Object.entries(noise)) if (!(Number.isFinite(v) && v >= 0)) throw new InputError(`simulated population: noise.${key} must be a number >= 0`);

  const style = options.responseStyle ?? 'none';
  const acqSd = style === 'none' ? 0 : style === 'drawn' ? 0.25 : (style.acquiescenceSd ?? 0.25);
  const extSd = style === 'none' ? 0 : style === 'drawn' ? 0.15 : (style.extremitySd ?? 0.15);
  if (!(Number.isFinite(acqSd) && acqSd >= 0 && Number.isFinite(extSd) && extSd >= 0)) throw new InputError('simulated population: responseStyle SDs must be numbers >= 0');
  const verbs = distinct(stream('verbs'), VERBS, Math.min(VERBS.length, groups.family!.length));
  const names = new Set<string>();
  const models: SimModel[] = Array.from({ length: n }, (_, i) => {
    const rng = stream('model', String(i));
    const tags = Object.fromEntries(Object.keys(groups).map((tag) => [tag, levelsOf[tag]![i]!]));
    const training = tags.training as Training;
    const deviation = dimensions.map(() => round(noise.modelSd * rng.normal()));
    const traits = dimensions.map((dim, d) => {
      let t = baseline[d]! + deviation[d]!;
      for (const [tag, level] of Object.entries(tags)) t += effectOf.get(`${tag}\u0000${level}\u0000${dim.id}`) ?? 0;
      return round(t);
    });
    const family = tags.family!;
    const size = tags.size!;
    let name = `sim-${family}-${size.toLowerCase()}-${training}`;
    for (let j = 2; names.has(name); j++) name = `sim-${family}-${size.toLowerCase()}-${training}-${j}`;
    names.add(name);
    const refusal = { base: [0.01, 0.03], instruct: [0.02, 0.05], rlhf: [0.04, 0.09] }[training];
    const verbosity = { base: [4, 6], instruct: [6, 8], rlhf: [7, 9] }[training];
    return {
      name,
      family,
      size,
      training,
      tags,
      traits,
      deviation,
      acquiescence: round(acqSd * rng.normal()),
      extremity: round(Math.exp(extSd * rng.normal())),
      refusalRate: round(refusal[0]! + (refusal[1]! - refusal[0]!) * rng.next()),
      verbosity: verbosity[0]! + rng.int(verbosity[1]! - verbosity[0]! + 1),
      verb: verbs[groups.family!.indexOf(family) % verbs.length] ?? 'try',
    };
  });
  const population: Omit<SimPopulation, 'truth'> = { seed, dimensions, background, baseline, models, groups, groupEffects, noise };
  return { ...population, truth: buildTruth(population, options.items ?? []) };
}

function round(x: number): number {
  // + 0 turns -0 into 0, so the truth survives a JSON round trip unchanged.
  return Math.round(x * 1e6) / 1e6 + 0;
}

function plantGroupEffects(groups: Record<string, string[]>, dimensions: PlantedDimension[], options: SimPopulationOptions, rng: Rng): PlantedGroupEffect[] {
  const spec = options.groupEffects ?? 'drawn';
  const sd = options.groupEffectSd ?? 0.5;
  if (!(Number.isFinite(sd) && sd >= 0)) throw new InputError('simulated population: groupEffectSd must be a number >= 0');
  const planted = new Map<string, number>();
  if (Array.isArray(spec)) {
    for (const e of spec as readonly GroupEffectSpec[]) {
      if (!groups[e.tag]) throw new InputError(`simulated population: group effect on unknown tag "${e.tag}" (tags: ${Object.keys(groups).join(', ')})`);
      if (!groups[e.tag]!.includes(e.level)) throw new InputError(`simulated population: group effect on unknown level "${e.level}" of "${e.tag}" (levels: ${groups[e.tag]!.join(', ')})`);
      if (!dimensions.some((d) => d.id === e.dimension)) throw new InputError(`simulated population: group effect on unknown dimension "${e.dimension}" (dimensions: ${dimensions.map((d) => d.id).join(', ')})`);
      if (!Number.isFinite(e.effect)) throw new InputError('simulated population: a group effect must be a finite number');
      planted.set(`${e.tag}\u0000${e.level}\u0000${e.dimension}`, e.effect);
    }
  }
  const out: PlantedGroupEffect[] = [];
  for (const [tag, levels] of Object.entries(groups)) {
    levels.forEach((level, li) => {
      for (const dim of dimensions) {
        // Drawn in a fixed order whatever the spec, so the other draws do not depend on it.
        const drawn = sd * rng.normal();
        const effect = spec === 'drawn' ? (li === 0 ? 0 : round(drawn)) : spec === 'none' ? 0 : (planted.get(`${tag}\u0000${level}\u0000${dim.id}`) ?? 0);
        out.push({ tag, level, dimension: dim.id, effect });
      }
    });
  }
  return out;
}

function byDimension(dimensions: readonly PlantedDimension[], values: readonly number[]): Record<string, number> {
  return Object.fromEntries(dimensions.map((d, i) => [d.id, values[i]!]));
}

function buildTruth(p: Omit<SimPopulation, 'truth'>, stems: readonly string[]): SimTruth {
  return {
    seed: p.seed,
    simulated: true,
    notice: SIM_NOTICE,
    dimensions: p.dimensions.map((d) => ({ id: d.id, words: [...d.words], loadings: Object.fromEntries(d.words.map((w, i) => [w, d.loadings[i]!])) })),
    background: [...p.background],
    baseline: byDimension(p.dimensions, p.baseline),
    models: p.models.map((m) => ({
      name: m.name,
      tags: { ...m.tags },
      traits: byDimension(p.dimensions, m.traits),
      deviation: byDimension(p.dimensions, m.deviation),
      priority: p.dimensions.map((d, i) => ({ id: d.id, t: m.traits[i]! })).sort((a, b) => b.t - a.t).map((x) => x.id),
      acquiescence: m.acquiescence,
      extremity: m.extremity,
      refusal_rate: m.refusalRate,
      verbosity: m.verbosity,
    })),
    groups: Object.fromEntries(Object.entries(p.groups).map(([k, v]) => [k, [...v]])),
    group_effects: p.groupEffects.map((e) => ({ ...e })),
    noise: { ...p.noise },
    items: { sd: p.noise.itemSd, effects: stems.map((stem) => ({ stem, effects: byDimension(p.dimensions, itemEffects(p, stem)) })) },
  };
}

const drawn = new Map<number, SimPopulation>();

/** `drawPopulation(seed)` with default options, drawn once per seed and process. */
export function populationForSeed(seed: number): SimPopulation {
  let p = drawn.get(seed);
  if (!p) {
    p = drawPopulation(seed);
    if (drawn.size > 64) drawn.clear();
    drawn.set(seed, p);
  }
  return p;
}

/** The default population: `drawPopulation(DEFAULT_SEED)`. */
export function defaultPopulation(): SimPopulation {
  return populationForSeed(DEFAULT_SEED);
}

/** The fully qualified model id, `sim/<seed>/<name>`, which any simulated provider or server resolves. */
export function simModelId(population: Pick<SimPopulation, 'seed'>, model: Pick<SimModel, 'name'>): string {
  return `sim/${population.seed}/${model.name}`;
}

export interface ResolvedSimModel {
  population: SimPopulation;
  model: SimModel;
  /** A behaviour variant after `+` (e.g. `noisy` in `sim/<name>+noisy`, see responders/projective.ts). */
  variant: string | undefined;
}

/**
 * The model a request names: `sim/<name>` in `population`, or `sim/<seed>/<name>` in the
 * population of that seed (`population` itself when the seeds agree, else the default draw for
 * that seed). `+<variant>` selects a behaviour variant of the same model.
 */
export function resolveSimModel(id: string, population: SimPopulation): ResolvedSimModel | undefined {
  const m = /^(?:sim\/)?(?:(\d+)\/)?([^+/]+)(?:\+(\w+))?$/.exec(id);
  if (!m) return undefined;
  const seed = m[1] === undefined ? population.seed : Number(m[1]);
  const pop = seed === population.seed ? population : Number.isSafeInteger(seed) ? populationForSeed(seed) : undefined;
  const model = pop?.models.find((x) => x.name === m[2]);
  return pop && model ? { population: pop, model, variant: m[3] } : undefined;
}

/** One respondent's latent traits: its model's plus respondent-level noise (`noise.respondentSd`). */
export function respondentTraits(population: Pick<SimPopulation, 'seed' | 'noise'>, model: SimModel, respondentKey: string): number[] {
  const rng = rngFor('valuelex-sim', String(population.seed), model.name, 'respondent', respondentKey);
  return model.traits.map((t) => t + population.noise.respondentSd * rng.normal());
}

/** One respondent's acquiescence (rating stage): its model's plus `noise.acquiescenceSd` x normal. */
export function respondentAcquiescence(population: Pick<SimPopulation, 'seed' | 'noise'>, model: SimModel, respondentKey: string): number {
  if (population.noise.acquiescenceSd === 0) return model.acquiescence;
  const rng = rngFor('valuelex-sim', String(population.seed), model.name, 'acquiescence', respondentKey);
  return model.acquiescence + population.noise.acquiescenceSd * rng.normal();
}

/**
 * A projective item's (stem's) effect on each dimension's latent trait: normal(0, noise.itemSd),
 * drawn from the seed and the stem text, so every stem has one and the same stem always has the same.
 */
export function itemEffects(population: Pick<SimPopulation, 'seed' | 'noise' | 'dimensions'>, stem: string): number[] {
  const rng = rngFor('valuelex-sim', String(population.seed), 'item', stem.trim());
  return population.dimensions.map(() => round(population.noise.itemSd * rng.normal()));
}

/** The dimension (index) and loading of a planted word, or undefined for a word on no dimension. */
export function plantedWord(population: Pick<SimPopulation, 'dimensions'>, word: string): { dimension: number; loading: number } | undefined {
  for (let d = 0; d < population.dimensions.length; d++) {
    const i = population.dimensions[d]!.words.indexOf(word);
    if (i >= 0) return { dimension: d, loading: population.dimensions[d]!.loadings[i]! };
  }
  return undefined;
}

/**
 * How much a respondent with these traits values a word, on the latent scale: loading x trait of
 * the word's dimension, 0 for words on no dimension. What the rating responder rates, and what a
 * forced-choice responder can compare between options.
 */
export function wordUtility(population: Pick<SimPopulation, 'dimensions'>, traits: readonly number[], word: string): number {
  const p = plantedWord(population, word);
  return p ? p.loading * traits[p.dimension]! : 0;
}

/**
 * The planted truth behind a simulated model id (`sim/<seed>/<name>`, or `sim/<name>` in `population`,
 * the default one unless given) and the model's name in it; undefined for an id no population has.
 * What the command line hands the study (`runConfig`'s `plantedTruth`) so a run on simulated models
 * can be scored against what was planted.
 */
export function plantedTruthOf(modelId: string, population: SimPopulation = defaultPopulation()): { truth: SimTruth; name: string } | undefined {
  const r = resolveSimModel(modelId, population);
  return r ? { truth: r.population.truth, name: r.model.name } : undefined;
}
