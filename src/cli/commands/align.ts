/**
 * `valuelex align --input prompts.jsonl --target <vector|profile.json|name> --model <provider/id>
 * --strategy best-of-n|revise|system-prompt --evaluator judge|classifier:<model.json> [--judge ...]`:
 * steer a model's answers toward a target value vector, report before/after distances, and export
 * preference pairs (TRL DPO / OpenRLHF JSONL). Resumable: answers and judge scores are cached in
 * --store and finished prompts are read back.
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../core/errors.js';
import { studyConfigSchema } from '../../config/schema.js';
import { Engine } from '../../engine/engine.js';
import { parseTarget, preferencePairs, runAlign, targetFromVectors, type AlignPrompt, type AlignStrategy, type DistanceMetric, type PairsFormat } from '../../evaluation/align.js';
import { classifierEvaluator, judgeEvaluator, type ValueEvaluator } from '../../evaluation/evaluate.js';
import { RunStore } from '../../store/store.js';
import { resolveValueSystem } from '../../study/stages/projective/stage.js';
import { action, log, output, type GlobalOptions } from '../util.js';
import { embedderFromSpec, inlineModel, judgeFromEnv, loadClassifierFile } from './evaluate.js';

interface AlignCliOptions extends GlobalOptions {
  input: string;
  target?: string;
  targetFrom?: string;
  model: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  strategy: string;
  n: string;
  rounds: string;
  metric: string;
  evaluator: string;
  judge?: string;
  judgeBaseUrl?: string;
  judgeApiKeyEnv?: string;
  system: string;
  temperature: string;
  store: string;
  out?: string;
  exportPairs?: string;
  pairsFormat: string;
  margin: string;
}

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

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= 1)) throw new InputError(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

export function register(program: Command): void {
  program
    .command('align')
    .description('steer answers toward a target value vector (best-of-n, revise, system-prompt); before/after distances; preference pairs')
    .requiredOption('--input <prompts.jsonl>', 'prompts, one {"id", "prompt"} a line')
    .option('--target <spec>', 'name=value,... | JSON | profile.json | fulcra-default')
    .option('--target-from <evaluated.jsonl>', 'target = mean vector of evaluated outputs (e.g. a reference model, from valuelex evaluate)')
    .requiredOption('--model <provider/model>', 'the model to steer')
    .option('--base-url <url>', "the model's server")
    .option('--api-key-env <name>', "environment variable with the model's API key")
    .option('--strategy <s>', 'best-of-n | revise | system-prompt', 'best-of-n')
    .option('--n <n>', 'best-of-n: samples per prompt', '4')
    .option('--rounds <k>', 'revise: feedback rounds', '2')
    .option('--metric <m>', 'distance: l2 | l1 | cosine', 'l2')
    .option('--evaluator <kind>', 'judge | classifier:<model.json>', 'judge')
    .option('--judge <provider/model>', 'judge model for --evaluator judge')
    .option('--judge-base-url <url>', "the judge's server")
    .option('--judge-api-key-env <name>', "environment variable with the judge's API key")
    .option('--system <system>', 'value system: schwartz or a value-system file', 'schwartz')
    .option('--temperature <t>', 'sampling temperature of the steered model', '0.8')
    .option('--store <file>', 'run database (answers, scores, results)', 'runs/align/run.db')
    .option('--out <file>', 'write every prompt result (all candidates with vectors) as JSONL')
    .option('--export-pairs <file>', 'write chosen/rejected preference pairs as JSONL')
    .option('--pairs-format <f>', 'trl | trl-standard | openrlhf', 'trl')
    .option('--margin <d>', 'minimum distance gap between chosen and rejected', '0.1')
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (opts: AlignCliOptions) => {
        const strategy = opts.strategy as AlignStrategy;
        if (!['best-of-n', 'revise', 'system-prompt'].includes(strategy)) throw new InputError(`--strategy: expected best-of-n, revise or system-prompt, got "${opts.strategy}"`);
        const metric = opts.metric as DistanceMetric;
        if (!['l2', 'l1', 'cosine'].includes(metric)) throw new InputError(`--metric: expected l2, l1 or cosine, got "${opts.metric}"`);
        const format = opts.pairsFormat as PairsFormat;
        if (!['trl', 'trl-standard', 'openrlhf'].includes(format)) throw new InputError(`--pairs-format: expected trl, trl-standard or openrlhf, got "${opts.pairsFormat}"`);
        if (!opts.target === !opts.targetFrom) throw new InputError('give exactly one of --target and --target-from');
        const margin = Number(opts.margin);
        if (!(margin >= 0)) throw new InputError(`--margin must be a number >= 0, got "${opts.margin}"`);
        const temperature = Number(opts.temperature);
        if (!(temperature >= 0 && temperature <= 2)) throw new InputError(`--temperature must be in [0, 2], got "${opts.temperature}"`);
        const prompts = readPrompts(opts.input);
        const kind = opts.evaluator.split(':')[0]!;
        if (kind !== 'judge' && kind !== 'classifier') throw new InputError(`--evaluator: expected judge or classifier:<model.json>, got "${opts.evaluator}"`);
        const model = inlineModel(opts.model, opts.baseUrl, opts.apiKeyEnv, 'policy');
        // The judge: --judge, else VALUELEX_JUDGE_MODEL, else the steered model judges its own answers.
        let judge = opts.judge ? inlineModel(opts.judge, opts.judgeBaseUrl, opts.judgeApiKeyEnv, 'judge') : undefined;
        if (kind === 'judge' && !judge) {
          judge = judgeFromEnv() ?? inlineModel(opts.model, opts.baseUrl, opts.apiKeyEnv, 'judge');
          if (!judgeFromEnv()) log(`align: no --judge given; ${model.model} judges its own answers (a separate judge is better)`);
        }
        const config = studyConfigSchema.parse({ name: 'align', models: [model], ...(judge ? { judge } : {}) });
        const store = RunStore.open(opts.store);
        const release = store.acquireRunLock('align');
        try {
          const system = resolveValueSystem(store, opts.system);
          const values = system.dimensions.map((d) => d.id);
          const target = opts.target
            ? parseTarget(opts.target, values)
            : targetFromVectors(
                readFileSync(opts.targetFrom!, 'utf8').split('\n').filter((l) => l.trim()).map((l, i) => {
                  try {
                    return (JSON.parse(l) as { values: Record<string, number> }).values;
                  } catch {
                    throw new InputError(`${opts.targetFrom}:${i + 1}: not valid JSON`);
                  }
                }),
                values,
              );
          const engine = new Engine({ config, store, progress: !opts.json });
          let evaluator: ValueEvaluator;
          if (kind === 'judge') evaluator = judgeEvaluator(engine, engine.judgeConfigs()[0]!.name, system, {}, `align-${strategy}-judge`);
          else {
            const file = opts.evaluator.slice('classifier:'.length);
            const clf = loadClassifierFile(file);
            evaluator = classifierEvaluator(clf, clf.features.kind === 'embedding' ? embedderFromSpec(clf.features.embedder) : undefined, file);
          }
          const { results, summary } = await runAlign(engine, prompts, {
            strategy,
            model: config.models[0]!.name,
            target,
            system,
            evaluator,
            metric,
            n: positiveInt('n', opts.n),
            rounds: positiveInt('rounds', opts.rounds),
            temperature,
          });
          const write = (file: string, rows: unknown[]): void => {
            mkdirSync(dirname(file), { recursive: true });
            writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
          };
          if (opts.out) write(opts.out, results);
          const pairs = opts.exportPairs ? preferencePairs(results, format, { margin, target }) : [];
          if (opts.exportPairs) write(opts.exportPairs, pairs);
          output(opts, { ...summary, ...(opts.exportPairs ? { pairs_exported: pairs.length, pairs_file: opts.exportPairs, pairs_format: format } : {}) }, () =>
            [
              `${summary.strategy} on ${summary.model}: ${summary.scored} of ${summary.prompts} prompts scored by ${summary.evaluator}`,
              `mean ${summary.metric} distance to the target: before ${summary.mean_before.toFixed(3)}, after ${summary.mean_after.toFixed(3)}`,
              `mean improvement ${summary.mean_improvement.toFixed(3)} [95% CI ${summary.ci_low.toFixed(3)}, ${summary.ci_high.toFixed(3)}]; stance agreement ${summary.agreement_before.toFixed(2)} -> ${summary.agreement_after.toFixed(2)}`,
              `cost: ${summary.cost.requests} requests, ${summary.cost.input_tokens} input and ${summary.cost.output_tokens} output tokens`,
              ...(opts.exportPairs ? [`${pairs.length} preference pairs (${format}) written to ${opts.exportPairs}`] : []),
            ].join('\n'),
          );
        } finally {
          release();
          store.close();
        }
      }),
    );
}
