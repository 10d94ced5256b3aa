/**
 * The study configuration (study.yaml). The keys the README documents are a contract; stages may add
 * their own sections (each stage owns its section's schema and defaults).
 */
import { z } from 'zod';

export const providerNames = ['openai', 'anthropic', 'ollama', 'local', 'simulated'] as const;

const label = z
  .string()
  .min(1)
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
    rpm: z.number().positive().optional(),
    tpm: z.number().positive().optional(),
    timeout_ms: z.number().int().positive().optional(),
    max_retries: z.number().int().min(0).max(50).optional(),
    /** USD per million tokens, for cost estimates. */
    price: z.object({ input: z.number().min(0), output: z.number().min(0) }).optional(),
    /** Extra generation parameters sent with every request (temperature, max_tokens, seed...). */
    params: z
      .object({
        temperature: z.number().min(0).max(2).optional(),
        top_p: z.number().min(0).max(1).optional(),
        max_tokens: z.number().int().positive().optional(),
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
    prompts: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
    samples: z.number().int().positive().default(5),
    temperature: z.union([z.number().min(0).max(2), z.array(z.number().min(0).max(2)).min(1)]).default(1.0),
    max_tokens: z.number().int().positive().default(400),
    min_count: z.number().int().min(1).default(1),
    min_models: z.number().int().min(1).default(1),
    merge_synonyms: z.number().min(0).max(1).optional(),
    bank: z.string().optional(),
    /** An optional system message sent before every elicitation prompt. */
    system: z.string().min(1).optional(),
  })
  .passthrough();

export const rateConfigSchema = z
  .object({
    respondents: z.number().int().positive().default(10),
    scale: z.number().int().min(2).max(11).default(5),
    batch_size: z.number().int().positive().default(25),
    temperature: z.number().min(0).max(2).default(1.0),
    max_terms: z.number().int().positive().optional(),
  })
  .passthrough();

export const taxonomyConfigSchema = z
  .object({
    source: z.enum(['elicitation', 'ratings']).default('ratings'),
    factors: z.union([z.literal('auto'), z.number().int().positive()]).default('auto'),
    fm: z.enum(['minres', 'ml', 'pa']).default('minres'),
    rotate: z.enum(['none', 'varimax', 'promax', 'oblimin', 'quartimin', 'geomin']).default('oblimin'),
    cor: z.enum(['auto', 'pearson', 'polychoric', 'tetrachoric']).default('auto'),
    threshold: z.number().min(0).max(1).default(0.3),
    seed: z.number().int().default(1),
    /** Refuse data unfit for factor analysis (KMO < .5 or Bartlett p > .05); false only warns. */
    enforce_adequacy: z.boolean().default(true),
    /** Another value system file with loadings (e.g. an earlier taxonomy.yaml) to compare by Tucker congruence. */
    compare: z.string().optional(),
  })
  .passthrough();

export const projectiveConfigSchema = z
  .object({
    items: z.union([z.literal('default'), z.string(), z.array(z.string())]).default('default'),
    samples: z.number().int().positive().default(3),
    system: z.string().default('taxonomy'),
    temperature: z.number().min(0).max(2).default(1.0),
    max_tokens: z.number().int().positive().default(60),
    /** Score each completion k times per judge; flip rates per item and dimension are reported. */
    judge_repeats: z.number().int().min(1).max(20).default(1),
    /** Bias checks of the judge: dimension order, completion length, self-preference. */
    judge_checks: z.array(z.enum(['order', 'length', 'self'])).default([]),
    /** Labeled JSONL (value-pairs contract) to estimate each judge's confusion matrix and correct the profiles. */
    calibration: z.string().optional(),
    /** How several judges' scores of one completion combine. */
    judge_combine: z.enum(['mean', 'majority']).default('mean'),
    /** JSONL of completions made elsewhere ({model, stem, completion, item?}) to score beside the configured models'. */
    import: z.string().optional(),
    /** Replace stored scores made with another judge configuration instead of refusing. */
    allow_judge_change: z.boolean().default(false),
  })
  .passthrough();

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
    models: z.array(modelConfigSchema).min(1, 'list at least one model'),
    /** One judge or several (combined by majority/mean); `name` defaults to `judge-<model>`. */
    judge: z.preprocess(fillJudgeName, z.union([modelConfigSchema, z.array(modelConfigSchema).min(1)])).optional(),
    embedding: embeddingConfigSchema.prefault({}),
    stages: z.array(z.enum(['elicit', 'rate', 'taxonomy', 'projective', 'choices'])).optional(),
    elicit: elicitConfigSchema.prefault({}),
    rate: rateConfigSchema.prefault({}),
    taxonomy: taxonomyConfigSchema.prefault({}),
    projective: projectiveConfigSchema.prefault({}),
    choices: choicesConfigSchema.prefault({}),
  })
  .passthrough()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.models.forEach((m, i) => {
      if (seen.has(m.name)) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'name'], message: `duplicate model name "${m.name}"` });
      }
      seen.add(m.name);
    });
  });

export type StudyConfig = z.infer<typeof studyConfigSchema>;
export type StudyConfigInput = z.input<typeof studyConfigSchema>;
