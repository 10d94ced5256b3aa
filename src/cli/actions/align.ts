/** `valuelex align`: flags in, src/evaluation/align-file.ts, the summary printed (held-out gain first). */
import { InputError } from '../../core/errors.js';
import { ALIGN_STRATEGIES, type AlignObjective, type AlignStrategy, type GainSummary } from '../../evaluation/align.js';
import { alignFile } from '../../evaluation/align-file.js';
import { PAIRS_FORMATS, type PairsFormat } from '../../evaluation/align-pairs.js';
import { TARGET_ORDERS, type TargetOrder } from '../../evaluation/align-target.js';
import type { RefusalPolicy } from '../../evaluation/answer-kind.js';
import { ALIGN_OBJECTIVES } from '../../evaluation/distance.js';
import { SIMULATED_PROVIDERS } from '../../sim/provider.js';
import { log, output, type GlobalOptions } from '../util.js';

interface AlignCliOptions extends GlobalOptions {
  input: string;
  target?: string;
  order?: string;
  targetFrom?: string;
  model: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  strategy: string;
  n: string;
  rounds: string;
  objective: string;
  metric?: string;
  fulcraConfidence: string;
  evaluator: string;
  judge?: string;
  judgeBaseUrl?: string;
  judgeApiKeyEnv?: string;
  measureWith?: string;
  measureBaseUrl?: string;
  measureApiKeyEnv?: string;
  measureRepeats: string;
  allowSelfJudge?: boolean;
  refusals: string;
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

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new InputError(`--${flag}: expected ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const gain = (g: GainSummary): string => `${fmt(g.mean)} [95% CI ${fmt(g.ci_low)}, ${fmt(g.ci_high)}] over ${g.n} prompts`;

export async function align(opts: AlignCliOptions): Promise<void> {
  const strategy = oneOf<AlignStrategy>('strategy', opts.strategy, ALIGN_STRATEGIES);
  if (opts.metric !== undefined && opts.objective !== 'l2' && opts.metric !== opts.objective) throw new InputError(`--metric ${opts.metric} and --objective ${opts.objective} disagree; give one`);
  const objective = opts.metric !== undefined ? oneOf<AlignObjective>('metric', opts.metric, ALIGN_OBJECTIVES) : oneOf<AlignObjective>('objective', opts.objective, ALIGN_OBJECTIVES);
  const format = oneOf<PairsFormat>('pairs-format', opts.pairsFormat, PAIRS_FORMATS);
  const order = opts.order === undefined ? undefined : oneOf<TargetOrder>('order', opts.order, Object.keys(TARGET_ORDERS) as TargetOrder[]);
  const refusals = oneOf<RefusalPolicy>('refusals', opts.refusals, ['avoid', 'allow']);
  if (!opts.target === !opts.targetFrom) throw new InputError('give exactly one of --target and --target-from');
  const margin = Number(opts.margin);
  if (!(margin >= 0)) throw new InputError(`--margin must be a number >= 0, got "${opts.margin}"`);
  const temperature = Number(opts.temperature);
  if (!(temperature >= 0 && temperature <= 2)) throw new InputError(`--temperature must be in [0, 2], got "${opts.temperature}"`);
  const fulcraConfidence = Number(opts.fulcraConfidence);
  if (!(fulcraConfidence >= 0 && fulcraConfidence < 1)) throw new InputError(`--fulcra-confidence must be in [0, 1), got "${opts.fulcraConfidence}"`);
  const summary = await alignFile({
    input: opts.input,
    ...(opts.target ? { target: opts.target } : {}),
    ...(order ? { order } : {}),
    ...(opts.targetFrom ? { targetFrom: opts.targetFrom } : {}),
    model: opts.model,
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    ...(opts.apiKeyEnv ? { apiKeyEnv: opts.apiKeyEnv } : {}),
    strategy,
    n: positiveInt('n', opts.n),
    rounds: positiveInt('rounds', opts.rounds),
    objective,
    fulcraConfidence,
    evaluator: opts.evaluator,
    ...(opts.judge ? { judge: opts.judge } : {}),
    ...(opts.judgeBaseUrl ? { judgeBaseUrl: opts.judgeBaseUrl } : {}),
    ...(opts.judgeApiKeyEnv ? { judgeApiKeyEnv: opts.judgeApiKeyEnv } : {}),
    ...(opts.measureWith ? { measureWith: opts.measureWith } : {}),
    ...(opts.measureBaseUrl ? { measureBaseUrl: opts.measureBaseUrl } : {}),
    ...(opts.measureApiKeyEnv ? { measureApiKeyEnv: opts.measureApiKeyEnv } : {}),
    measureRepeats: positiveInt('measure-repeats', opts.measureRepeats),
    allowSelfJudge: opts.allowSelfJudge === true,
    refusals,
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
  const s = summary;
  // Gains are loss before - after; under `fulcra` the loss is minus the reward, so say it as reward.
  const fulcra = s.objective === 'fulcra';
  const unit = fulcra ? 'FULCRA reward after - before' : `${s.objective} distance before - after`;
  const level = (x: number): string => fmt(fulcra ? -x : x);
  const what = fulcra ? 'FULCRA reward' : `${s.objective} distance`;
  output(opts, summary, () =>
    [
      ...(s.simulated ? ['SIMULATED: built-in simulated models took part; these numbers test the method and say nothing about real models'] : []),
      ...(s.self_judged ? [`SELF-JUDGED: ${s.model} judged its own answers (--allow-self-judge); treat every number below with that in mind`] : []),
      `${s.strategy} on ${s.model}: ${s.measured} of ${s.prompts} prompts measured by ${s.measurement.evaluator}${s.measurement.independent ? '' : ' (fresh calls of the selecting judge, not independent)'}; selected by ${s.evaluator}`,
      `held-out gain (${unit}; positive = closer to the target): ${gain(s.gain_held_out)}`,
      `selection-time gain (the selecting evaluator's own scores${s.strategy === 'system-prompt' ? '' : '; biased upward by choosing on them'}): ${gain(s.gain_selection)}`,
      `mean ${what} held out: before ${level(s.mean_before)}, after ${level(s.mean_after)}; stance agreement ${fmt(s.agreement_before)} -> ${fmt(s.agreement_after)}`,
      `refusals: ${(100 * s.refusal_share_before).toFixed(0)}% of plain answers, ${(100 * s.refusal_share_after).toFixed(0)}% of delivered answers (${s.refusals === 'allow' ? 'refusals allowed' : 'never chosen over a substantive answer'}); ${s.excluded_candidates} candidates excluded as saying nothing, ${s.fallbacks} prompts kept the plain answer`,
      `cost: ${s.cost.requests} requests, ${s.cost.input_tokens} input and ${s.cost.output_tokens} output tokens`,
      ...(s.pairs_file ? [`${s.pairs_exported} preference pairs (${s.pairs_format}) written to ${s.pairs_file}; ${s.pairs_dropped_held_out} dropped (held-out margin <= 0), ${s.pairs_dropped_unmeasured} unmeasured`] : []),
    ].join('\n'),
  );
}
