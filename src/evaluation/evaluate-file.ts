/**
 * Value evaluation of files, as `valuelex evaluate`, `train-evaluator` and `value-profiles` do it:
 *  - `evaluateFile` streams pairs (contract JSONL or FULCRA's formats) through an evaluator chosen
 *    by name (judge, classifier, ensemble) in batches, appending each result to the output as it
 *    comes; it resumes (ids already in the output are skipped, judge answers are cached in the run
 *    database), refuses to append to an output made by another judge configuration unless
 *    allowed, scores against labels over the whole output and saves its value analysis for the
 *    report;
 *  - `trainEvaluatorFromFile` trains (and cross-validates, against the baselines and with the paired
 *    per-fold difference from bag of words) the classifier;
 *  - `valueProfilesOfFiles` analyses the value vectors of several files.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { judgeFromEnv, inlineModel } from '../config/inline-model.js';
import { InputError } from '../core/errors.js';
import { readTextFile } from '../core/text-file.js';
import { embedderFromSpec } from '../embed/create.js';
import type { ProviderFactories } from '../engine/providers/index.js';
import { judgeConfigChange, judgeFingerprint, sameJudgeConfig } from '../judge/judge.js';
import { pairedTTest } from '../stats/effects.js';
import { RunStore } from '../store/store.js';
import { resolveValueSystem } from '../study/value-systems.js';
import { streamPairs, type ImportIssue, type ValuePair } from '../values/pairs.js';
import { SCHWARTZ_VALUES } from '../values/schwartz.js';
import { analyseValues, saveValueAnalysis, type ValueAnalysis } from './analysis.js';
import { classifierEmbedderId, crossValidate, trainBagOfWords, trainValueClassifier, type ClassifierLearner, type ClassifierTrainOptions, type CvResult, type FeatureKind } from './classifier.js';
import {
  classifierEvaluator,
  ensembleEvaluator,
  evaluatePairs,
  judgeEngine,
  judgeEvaluator,
  loadClassifierFile,
  scoreAgainstLabels,
  type EvaluatedPair,
  type EvaluationReport,
  type ValueEvaluator,
} from './evaluate.js';

/** Logs the first 20 import notes of a file, then counts the rest; `finish` logs the count. */
function importNotes(file: string, log: (m: string) => void): { onIssue: (i: ImportIssue) => void; finish: () => number } {
  let n = 0;
  return {
    onIssue: (i) => {
      if (n++ < 20) log(`${file}:${i.line}: ${i.message}`);
    },
    finish: () => {
      if (n > 20) log(`${file}: ... ${n - 20} more import notes`);
      return n;
    },
  };
}

/** Every pair of a file (import notes logged as `importNotes` does). */
export async function loadPairsFile(file: string, log: (m: string) => void = () => {}, source?: string): Promise<ValuePair[]> {
  const notes = importNotes(file, log);
  const pairs: ValuePair[] = [];
  for await (const p of streamPairs(file, { ...(source ? { source } : {}), onIssue: notes.onIssue })) pairs.push(p);
  notes.finish();
  return pairs;
}

export interface EvaluateFileOptions {
  input: string;
  /** `judge`, `classifier[:<model.json>]` or `ensemble`. */
  evaluator: string;
  /** The judge as `provider/model` (else VALUELEX_JUDGE_MODEL on VALUELEX_BASE_URL). */
  model?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  /** The classifier file for `ensemble` (or `classifier`). */
  classifier?: string;
  embeddingBaseUrl?: string;
  embeddingApiKeyEnv?: string;
  /** Ensemble weight of the judge (the classifier gets 1 - w). */
  judgeWeight?: number;
  /** Judge each pair k times; the score is the majority. */
  repeats?: number;
  allowJudgeChange?: boolean;
  /** `schwartz` or a value-system file. */
  system?: string;
  /** Source model name for FULCRA answer files. */
  source?: string;
  out: string;
  /** The run database: judge answer cache and the value analysis for the report. */
  store: string;
  progress?: boolean;
  log?: (message: string) => void;
  /** Provider factories beyond the real ones (the command line adds the simulated population). */
  factories?: ProviderFactories;
}

export type EvaluateFileResult = Pick<EvaluationReport, 'evaluator' | 'system' | 'failed'> &
  ReturnType<typeof scoreAgainstLabels> & { pairs: number; evaluated_now: number; skipped_already_done: number; import_notes: number; store: string };

/** Pairs per evaluation batch: any input size in constant memory, results appended as they come. */
const BATCH = 256;

export async function evaluateFile(opts: EvaluateFileOptions): Promise<EvaluateFileResult> {
  const log = opts.log ?? (() => {});
  const kind = opts.evaluator.split(':')[0]!;
  if (!['judge', 'classifier', 'ensemble'].includes(kind)) throw new InputError(`--evaluator: "${opts.evaluator}" is not one of judge, classifier:<model.json>, ensemble`);
  if ((kind === 'judge' || kind === 'ensemble') && !opts.model && !judgeFromEnv()) throw new InputError(`--evaluator ${kind} needs --model <provider>/<model> (or VALUELEX_JUDGE_MODEL with VALUELEX_BASE_URL)`);
  const classifierPath = kind === 'classifier' ? opts.evaluator.slice('classifier:'.length) || opts.classifier : kind === 'ensemble' ? opts.classifier : undefined;
  if (kind !== 'judge' && !classifierPath) throw new InputError(kind === 'classifier' ? '--evaluator classifier needs the model file: classifier:<model.json> or --classifier <model.json>' : '--evaluator ensemble needs --classifier <model.json>');
  const classifier = classifierPath ? loadClassifierFile(classifierPath) : undefined;
  const trainedOn = classifier ? classifierEmbedderId(classifier) : undefined;
  const embedder = trainedOn ? embedderFromSpec(trainedOn, opts.embeddingBaseUrl, opts.embeddingApiKeyEnv) : undefined;
  const repeats = opts.repeats ?? 1;
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new InputError(`--repeats must be a positive integer, got "${opts.repeats}"`);
  const weight = opts.judgeWeight ?? 0.5;
  if (!(weight >= 0 && weight <= 1)) throw new InputError(`--judge-weight must be in [0, 1], got "${opts.judgeWeight}"`);

  if (!existsSync(opts.input)) throw new InputError(`${opts.input}: no such file`);
  const previous: EvaluatedPair[] = [];
  if (existsSync(opts.out)) {
    readTextFile(opts.out).split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        previous.push(JSON.parse(line) as EvaluatedPair);
      } catch {
        throw new InputError(`${opts.out}:${i + 1}: an existing line is not JSON (a run killed mid-write?); delete that line and rerun`);
      }
    });
  }
  const done = new Set(previous.map((p) => String(p.id)));
  const judgeInline = opts.model ? inlineModel(opts.model, opts.baseUrl, opts.apiKeyEnv) : kind === 'classifier' ? undefined : judgeFromEnv();
  const store = RunStore.open(opts.store);
  const release = store.acquireRunLock('evaluate');
  try {
    const system = resolveValueSystem(store, opts.system ?? 'schwartz');
    if (judgeInline && kind !== 'classifier') {
      // Old and new judge scores are not mixed in one output unless asked for.
      const now = judgeFingerprint({ provider: judgeInline.provider ?? 'openai', model: judgeInline.model }, system, undefined, 'response', { repeats });
      const changed = previous.find((p) => p.judge_config && !sameJudgeConfig(p.judge_config, now));
      if (changed && !opts.allowJudgeChange) {
        throw new InputError(`${opts.out}: its scores were made with another judge configuration (${judgeConfigChange(changed.judge_config!, now)}); use a new --out, or --allow-judge-change to append anyway`);
      }
    }
    let evaluator: ValueEvaluator;
    if (kind === 'classifier') evaluator = classifierEvaluator(classifier!, embedder, classifierPath);
    else {
      const { engine, judgeName } = judgeEngine(judgeInline!, store, opts.progress ?? false, opts.factories);
      const judge = judgeEvaluator(engine, judgeName, system, { repeats });
      evaluator = kind === 'ensemble' ? ensembleEvaluator(judge, { model: classifier!, embedder }, weight) : judge;
    }
    if (classifier && system.dimensions.some((d) => !classifier.values.includes(d.id))) {
      throw new InputError(`${classifierPath}: the classifier scores ${classifier.values.join(', ')}, not every value of ${system.name}`);
    }
    // The input streams through in batches: any size in constant memory, and what is evaluated
    // is appended to --out as it comes, so a killed run loses nothing.
    let total = 0, skipped = 0, evaluated = 0, failed = 0;
    let batch: ValuePair[] = [];
    const fresh: EvaluatedPair[] = [];
    const runBatch = async (): Promise<void> => {
      if (batch.length === 0) return;
      // Metrics come once, over everything in --out, after the last batch.
      const r = await evaluatePairs(batch, evaluator, system, {
        score: false,
        onResult: (x) => {
          appendFileSync(opts.out, JSON.stringify(x) + '\n');
          fresh.push(x);
        },
      });
      evaluated += batch.length - r.report.failed;
      failed += r.report.failed;
      batch = [];
    };
    const importLog = importNotes(opts.input, log);
    for await (const p of streamPairs(opts.input, { ...(opts.source ? { source: opts.source } : {}), onIssue: importLog.onIssue })) {
      total++;
      if (done.has(p.id)) {
        skipped++;
        continue;
      }
      batch.push(p);
      if (batch.length >= BATCH) await runBatch();
    }
    await runBatch();
    const notes = importLog.finish();
    const report = { evaluator: evaluator.name, system: system.name, failed };
    // Metrics and analysis cover everything in --out (this run and earlier ones).
    const all = [...previous, ...fresh];
    const ids = system.dimensions.map((d) => d.id);
    const metrics = scoreAgainstLabels(all, ids);
    saveValueAnalysis(store, all.map((r) => ({ ...r, values: r.values })), ids);
    return { ...report, ...metrics, pairs: total, evaluated_now: evaluated, skipped_already_done: skipped, import_notes: notes, store: store.path };
  } finally {
    release();
    store.close();
  }
}

export interface TrainEvaluatorOptions {
  train: string;
  test?: string;
  out?: string;
  /** `combined` (TF-IDF + phrase embeddings, the default), `embedding`, or `bow` (the bag-of-words baseline). */
  features?: FeatureKind;
  /** `mlp` needs `features: 'embedding'`. */
  learner?: ClassifierLearner;
  /** L2 penalty per observation (default 1e-4 combined, 0.01 embedding and bow). */
  l2?: number;
  /** false: decide by argmax instead of the decision rules fitted by inner cross-validation. */
  tune?: boolean;
  /** `glove | openai:<model> | ollama:<model> | transformers:<folder>`. */
  embedding?: string;
  embeddingBaseUrl?: string;
  embeddingApiKeyEnv?: string;
  /** k-fold cross-validation against the majority and bag-of-words baselines. */
  cv?: number;
  seed?: number;
  log?: (message: string) => void;
}

export interface TrainEvaluatorResult {
  model?: string;
  test?: ReturnType<typeof scoreAgainstLabels> & { pairs: number };
  cv?: CvResult[];
  /**
   * The classifier's mean per-fold macro-F1 minus bag of words' with a 95% paired t interval over
   * the folds (same seed, same folds); the point when every fold differs by the same amount.
   */
  cv_difference?: { versus: 'bow'; mean: number; ci: [number, number]; folds: number };
}

/** Mean of the paired per-fold differences a - b with a 95% t interval over the folds. */
function pairedFoldDifference(a: readonly number[], b: readonly number[]): { mean: number; ci: [number, number] } {
  const diffs = a.map((x, i) => x - b[i]!);
  const mean = diffs.reduce((s, x) => s + x, 0) / diffs.length;
  // Identical differences in every fold have no spread: the interval is the point.
  if (diffs.every((d) => d === diffs[0])) return { mean, ci: [mean, mean] };
  return { mean, ci: pairedTTest(a, b).ci };
}

export async function trainEvaluatorFromFile(opts: TrainEvaluatorOptions): Promise<TrainEvaluatorResult> {
  const log = opts.log ?? (() => {});
  const learner = opts.learner ?? 'logistic';
  const features = opts.features ?? 'combined';
  if (!['combined', 'embedding', 'bow'].includes(features)) throw new InputError(`--features: expected combined, embedding or bow, got "${String(features)}"`);
  if (learner === 'mlp' && features !== 'embedding') throw new InputError('--learner mlp needs --features embedding');
  if (opts.l2 !== undefined && !(opts.l2 >= 0)) throw new InputError(`--l2 must be a number >= 0, got "${opts.l2}"`);
  if (!opts.out && opts.cv === undefined) throw new InputError('train-evaluator needs --out <model.json>, --cv <k>, or both');
  const seed = opts.seed ?? 1;
  const trainOpts: ClassifierTrainOptions = { features, learner, seed, ...(opts.l2 !== undefined ? { l2: opts.l2 } : {}), ...(opts.tune === false ? { tune: false } : {}) };
  const train = await loadPairsFile(opts.train, log);
  const values = [...SCHWARTZ_VALUES];
  const embedder = features !== 'bow' ? embedderFromSpec(opts.embedding ?? 'glove', opts.embeddingBaseUrl, opts.embeddingApiKeyEnv) : undefined;
  const result: TrainEvaluatorResult = {};
  if (opts.cv !== undefined) {
    const k = opts.cv;
    if (!(Number.isInteger(k) && k >= 2)) throw new InputError(`--cv must be an integer >= 2, got "${opts.cv}"`);
    const cv: CvResult[] = [];
    for (const method of ['majority', 'bow', ...(features !== 'bow' ? (['classifier'] as const) : [])] as const) {
      log(`cross-validating ${method} (${k} folds)...`);
      cv.push(await crossValidate(train, values, method, { folds: k, seed, train: trainOpts, ...(embedder ? { embedder } : {}) }));
    }
    result.cv = cv;
    const clf = cv.find((r) => r.method === 'classifier'), bow = cv.find((r) => r.method === 'bow')!;
    if (clf) result.cv_difference = { versus: 'bow', ...pairedFoldDifference(clf.fold_macro_f1, bow.fold_macro_f1), folds: k };
  }
  if (opts.out) {
    const model = embedder ? await trainValueClassifier(train, values, embedder, trainOpts) : trainBagOfWords(train, values, opts.l2 !== undefined ? { l2: opts.l2 } : undefined);
    writeFileSync(opts.out, JSON.stringify(model));
    result.model = opts.out;
    if (opts.test) {
      const test = await loadPairsFile(opts.test, log);
      const ev = classifierEvaluator(model, embedder, opts.out);
      const out = await ev.evaluate(test);
      const evaluated: EvaluatedPair[] = test.map((p, i) => ({ ...p, ...(p.values ? { labels: p.values } : {}), values: out[i]!.values, evaluator: ev.name }));
      result.test = { pairs: test.length, ...scoreAgainstLabels(evaluated, values) };
    }
  }
  return result;
}

/** Per-source value profiles of labeled or evaluated pairs from several files; saved to `store` when given. */
export async function valueProfilesOfFiles(files: readonly string[], opts: { store?: string; log?: (message: string) => void } = {}): Promise<ValueAnalysis> {
  const pairs: ValuePair[] = [];
  for (const f of files) pairs.push(...(await loadPairsFile(f, opts.log)));
  if (!pairs.some((p) => p.values)) throw new InputError(`${files.join(', ')}: no pair carries a "values" vector`);
  if (opts.store) {
    const store = RunStore.open(opts.store);
    try {
      return saveValueAnalysis(store, pairs, [...SCHWARTZ_VALUES]);
    } finally {
      store.close();
    }
  }
  return analyseValues(pairs, [...SCHWARTZ_VALUES]);
}
