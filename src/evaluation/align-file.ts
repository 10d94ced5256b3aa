/**
 * Alignment of a prompts file, as `valuelex align` does it: the prompts JSONL reader, the target
 * (a vector in a stated order, a profile file, a named profile, or the mean of evaluated outputs),
 * the selecting evaluator (judge or classifier), the held-out measurement (`--measure-with`, else
 * fresh calls of the selecting judge), the refusal to let a model judge itself unless allowed, the
 * run on its run database (answers and scores cached, so it resumes), and the files it writes
 * (every prompt's result, preference pairs confirmed by the measurement).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { inlineModel, judgeFromEnv } from '../config/inline-model.js';
import { modelConfigSchema, type ModelConfig, type ModelConfigInput } from '../config/schema.js';
import { InputError } from '../core/errors.js';
import { embedderFromSpec } from '../embed/create.js';
import { Engine } from '../engine/engine.js';
import type { ProviderFactories } from '../engine/providers/index.js';
import { RunStore } from '../store/store.js';
import { resolveValueSystem } from '../study/value-systems.js';
import type { ValueSystem } from '../values/value-system.js';
import { alignStages, runAlign, type AlignObjective, type AlignPrompt, type AlignStrategy, type AlignSummary } from './align.js';
import { preferencePairs, type PairsFormat } from './align-pairs.js';
import { parseTarget, targetFromVectors, type TargetOrder } from './align-target.js';
import { judgeKindChecker, type RefusalPolicy } from './answer-kind.js';
import { classifierEvaluator, judgeEvaluator, loadClassifierFile, type ValueEvaluator } from './evaluate.js';

/** Prompts JSONL: `{"id"?, "prompt"}` a line (value-pairs files and FULCRA answer files qualify). */
export function readPrompts(file: string): AlignPrompt[] {
  if (!existsSync(file)) throw new InputError(`${file}: no such file`);
  const out: AlignPrompt[] = [];
  const ids = new Set<string>();
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let obj: { id?: unknown; prompt?: unknown };
    try {
      obj = JSON.parse(line) as { id?: unknown; prompt?: unknown };
    } catch (e) {
      throw new InputError(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new InputError(`${file}:${i + 1}: expected a JSON object`);
    if (typeof obj.prompt !== 'string' || !obj.prompt.trim()) throw new InputError(`${file}:${i + 1}: needs a non-empty "prompt" string`);
    const id = obj.id === undefined ? `line-${i + 1}` : String(obj.id);
    if (ids.has(id)) throw new InputError(`${file}:${i + 1}: duplicate id "${id}"`);
    ids.add(id);
    out.push({ id, prompt: obj.prompt });
  });
  if (out.length === 0) throw new InputError(`${file}: no prompts`);
  return out;
}

/** The value vectors of evaluated outputs (`valuelex evaluate --out`), one JSON object a line. */
export function readEvaluatedVectors(file: string): Array<Record<string, number>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return (JSON.parse(l) as { values: Record<string, number> }).values;
      } catch {
        throw new InputError(`${file}:${i + 1}: not valid JSON`);
      }
    });
}

export interface AlignFileOptions {
  input: string;
  /** A target spec (see `parseTarget`); or `targetFrom`. */
  target?: string;
  /** The order of a bare list of numbers in `target` (required for one). */
  order?: TargetOrder;
  /** Evaluated outputs whose mean vector is the target. */
  targetFrom?: string;
  /** The model to steer, `provider/model`. */
  model: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  strategy: AlignStrategy;
  n: number;
  rounds: number;
  objective: AlignObjective;
  /** Confidence threshold of the `fulcra` objective (default 0.5). */
  fulcraConfidence?: number;
  /** The selecting evaluator: `judge` or `classifier:<model.json>`. */
  evaluator: string;
  judge?: string;
  judgeBaseUrl?: string;
  judgeApiKeyEnv?: string;
  /** The held-out measurement: `judge:<provider/model>` or `classifier:<model.json>`; default fresh calls of the selecting judge. */
  measureWith?: string;
  measureBaseUrl?: string;
  measureApiKeyEnv?: string;
  /** Judge calls per measured answer (majority per value; default 1). */
  measureRepeats?: number;
  /** Let the steered model judge its own answers (labelled in every output). */
  allowSelfJudge?: boolean;
  /** `allow` when the target calls for refusal; default `avoid`. */
  refusals?: RefusalPolicy;
  /** `schwartz` or a value-system file. */
  system: string;
  temperature: number;
  store: string;
  /** Write every prompt's result (all candidates with vectors) as JSONL. */
  out?: string;
  /** Write chosen/rejected preference pairs as JSONL. */
  exportPairs?: string;
  pairsFormat: PairsFormat;
  margin: number;
  progress?: boolean;
  log?: (message: string) => void;
  /** Provider factories beyond the real ones (the command line adds the simulated population). */
  factories?: ProviderFactories;
}

export type AlignFileResult = AlignSummary & {
  pairs_exported?: number;
  /** Pairs the selecting evaluator ranked but the held-out measurement did not confirm. */
  pairs_dropped_held_out?: number;
  pairs_dropped_unmeasured?: number;
  pairs_file?: string;
  pairs_format?: PairsFormat;
};

function writeJsonl(file: string, rows: unknown[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
}

/** Seeds of fresh measurement calls: far from the selecting judge's (1), so no call is shared. */
const MEASURE_SEED = 101;

/** Same model (by model id), whatever the server or the role it plays here. */
const sameModel = (a: Pick<ModelConfig, 'model'>, b: Pick<ModelConfig, 'model'>): boolean => a.model.toLowerCase() === b.model.toLowerCase();

type EvaluatorSpec = { kind: 'judge'; model?: string } | { kind: 'classifier'; file: string };

function parseEvaluatorSpec(spec: string, flag: string, bareJudge: boolean): EvaluatorSpec {
  if (bareJudge && spec === 'judge') return { kind: 'judge' };
  if (spec.startsWith('judge:') && spec.length > 'judge:'.length) {
    // A bare model id is served by an OpenAI-compatible server, as VALUELEX_JUDGE_MODEL is.
    const model = spec.slice('judge:'.length);
    return { kind: 'judge', model: /^(openai|anthropic|ollama|local|simulated)\//.test(model) ? model : `openai/${model}` };
  }
  if (spec.startsWith('classifier:') && spec.length > 'classifier:'.length) return { kind: 'classifier', file: spec.slice('classifier:'.length) };
  throw new InputError(`${flag}: expected ${bareJudge ? 'judge or ' : ''}judge:<provider/model> or classifier:<model.json>, got "${spec}"`);
}

function classifierFrom(file: string): ValueEvaluator {
  const clf = loadClassifierFile(file);
  return classifierEvaluator(clf, clf.features.kind === 'embedding' ? embedderFromSpec(clf.features.embedder) : undefined, file);
}

export async function alignFile(opts: AlignFileOptions): Promise<AlignFileResult> {
  const log = opts.log ?? (() => {});
  if (!opts.target === !opts.targetFrom) throw new InputError('give exactly one of --target and --target-from');
  if (opts.order && !opts.target) throw new InputError('--order applies to a --target list of numbers');
  const prompts = readPrompts(opts.input);
  const selecting = parseEvaluatorSpec(opts.evaluator, '--evaluator', true);
  if (selecting.kind === 'judge' && selecting.model && opts.judge) throw new InputError(`--evaluator ${opts.evaluator} and --judge ${opts.judge}: give the judge once`);
  const measuring = opts.measureWith ? parseEvaluatorSpec(opts.measureWith, '--measure-with', false) : undefined;
  const allowSelf = opts.allowSelfJudge ?? false;
  const model = modelConfigSchema.parse(inlineModel(opts.model, opts.baseUrl, opts.apiKeyEnv, 'policy'));

  // The selecting judge: --judge (or judge:<model>), else VALUELEX_JUDGE_MODEL; the steered model
  // judges itself only when allowed.
  let judge: ModelConfig | undefined;
  if (selecting.kind === 'judge') {
    const input: ModelConfigInput | undefined = selecting.model ? inlineModel(selecting.model, opts.judgeBaseUrl, opts.judgeApiKeyEnv, 'judge') : opts.judge ? inlineModel(opts.judge, opts.judgeBaseUrl, opts.judgeApiKeyEnv, 'judge') : judgeFromEnv();
    if (!input && !allowSelf) throw new InputError(`align: no judge given (--judge <provider/model> or VALUELEX_JUDGE_MODEL); ${model.model} would judge its own answers: give a judge, or --allow-self-judge to accept that (labelled in every output)`);
    judge = modelConfigSchema.parse(input ?? inlineModel(opts.model, opts.baseUrl, opts.apiKeyEnv, 'judge'));
  }
  const measureJudge = measuring?.kind === 'judge' ? modelConfigSchema.parse(inlineModel(measuring.model!, opts.measureBaseUrl, opts.measureApiKeyEnv, 'measure')) : undefined;
  const selves = [judge, measureJudge].filter((j): j is ModelConfig => j !== undefined && sameModel(j, model));
  if (selves.length > 0 && !allowSelf) {
    throw new InputError(`align: ${model.model} would judge its own answers (${selves.map((j) => (j === judge ? '--judge' : '--measure-with')).join(', ')}); give another judge, or --allow-self-judge to accept that (labelled in every output)`);
  }
  const selfJudged = selves.length > 0;
  if (selfJudged) log(`align: SELF-JUDGED: ${model.model} judges its own answers (--allow-self-judge); every output says so`);
  if (measuring?.kind === 'classifier' && selecting.kind === 'classifier' && resolve(measuring.file) === resolve(selecting.file)) {
    throw new InputError(`--measure-with: ${measuring.file} is the selecting classifier; it scores a text the same way every time, so it cannot measure held out`);
  }
  if (!measuring && selecting.kind === 'classifier') {
    throw new InputError('align: a classifier scores a text the same way every time, so re-scoring with it is not a held-out measurement; give --measure-with judge:<provider/model> or classifier:<another model.json>');
  }

  const store = RunStore.open(opts.store);
  const release = store.acquireRunLock('align');
  try {
    const system: ValueSystem = resolveValueSystem(store, opts.system);
    const values = system.dimensions.map((d) => d.id);
    const target = opts.target ? parseTarget(opts.target, values, opts.order ? { order: opts.order } : {}) : targetFromVectors(readEvaluatedVectors(opts.targetFrom!), values);
    const models = [model, ...(judge ? [judge] : []), ...(measureJudge ? [measureJudge] : [])];
    const engine = new Engine({ models, store, progress: opts.progress ?? false, ...(opts.factories ? { factories: opts.factories } : {}) });
    const [, judgeStage, measureStage, kindStage] = alignStages(opts.strategy) as [string, string, string, string];
    const evaluator: ValueEvaluator = judge ? judgeEvaluator(engine, judge.name, system, {}, judgeStage) : classifierFrom((selecting as { file: string }).file);
    const measureSettings = { seed: MEASURE_SEED, repeats: opts.measureRepeats ?? 1 };
    let measure: { evaluator: ValueEvaluator; independent: boolean };
    if (!measuring) {
      measure = { evaluator: judgeEvaluator(engine, judge!.name, system, measureSettings, measureStage), independent: false };
      log(`align: held-out gain from fresh calls of ${judge!.model} (other seeds): they remove call-to-call noise, not the judge's systematic errors; --measure-with gives an independent measurement`);
    } else if (measureJudge) {
      const independent = !(judge && sameModel(judge, measureJudge));
      measure = { evaluator: judgeEvaluator(engine, measureJudge.name, system, measureSettings, measureStage), independent };
      if (!independent) log(`align: --measure-with names the selecting judge ${measureJudge.model}: the held-out gain comes from fresh calls, not an independent judge`);
    } else {
      measure = { evaluator: classifierFrom((measuring as { file: string }).file), independent: true };
    }
    const kindJudge = judge ?? measureJudge;
    const { results, summary } = await runAlign(engine, prompts, {
      strategy: opts.strategy,
      model: model.name,
      target,
      system,
      evaluator,
      measure,
      ...(kindJudge ? { kindChecker: judgeKindChecker(engine, kindJudge.name, kindStage) } : {}),
      refusals: opts.refusals ?? 'avoid',
      objective: opts.objective,
      ...(opts.fulcraConfidence !== undefined ? { fulcraConfidence: opts.fulcraConfidence } : {}),
      measureAll: opts.exportPairs !== undefined,
      selfJudged,
      n: opts.n,
      rounds: opts.rounds,
      temperature: opts.temperature,
    });
    if (opts.out) writeJsonl(opts.out, results);
    if (!opts.exportPairs) return summary;
    const pairs = preferencePairs(results, opts.pairsFormat, { margin: opts.margin, target, refusals: opts.refusals ?? 'avoid' });
    writeJsonl(opts.exportPairs, pairs.records);
    return { ...summary, pairs_exported: pairs.records.length, pairs_dropped_held_out: pairs.dropped_held_out, pairs_dropped_unmeasured: pairs.dropped_unmeasured, pairs_file: opts.exportPairs, pairs_format: opts.pairsFormat };
  } finally {
    release();
    store.close();
  }
}
