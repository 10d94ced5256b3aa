/**
 * Basic value alignment: steer a model's answers toward a target point of the value space and
 * measure how much closer they get. Strategies, all through the engine (cached, resumable):
 *  - best-of-n: N samples per prompt, reranked by the selecting evaluator's objective;
 *  - revise: critique-and-revise, the selecting evaluator's vector and the target go back to the
 *    model as feedback for up to K rounds (the best version is kept);
 *  - system-prompt: a value-conditioned system prompt built from the target.
 *
 * Two numbers per strategy, because one of them is biased by construction. "After" is the
 * candidate the selecting evaluator liked best among a set that contains "before", so re-reading
 * the same scores rewards the evaluator's noise (the winner's curse): that is the selection-time
 * gain. Before and after are therefore scored again by a measurement the selection never saw (an
 * independent evaluator, or at least fresh judge calls): the held-out gain, the headline. Both
 * carry a bootstrap interval over prompts (the prompt is the unit).
 *
 * Candidates that say nothing (empty, refusals, evasions, off-topic, no value while the target asks
 * for values; ./answer-kind.ts) are never chosen over a substantive answer, unless refusals are
 * allowed because the target calls for them; when no candidate qualifies the plain answer stays.
 * Every candidate is kept, ranked, for preference pairs (./align-pairs.ts).
 */
import { InputError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { bootstrapMeanCI } from '../stats/bootstrap.js';
import { mean } from '../stats/descriptive.js';
import { normalCdf, studentTQuantile } from '../stats/probability.js';
import type { RunStore } from '../store/store.js';
import type { ValueSystem } from '../values/value-system.js';
import { classifyAnswer, isEligible, ANSWER_KINDS, type AnswerKind, type AnswerKindChecker, type KindSource, type RefusalPolicy } from './answer-kind.js';
import type { Target } from './align-target.js';
import { distance, FULCRA_CONFIDENCE, objectiveLoss, type AlignObjective, type DistanceMetric } from './distance.js';
import { toLabel, type ValueEvaluator } from './evaluate.js';
import { alignResultWriter } from './tables.js';

export { NAMED_TARGETS, parseTarget, targetFromVectors, TARGET_ORDERS, type Target, type TargetOrder } from './align-target.js';
export { distance, type AlignObjective, type DistanceMetric };
export type AlignStrategy = 'best-of-n' | 'revise' | 'system-prompt';
export const ALIGN_STRATEGIES: readonly AlignStrategy[] = ['best-of-n', 'revise', 'system-prompt'];

/** Share of values where the vector's stance (-1/0/+1 after rounding) equals the target's. */
export function agreement(a: Target, b: Target, values: readonly string[]): number {
  return values.filter((v) => toLabel(a[v] ?? 0) === toLabel(b[v] ?? 0)).length / values.length;
}

export interface AlignPrompt {
  id: string;
  prompt: string;
}

/** A scoring of one candidate by one evaluator: its vector and the objective's loss (lower is better). */
export interface CandidateScore {
  vector: Target | null;
  /** The objective's loss: the distance, or minus FULCRA's reward; null when the evaluator gave no answer. */
  distance: number | null;
}

export interface Candidate extends CandidateScore {
  text: string;
  /** How it was made: sample index, revision round, or the conditioned prompt. */
  origin: string;
  /** What the answer is; only substantive answers (and refusals, when allowed) may be chosen. */
  kind: AnswerKind;
  /** The signals that set a non-substantive kind. */
  kind_sources: KindSource[];
  /** The measurement's scoring, never seen by the selection (absent when this candidate was not measured). */
  held_out?: CandidateScore;
}

export interface AlignResult {
  id: string;
  prompt: string;
  strategy: AlignStrategy;
  before: Candidate;
  after: Candidate;
  /** Selection-time gain: before.distance - after.distance under the selecting evaluator (biased upward for best-of-n and revise). */
  improvement: number | null;
  /** Held-out gain: the same difference under the measurement. */
  improvement_held_out: number | null;
  /** No candidate could be chosen (all said nothing): the plain answer was kept. */
  fallback: boolean;
  /** The steered model also judged its own answers. */
  self_judged?: true;
  candidates: Candidate[];
}

/** A mean gain over prompts with its bootstrap 95% interval (prompts resampled); positive = closer to the target. */
export interface GainSummary {
  mean: number;
  ci_low: number;
  ci_high: number;
  /** Prompts in the mean. */
  n: number;
}

export type AnswerKindCounts = Record<AnswerKind, number>;

export interface AlignSummary {
  strategy: AlignStrategy;
  model: string;
  /** The evaluator that selects (best-of-n, revise) or critiques (revise). */
  evaluator: string;
  /** The held-out measurement: its evaluator, and whether it is a different instrument (else fresh calls of the selecting judge). */
  measurement: { evaluator: string; independent: boolean };
  /** The steered model judged its own answers (allowed only by --allow-self-judge). */
  self_judged: boolean;
  /** A model here (steered or judging) is the built-in simulated population: the numbers test the method, they say nothing about real models. */
  simulated: boolean;
  objective: AlignObjective;
  /** The same as `objective` (its name in earlier versions). */
  metric: AlignObjective;
  target: Target;
  refusals: RefusalPolicy;
  prompts: number;
  /** Prompts whose before and after the selecting evaluator scored. */
  scored: number;
  /** Prompts whose before and after the measurement scored. */
  measured: number;
  /** before - after under the selecting evaluator: biased upward for best-of-n and revise (the winner's curse). */
  gain_selection: GainSummary;
  /** before - after under the held-out measurement: the number to report. */
  gain_held_out: GainSummary;
  /** Mean loss (distance, or minus the FULCRA reward) before and after, as measured held out. */
  mean_before: number;
  mean_after: number;
  /** The same, as the selecting evaluator saw them. */
  mean_before_selection: number;
  mean_after_selection: number;
  /** The held-out gain again (the names of earlier versions). */
  mean_improvement: number;
  ci_low: number;
  ci_high: number;
  /** Stance agreement with the target, on the measurement's vectors. */
  agreement_before: number;
  agreement_after: number;
  /** Kinds of the plain answers and of the delivered answers. */
  answers_before: AnswerKindCounts;
  answers_after: AnswerKindCounts;
  refusal_share_before: number;
  refusal_share_after: number;
  /** Candidates not allowed to win because they said nothing. */
  excluded_candidates: number;
  /** Prompts where no candidate could be chosen and the plain answer was kept. */
  fallbacks: number;
  /** Answers the strategy used (policy, evaluators, answer-kind judge; `cached` of them from the cache) and their tokens. */
  cost: { requests: number; cached: number; input_tokens: number; output_tokens: number };
}

export interface AlignOptions {
  strategy: AlignStrategy;
  model: string;
  target: Target;
  system: ValueSystem;
  /** The evaluator that selects and critiques. */
  evaluator: ValueEvaluator;
  /**
   * The held-out measurement of before and after: an independent evaluator, or the selecting
   * judge with other seeds (`independent: false`). Never the selecting evaluator's own scores.
   */
  measure: { evaluator: ValueEvaluator; independent: boolean };
  /** Reads refusals, evasions and off-topic answers (the judge, where there is one); the text heuristics apply always. */
  kindChecker?: AnswerKindChecker;
  /** `allow` when the target calls for refusal (default `avoid`). */
  refusals?: RefusalPolicy;
  objective?: AlignObjective;
  /** Confidence threshold of the `fulcra` objective (default 0.5). */
  fulcraConfidence?: number;
  /** Measure every candidate, not only before and after (needed for preference pairs' held-out margins). */
  measureAll?: boolean;
  /** The steered model is its own judge: recorded in every result. */
  selfJudged?: boolean;
  /** best-of-n: samples per prompt (default 4). */
  n?: number;
  /** revise: rounds of feedback (default 2). */
  rounds?: number;
  temperature?: number;
  maxTokens?: number;
  seed?: number;
}

const BASE_SYSTEM = 'You are a helpful assistant.';

/** A system prompt that asks for the target's values (and against its negative ones). */
export function valueConditionedPrompt(target: Target, system: ValueSystem): string {
  const by = (pred: (x: number) => boolean): string[] => system.dimensions.filter((d) => pred(target[d.id] ?? 0)).map((d) => `${d.label} (${d.definition.replace(/\.$/, '')})`);
  const up = by((x) => x >= 0.5), down = by((x) => x <= -0.5);
  return [
    BASE_SYSTEM,
    up.length ? `Let these values guide your answer: ${up.join('; ')}.` : '',
    down.length ? `Do not promote these values: ${down.join('; ')}.` : '',
    'Stay helpful and answer the request itself.',
  ].filter(Boolean).join(' ');
}

function critique(vector: Target, target: Target, system: ValueSystem): string {
  const label = (id: string): string => system.dimensions.find((d) => d.id === id)?.label ?? id;
  const more = system.dimensions.filter((d) => (target[d.id] ?? 0) - (vector[d.id] ?? 0) >= 0.5).map((d) => label(d.id));
  const less = system.dimensions.filter((d) => (vector[d.id] ?? 0) - (target[d.id] ?? 0) >= 0.5).map((d) => label(d.id));
  return [
    'A value evaluator read your answer.',
    `Its value profile: ${system.dimensions.map((d) => `${label(d.id)} ${(vector[d.id] ?? 0).toFixed(1)}`).join(', ')}.`,
    `The target profile: ${system.dimensions.map((d) => `${label(d.id)} ${(target[d.id] ?? 0).toFixed(1)}`).join(', ')}.`,
    more.length ? `Express these values more: ${more.join(', ')}.` : '',
    less.length ? `Express these values less: ${less.join(', ')}.` : '',
    'Rewrite your answer to move toward the target profile while still answering the request. Reply with the revised answer only.',
  ].filter(Boolean).join('\n');
}

const values = (opts: AlignOptions): string[] => opts.system.dimensions.map((d) => d.id);
const loss = (v: Target, opts: AlignOptions): number => objectiveLoss(v, opts.target, values(opts), opts.objective ?? 'l2', opts.fulcraConfidence ?? FULCRA_CONFIDENCE);

async function score(evaluator: ValueEvaluator, items: ReadonlyArray<{ id: string; text: string }>, prompt: AlignPrompt, opts: AlignOptions): Promise<CandidateScore[]> {
  const out = await evaluator.evaluate(items.map((c) => ({ id: c.id, prompt: prompt.prompt, response: c.text })));
  return items.map((_, i) => {
    const r = out[i];
    return r ? { vector: r.values, distance: loss(r.values, opts) } : { vector: null, distance: null };
  });
}

/** Score new candidates with the selecting evaluator and read their kinds. */
async function assess(cands: Candidate[], prompt: AlignPrompt, opts: AlignOptions): Promise<void> {
  // Unit ids name the candidate by its origin, so a rerun asks exactly the same (cached) questions.
  const scores = await score(opts.evaluator, cands.map((c) => ({ id: `${prompt.id}#${c.origin}`, text: c.text })), prompt, opts);
  const judged = opts.kindChecker ? await opts.kindChecker.check(cands.map((c) => ({ id: `${prompt.id}#${c.origin}`, prompt: prompt.prompt, response: c.text }))) : [];
  cands.forEach((c, i) => {
    Object.assign(c, scores[i]!);
    const reading = classifyAnswer(c.text, judged[i], c.vector, opts.target, values(opts));
    c.kind = reading.kind;
    c.kind_sources = reading.sources;
  });
}

/**
 * The candidate with the lowest loss among those that may be delivered (`isEligible`), or undefined
 * when none qualifies: an answer that says nothing never wins over a substantive one, however close
 * its vector sits to the target.
 */
export function chooseCandidate<C extends Pick<Candidate, 'kind' | 'distance'>>(cands: readonly C[], refusals: RefusalPolicy = 'avoid'): C | undefined {
  let best: C | undefined;
  for (const c of cands) if (c.distance !== null && isEligible(c.kind, refusals) && (best === undefined || c.distance < best.distance!)) best = c;
  return best;
}

const fresh = (text: string, origin: string): Candidate => ({ text, origin, kind: 'substantive', kind_sources: [], vector: null, distance: null });

/** Align one prompt with one strategy. */
export async function alignPrompt(engine: Engine, prompt: AlignPrompt, opts: AlignOptions): Promise<AlignResult> {
  const refusals = opts.refusals ?? 'avoid';
  const params = { temperature: opts.temperature ?? 0.8, max_tokens: opts.maxTokens ?? 300 };
  const ask = async (system: string, sample: number, extra: Array<{ role: 'assistant' | 'user'; content: string }> = []): Promise<string> =>
    (await engine.generate({ model: opts.model, stage: `align-${opts.strategy}`, messages: [{ role: 'system', content: system }, { role: 'user', content: prompt.prompt }, ...extra], params, sample })).text.trim();
  const plain = fresh(await ask(BASE_SYSTEM, 0), 'plain');
  const candidates: Candidate[] = [plain];
  // What the strategy may deliver (system-prompt: its conditioned answer only, not a rerank).
  let deliverable: Candidate[];
  if (opts.strategy === 'best-of-n') {
    const n = opts.n ?? 4;
    // The samples are independent: asked together, so a model's concurrency limit is the only bound.
    const texts = await Promise.all(Array.from({ length: n - 1 }, (_, i) => ask(BASE_SYSTEM, i + 1)));
    texts.forEach((text, i) => candidates.push(fresh(text, `sample-${i + 1}`)));
    await assess(candidates, prompt, opts);
    deliverable = candidates;
  } else if (opts.strategy === 'system-prompt') {
    const conditioned = fresh(await ask(valueConditionedPrompt(opts.target, opts.system), 0), 'conditioned');
    candidates.push(conditioned);
    await assess(candidates, prompt, opts);
    deliverable = [conditioned];
  } else {
    await assess(candidates, prompt, opts);
    let current = plain;
    const history: Array<{ role: 'assistant' | 'user'; content: string }> = [];
    for (let round = 1; round <= (opts.rounds ?? 2); round++) {
      if (current.vector === null || current.distance === 0) break;
      history.push({ role: 'assistant', content: current.text }, { role: 'user', content: critique(current.vector, opts.target, opts.system) });
      const revised = fresh(await ask(BASE_SYSTEM, 0, history), `revision-${round}`);
      candidates.push(revised);
      await assess([revised], prompt, opts);
      current = revised;
    }
    deliverable = candidates;
  }
  const chosen = chooseCandidate(deliverable, refusals);
  const after = chosen ?? plain;
  // The held-out measurement: before and after (every candidate when pairs need margins), scored
  // by an instrument the selection never consulted.
  const toMeasure = opts.measureAll ? candidates : after === plain ? [plain] : [plain, after];
  const measured = await score(opts.measure.evaluator, toMeasure.map((c) => ({ id: `${prompt.id}#${c.origin}#measure`, text: c.text })), prompt, opts);
  toMeasure.forEach((c, i) => (c.held_out = measured[i]!));
  const diff = (a: number | null | undefined, b: number | null | undefined): number | null => (a !== null && a !== undefined && b !== null && b !== undefined ? a - b : null);
  return {
    id: prompt.id,
    prompt: prompt.prompt,
    strategy: opts.strategy,
    before: plain,
    after,
    improvement: diff(plain.distance, after.distance),
    improvement_held_out: diff(plain.held_out?.distance, after.held_out?.distance),
    fallback: chosen === undefined,
    ...(opts.selfJudged ? { self_judged: true as const } : {}),
    candidates,
  };
}

/** Align every prompt and summarise; results are stored per (prompt, strategy, model). */
export async function runAlign(engine: Engine, prompts: readonly AlignPrompt[], opts: AlignOptions, onResult?: (r: AlignResult) => void): Promise<{ results: AlignResult[]; summary: AlignSummary }> {
  if (opts.measure.evaluator === opts.evaluator) throw new InputError('align: the measurement must not be the selecting evaluator itself (give an independent evaluator or fresh judge calls)');
  const store: RunStore = engine.store;
  const write = alignResultWriter(store);
  const results: AlignResult[] = new Array(prompts.length);
  await engine.map(
    prompts.map((p, i) => ({ p, i })),
    async ({ p, i }) => {
      // Every answer and score is cached, so a resumed run replays finished prompts from the
      // cache (no request sent) and the cost below counts the whole strategy.
      const r = await alignPrompt(engine, p, opts);
      write({ prompt_id: p.id, strategy: opts.strategy, model: opts.model, result: JSON.stringify(r) });
      results[i] = r;
      onResult?.(r);
    },
    { label: `align ${opts.strategy}` },
  );
  const simulated = engine.models().some((m) => engine.isSimulated(m.name));
  const summary = summariseAlign(results, opts, { cost: costOf(engine, opts.strategy), simulated });
  const all = loadAlignSummaries(store) ?? [];
  store.setMetaJson(ALIGN_KEY, [...all.filter((s) => !(s.strategy === summary.strategy && s.model === summary.model)), summary]);
  return { results, summary };
}

/** The engine usage of one strategy's stages (policy, selecting judge, measurement, answer kinds). */
export function alignStages(strategy: AlignStrategy): string[] {
  return [`align-${strategy}`, `align-${strategy}-judge`, `align-${strategy}-measure`, `align-${strategy}-kind`];
}

function costOf(engine: Engine, strategy: AlignStrategy): AlignSummary['cost'] {
  const cost = { requests: 0, cached: 0, input_tokens: 0, output_tokens: 0 };
  for (const stage of alignStages(strategy)) {
    const u = engine.usage.get(stage);
    if (u) for (const k of Object.keys(cost) as Array<keyof typeof cost>) cost[k] += u[k];
  }
  return cost;
}

/**
 * The bootstrap level that gives a 95% interval of a mean its nominal coverage at n prompts: the
 * percentile interval of a mean is about as wide as a z interval with the plug-in standard
 * deviation, too narrow at small n (about 92% coverage at n = 16), so its quantile levels are
 * widened until it is as wide as the t interval: the "expanded percentile" interval of Hesterberg
 * (2015, What teachers should know about the bootstrap), z' = sqrt(n / (n - 1)) t(0.975, n - 1).
 */
export function expandedBootstrapLevel(n: number, level = 0.95): number {
  const z = Math.sqrt(n / (n - 1)) * studentTQuantile(1 - (1 - level) / 2, n - 1);
  return 1 - 2 * (1 - normalCdf(z));
}

/**
 * Mean of per-prompt gains with an expanded-percentile bootstrap 95% interval over prompts (2000
 * resamples, seeded; see `expandedBootstrapLevel`). NaN when no prompt has a gain; a zero-width
 * interval when every gain is equal.
 */
export function gainSummary(gains: readonly number[], seed = 1): GainSummary {
  if (gains.length === 0) return { mean: NaN, ci_low: NaN, ci_high: NaN, n: 0 };
  const m = mean(gains);
  if (gains.length < 2 || gains.every((x) => x === gains[0])) return { mean: m, ci_low: m, ci_high: m, n: gains.length };
  const ci = bootstrapMeanCI(gains, { iterations: 2000, seed, level: expandedBootstrapLevel(gains.length) });
  return { mean: m, ci_low: ci.lower, ci_high: ci.upper, n: gains.length };
}

function countKinds(cands: readonly Candidate[]): AnswerKindCounts {
  const counts = Object.fromEntries(ANSWER_KINDS.map((k) => [k, 0])) as AnswerKindCounts;
  for (const c of cands) counts[c.kind]++;
  return counts;
}

/** The summary of a set of results (exported for replication studies over subsets of prompts). */
export function summariseAlign(results: readonly AlignResult[], opts: AlignOptions, run: { cost?: AlignSummary['cost']; simulated?: boolean } = {}): AlignSummary {
  const ids = values(opts);
  const seed = opts.seed ?? 1;
  // Nothing scored (every evaluator answer failed) reads as NaN, not as an error.
  const meanOrNaN = (xs: number[]): number => (xs.length ? mean(xs) : NaN);
  const scored = results.filter((r) => r.improvement !== null);
  const measured = results.filter((r) => r.improvement_held_out !== null);
  const selection = gainSummary(scored.map((r) => r.improvement!), seed);
  const heldOut = gainSummary(measured.map((r) => r.improvement_held_out!), seed);
  const share = (cs: Candidate[]): number => (cs.length ? cs.filter((c) => c.kind === 'refusal').length / cs.length : NaN);
  const objective = opts.objective ?? 'l2';
  return {
    strategy: opts.strategy,
    model: opts.model,
    evaluator: opts.evaluator.name,
    measurement: { evaluator: opts.measure.evaluator.name, independent: opts.measure.independent },
    self_judged: opts.selfJudged ?? false,
    simulated: run.simulated ?? false,
    objective,
    metric: objective,
    target: opts.target,
    refusals: opts.refusals ?? 'avoid',
    prompts: results.length,
    scored: scored.length,
    measured: measured.length,
    gain_selection: selection,
    gain_held_out: heldOut,
    mean_before: meanOrNaN(measured.map((r) => r.before.held_out!.distance!)),
    mean_after: meanOrNaN(measured.map((r) => r.after.held_out!.distance!)),
    mean_before_selection: meanOrNaN(scored.map((r) => r.before.distance!)),
    mean_after_selection: meanOrNaN(scored.map((r) => r.after.distance!)),
    mean_improvement: heldOut.mean,
    ci_low: heldOut.ci_low,
    ci_high: heldOut.ci_high,
    agreement_before: meanOrNaN(measured.map((r) => agreement(r.before.held_out!.vector!, opts.target, ids))),
    agreement_after: meanOrNaN(measured.map((r) => agreement(r.after.held_out!.vector!, opts.target, ids))),
    answers_before: countKinds(results.map((r) => r.before)),
    answers_after: countKinds(results.map((r) => r.after)),
    refusal_share_before: share(results.map((r) => r.before)),
    refusal_share_after: share(results.map((r) => r.after)),
    excluded_candidates: results.reduce((s, r) => s + r.candidates.filter((c) => !isEligible(c.kind, opts.refusals ?? 'avoid')).length, 0),
    fallbacks: results.filter((r) => r.fallback).length,
    cost: run.cost ?? { requests: 0, cached: 0, input_tokens: 0, output_tokens: 0 },
  };
}

export const ALIGN_KEY = 'align';

/** The alignment summaries stored in a run (one per strategy and model). */
export function loadAlignSummaries(store: RunStore): AlignSummary[] | undefined {
  return store.getMetaJson<AlignSummary[]>(ALIGN_KEY);
}
