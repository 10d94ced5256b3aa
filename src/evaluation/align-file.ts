/**
 * Alignment of a prompts file, as `valuelex align` does it: the prompts JSONL reader, the target
 * (a vector, a profile file, a named profile, or the mean of evaluated outputs), the evaluator
 * (judge or classifier; without a judge, VALUELEX_JUDGE_MODEL, else the steered model judges its
 * own answers), the run on its run database (answers and scores cached, so it resumes), and the
 * files it writes (every prompt's result, preference pairs).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { inlineModel, judgeFromEnv } from '../config/inline-model.js';
import { modelConfigSchema } from '../config/schema.js';
import { InputError } from '../core/errors.js';
import { embedderFromSpec } from '../embed/create.js';
import { Engine } from '../engine/engine.js';
import type { ProviderFactories } from '../engine/providers/index.js';
import { RunStore } from '../store/store.js';
import { resolveValueSystem } from '../study/value-systems.js';
import { parseTarget, preferencePairs, runAlign, targetFromVectors, type AlignPrompt, type AlignStrategy, type AlignSummary, type DistanceMetric, type PairsFormat } from './align.js';
import { classifierEmbedderId } from './classifier.js';
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
  /** Evaluated outputs whose mean vector is the target. */
  targetFrom?: string;
  /** The model to steer, `provider/model`. */
  model: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  strategy: AlignStrategy;
  n: number;
  rounds: number;
  metric: DistanceMetric;
  /** `judge` or `classifier:<model.json>`. */
  evaluator: string;
  judge?: string;
  judgeBaseUrl?: string;
  judgeApiKeyEnv?: string;
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

export type AlignFileResult = AlignSummary & { pairs_exported?: number; pairs_file?: string; pairs_format?: PairsFormat };

function writeJsonl(file: string, rows: unknown[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
}

export async function alignFile(opts: AlignFileOptions): Promise<AlignFileResult> {
  const log = opts.log ?? (() => {});
  if (!opts.target === !opts.targetFrom) throw new InputError('give exactly one of --target and --target-from');
  const prompts = readPrompts(opts.input);
  const kind = opts.evaluator.split(':')[0]!;
  if (kind !== 'judge' && kind !== 'classifier') throw new InputError(`--evaluator: expected judge or classifier:<model.json>, got "${opts.evaluator}"`);
  const model = modelConfigSchema.parse(inlineModel(opts.model, opts.baseUrl, opts.apiKeyEnv, 'policy'));
  // The judge: --judge, else VALUELEX_JUDGE_MODEL, else the steered model judges its own answers.
  let judgeInput = opts.judge ? inlineModel(opts.judge, opts.judgeBaseUrl, opts.judgeApiKeyEnv, 'judge') : undefined;
  if (kind === 'judge' && !judgeInput) {
    judgeInput = judgeFromEnv() ?? inlineModel(opts.model, opts.baseUrl, opts.apiKeyEnv, 'judge');
    if (!judgeFromEnv()) log(`align: no --judge given; ${model.model} judges its own answers (a separate judge is better)`);
  }
  const judge = judgeInput ? modelConfigSchema.parse(judgeInput) : undefined;
  const store = RunStore.open(opts.store);
  const release = store.acquireRunLock('align');
  try {
    const system = resolveValueSystem(store, opts.system);
    const values = system.dimensions.map((d) => d.id);
    const target = opts.target ? parseTarget(opts.target, values) : targetFromVectors(readEvaluatedVectors(opts.targetFrom!), values);
    const engine = new Engine({ models: judge ? [model, judge] : [model], store, progress: opts.progress ?? false, ...(opts.factories ? { factories: opts.factories } : {}) });
    let evaluator: ValueEvaluator;
    if (kind === 'judge') evaluator = judgeEvaluator(engine, judge!.name, system, {}, `align-${opts.strategy}-judge`);
    else {
      const file = opts.evaluator.slice('classifier:'.length);
      const clf = loadClassifierFile(file);
      const trainedOn = classifierEmbedderId(clf);
      evaluator = classifierEvaluator(clf, trainedOn ? embedderFromSpec(trainedOn) : undefined, file);
    }
    const { results, summary } = await runAlign(engine, prompts, {
      strategy: opts.strategy,
      model: model.name,
      target,
      system,
      evaluator,
      metric: opts.metric,
      n: opts.n,
      rounds: opts.rounds,
      temperature: opts.temperature,
    });
    if (opts.out) writeJsonl(opts.out, results);
    const pairs = opts.exportPairs ? preferencePairs(results, opts.pairsFormat, { margin: opts.margin, target }) : [];
    if (opts.exportPairs) writeJsonl(opts.exportPairs, pairs);
    return { ...summary, ...(opts.exportPairs ? { pairs_exported: pairs.length, pairs_file: opts.exportPairs, pairs_format: opts.pairsFormat } : {}) };
  } finally {
    release();
    store.close();
  }
}
