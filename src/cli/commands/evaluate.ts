/**
 * Value evaluation on the command line:
 *  - `valuelex evaluate --input pairs.jsonl --evaluator judge|classifier:model.json|ensemble --out out.jsonl`
 *  - `valuelex train-evaluator --train train.jsonl [--test test.jsonl] --out model.json [--cv 5]`
 *  - `valuelex value-profiles --input pairs.jsonl [--store run.db]`
 * Inputs are the value-pairs JSONL contract or FULCRA's native formats. `evaluate` is resumable:
 * ids already in --out are kept and skipped, and judge answers are cached in --store; the value
 * analysis of everything in --out is saved to --store for `valuelex report`.
 */
import type { Command } from 'commander';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InputError } from '../../config/load.js';
import type { ModelConfigInput } from '../../config/schema.js';
import { createEmbedder } from '../../embed/create.js';
import { GLOVE_MEAN_ID, GloveEmbedder } from '../../embed/glove.js';
import type { Embedder } from '../../embed/types.js';
import { analyseValues, saveValueAnalysis, type ValueAnalysis } from '../../fulcra/analysis.js';
import { classifierEmbedderId, crossValidate, parseClassifier, trainBagOfWords, trainValueClassifier, type ClassifierFile, type ClassifierLearner, type ClassifierTrainOptions, type CvResult, type FeatureKind } from '../../fulcra/classifier.js';
import { pairedTTest } from '../../stats/effects.js';
import { SCHWARTZ_VALUES, streamPairs, type ValuePair } from '../../fulcra/dataset.js';
import { classifierEvaluator, ensembleEvaluator, evaluatePairs, judgeEngine, judgeEvaluator, scoreAgainstLabels, type EvaluatedPair, type EvaluationReport, type ValueEvaluator } from '../../fulcra/evaluate.js';
import { judgeConfigChange, judgeFingerprint, sameJudgeConfig } from '../../judge/judge.js';
import { RunStore } from '../../store/store.js';
import { resolveValueSystem, type ValueSystem } from '../../valuelex/projective.js';
import { action, log, output, type GlobalOptions } from '../util.js';

/** `--model provider/model-id` (DESIGN: the same model shape inline as in a study). */
export function inlineModel(spec: string, baseUrl?: string, apiKeyEnv?: string, role = 'judge'): ModelConfigInput {
  const slash = spec.indexOf('/');
  const provider = slash > 0 ? spec.slice(0, slash) : '';
  if (!['openai', 'anthropic', 'ollama', 'local', 'simulated'].includes(provider)) {
    throw new InputError(`--model: expected <provider>/<model> with provider openai, anthropic, ollama, local or simulated, got "${spec}"`);
  }
  const model = spec.slice(slash + 1);
  return {
    name: `${role}-${model.replace(/[^A-Za-z0-9._:@+-]/g, '-')}`,
    provider: provider as ModelConfigInput['provider'],
    model,
    ...(baseUrl ? { base_url: baseUrl } : {}),
    ...(apiKeyEnv ? { api_key_env: apiKeyEnv } : {}),
  };
}

/**
 * The judge when no `--model` is given: `VALUELEX_JUDGE_MODEL` on the OpenAI-compatible server in
 * `VALUELEX_BASE_URL` (key from the variable named in `VALUELEX_API_KEY_ENV`), as the demo uses.
 */
export function judgeFromEnv(env: NodeJS.ProcessEnv = process.env): ModelConfigInput | undefined {
  const model = env.VALUELEX_JUDGE_MODEL;
  if (!model) return undefined;
  const spec = /^(openai|anthropic|ollama|local|simulated)\//.test(model) ? model : `openai/${model}`;
  return inlineModel(spec, env.VALUELEX_BASE_URL, env.VALUELEX_API_KEY_ENV);
}

/**
 * `--embedding glove | openai:<model> | ollama:<model> | transformers:<model folder>` (or a
 * classifier's recorded embedder id, which for transformers is the model folder's absolute path).
 */
export function embedderFromSpec(spec: string, baseUrl?: string, apiKeyEnv?: string): Embedder {
  // Classifier files trained before SIF phrase vectors record the plain-mean id: they get the
  // plain-mean embedder they were trained on.
  if (spec === GLOVE_MEAN_ID) return new GloveEmbedder({ method: 'mean' });
  if (spec === 'glove' || spec.startsWith('glove:')) return createEmbedder({ backend: 'glove' });
  if (spec.startsWith('transformers:')) return createEmbedder({ backend: 'transformers', path: spec.slice('transformers:'.length) });
  const m = /^(openai|ollama):(.+)$/.exec(spec);
  if (!m) throw new InputError(`--embedding: expected glove, openai:<model>, ollama:<model> or transformers:<folder>, got "${spec}"`);
  return createEmbedder({ backend: m[1] as 'openai' | 'ollama', model: m[2]!, ...(baseUrl ? { base_url: baseUrl } : {}), ...(apiKeyEnv ? { api_key_env: apiKeyEnv } : {}) });
}

export function loadClassifierFile(file: string): ClassifierFile {
  if (!existsSync(file)) throw new InputError(`${file}: no such classifier file (train one with valuelex train-evaluator)`);
  return parseClassifier(readFileSync(file, 'utf8'), file);
}

/** Logs the first 20 import notes of a file, then counts the rest; `finish` logs the count. */
function importNotes(file: string): { onIssue: (i: { line: number; message: string }) => void; finish: () => number } {
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

async function loadPairs(file: string, source?: string): Promise<ValuePair[]> {
  const notes = importNotes(file);
  const pairs: ValuePair[] = [];
  for await (const p of streamPairs(file, { ...(source ? { source } : {}), onIssue: notes.onIssue })) pairs.push(p);
  notes.finish();
  return pairs;
}

function metricsTable(report: Pick<EvaluationReport, 'per_value' | 'exact_match' | 'mae'>): string[] {
  if (!report.per_value) return [];
  const lines = ['value            accuracy  macro-F1  kappa'];
  for (const [k, m] of Object.entries(report.per_value)) lines.push(`${k.padEnd(16)} ${m.accuracy.toFixed(3).padStart(8)}  ${m.macro_f1.toFixed(3).padStart(8)}  ${m.kappa === null ? '   NA' : m.kappa.toFixed(3).padStart(5)}`);
  lines.push(`exact match ${report.exact_match?.toFixed(3)}; mean absolute error ${report.mae?.toFixed(3)}`);
  return lines;
}

function analysisLines(a: ValueAnalysis): string[] {
  const lines = [`value profiles of ${a.pairs} pairs (mean [95% CI], share opposing):`];
  for (const p of a.profiles) lines.push(`  ${p.source.padEnd(36)} ${p.value.padEnd(15)} ${p.mean.toFixed(2).padStart(5)} [${p.ci_low.toFixed(2)}, ${p.ci_high.toFixed(2)}]  opposes ${(100 * p.opposes).toFixed(1)}%`);
  if (a.separation) {
    lines.push('values separating answers to risky prompts from the others (Cohen d, Holm p):');
    for (const s of a.separation) lines.push(`  ${s.value.padEnd(15)} d=${s.d.toFixed(2).padStart(5)}  p=${s.p_holm.toExponential(1)}`);
  }
  return lines;
}

interface EvaluateOptions extends GlobalOptions {
  input: string;
  evaluator: string;
  model?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  classifier?: string;
  embeddingBaseUrl?: string;
  embeddingApiKeyEnv?: string;
  judgeWeight: string;
  repeats: string;
  allowJudgeChange?: boolean;
  system: string;
  source?: string;
  out: string;
  store: string;
}

interface TrainOptions extends GlobalOptions {
  train: string;
  learner: string;
  test?: string;
  out?: string;
  features: string;
  embedding: string;
  embeddingBaseUrl?: string;
  embeddingApiKeyEnv?: string;
  cv?: string;
  seed: string;
  tune: boolean;
  l2?: string;
}

interface ProfilesOptions extends GlobalOptions {
  input: string[];
  store?: string;
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description("map (prompt, response) pairs onto a value system (Schwartz's ten by default); metrics when labels are present")
    .requiredOption('--input <file>', 'JSONL pairs (value-pairs contract or FULCRA native)')
    .option('--evaluator <kind>', 'judge | classifier:<model.json> | ensemble (needs --model and --classifier)', 'judge')
    .option('--model <provider/model>', 'the judge model, e.g. openai/gpt-4o-mini')
    .option('--base-url <url>', 'base URL of the judge server')
    .option('--api-key-env <name>', 'environment variable holding the judge API key')
    .option('--classifier <model.json>', 'classifier file for --evaluator ensemble (or classifier)')
    .option('--embedding-base-url <url>', "base URL of the classifier's embedding server (openai/ollama backends)")
    .option('--embedding-api-key-env <name>', "environment variable with the embedding server's key")
    .option('--judge-weight <w>', 'ensemble weight of the judge (the classifier gets 1 - w)', '0.5')
    .option('--repeats <k>', 'judge each pair k times; the score is the majority', '1')
    .option('--allow-judge-change', 'append to an --out whose scores came from another judge configuration')
    .option('--system <system>', 'value system: schwartz or a value-system file', 'schwartz')
    .option('--source <name>', 'source model name for FULCRA answer files (default: from the file name)')
    .requiredOption('--out <file>', 'JSONL output (appended; ids already there are skipped)')
    .option('--store <file>', 'run database: judge answer cache and the value analysis for the report', 'runs/evaluate/run.db')
    .option('--json', 'print the metrics as JSON')
    .action(
      action(async (opts: EvaluateOptions) => {
        const kind = opts.evaluator.split(':')[0]!;
        if (!['judge', 'classifier', 'ensemble'].includes(kind)) throw new InputError(`--evaluator: "${opts.evaluator}" is not one of judge, classifier:<model.json>, ensemble`);
        if ((kind === 'judge' || kind === 'ensemble') && !opts.model && !judgeFromEnv()) throw new InputError(`--evaluator ${kind} needs --model <provider>/<model> (or VALUELEX_JUDGE_MODEL with VALUELEX_BASE_URL)`);
        const classifierPath = kind === 'classifier' ? opts.evaluator.slice('classifier:'.length) || opts.classifier : kind === 'ensemble' ? opts.classifier : undefined;
        if (kind !== 'judge' && !classifierPath) throw new InputError(kind === 'classifier' ? '--evaluator classifier needs the model file: classifier:<model.json> or --classifier <model.json>' : '--evaluator ensemble needs --classifier <model.json>');
        const classifier = classifierPath ? loadClassifierFile(classifierPath) : undefined;
        const trainedOn = classifier ? classifierEmbedderId(classifier) : undefined;
        const embedder = trainedOn ? embedderFromSpec(trainedOn, opts.embeddingBaseUrl, opts.embeddingApiKeyEnv) : undefined;
        const repeats = Number(opts.repeats);
        if (!(Number.isInteger(repeats) && repeats >= 1)) throw new InputError(`--repeats must be a positive integer, got "${opts.repeats}"`);
        const weight = Number(opts.judgeWeight);
        if (!(weight >= 0 && weight <= 1)) throw new InputError(`--judge-weight must be in [0, 1], got "${opts.judgeWeight}"`);

        if (!existsSync(opts.input)) throw new InputError(`${opts.input}: no such file`);
        const previous: EvaluatedPair[] = [];
        if (existsSync(opts.out)) {
          readFileSync(opts.out, 'utf8').split('\n').forEach((line, i) => {
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
          const system: ValueSystem = resolveValueSystem(store, opts.system);
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
            const { engine, judgeName } = judgeEngine(judgeInline!, store, !opts.json);
            const judge = judgeEvaluator(engine, judgeName, system, { repeats });
            evaluator = kind === 'ensemble' ? ensembleEvaluator(judge, { model: classifier!, embedder }, weight) : judge;
          }
          if (classifier && system.dimensions.some((d) => !classifier.values.includes(d.id))) {
            throw new InputError(`${classifierPath}: the classifier scores ${classifier.values.join(', ')}, not every value of ${system.name}`);
          }
          // The input streams through in batches: any size in constant memory, and what is
          // evaluated is appended to --out as it comes, so a killed run loses nothing.
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
          const importLog = importNotes(opts.input);
          for await (const p of streamPairs(opts.input, { ...(opts.source ? { source: opts.source } : {}), onIssue: importLog.onIssue })) {
            total++;
            if (done.has(p.id)) {
              skipped++;
              continue;
            }
            batch.push(p);
            if (batch.length >= 256) await runBatch();
          }
          await runBatch();
          const notes = importLog.finish();
          const report = { evaluator: evaluator.name, system: system.name, failed };
          // Metrics and analysis cover everything in --out (this run and earlier ones).
          const all = [...previous, ...fresh];
          const ids = system.dimensions.map((d) => d.id);
          const metrics = scoreAgainstLabels(all, ids);
          const analysis = analyseValues(all.map((r) => ({ ...r, values: r.values })), ids);
          saveValueAnalysis(store, analysis);
          const summary = { ...report, ...metrics, pairs: total, evaluated_now: evaluated, skipped_already_done: skipped, import_notes: notes, store: store.path };
          output(opts, summary, () =>
            [`evaluated ${evaluated} pairs with ${report.evaluator} on ${report.system} (${skipped} already in ${opts.out}; ${failed} failed)`, ...metricsTable(metrics), `value analysis saved to ${store.path} (valuelex report ${store.path})`].join('\n'),
          );
        } finally {
          release();
          store.close();
        }
      }),
    );

  program
    .command('train-evaluator')
    .description('train the value classifier (TF-IDF + phrase embeddings, logistic regression per value with decision thresholds tuned by inner CV); --cv compares it with the baselines')
    .requiredOption('--train <file>', 'labeled JSONL pairs (value-pairs contract or FULCRA native)')
    .option('--test <file>', 'held-out labeled pairs to report metrics on')
    .option('--out <model.json>', 'where to save the trained model')
    .option('--features <kind>', 'combined (TF-IDF + embeddings, the default) | embedding | bow (the bag-of-words baseline)', 'combined')
    .option('--learner <kind>', 'logistic (softmax regression per value) | mlp (shared hidden layer, a head per value; embedding features)', 'logistic')
    .option('--embedding <backend>', 'glove | openai:<model> | ollama:<model> | transformers:<model folder>', 'glove')
    .option('--embedding-base-url <url>', 'base URL of the embedding server')
    .option('--embedding-api-key-env <name>', "environment variable with the embedding server's key")
    .option('--l2 <x>', 'L2 penalty per observation (default 0.0001 combined, 0.01 embedding and bow)')
    .option('--no-tune', 'decide by argmax instead of thresholds and calibration fitted by inner cross-validation')
    .option('--cv <k>', 'k-fold cross-validation of the classifier against the majority and bag-of-words baselines')
    .option('--seed <n>', 'seed of the folds', '1')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (opts: TrainOptions) => {
        if (!['combined', 'embedding', 'bow'].includes(opts.features)) throw new InputError(`--features: expected combined, embedding or bow, got "${opts.features}"`);
        if (!['logistic', 'mlp'].includes(opts.learner)) throw new InputError(`--learner: expected logistic or mlp, got "${opts.learner}"`);
        const learner = opts.learner as ClassifierLearner;
        const features = opts.features as FeatureKind;
        if (learner === 'mlp' && features !== 'embedding') throw new InputError('--learner mlp needs --features embedding');
        const l2 = opts.l2 === undefined ? undefined : Number(opts.l2);
        if (l2 !== undefined && !(l2 >= 0)) throw new InputError(`--l2 must be a number >= 0, got "${opts.l2}"`);
        if (!opts.out && !opts.cv) throw new InputError('train-evaluator needs --out <model.json>, --cv <k>, or both');
        const train = await loadPairs(opts.train);
        const values = [...SCHWARTZ_VALUES];
        const seed = Number(opts.seed);
        const trainOpts: ClassifierTrainOptions = { features, learner, seed, ...(l2 !== undefined ? { l2 } : {}), ...(opts.tune ? {} : { tune: false }) };
        const embedder = features !== 'bow' ? embedderFromSpec(opts.embedding, opts.embeddingBaseUrl, opts.embeddingApiKeyEnv) : undefined;
        const result: { model?: string; test?: ReturnType<typeof scoreAgainstLabels> & { pairs: number }; cv?: CvResult[]; cv_difference?: { versus: 'bow'; mean: number; ci: [number, number]; folds: number } } = {};
        if (opts.cv) {
          const k = Number(opts.cv);
          if (!(Number.isInteger(k) && k >= 2)) throw new InputError(`--cv must be an integer >= 2, got "${opts.cv}"`);
          result.cv = [];
          for (const method of ['majority', 'bow', ...(features !== 'bow' ? (['classifier'] as const) : [])] as const) {
            log(`cross-validating ${method} (${k} folds)...`);
            result.cv.push(await crossValidate(train, values, method, { folds: k, seed, train: trainOpts, ...(embedder ? { embedder } : {}) }));
          }
          const clf = result.cv.find((r) => r.method === 'classifier'), bow = result.cv.find((r) => r.method === 'bow')!;
          if (clf) {
            // Same seed, same folds: the per-fold differences are paired.
            const diffs = clf.fold_macro_f1.map((x, i) => x - bow.fold_macro_f1[i]!);
            const mean = diffs.reduce((a, b) => a + b, 0) / k;
            let ci: [number, number] = [mean, mean];
            try {
              ci = pairedTTest(clf.fold_macro_f1, bow.fold_macro_f1).ci;
            } catch {
              // Identical differences in every fold: the interval is the point.
            }
            result.cv_difference = { versus: 'bow', mean, ci, folds: k };
          }
        }
        if (opts.out) {
          const model = embedder ? await trainValueClassifier(train, values, embedder, trainOpts) : trainBagOfWords(train, values, l2 !== undefined ? { l2 } : undefined);
          writeFileSync(opts.out, JSON.stringify(model));
          result.model = opts.out;
          if (opts.test) {
            const test = await loadPairs(opts.test);
            const ev = classifierEvaluator(model, embedder, opts.out);
            const out = await ev.evaluate(test);
            const evaluated: EvaluatedPair[] = test.map((p, i) => ({ ...p, ...(p.values ? { labels: p.values } : {}), values: out[i]!.values, evaluator: ev.name }));
            result.test = { pairs: test.length, ...scoreAgainstLabels(evaluated, values) };
          }
        }
        output(opts, result, () => {
          const lines: string[] = [];
          if (result.cv) {
            lines.push(`${result.cv[0]!.folds}-fold cross-validation (out-of-fold predictions):`, 'method               mean macro-F1  mean kappa  exact match');
            for (const r of result.cv) lines.push(`${(r.features ? `${r.method}/${r.features}${r.learner === 'mlp' ? '/mlp' : ''}` : r.method).padEnd(20)} ${r.mean_macro_f1.toFixed(3).padStart(13)}  ${r.mean_kappa.toFixed(3).padStart(10)}  ${r.exact_match.toFixed(3).padStart(11)}`);
            const clf = result.cv.find((r) => r.method === 'classifier');
            if (clf) {
              lines.push('per value (classifier): macro-F1, F1 of -1 / 0 / +1, kappa');
              for (const [v, m] of Object.entries(clf.per_value)) lines.push(`  ${v.padEnd(16)} ${m.macro_f1.toFixed(3)}  ${['-1', '0', '1'].map((l) => (m.f1_by_label[l] ?? 0).toFixed(2)).join(' / ')}  ${m.kappa === null ? 'NA' : m.kappa.toFixed(3)}`);
            }
            const d = result.cv_difference;
            if (d) lines.push(`classifier - bag of words: ${d.mean >= 0 ? '+' : ''}${d.mean.toFixed(3)} mean macro-F1 (95% t interval over the ${d.folds} folds: ${d.ci[0].toFixed(3)} to ${d.ci[1].toFixed(3)})`);
          }
          if (result.model) lines.push(`model saved to ${result.model}`);
          if (result.test) lines.push(`held-out test set (${result.test.pairs} pairs):`, ...metricsTable(result.test));
          return lines.join('\n');
        });
      }),
    );

  program
    .command('value-profiles')
    .description('per-source value profiles with intervals, distances, value-by-risk table, from labeled or evaluated pairs')
    .requiredOption('--input <files...>', 'JSONL pairs (contract, FULCRA native or FULCRA answer files), several allowed')
    .option('--store <file>', 'run database to save the analysis in, for valuelex report')
    .option('--json', 'print the analysis as JSON')
    .action(
      action(async (opts: ProfilesOptions) => {
        const pairs: ValuePair[] = [];
        for (const f of opts.input) pairs.push(...(await loadPairs(f)));
        if (!pairs.some((p) => p.values)) throw new InputError(`${opts.input.join(', ')}: no pair carries a "values" vector`);
        const values = [...SCHWARTZ_VALUES];
        const analysis = analyseValues(pairs, values);
        if (opts.store) {
          const store = RunStore.open(opts.store);
          try {
            saveValueAnalysis(store, analysis);
          } finally {
            store.close();
          }
        }
        output(opts, analysis, () => analysisLines(analysis).join('\n'));
      }),
    );
}
