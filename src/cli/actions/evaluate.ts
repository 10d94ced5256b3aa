/**
 * `valuelex evaluate`, `train-evaluator` and `value-profiles`: flags in, src/evaluation's
 * file-level functions, results printed.
 */
import { InputError } from '../../core/errors.js';
import type { ValueAnalysis } from '../../evaluation/analysis.js';
import type { ClassifierLearner, FeatureKind } from '../../evaluation/classifier.js';
import type { EvaluationReport } from '../../evaluation/evaluate.js';
import { evaluateFile, trainEvaluatorFromFile, valueProfilesOfFiles } from '../../evaluation/evaluate-file.js';
import { SIMULATED_PROVIDERS } from '../../sim/provider.js';
import { log, output, type GlobalOptions } from '../util.js';

function metricsTable(report: Pick<EvaluationReport, 'per_value' | 'exact_match' | 'mae'>): string[] {
  if (!report.per_value) return [];
  const lines = ['value            accuracy  macro-F1  kappa'];
  for (const [k, m] of Object.entries(report.per_value)) lines.push(`${k.padEnd(16)} ${m.accuracy.toFixed(3).padStart(8)}  ${m.macro_f1.toFixed(3).padStart(8)}  ${m.kappa === null ? '   NA' : m.kappa.toFixed(3).padStart(5)}`);
  lines.push(`exact match ${report.exact_match?.toFixed(3)}; mean absolute error ${report.mae?.toFixed(3)}`);
  return lines;
}

function analysisLines(a: ValueAnalysis): string[] {
  const ci = (lo: number | null, hi: number | null): string => (lo === null || hi === null ? '[no interval]' : `[${lo.toFixed(2)}, ${hi.toFixed(2)}]`);
  const lines = [a.design, `value profiles of ${a.pairs} pairs on ${a.prompts} prompts (mean [95% CI over prompts], share opposing):`];
  for (const p of a.profiles) lines.push(`  ${p.source.padEnd(36)} ${p.value.padEnd(15)} ${p.mean.toFixed(2).padStart(5)} ${ci(p.ci_low, p.ci_high)}  opposes ${(100 * p.opposes).toFixed(1)}%`);
  const found = (a.comparisons ?? []).filter((c) => c.p_adjusted !== null && c.p_adjusted < 0.05);
  if (a.comparisons?.length) {
    lines.push(`source comparisons (unit: prompts; ${a.comparison_family?.family_size ?? 0} tests, ${a.comparison_family?.method ?? 'holm'}): ${found.length} significant`);
    for (const c of found) lines.push(`  ${c.a} vs ${c.b} ${c.value.padEnd(15)} diff=${c.diff.toFixed(2).padStart(5)} ${c.design} on ${c.n_prompts} prompts  p=${c.p_adjusted!.toExponential(1)}`);
  }
  if (a.separation) {
    lines.push('values separating risky prompts from the others (prompt means; Cohen d, Holm p):');
    for (const s of a.separation) lines.push(`  ${s.value.padEnd(15)} d=${s.d.toFixed(2).padStart(5)}  p=${s.p_holm.toExponential(1)}  (${s.n_risky} vs ${s.n_other} prompts)`);
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

export async function evaluate(opts: EvaluateOptions): Promise<void> {
  const repeats = Number(opts.repeats);
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new InputError(`--repeats must be a positive integer, got "${opts.repeats}"`);
  const judgeWeight = Number(opts.judgeWeight);
  if (!(judgeWeight >= 0 && judgeWeight <= 1)) throw new InputError(`--judge-weight must be in [0, 1], got "${opts.judgeWeight}"`);
  const summary = await evaluateFile({
    input: opts.input,
    evaluator: opts.evaluator,
    ...(opts.model ? { model: opts.model } : {}),
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    ...(opts.apiKeyEnv ? { apiKeyEnv: opts.apiKeyEnv } : {}),
    ...(opts.classifier ? { classifier: opts.classifier } : {}),
    ...(opts.embeddingBaseUrl ? { embeddingBaseUrl: opts.embeddingBaseUrl } : {}),
    ...(opts.embeddingApiKeyEnv ? { embeddingApiKeyEnv: opts.embeddingApiKeyEnv } : {}),
    judgeWeight,
    repeats,
    allowJudgeChange: opts.allowJudgeChange ?? false,
    system: opts.system,
    ...(opts.source ? { source: opts.source } : {}),
    out: opts.out,
    store: opts.store,
    progress: !opts.json,
    log,
    factories: SIMULATED_PROVIDERS,
  });
  output(opts, summary, () =>
    [
      `evaluated ${summary.evaluated_now} pairs with ${summary.evaluator} on ${summary.system} (${summary.skipped_already_done} already in ${opts.out}; ${summary.failed} failed)`,
      ...metricsTable(summary),
      `value analysis saved to ${summary.store} (valuelex report ${summary.store})`,
    ].join('\n'),
  );
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
  /** false with --no-tune. */
  tune: boolean;
  l2?: string;
}

export async function trainEvaluator(opts: TrainOptions): Promise<void> {
  if (!['combined', 'embedding', 'bow'].includes(opts.features)) throw new InputError(`--features: expected combined, embedding or bow, got "${opts.features}"`);
  if (!['logistic', 'mlp'].includes(opts.learner)) throw new InputError(`--learner: expected logistic or mlp, got "${opts.learner}"`);
  if (opts.learner === 'mlp' && opts.features !== 'embedding') throw new InputError('--learner mlp needs --features embedding');
  const l2 = opts.l2 === undefined ? undefined : Number(opts.l2);
  if (l2 !== undefined && !(l2 >= 0)) throw new InputError(`--l2 must be a number >= 0, got "${opts.l2}"`);
  if (!opts.out && !opts.cv) throw new InputError('train-evaluator needs --out <model.json>, --cv <k>, or both');
  const cv = opts.cv === undefined ? undefined : Number(opts.cv);
  if (cv !== undefined && !(Number.isInteger(cv) && cv >= 2)) throw new InputError(`--cv must be an integer >= 2, got "${opts.cv}"`);
  const result = await trainEvaluatorFromFile({
    train: opts.train,
    ...(opts.test ? { test: opts.test } : {}),
    ...(opts.out ? { out: opts.out } : {}),
    features: opts.features as FeatureKind,
    learner: opts.learner as ClassifierLearner,
    ...(l2 !== undefined ? { l2 } : {}),
    ...(opts.tune ? {} : { tune: false }),
    embedding: opts.embedding,
    ...(opts.embeddingBaseUrl ? { embeddingBaseUrl: opts.embeddingBaseUrl } : {}),
    ...(opts.embeddingApiKeyEnv ? { embeddingApiKeyEnv: opts.embeddingApiKeyEnv } : {}),
    ...(cv !== undefined ? { cv } : {}),
    seed: Number(opts.seed),
    log,
  });
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
}

export async function valueProfiles(opts: GlobalOptions & { input: string[]; store?: string }): Promise<void> {
  const analysis = await valueProfilesOfFiles(opts.input, { ...(opts.store ? { store: opts.store } : {}), log });
  output(opts, analysis, () => analysisLines(analysis).join('\n'));
}
