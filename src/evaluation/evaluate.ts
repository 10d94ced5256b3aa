/**
 * Value evaluators behind one interface: a (prompt, response) pair in, a vector over the value
 * system out. Three kinds:
 *  - judge: the shared judge instrument (src/judge) on the pair, through the engine (cached, so a
 *    rerun resumes; temperature 0, fixed seed, configuration recorded with each result);
 *  - classifier: a trained model file (./classifier.ts), offline;
 *  - ensemble: the mean of the judge's scores and the classifier's expected labels.
 * `scoreAgainstLabels` gives, when labels are present, per-value accuracy, macro-F1, Cohen's kappa
 * and the confusion matrix, and overall exact match and mean absolute error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { modelConfigSchema, type ModelConfigInput } from '../config/schema.js';
import { InputError } from '../core/errors.js';
import type { Embedder } from '../embed/types.js';
import { Engine } from '../engine/engine.js';
import type { ProviderFactories } from '../engine/providers/index.js';
import { judgeText, type JudgeFingerprint, type JudgeSettings } from '../judge/judge.js';
import { classificationReport, exactMatch, meanAbsoluteError } from '../stats/classification.js';
import type { RunStore } from '../store/store.js';
import type { ValuePair } from '../values/pairs.js';
import type { ValueSystem } from '../values/value-system.js';
import { parseClassifier, predictWithClassifier, type ClassifierFile } from './classifier.js';

export interface EvaluatedPair extends ValuePair {
  /** The input's labels, kept beside the evaluator's vector. */
  labels?: Record<string, number>;
  /** The evaluator's vector in [-1, 1] per value. */
  values: Record<string, number>;
  evaluator: string;
  judge_config?: JudgeFingerprint;
}

export interface ValueEvaluator {
  readonly name: string;
  /** Vectors for a batch of pairs, in order; undefined where the evaluator gave no valid answer. */
  evaluate(pairs: readonly ValuePair[]): Promise<Array<{ values: Record<string, number>; judge_config?: JudgeFingerprint } | undefined>>;
}

export function pairText(p: Pick<ValuePair, 'prompt' | 'response'>): string {
  return `User prompt:\n${p.prompt}\n\nModel response:\n${p.response}`;
}

/** A judge model behind the evaluator interface; `engine` owns caching, retries and limits. */
export function judgeEvaluator(engine: Engine, judgeName: string, system: ValueSystem, settings: JudgeSettings = {}, stage = 'evaluate'): ValueEvaluator {
  const judge = engine.models().find((m) => m.name === judgeName);
  if (!judge) throw new Error(`judge "${judgeName}" is not configured`);
  return {
    name: `judge:${judge.model}`,
    async evaluate(pairs) {
      const out: Array<{ values: Record<string, number>; judge_config: JudgeFingerprint } | undefined> = new Array(pairs.length);
      await engine.map(
        pairs.map((p, i) => ({ p, i })),
        async ({ p, i }) => {
          const r = await judgeText(engine, judge, system, pairText(p), p.id, { subject: 'response', stage, settings });
          out[i] = r.scores ? { values: { ...r.scores }, judge_config: r.fingerprint } : undefined;
        },
        { label: 'evaluate' },
      );
      return out;
    },
  };
}

export function classifierEvaluator(model: ClassifierFile, embedder: Embedder | undefined, file = 'classifier'): ValueEvaluator {
  return {
    name: `classifier:${file}`,
    async evaluate(pairs) {
      return (await predictWithClassifier(model, pairs, embedder)).map((p) => ({ values: p.values, expected: p.expected }));
    },
  };
}

/**
 * Mean of the judge's scores and the classifier's expected labels per value (weight `judgeWeight`
 * on the judge). Where the judge failed, the classifier's vector stands alone.
 */
export function ensembleEvaluator(judge: ValueEvaluator, classifier: { model: ClassifierFile; embedder: Embedder | undefined }, judgeWeight = 0.5): ValueEvaluator {
  return {
    name: `ensemble(${judge.name}, classifier)`,
    async evaluate(pairs) {
      const [j, c] = [await judge.evaluate(pairs), await predictWithClassifier(classifier.model, pairs, classifier.embedder)];
      return pairs.map((_, i) => {
        const jv = j[i];
        const cv = c[i]!.expected;
        const values = Object.fromEntries(Object.keys(cv).map((k) => [k, jv ? judgeWeight * (jv.values[k] ?? 0) + (1 - judgeWeight) * cv[k]! : cv[k]!]));
        return { values, ...(jv?.judge_config ? { judge_config: jv.judge_config } : {}) };
      });
    },
  };
}

export interface ValueMetrics {
  accuracy: number;
  macro_f1: number;
  kappa: number | null;
  confusion: { labels: number[]; matrix: number[][] };
}

export interface EvaluationReport {
  evaluator: string;
  system: string;
  pairs: number;
  failed: number;
  per_value?: Record<string, ValueMetrics>;
  exact_match?: number;
  mae?: number;
}

/** Real-valued scores become labels by rounding (|score| >= 0.5 is a stance). */
export function toLabel(x: number): number {
  return x >= 0.5 ? 1 : x <= -0.5 ? -1 : 0;
}

export function scoreAgainstLabels(results: readonly EvaluatedPair[], values: readonly string[]): Pick<EvaluationReport, 'per_value' | 'exact_match' | 'mae'> {
  const labeled = results.filter((r) => r.labels);
  if (labeled.length === 0) return {};
  const per_value: Record<string, ValueMetrics> = {};
  for (const v of values) {
    const rep = classificationReport(labeled.map((r) => toLabel(r.labels![v] ?? 0)), labeled.map((r) => toLabel(r.values[v] ?? 0)));
    per_value[v] = { accuracy: rep.accuracy, macro_f1: rep.macroF1, kappa: rep.kappa ?? null, confusion: { labels: rep.confusion.labels, matrix: rep.confusion.matrix } };
  }
  return {
    per_value,
    exact_match: exactMatch(labeled.map((r) => values.map((v) => toLabel(r.labels![v] ?? 0))), labeled.map((r) => values.map((v) => toLabel(r.values[v] ?? 0)))),
    mae: meanAbsoluteError(labeled.flatMap((r) => values.map((v) => r.labels![v] ?? 0)), labeled.flatMap((r) => values.map((v) => r.values[v] ?? 0))),
  };
}

/**
 * Evaluate pairs in batches (so results stream out through `onResult` and a killed run keeps what
 * was written), then score against labels where present.
 */
export async function evaluatePairs(
  pairs: readonly ValuePair[],
  evaluator: ValueEvaluator,
  system: ValueSystem,
  opts: { batch?: number; onResult?: (p: EvaluatedPair) => void; /** Score against labels (default true). */ score?: boolean } = {},
): Promise<{ results: EvaluatedPair[]; report: EvaluationReport }> {
  const results: EvaluatedPair[] = [];
  let failed = 0;
  const size = opts.batch ?? 64;
  for (let at = 0; at < pairs.length; at += size) {
    const batch = pairs.slice(at, at + size);
    const out = await evaluator.evaluate(batch);
    batch.forEach((pair, i) => {
      const r = out[i];
      if (!r) {
        failed++;
        return;
      }
      const { values: labels, ...rest } = pair;
      const e: EvaluatedPair = { ...rest, ...(labels ? { labels } : {}), ...r, evaluator: evaluator.name };
      results.push(e);
      opts.onResult?.(e);
    });
  }
  const ids = system.dimensions.map((d) => d.id);
  return { results, report: { evaluator: evaluator.name, system: system.name, pairs: pairs.length, failed, ...(opts.score === false ? {} : scoreAgainstLabels(results, ids)) } };
}

/** An engine for one judge model given inline (`--model provider/id`), on its own run database. */
export function judgeEngine(judge: ModelConfigInput, store: RunStore, progress = false, factories?: ProviderFactories): { engine: Engine; judgeName: string } {
  const model = modelConfigSchema.parse(judge);
  return { engine: new Engine({ models: [model], store, progress, ...(factories ? { factories } : {}) }), judgeName: model.name };
}

/** A trained classifier file (valuelex train-evaluator), checked. */
export function loadClassifierFile(file: string): ClassifierFile {
  if (!existsSync(file)) throw new InputError(`${file}: no such classifier file (train one with valuelex train-evaluator)`);
  return parseClassifier(readFileSync(file, 'utf8'), file);
}
