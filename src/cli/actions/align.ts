/** `valuelex align`: flags in, src/evaluation/align-file.ts, the summary printed. */
import { InputError } from '../../core/errors.js';
import type { AlignStrategy, DistanceMetric, PairsFormat } from '../../evaluation/align.js';
import { alignFile } from '../../evaluation/align-file.js';
import { SIMULATED_PROVIDERS } from '../../sim/provider.js';
import { log, output, type GlobalOptions } from '../util.js';

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

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= 1)) throw new InputError(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

export async function align(opts: AlignCliOptions): Promise<void> {
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
  const summary = await alignFile({
    input: opts.input,
    ...(opts.target ? { target: opts.target } : {}),
    ...(opts.targetFrom ? { targetFrom: opts.targetFrom } : {}),
    model: opts.model,
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    ...(opts.apiKeyEnv ? { apiKeyEnv: opts.apiKeyEnv } : {}),
    strategy,
    n: positiveInt('n', opts.n),
    rounds: positiveInt('rounds', opts.rounds),
    metric,
    evaluator: opts.evaluator,
    ...(opts.judge ? { judge: opts.judge } : {}),
    ...(opts.judgeBaseUrl ? { judgeBaseUrl: opts.judgeBaseUrl } : {}),
    ...(opts.judgeApiKeyEnv ? { judgeApiKeyEnv: opts.judgeApiKeyEnv } : {}),
    system: opts.system,
    temperature,
    store: opts.store,
    ...(opts.out ? { out: opts.out } : {}),
    ...(opts.exportPairs ? { exportPairs: opts.exportPairs } : {}),
    pairsFormat: format,
    margin,
    progress: !opts.json,
    log,
    factories: SIMULATED_PROVIDERS,
  });
  output(opts, summary, () =>
    [
      `${summary.strategy} on ${summary.model}: ${summary.scored} of ${summary.prompts} prompts scored by ${summary.evaluator}`,
      `mean ${summary.metric} distance to the target: before ${summary.mean_before.toFixed(3)}, after ${summary.mean_after.toFixed(3)}`,
      `mean improvement ${summary.mean_improvement.toFixed(3)} [95% CI ${summary.ci_low.toFixed(3)}, ${summary.ci_high.toFixed(3)}]; stance agreement ${summary.agreement_before.toFixed(2)} -> ${summary.agreement_after.toFixed(2)}`,
      `cost: ${summary.cost.requests} requests, ${summary.cost.input_tokens} input and ${summary.cost.output_tokens} output tokens`,
      ...(summary.pairs_file ? [`${summary.pairs_exported} preference pairs (${summary.pairs_format}) written to ${summary.pairs_file}`] : []),
    ].join('\n'),
  );
}
