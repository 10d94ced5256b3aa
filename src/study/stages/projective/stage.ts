/**
 * Stage `projective`: sentence-completion stems (data/projective/items.v1.yaml, or a user's bank)
 * completed by every model (chat models are asked to complete the sentence; base models simply
 * continue it), then scored by the judge model(s) on every dimension of a value system (-1 opposes,
 * 0 unrelated, +1 supports) with a rubric built from the dimensions' definitions. The completion
 * is fenced by a nonce and declared data; whether instructions inside it steer a given judge is
 * measured, not assumed (`judge_checks: [injection]`).
 *
 * What is stored are the completions and scores (and, on request, a second independent
 * administration for test-retest, and the judge's re-scorings); every number drawn from them
 * (profiles, group comparisons with the model as the unit, variance components, retest stability,
 * judge quality) is computed by ./analysis.ts and ./judge-quality.ts from the stored scores each time
 * it is asked for, so a report of an older run shows the current rules' numbers.
 */
import { z } from 'zod';
import { loadConfigFile } from '../../../config/load.js';
import { projectiveConfigSchema, type ModelConfig, type StudyConfig } from '../../../config/schema.js';
import { dataFile } from '../../../core/data.js';
import { InputError } from '../../../core/errors.js';
import { readTextFile } from '../../../core/text-file.js';
import { groupBy } from '../../../core/group-by.js';
import type { Engine } from '../../../engine/engine.js';
import { calibratedMean } from '../../../judge/calibrate-judge.js';
import { JUDGE_TEMPLATE_VERSIONS, judgeConfigChange, judgeFingerprint, judgePrompt, judgeStability, judgeText, parseJudgeScores, rubricText, sameJudgeConfig, type JudgeFingerprint, type JudgeScores, type JudgeSettings } from '../../../judge/judge.js';
import { krippendorffAlpha } from '../../../stats/agreement.js';
import type { RunStore } from '../../../store/store.js';
import { readPairs } from '../../../values/pairs.js';
import type { ValueSystem } from '../../../values/value-system.js';
import { judgesOf, requirePlanSize, type StageDefinition, type StageSummary } from '../../stage.js';
import { resolveValueSystem } from '../../value-systems.js';
import {
  combineCompletionScores,
  compareTagGroups,
  dimensionVariances,
  profileRows,
  retestStability,
  type CompletionScore,
  type ComparisonFamilySummary,
  type DimensionVariance,
  type ProfileRow,
  type RetestResult,
  type TagComparison,
  type TaggedModel,
} from './analysis.js';
import { INJECTED_INSTRUCTION, withInjection } from '../../../judge/checks.js';
import { rngFor, shuffleInPlace } from '../../../stats/rng.js';
import { judgeQualityOf, type JudgeCalibration, type JudgeQuality } from './judge-quality.js';
import {
  clearProjective,
  completionModels,
  dimensionScores,
  ensureProjectiveSchema,
  projectiveWriter,
  retestScoredRows,
  scoredRows,
  storedJudgeConfigs,
  type RescoreRecord,
} from './tables.js';

export type { JudgeQuality, ProfileRow, TagComparison };

export const JUDGE_TEMPLATE_VERSION = JUDGE_TEMPLATE_VERSIONS.completion;

const itemBankSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  description: z.string().optional(),
  items: z.array(z.object({ id: z.string().min(1), theme: z.string().optional(), stem: z.string().min(3), dimensions: z.array(z.string()).optional() })).min(1),
});
export type ItemBank = z.infer<typeof itemBankSchema>;

export function loadItemBank(spec: 'default' | string | string[]): ItemBank {
  if (Array.isArray(spec)) {
    const bank = loadConfigFile(dataFile('projective/items.v1.yaml'), itemBankSchema);
    const wanted = new Set(spec);
    const items = bank.items.filter((i) => wanted.has(i.id));
    const unknown = spec.filter((id) => !bank.items.some((i) => i.id === id));
    if (unknown.length > 0) throw new InputError(`projective.items: unknown item ids ${unknown.join(', ')}`);
    return { ...bank, items };
  }
  return loadConfigFile(spec === 'default' ? dataFile('projective/items.v1.yaml') : spec, itemBankSchema);
}

export { judgePrompt, parseJudgeScores, rubricText };

/** Agreement between several judges on one dimension: Krippendorff's ordinal alpha over completions. */
export interface JudgeAgreement {
  alpha: number | null;
  n: number;
  unit: 'completions';
}

/** What the projective stage found: the facts of the run and the numbers the current rules draw from its scores. */
export interface ProjectiveResult {
  system: string;
  dimensions: Array<{ id: string; label: string }>;
  /** Per model and dimension, with intervals over items (then samples). */
  profiles: ProfileRow[];
  /** Group comparisons by model tags, the model as the unit. */
  comparisons: TagComparison[];
  comparison_family: ComparisonFamilySummary;
  /** Per dimension: variance of single scores between models, items, model x item and samples. */
  variance_components: DimensionVariance[];
  /** Stability across two independent administrations (projective.retest: true). */
  retest?: RetestResult;
  agreement: Record<string, JudgeAgreement> | null;
  judges: Array<Record<string, unknown>>;
  judge_quality?: JudgeQuality;
}

/** The facts of a projective run that its scores alone do not hold (kept in the run database's meta). */
interface ProjectiveRecord {
  system: string;
  dimensions: Array<{ id: string; label: string }>;
  judges: Array<Record<string, unknown>>;
  judge_quality?: { calibration?: JudgeCalibration };
}

/** Sample indices of the retest administration start here, so its requests (and seeds) never meet the main one's. */
export const RETEST_SAMPLE_OFFSET = 1_000_000;

interface ProjectiveJob {
  model: string;
  item: { id: string; stem: string };
  sample: number;
  /** 0: the main administration; 1: the retest. */
  administration?: number;
  /** An imported completion (made elsewhere), scored as it is. */
  text?: string;
}

/**
 * Completions made elsewhere, JSONL `{"model", "stem", "completion", "item"?}` a line: the item is
 * the bank item with that id or that stem, else an item of its own (`imported-<n>`, one per distinct
 * stem); repeated (model, item) lines are samples 0, 1, ... in file order.
 */
export function readImportedCompletions(file: string, bank: ItemBank, configured: ReadonlySet<string>): ProjectiveJob[] {
  const text = readTextFile(file);
  const byStem = new Map(bank.items.map((i) => [i.stem.trim(), i]));
  const own = new Map<string, { id: string; stem: string }>();
  const samples = new Map<string, number>();
  const jobs: ProjectiveJob[] = [];
  text.split('\n').forEach((line, n) => {
    if (!line.trim()) return;
    let o: { model?: unknown; stem?: unknown; completion?: unknown; item?: unknown };
    try {
      o = JSON.parse(line) as typeof o;
    } catch (e) {
      throw new InputError(`${file}:${n + 1}: not valid JSON (${(e as Error).message})`);
    }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new InputError(`${file}:${n + 1}: expected a JSON object`);
    for (const k of ['model', 'stem', 'completion'] as const) if (typeof o[k] !== 'string' || !(o[k] as string).trim()) throw new InputError(`${file}:${n + 1}: needs a non-empty "${k}" string`);
    const model = o.model as string;
    if (configured.has(model)) throw new InputError(`${file}:${n + 1}: model "${model}" is also a configured model; give imported completions their own model name`);
    const stem = (o.stem as string).trim();
    let item: { id: string; stem: string } | undefined = typeof o.item === 'string' ? bank.items.find((i) => i.id === o.item) : byStem.get(stem);
    if (!item) {
      if (!own.has(stem)) own.set(stem, { id: typeof o.item === 'string' ? o.item : `imported-${own.size + 1}`, stem });
      item = own.get(stem)!;
    }
    const key = `${model}\u0000${item.id}`;
    const sample = samples.get(key) ?? 0;
    samples.set(key, sample + 1);
    jobs.push({ model, item, sample, text: o.completion as string });
  });
  if (jobs.length === 0) throw new InputError(`projective.import: ${file} has no completions`);
  return jobs;
}

export async function runProjective(engine: Engine, config: StudyConfig, log: (m: string) => void = () => {}): Promise<ProjectiveResult> {
  const store = engine.store;
  ensureProjectiveSchema(store);
  const judges = judgesOf(config);
  if (judges.length === 0) throw new InputError('projective: scoring needs a judge model; add `judge:` to the study');
  const pc = config.projective;
  const bank = loadItemBank(pc.items as 'default' | string | string[]);
  const system = resolveValueSystem(store, pc.system, (reason) => log(`projective: ${reason}`));
  const samples = pc.samples;
  requirePlanSize('projective', [['models', config.models.length], ['items', bank.items.length], ['samples (both administrations)', samples * (pc.retest ? 2 : 1)], ['judges x (1 + repeats + variants)', judges.length * (pc.judge_repeats + 1 + pc.judge_variants)]]);
  const generated: ProjectiveJob[] = config.models.flatMap((m) => bank.items.flatMap((item) => Array.from({ length: samples }, (_, s) => ({ model: m.name, item, sample: s }))));
  const imported = pc.import ? readImportedCompletions(pc.import, bank, new Set(config.models.map((m) => m.name))) : [];
  // The retest: the same models and stems again with other seeds (imported completions cannot be re-made).
  const retest: ProjectiveJob[] = pc.retest ? generated.map((j) => ({ ...j, sample: RETEST_SAMPLE_OFFSET + j.sample, administration: 1 })) : [];
  const jobs = [...generated, ...imported, ...retest];
  const write = projectiveWriter(store);
  // The score is the judge's own (its temperature and seed); repeats and variants only measure it.
  const settings: JudgeSettings = {};
  const repeats = pc.judge_repeats > 1 ? pc.judge_repeats : 0;
  refuseJudgeChange(store, judges, system, settings, pc.allow_judge_change);
  clearProjective(store);
  const reversed = [...system.dimensions].reverse().map((d) => d.id);
  const fingerprints = new Map<string, Record<string, unknown>>();
  const mainTexts = new Map<string, string>();
  await engine.map(
    jobs,
    async ({ model: modelName, item, sample, text, administration = 0 }) => {
      const id = administration === 0 ? `${modelName}/${item.id}/s${sample}` : `${modelName}/${item.id}/a${administration}/s${sample - RETEST_SAMPLE_OFFSET}`;
      let completion: string;
      let requestKey: string | null = null;
      if (text !== undefined) completion = text;
      else {
        const model = engine.modelConfig(modelName);
        const res =
          model.kind === 'completion'
            ? await engine.generate({ model: model.name, stage: 'projective', prompt: item.stem, params: { temperature: pc.temperature, max_tokens: pc.max_tokens, stop: ['\n'] }, sample })
            : await engine.generate({
                model: model.name,
                stage: 'projective',
                messages: [
                  { role: 'system', content: 'Complete the sentence you are given with your first, honest thought, in one sentence of at most 25 words. Write only the completion.' },
                  { role: 'user', content: `Complete this sentence: "${item.stem} ..."` },
                ],
                params: { temperature: pc.temperature, max_tokens: pc.max_tokens },
                sample,
              });
        completion = model.kind === 'completion' ? `${item.stem} ${res.text.trim()}` : res.text.trim();
        requestKey = res.key;
      }
      if (administration === 0) mainTexts.set(id, completion);
      if (administration === 0) write.completion({ id, model: modelName, item: item.id, sample, stem: item.stem, completion, request_key: requestKey });
      else write.retestCompletion({ id, model: modelName, item: item.id, sample: sample - RETEST_SAMPLE_OFFSET, administration, stem: item.stem, completion, request_key: requestKey });
      await scoreCompletion(id, completion, administration);
    },
    { label: 'projective' },
  );
  async function scoreCompletion(id: string, completion: string, administration: number): Promise<void> {
    for (const judge of judges) {
      const judged = await judgeText(engine, judge, system, completion, id, { subject: 'completion', stage: 'projective-judge', settings });
      fingerprints.set(judge.name, { ...judged.fingerprint });
      const judgeConfig = JSON.stringify(judged.fingerprint);
      const scores = system.dimensions.map((d) => ({ completion_id: id, judge: judge.name, dimension: d.id, score: judged.scores ? judged.scores[d.id]! : null, judge_config: judgeConfig }));
      if (administration > 0) {
        write.retestScores(scores);
        continue;
      }
      const reorder = pc.judge_checks.includes('order') ? await judgeText(engine, judge, system, completion, id, { subject: 'completion', stage: 'projective-judge-order', order: reversed }) : undefined;
      const again = repeats > 0 || pc.judge_variants > 0
        ? await judgeStability(engine, judge, system, completion, id, { subject: 'completion', stage: 'projective-judge-stability', repeats, temperature: pc.judge_repeat_temperature, variants: pc.judge_variants, settings })
        : { repeats: [], variants: [] };
      const rescores: RescoreRecord[] = [];
      for (const [kind, list, temperature] of [['repeat', again.repeats, pc.judge_repeat_temperature], ['variant', again.variants, judged.fingerprint.temperature]] as const) {
        list.forEach((r, i) => {
          for (const d of system.dimensions) rescores.push({ completion_id: id, judge: judge.name, kind, k: i + 1, dimension: d.id, score: r.scores ? r.scores[d.id]! : null, answer_hash: r.answer_hash, temperature });
        });
      }
      write.scores(scores, reorder ? system.dimensions.map((d) => ({ completion_id: id, judge: judge.name, dimension: d.id, score: reorder.scores ? reorder.scores[d.id]! : null })) : [], rescores);
    }
  }
  if (pc.judge_checks.includes('injection')) {
    // A seeded sample of the main administration's completions, each scored again by every judge
    // with an instruction appended inside the fence (the unit and the nonce differ from the score's).
    const ids = shuffleInPlace(rngFor('valuelex-injection', String(config.seed)), [...mainTexts.keys()].sort()).slice(0, pc.judge_injection_sample);
    await engine.map(
      judges.flatMap((judge) => ids.map((id) => ({ judge, id }))),
      async ({ judge, id }) => {
        const judged = await judgeText(engine, judge, system, withInjection(mainTexts.get(id)!, INJECTED_INSTRUCTION), `${id}/injection`, { subject: 'completion', stage: 'projective-judge-injection', settings });
        write.injectionScores(system.dimensions.map((d) => ({ completion_id: id, judge: judge.name, dimension: d.id, score: judged.scores ? judged.scores[d.id]! : null })));
      },
      { label: 'injection check' },
    );
  }
  const calibration = pc.calibration ? await scoreCalibrationSet(engine, judges, system, pc.calibration, settings) : undefined;
  const record: ProjectiveRecord = {
    system: system.name,
    dimensions: system.dimensions.map((d) => ({ id: d.id, label: d.label })),
    judges: [...fingerprints.entries()].map(([name, fp]) => ({ name, ...fp })),
    ...(calibration ? { judge_quality: { calibration: calibrationSummary(store, config, judges, calibration) } } : {}),
  };
  const result = analyseProjectiveRun(store, config, record);
  // The record keeps the facts; the numbers beside them are a snapshot (reports recompute them).
  store.setMetaJson('projective', result);
  log(`projective: ${jobs.length} completions scored on ${system.dimensions.length} dimensions of ${system.name}${retest.length ? ` (${retest.length} of them a second, independent administration for test-retest)` : ''}`);
  return result;
}

/**
 * Every number of a projective run, computed now from its stored scores with the current rules.
 * `config` gives the models (and their tags), the seed and the analysis settings; `record` the facts
 * of the run (value system, judges, calibration).
 */
export function analyseProjectiveRun(store: RunStore, config: StudyConfig, record: ProjectiveRecord): ProjectiveResult {
  const pc = config.projective;
  const dimensions = record.dimensions.map((d) => d.id);
  const scores = combineCompletionScores(scoredRows(store), pc.judge_combine);
  const models = profileModels(store, config);
  const tagged: TaggedModel[] = config.models.map((m) => ({ name: m.name, tags: m.tags }));
  const { family, comparisons } = compareTagGroups(scores, tagged, dimensions, { correction: pc.correction, alpha: pc.alpha, seed: config.seed });
  const result: ProjectiveResult = {
    system: record.system,
    dimensions: record.dimensions,
    profiles: profileRows(scores, models, dimensions, { seed: config.seed }),
    comparisons,
    comparison_family: family,
    variance_components: dimensionVariances(scores, dimensions),
    agreement: judgeAgreement(store, dimensions),
    judges: record.judges,
  };
  const second = store.hasTable('projective_retest_scores') ? retestScoredRows(store).filter((r) => r.administration === 1) : [];
  if (second.length > 0) {
    const retest = combineCompletionScores(second, pc.judge_combine);
    result.retest = retestStability(scores, retest, models, dimensions, { seed: config.seed });
  }
  result.judge_quality = judgeQualityOf(store, {
    combine: pc.judge_combine,
    judges: judgesOf(config),
    models: config.models,
    dimensions,
    checks: pc.judge_checks,
    calibration: record.judge_quality?.calibration,
  });
  return result;
}

/** Agreement between judges per dimension (null with one judge). */
function judgeAgreement(store: RunStore, dimensions: readonly string[]): Record<string, JudgeAgreement> | null {
  const judgeNames = storedJudgeConfigs(store).map((r) => r.judge).filter((j, i, all) => all.indexOf(j) === i).sort();
  if (judgeNames.length < 2) return null;
  const agreement: Record<string, JudgeAgreement> = {};
  for (const d of dimensions) {
    const byUnit = new Map<string, (number | null)[]>();
    for (const u of dimensionScores(store, d)) {
      if (!byUnit.has(u.completion_id)) byUnit.set(u.completion_id, judgeNames.map(() => null));
      byUnit.get(u.completion_id)![judgeNames.indexOf(u.judge)] = u.score;
    }
    const matrix = [...byUnit.values()]; // completions x judges
    let alpha: number | null = null;
    try {
      alpha = krippendorffAlpha(matrix, 'ordinal').alpha;
    } catch {
      alpha = null;
    }
    agreement[d] = { alpha, n: matrix.filter((r) => r.filter((x) => x !== null).length >= 2).length, unit: 'completions' };
  }
  return agreement;
}

/** Configured models, then models whose completions were imported. */
function profileModels(store: RunStore, config: StudyConfig): string[] {
  const names = config.models.map((m) => m.name);
  for (const model of completionModels(store)) if (!names.includes(model)) names.push(model);
  return names;
}

/** Refuse to replace stored scores made under another judge configuration, unless allowed. */
function refuseJudgeChange(store: RunStore, judges: ModelConfig[], system: ValueSystem, settings: JudgeSettings, allow: boolean): void {
  const stored = storedJudgeConfigs(store);
  for (const row of stored) {
    const judge = judges.find((j) => j.name === row.judge);
    const old = JSON.parse(row.judge_config) as JudgeFingerprint;
    const now = judge ? judgeFingerprint(judge, system, undefined, 'completion', settings) : undefined;
    if (now && sameJudgeConfig(old, now)) continue;
    if (allow) return;
    const what = now ? judgeConfigChange(old, now) : 'that judge is no longer configured';
    throw new InputError(`projective: the judge configuration of "${row.judge}" changed since its scores were stored (${what}); old and new scores are not mixed. Set projective.allow_judge_change: true to replace them, or use a new store`);
  }
}

interface CalibrationScores {
  file: string;
  truth: Map<string, number[]>; // dimension -> labels, in pair order
  judged: Map<string, Map<string, number[]>>; // judge -> dimension -> judge scores, in pair order
  pairs: number;
}

/** Every judge scores the labeled pairs as it scores completions (same rubric, template and repeats). */
async function scoreCalibrationSet(engine: Engine, judges: ModelConfig[], system: ValueSystem, file: string, settings: JudgeSettings): Promise<CalibrationScores> {
  const { pairs } = await readPairs(file);
  const labeled = pairs.filter((p) => p.values && system.dimensions.some((d) => p.values![d.id] !== undefined));
  if (labeled.length < 5) throw new InputError(`projective.calibration: ${file} has ${labeled.length} pairs labeled on ${system.name}'s dimensions; at least 5 are needed`);
  const truth = new Map(system.dimensions.map((d) => [d.id, [] as number[]]));
  const judged = new Map(judges.map((j) => [j.name, new Map(system.dimensions.map((d) => [d.id, [] as number[]]))]));
  const results = new Map<string, Array<JudgeScores | undefined>>(judges.map((j) => [j.name, new Array(labeled.length)]));
  await engine.map(
    judges.flatMap((j) => labeled.map((p, i) => ({ j, p, i }))),
    async ({ j, p, i }) => {
      results.get(j.name)![i] = (await judgeText(engine, j, system, p.response, `calibration/${p.id}`, { subject: 'completion', stage: 'projective-calibration', settings })).scores;
    },
    { label: 'calibration' },
  );
  labeled.forEach((p, i) => {
    if (judges.some((j) => !results.get(j.name)![i])) return; // unscored by some judge: left out for all
    for (const d of system.dimensions) {
      truth.get(d.id)!.push(p.values![d.id] ?? 0);
      for (const j of judges) judged.get(j.name)!.get(d.id)!.push(results.get(j.name)![i]![d.id]!);
    }
  });
  return { file, truth, judged, pairs: truth.get(system.dimensions[0]!.id)!.length };
}

/**
 * Each judge's accuracy on the labeled pairs and the calibration-corrected means. Computed when the
 * calibration set is scored (its scores are not stored) and kept in the run's record.
 */
function calibrationSummary(store: RunStore, config: StudyConfig, judges: ModelConfig[], calibration: CalibrationScores): JudgeCalibration | undefined {
  if (calibration.pairs === 0) return undefined;
  const rows = scoredRows(store);
  const accuracy: JudgeCalibration['accuracy'] = {};
  const corrected: JudgeCalibration['corrected'] = [];
  const dims = [...calibration.truth.keys()];
  const byKey = groupBy(rows, (r) => `${r.judge}\u0000${r.dimension}\u0000${r.model}`);
  for (const j of judges) {
    const per_dimension: Record<string, number> = {};
    let hits = 0, total = 0;
    for (const d of dims) {
      const t = calibration.truth.get(d)!, s = calibration.judged.get(j.name)!.get(d)!;
      const ok = t.filter((x, i) => Math.round(x) === s[i]).length;
      per_dimension[d] = ok / t.length;
      hits += ok;
      total += t.length;
      for (const name of profileModels(store, config)) {
        const scores = (byKey.get(`${j.name}\u0000${d}\u0000${name}`) ?? []).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((r) => r.score);
        if (scores.length === 0) continue;
        const c = calibratedMean(scores, { truth: t, judged: s }, { iterations: 500, seed: config.seed });
        corrected.push({ judge: j.name, model: name, dimension: d, raw: c.raw, corrected: c.corrected, ci_low: c.ci_low, ci_high: c.ci_high, n: scores.length });
      }
    }
    accuracy[j.name] = { overall: hits / total, per_dimension };
  }
  return { file: calibration.file, pairs: calibration.pairs, accuracy, corrected };
}

/**
 * The projective result of a run, if the stage ran: the run's facts from its record and every number
 * recomputed from the stored scores with the current rules (never the numbers an older version stored).
 * The models, their tags, the seed and the analysis settings come from the study configuration the run
 * recorded; settings it does not name take today's defaults.
 */
export function loadProjective(store: RunStore): ProjectiveResult | undefined {
  const record = store.getMetaJson<ProjectiveRecord>('projective');
  if (!record || !store.hasTable('projective_scores')) return undefined;
  return analyseProjectiveRun(store, recordedConfig(store), record);
}

/**
 * The combined per-completion scores of a run's main administration with what analysing them needs
 * (the studied models with their tags, the dimensions, the comparison settings and the seed), if
 * the stage ran. For analyses beside the stage's own (e.g. the planted-vs-recovered self-test).
 */
export function loadProjectiveScores(store: RunStore): { scores: CompletionScore[]; models: TaggedModel[]; dimensions: string[]; alpha: number; correction: 'holm' | 'BH'; seed: number } | undefined {
  const record = store.getMetaJson<ProjectiveRecord>('projective');
  if (!record || !store.hasTable('projective_scores')) return undefined;
  const config = recordedConfig(store);
  const pc = config.projective;
  return {
    scores: combineCompletionScores(scoredRows(store), pc.judge_combine),
    models: config.models.map((m) => ({ name: m.name, tags: m.tags })),
    dimensions: record.dimensions.map((d) => d.id),
    alpha: pc.alpha,
    correction: pc.correction,
    seed: config.seed,
  };
}

/** The study configuration a run recorded, with the projective settings completed by today's defaults. */
function recordedConfig(store: RunStore): StudyConfig {
  const stored = store.getMetaJson<Partial<StudyConfig> & { projective?: unknown }>('study_config') ?? {};
  const parsed = projectiveConfigSchema.safeParse(stored.projective ?? {});
  // Without a recorded study (the stage called as a library function), the models table has each
  // model's configuration and tags; only models with completions take part.
  const withCompletions = new Set(completionModels(store));
  const models = Array.isArray(stored.models)
    ? stored.models.map((m) => ({ ...m, tags: m.tags ?? {} }))
    : store.listModels().filter((m) => withCompletions.has(m.name)).map((m) => ({ ...(m.config as unknown as ModelConfig), name: m.name, model: m.model, tags: m.tags }));
  return {
    ...(stored as StudyConfig),
    seed: typeof stored.seed === 'number' ? stored.seed : 1,
    models,
    projective: parsed.success ? parsed.data : projectiveConfigSchema.parse({}),
  };
}

export function loadProfiles(store: RunStore): ProfileRow[] {
  return loadProjective(store)?.profiles ?? [];
}

export const projectiveStage: StageDefinition = {
  name: 'projective',
  description: 'sentence-completion tests scored by the judge on each value dimension; profiles with intervals',
  configOf: (config) => ({ projective: config.projective, template: JUDGE_TEMPLATE_VERSION }),
  run: async ({ engine, config, log }): Promise<StageSummary> => {
    const r = await runProjective(engine, config, log);
    return {
      system: r.system,
      dimensions: r.dimensions.map((d) => d.id),
      profiles: r.profiles.map((p) => `${p.model} ${p.dimension} ${p.mean.toFixed(2)} ${p.ci_low === null ? '(one item: no interval)' : `[${p.ci_low.toFixed(2)}, ${p.ci_high!.toFixed(2)}]`} over ${p.n} items`),
      comparisons: {
        unit: 'models',
        made: r.comparisons.length,
        testable: r.comparisons.filter((c) => c.testable).length,
        significant: r.comparisons.filter((c) => c.significant_adjusted === true).length,
        correction: r.comparison_family.method,
        family_size: r.comparison_family.family_size,
      },
      ...(r.retest ? { retest_icc: Object.fromEntries(r.retest.per_dimension.map((d) => [d.dimension, d.icc?.icc ?? null])) } : {}),
    };
  },
};
