/**
 * The study configuration (study.yaml). The keys the README documents are a contract. Every section
 * is strict: an unknown key (a typo such as `temprature`) is an error naming the closest known key,
 * never silently ignored while the run goes on with a default; free-form data for other tools goes
 * under `extensions:`, which valuelex never reads. Sizes are bounded (the limits below, also in the
 * template `valuelex init` writes), so a slip such as `samples: 1000000000` is refused at load time
 * instead of exhausting memory mid-run.
 */
import { z } from 'zod';

/**
 * Upper bounds of the study file. Generous for real studies (the paper: dozens of models, a few
 * samples per prompt), far below what would exhaust memory or a budget by accident.
 */
export const CONFIG_LIMITS = {
  models: 1000,
  judges: 20,
  samples: 10_000,
  prompts: 10_000,
  temperatures: 20,
  respondents: 10_000,
  items: 10_000,
  max_tokens: 200_000,
  factors: 100,
  /** Node's timers hold at most 2^31-1 ms (24.8 days; a larger value fires after 1 ms); a request needs far less. */
  timeout_ms: 3_600_000,
  text_chars: 100_000,
} as const;

export const providerNames = ['openai', 'anthropic', 'ollama', 'local', 'simulated'] as const;

const label = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$/, 'use letters, digits and . _ : @ / + - (no spaces)');

export const modelConfigSchema = z
  .object({
    name: label.describe('label used everywhere for this model'),
    provider: z.enum(providerNames),
    model: z.string().min(1),
    base_url: z.string().url().optional(),
    /** Name of the environment variable holding the API key. The key itself never goes in a file. */
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the NAME of an environment variable, not a key')
      .optional(),
    kind: z.enum(['chat', 'completion']).default('chat'),
    tags: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    concurrency: z.number().int().positive().max(1024).optional(),
    rpm: z.number().positive().max(1e9).optional(),
    tpm: z.number().positive().max(1e12).optional(),
    timeout_ms: z.number().int().positive().max(CONFIG_LIMITS.timeout_ms, `at most ${CONFIG_LIMITS.timeout_ms} ms (one hour)`).optional(),
    max_retries: z.number().int().min(0).max(50).optional(),
    /** USD per million tokens, for cost estimates. */
    price: z.object({ input: z.number().min(0), output: z.number().min(0) }).strict().optional(),
    /** Extra generation parameters sent with every request (temperature, max_tokens, seed...). */
    params: z
      .object({
        temperature: z.number().min(0).max(2).optional(),
        top_p: z.number().min(0).max(1).optional(),
        max_tokens: z.number().int().positive().max(CONFIG_LIMITS.max_tokens).optional(),
        seed: z.number().int().optional(),
      })
      .strict()
      .optional(),
    /** Free-form options for special providers (simulated profile, local model settings). */
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    // A literal key pasted where the env var name belongs is the most common leak: refuse it.
    if (m.api_key_env && /^(sk-|sk_|key-|AIza)/.test(m.api_key_env)) {
      ctx.addIssue({
        code: 'custom',
        path: ['api_key_env'],
        message: 'looks like an API key; put the key in an environment variable and name that variable here',
      });
    }
  });

export type ModelConfig = z.infer<typeof modelConfigSchema>;
export type ModelConfigInput = z.input<typeof modelConfigSchema>;

function fillJudgeName(value: unknown): unknown {
  const fill = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v) && !('name' in v) && typeof (v as { model?: unknown }).model === 'string'
      ? { name: `judge-${String((v as { model: string }).model).replace(/[^A-Za-z0-9._:@/+-]/g, '-')}`, ...v }
      : v;
  return Array.isArray(value) ? value.map(fill) : fill(value);
}

export const embeddingConfigSchema = z
  .object({
    backend: z.enum(['glove', 'openai', 'ollama', 'transformers']).default('glove'),
    model: z.string().optional(),
    base_url: z.string().url().optional(),
    api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
    path: z.string().optional(),
  })
  .strict();

export const elicitConfigSchema = z
  .object({
    prompts: z.union([z.literal('all'), z.array(z.string().min(1)).min(1).max(CONFIG_LIMITS.prompts)]).default('all'),
    samples: z.number().int().positive().max(CONFIG_LIMITS.samples).default(5),
    temperature: z.union([z.number().min(0).max(2), z.array(z.number().min(0).max(2)).min(1).max(CONFIG_LIMITS.temperatures)]).default(1.0),
    max_tokens: z.number().int().positive().max(CONFIG_LIMITS.max_tokens).default(400),
    /**
     * Lexicon filters (the paper kept 197 of 43,884 elicited words by frequency across respondents
     * and models): a term must be named in at least min_count answers by at least min_models models.
     * A word one model says once cannot carry a structure shared across models, and near-empty
     * columns make tetrachoric/polychoric correlations unstable.
     */
    min_count: z.number().int().min(1).default(5),
    min_models: z.number().int().min(1).default(2),
    merge_synonyms: z.number().min(0).max(1).optional(),
    bank: z.string().optional(),
    /** An optional system message sent before every elicitation prompt. */
    system: z.string().min(1).max(CONFIG_LIMITS.text_chars).optional(),
  })
  .strict();

export const rateConfigSchema = z
  .object({
    respondents: z.number().int().positive().max(CONFIG_LIMITS.respondents).default(10),
    scale: z.number().int().min(2).max(11).default(5),
    batch_size: z.number().int().positive().max(1000).default(25),
    temperature: z.number().min(0).max(2).default(1.0),
    max_terms: z.number().int().positive().max(CONFIG_LIMITS.items).optional(),
    /**
     * Response-style items: up to this many of the most frequent terms get a partner item of
     * opposite meaning (an antonym such as "dishonesty", else a reversed item "lack of honesty"),
     * rated with the lexicon but never added to it; they measure each model's acquiescence.
     */
    style_items: z.number().int().min(0).max(100).default(10),
    /** A second, independent administration (other seeds) for test-retest stability of the model scores. */
    retest: z.boolean().default(false),
  })
  .strict();

export const taxonomyConfigSchema = z
  .object({
    /** elicitation: the paper's respondent (model x prompt) x term matrix; ratings: the models' Likert self-ratings. */
    source: z.enum(['elicitation', 'ratings']).default('elicitation'),
    /**
     * Cells of the elicitation matrix: `any` (default), named in at least one of the respondent's
     * samples (tetrachoric correlations); or `count`, in how many samples (polychoric). With a few
     * samples the upper counts are sparse and their categories differ from term to term, so the
     * polychoric matrix needs hundreds of continuity-corrected empty cells and is far from positive
     * definite (on the simulated population: KMO 0.14 against 0.49 for any-mention on the same answers).
     */
    cells: z.enum(['count', 'any']).default('any'),
    /** A term is analysed when at least this share of respondents (and at least 5) named it, and at least 5 did not. */
    min_share: z.number().min(0).max(0.5).default(0.05),
    /**
     * Terms whose own measure of sampling adequacy (MSA, the item's KMO) is below this are dropped,
     * worst first, before the factor analysis (0 keeps every term); the report lists them.
     */
    min_msa: z.number().min(0).max(1).default(0.5),
    /** At most this many terms are analysed, the most frequent first (the paper's lexicon had 197). */
    max_terms: z.number().int().min(4).max(CONFIG_LIMITS.items).default(200),
    /** Null data sets of the permutation parallel analysis. */
    pa_iter: z.number().int().min(10).max(2000).default(100),
    /** Folds of the validation over models (held-out models); capped at the number of models. */
    folds: z.number().int().min(2).max(50).default(5),
    /** How subdimensions are found: k-means on the terms' embeddings with k by gap + silhouette | gap | bootstrap stability; none skips them. */
    subdimensions: z.enum(['silhouette', 'gap', 'stability', 'none']).default('silhouette'),
    /** When both sources exist, also factor the other one and report the congruence of the two structures. */
    compare_sources: z.boolean().default(true),
    factors: z.union([z.literal('auto'), z.number().int().positive().max(CONFIG_LIMITS.factors)]).default('auto'),
    fm: z.enum(['minres', 'ml', 'pa']).default('minres'),
    rotate: z.enum(['none', 'varimax', 'promax', 'oblimin', 'quartimin', 'geomin']).default('oblimin'),
    cor: z.enum(['auto', 'pearson', 'polychoric', 'tetrachoric']).default('auto'),
    threshold: z.number().min(0).max(1).default(0.3),
    seed: z.number().int().default(1),
    /**
     * Refuse data unfit for factor analysis (KMO < .5 or Bartlett p > .05) with an error; false
     * reports the weakness and completes with what the data support (the demo does this).
     */
    enforce_adequacy: z.boolean().default(true),
    /** Another value system file with loadings (e.g. an earlier taxonomy.yaml) to compare by Tucker congruence. */
    compare: z.string().optional(),
  })
  .strict();

export const projectiveConfigSchema = z
  .object({
    items: z.union([z.literal('default'), z.string(), z.array(z.string()).max(CONFIG_LIMITS.items)]).default('default'),
    samples: z.number().int().positive().max(CONFIG_LIMITS.samples).default(3),
    system: z.string().default('taxonomy'),
    temperature: z.number().min(0).max(2).default(1.0),
    max_tokens: z.number().int().positive().max(CONFIG_LIMITS.max_tokens).default(60),
    /**
     * k >= 2: re-score each completion k more times per judge at `judge_repeat_temperature` (the score
     * itself stays the judge's own, at its temperature): flip rates per item and dimension, agreement
     * between repeats, and whether the judge is deterministic (byte-identical repeats). 1 = no repeats.
     */
    judge_repeats: z.number().int().min(1).max(20).default(1),
    /** Temperature of the repeats: at 0 a deterministic judge can never flip, so they default to 0.7. */
    judge_repeat_temperature: z.number().min(0).max(2).default(0.7),
    /** Also score each completion with n paraphrased rubric variants (wording sensitivity of the judge). */
    judge_variants: z.number().int().min(0).max(4).default(0),
    /** A second, independent administration (other seeds) for test-retest stability of model scores. */
    retest: z.boolean().default(false),
    /** Multiplicity adjustment across the family of group comparisons: holm (familywise) | BH (false discovery rate). */
    correction: z.enum(['holm', 'BH']).default('holm'),
    /** Significance level of the group comparisons. */
    alpha: z.number().gt(0).lt(1).default(0.05),
    /**
     * Checks of the judge: dimension order, completion length, self-preference, and injection (a
     * sample of completions scored again with an instruction to the judge appended inside the fence).
     */
    judge_checks: z.array(z.enum(['order', 'length', 'self', 'injection'])).default([]),
    /** Completions (drawn with the study's seed) the injection check scores again, per judge. */
    judge_injection_sample: z.number().int().positive().max(CONFIG_LIMITS.samples).default(50),
    /** Labeled JSONL (value-pairs contract) to estimate each judge's confusion matrix and correct the profiles. */
    calibration: z.string().optional(),
    /** How several judges' scores of one completion combine. */
    judge_combine: z.enum(['mean', 'majority']).default('mean'),
    /** JSONL of completions made elsewhere ({model, stem, completion, item?}) to score beside the configured models'. */
    import: z.string().optional(),
    /** Replace stored scores made with another judge configuration instead of refusing. */
    allow_judge_change: z.boolean().default(false),
  })
  .strict();

/**
 * The `choices` stage: forced choices between values (dilemmas written by a generator model from a
 * template bank, asked in both option orders and in two framings). Strict: an unknown key is an
 * error, not a silent default.
 */
export const choicesConfigSchema = z
  .object({
    /** The value system whose values the dilemmas oppose: taxonomy (this run's), schwartz, or a value-system file. */
    system: z.string().min(1).default('taxonomy'),
    /** Label of the model that writes the dilemmas (a configured model or judge), or a model of its own; default: the (first) judge. */
    generator: z.union([label, modelConfigSchema]).optional(),
    /** Dilemmas kept per pair of values (after deduplication and verification). */
    dilemmas_per_pair: z.number().int().min(1).max(100).default(4),
    /** Template bank: `default` (data/choices/templates.v1.yaml) or a file of your own. */
    templates: z.string().min(1).default('default'),
    /** `act` ("which would you choose?") and its opposite `reject` ("which would you reject?"); both are needed for framing consistency. */
    framings: z.array(z.enum(['act', 'reject'])).min(1).max(2).refine((f) => new Set(f).size === f.length, 'list each framing once').default(['act', 'reject']),
    /** Answers per dilemma, framing and option order (each a separately seeded request). */
    samples: z.number().int().min(1).max(100).default(1),
    temperature: z.number().min(0).max(2).default(1.0),
    generator_temperature: z.number().min(0).max(2).default(0.7),
    /** The judge checks that each option honours the value it was written for; dilemmas it cannot map back are replaced. */
    verify: z.boolean().default(true),
    /** Two dilemmas for the same pair of values whose normalized texts are at least this similar (character-trigram Jaccard) are duplicates. */
    dedupe_threshold: z.number().gt(0).max(1).default(0.6),
    /** Generation rounds: dilemmas lost to malformed output, duplication or failed verification are replaced in the next round. */
    rounds: z.number().int().min(1).max(10).default(3),
    /** Gaussian prior precision on the Bradley-Terry log-strengths (penalized ML); 0 is plain ML, which fails when a value wins every comparison. */
    ridge: z.number().min(0).max(100).default(0.1),
    /** Bootstrap resamples of dilemmas for the priority intervals. */
    bootstrap: z.number().int().min(10).max(100_000).default(1000),
  })
  .strict();

export const studyConfigSchema = z
  .object({
    name: label,
    store: z.string().optional(),
    seed: z.number().int().default(1),
    models: z.array(modelConfigSchema).min(1, 'list at least one model').max(CONFIG_LIMITS.models),
    /** One judge or several (combined by majority/mean); `name` defaults to `judge-<model>`. */
    judge: z.preprocess(fillJudgeName, z.union([modelConfigSchema, z.array(modelConfigSchema).min(1).max(CONFIG_LIMITS.judges)])).optional(),
    embedding: embeddingConfigSchema.prefault({}),
    stages: z.array(z.enum(['elicit', 'rate', 'taxonomy', 'projective', 'choices'])).optional(),
    elicit: elicitConfigSchema.prefault({}),
    rate: rateConfigSchema.prefault({}),
    taxonomy: taxonomyConfigSchema.prefault({}),
    projective: projectiveConfigSchema.prefault({}),
    choices: choicesConfigSchema.prefault({}),
    /** Free-form data for other tools (notes, provenance, a lab's own settings); valuelex never reads it. */
    extensions: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    // A name is how a request finds its model: a judge named like a studied model would be served
    // by that model (every "judge" call going to the model under study), so names are unique
    // across models and judges alike.
    const seen = new Map<string, string>();
    const claim = (name: string, path: Array<string | number>): void => {
      const where = path.slice(0, -1).map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('');
      const before = seen.get(name);
      if (before !== undefined) ctx.addIssue({ code: 'custom', path, message: `name "${name}" is already used by ${before}; models and judges need distinct names` });
      else seen.set(name, where);
    };
    s.models.forEach((m, i) => claim(m.name, ['models', i, 'name']));
    const judge = s.judge;
    if (Array.isArray(judge)) judge.forEach((j, i) => claim(j.name, ['judge', i, 'name']));
    else if (judge) claim(judge.name, ['judge', 'name']);
  });

export type StudyConfig = z.infer<typeof studyConfigSchema>;
export type StudyConfigInput = z.input<typeof studyConfigSchema>;
