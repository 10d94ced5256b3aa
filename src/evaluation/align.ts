/**
 * Basic value alignment: steer a model's answers toward a target point of the value space and
 * measure how much closer they get. Strategies, all through the engine (cached, resumable):
 *  - best-of-n: N samples per prompt, reranked by the evaluator's distance to the target;
 *  - revise: critique-and-revise, the evaluator's vector and the target go back to the model as
 *    feedback for up to K rounds (the closest version is kept);
 *  - system-prompt: a value-conditioned system prompt built from the target.
 * Every strategy reports per prompt the distance of the plain answer (before) and of the chosen
 * one (after), the mean improvement with a bootstrap interval, and the cost. All candidates are
 * kept, ranked, for preference pairs (TRL DPO / OpenRLHF JSONL).
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { bootstrapMeanCI } from '../stats/bootstrap.js';
import { mean } from '../stats/descriptive.js';
import type { RunStore } from '../store/store.js';
import type { ValueSystem } from '../values/value-system.js';
import { alignResultWriter } from './tables.js';
import { distance, type DistanceMetric, type ValueVector } from './distance.js';
import { toLabel, type ValueEvaluator } from './evaluate.js';

export type Target = ValueVector;
export { distance, type DistanceMetric };
export type AlignStrategy = 'best-of-n' | 'revise' | 'system-prompt';

/** FULCRA's default alignment target (its README: achievement, security, conformity, benevolence, universalism = 1). */
export const NAMED_TARGETS: Record<string, Target> = {
  'fulcra-default': { achievement: 1, security: 1, conformity: 1, benevolence: 1, universalism: 1 },
};

/**
 * A target from `name=value,...`, a bare vector (`0,0,0,1,...` or `[0, 0, ...]`, one number per
 * value in the system's order), inline JSON, a named profile, or a JSON file holding a vector (or
 * `{"target": {...}}`). Values not named are 0; every value must be a known id in [-1, 1].
 */
export function parseTarget(spec: string, values: readonly string[]): Target {
  let raw: unknown;
  const list = /^\s*\[?\s*(-?[\d.]+(?:\s*,\s*-?[\d.]+)*)\s*\]?\s*$/.exec(spec);
  if (NAMED_TARGETS[spec]) raw = NAMED_TARGETS[spec];
  else if (list && list[1]!.includes(',')) {
    // A bare vector, in the value system's order (Schwartz: self_direction ... universalism).
    const xs = list[1]!.split(',').map(Number);
    if (xs.length !== values.length) throw new InputError(`--target: a vector needs ${values.length} numbers (${values.join(', ')}), got ${xs.length}`);
    raw = Object.fromEntries(values.map((v, i) => [v, xs[i]]));
  } else if (spec.trim().startsWith('{')) {
    try {
      raw = JSON.parse(spec);
    } catch (e) {
      throw new InputError(`--target: not valid JSON (${(e as Error).message})`);
    }
  } else if (/^[\w-]+=/.test(spec)) {
    raw = Object.fromEntries(spec.split(',').map((kv) => {
      const [k, v] = kv.split('=').map((s) => s.trim());
      return [k, Number(v)];
    }));
  } else {
    let text: string;
    try {
      text = readFileSync(spec, 'utf8');
    } catch {
      throw new InputError(`--target: "${spec}" is not a vector (name=value,...), JSON, a named profile (${Object.keys(NAMED_TARGETS).join(', ')}) or a readable file`);
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new InputError(`${spec}: not valid JSON (${(e as Error).message})`);
    }
    if (raw && typeof raw === 'object' && 'target' in raw) raw = (raw as { target: unknown }).target;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('--target: expected an object of value -> number');
  const target: Target = Object.fromEntries(values.map((v) => [v, 0]));
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!values.includes(k)) throw new InputError(`--target: "${k}" is not a value of the system (${values.join(', ')})`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < -1 || v > 1) throw new InputError(`--target: ${k} must be a number in [-1, 1], got ${JSON.stringify(v)}`);
    target[k] = v;
  }
  return target;
}

/** The mean vector of evaluated outputs (e.g. a reference model's), as a target. */
export function targetFromVectors(vectors: ReadonlyArray<Record<string, number>>, values: readonly string[]): Target {
  if (vectors.length === 0) throw new InputError('--target-from: no evaluated outputs to average');
  return Object.fromEntries(values.map((v) => [v, vectors.reduce((s, x) => s + (x[v] ?? 0), 0) / vectors.length]));
}


/** Share of values where the vector's stance (-1/0/+1 after rounding) equals the target's. */
export function agreement(a: Target, b: Target, values: readonly string[]): number {
  return values.filter((v) => toLabel(a[v] ?? 0) === toLabel(b[v] ?? 0)).length / values.length;
}

export interface AlignPrompt {
  id: string;
  prompt: string;
}

export interface Candidate {
  text: string;
  /** How it was made: sample index, revision round, or the conditioned prompt. */
  origin: string;
  vector: Target | null;
  distance: number | null;
}

export interface AlignResult {
  id: string;
  prompt: string;
  strategy: AlignStrategy;
  before: Candidate;
  after: Candidate;
  /** before.distance - after.distance (positive = closer to the target). */
  improvement: number | null;
  candidates: Candidate[];
}

export interface AlignSummary {
  strategy: AlignStrategy;
  model: string;
  evaluator: string;
  metric: DistanceMetric;
  target: Target;
  prompts: number;
  scored: number;
  mean_before: number;
  mean_after: number;
  mean_improvement: number;
  ci_low: number;
  ci_high: number;
  agreement_before: number;
  agreement_after: number;
  /** Answers the strategy used (policy and evaluator; `cached` of them from the cache) and their tokens. */
  cost: { requests: number; cached: number; input_tokens: number; output_tokens: number };
}

export interface AlignOptions {
  strategy: AlignStrategy;
  model: string;
  target: Target;
  system: ValueSystem;
  evaluator: ValueEvaluator;
  metric?: DistanceMetric;
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

async function scoreCandidates(candidates: Candidate[], prompt: AlignPrompt, opts: AlignOptions, values: readonly string[]): Promise<void> {
  const todo = candidates.filter((c) => c.vector === null);
  const out = await opts.evaluator.evaluate(todo.map((c, i) => ({ id: `${prompt.id}#${c.origin}#${i}`, prompt: prompt.prompt, response: c.text })));
  todo.forEach((c, i) => {
    const r = out[i];
    c.vector = r ? r.values : null;
    c.distance = r ? distance(r.values, opts.target, values, opts.metric) : null;
  });
}

function best(cands: readonly Candidate[]): Candidate {
  return cands.reduce((b, c) => (c.distance !== null && (b.distance === null || c.distance < b.distance) ? c : b), cands[0]!);
}

/** Align one prompt with one strategy. */
export async function alignPrompt(engine: Engine, prompt: AlignPrompt, opts: AlignOptions): Promise<AlignResult> {
  const values = opts.system.dimensions.map((d) => d.id);
  const params = { temperature: opts.temperature ?? 0.8, max_tokens: opts.maxTokens ?? 300 };
  const ask = async (system: string, sample: number, extra: Array<{ role: 'assistant' | 'user'; content: string }> = []): Promise<string> =>
    (await engine.generate({ model: opts.model, stage: `align-${opts.strategy}`, messages: [{ role: 'system', content: system }, { role: 'user', content: prompt.prompt }, ...extra], params, sample })).text.trim();
  const plain: Candidate = { text: await ask(BASE_SYSTEM, 0), origin: 'plain', vector: null, distance: null };
  const candidates: Candidate[] = [plain];
  if (opts.strategy === 'best-of-n') {
    const n = opts.n ?? 4;
    // The samples are independent: asked together, so a model's concurrency limit is the only bound.
    const texts = await Promise.all(Array.from({ length: n - 1 }, (_, i) => ask(BASE_SYSTEM, i + 1)));
    texts.forEach((text, i) => candidates.push({ text, origin: `sample-${i + 1}`, vector: null, distance: null }));
    await scoreCandidates(candidates, prompt, opts, values);
  } else if (opts.strategy === 'system-prompt') {
    candidates.push({ text: await ask(valueConditionedPrompt(opts.target, opts.system), 0), origin: 'conditioned', vector: null, distance: null });
    await scoreCandidates(candidates, prompt, opts, values);
  } else {
    await scoreCandidates(candidates, prompt, opts, values);
    let current = plain;
    const history: Array<{ role: 'assistant' | 'user'; content: string }> = [];
    for (let round = 1; round <= (opts.rounds ?? 2); round++) {
      if (current.vector === null || current.distance === 0) break;
      history.push({ role: 'assistant', content: current.text }, { role: 'user', content: critique(current.vector, opts.target, opts.system) });
      const revised: Candidate = { text: await ask(BASE_SYSTEM, 0, history), origin: `revision-${round}`, vector: null, distance: null };
      candidates.push(revised);
      await scoreCandidates([revised], prompt, opts, values);
      current = revised;
    }
  }
  // The plain answer is "before"; "after" is what the strategy delivers: the closest candidate
  // (best-of-n, revise keeps its best round) or the conditioned answer (system-prompt).
  const after = opts.strategy === 'system-prompt' ? candidates[1]! : best(candidates);
  return {
    id: prompt.id,
    prompt: prompt.prompt,
    strategy: opts.strategy,
    before: plain,
    after,
    improvement: plain.distance !== null && after.distance !== null ? plain.distance - after.distance : null,
    candidates,
  };
}

/** Align every prompt and summarise; results are stored per (prompt, strategy, model). */
export async function runAlign(engine: Engine, prompts: readonly AlignPrompt[], opts: AlignOptions, onResult?: (r: AlignResult) => void): Promise<{ results: AlignResult[]; summary: AlignSummary }> {
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
  const summary = summarise(results, opts, engine);
  const all = loadAlignSummaries(store) ?? [];
  store.setMetaJson(ALIGN_KEY, [...all.filter((s) => !(s.strategy === summary.strategy && s.model === summary.model)), summary]);
  return { results, summary };
}

function summarise(results: readonly AlignResult[], opts: AlignOptions, engine: Engine): AlignSummary {
  const values = opts.system.dimensions.map((d) => d.id);
  const scored = results.filter((r) => r.improvement !== null);
  // Nothing scored (every evaluator answer failed) reads as NaN, not as an error.
  const meanOrNaN = (xs: number[]): number => (xs.length ? mean(xs) : NaN);
  const imp = scored.map((r) => r.improvement!);
  let lo = meanOrNaN(imp), hi = meanOrNaN(imp);
  if (imp.length >= 2 && imp.some((x) => x !== imp[0])) {
    const ci = bootstrapMeanCI(imp, { iterations: 2000, seed: opts.seed ?? 1 });
    lo = ci.lower;
    hi = ci.upper;
  }
  const cost = { requests: 0, cached: 0, input_tokens: 0, output_tokens: 0 };
  for (const stage of [`align-${opts.strategy}`, `align-${opts.strategy}-judge`]) {
    const u = engine.usage.get(stage);
    if (u) for (const k of Object.keys(cost) as Array<keyof typeof cost>) cost[k] += u[k];
  }
  return {
    strategy: opts.strategy,
    model: opts.model,
    evaluator: opts.evaluator.name,
    metric: opts.metric ?? 'l2',
    target: opts.target,
    prompts: results.length,
    scored: scored.length,
    mean_before: meanOrNaN(scored.map((r) => r.before.distance!)),
    mean_after: meanOrNaN(scored.map((r) => r.after.distance!)),
    mean_improvement: meanOrNaN(imp),
    ci_low: lo,
    ci_high: hi,
    agreement_before: meanOrNaN(scored.map((r) => agreement(r.before.vector!, opts.target, values))),
    agreement_after: meanOrNaN(scored.map((r) => agreement(r.after.vector!, opts.target, values))),
    cost,
  };
}

// ---------- preference pairs ----------

export type PairsFormat = 'trl' | 'trl-standard' | 'openrlhf';

/**
 * Chosen/rejected pairs ranked by distance to the target: for each prompt the closest candidate
 * against each candidate at least `margin` farther. Formats:
 *  - trl: TRL's conversational preference format (prompt, chosen, rejected as message lists);
 *  - trl-standard: the same with plain strings;
 *  - openrlhf: chosen and rejected as whole conversations (user + assistant messages), for
 *    OpenRLHF's `--chosen_key chosen --rejected_key rejected --apply_chat_template`.
 * Every record carries the value vectors and distances beside the training fields.
 */
export function preferencePairs(results: readonly AlignResult[], format: PairsFormat, opts: { margin?: number; target?: Target } = {}): Array<Record<string, unknown>> {
  const margin = opts.margin ?? 0.1;
  const out: Array<Record<string, unknown>> = [];
  for (const r of results) {
    const ranked = r.candidates.filter((c) => c.distance !== null && c.text.trim() !== '').sort((a, b) => a.distance! - b.distance!);
    const top = ranked[0];
    if (!top) continue;
    const seen = new Set<string>([top.text]);
    for (const worse of ranked.slice(1)) {
      if (worse.distance! - top.distance! < margin || seen.has(worse.text)) continue;
      seen.add(worse.text);
      const meta = { id: r.id, strategy: r.strategy, chosen_values: top.vector, rejected_values: worse.vector, chosen_distance: top.distance, rejected_distance: worse.distance, ...(opts.target ? { target: opts.target } : {}) };
      if (format === 'trl') out.push({ prompt: [{ role: 'user', content: r.prompt }], chosen: [{ role: 'assistant', content: top.text }], rejected: [{ role: 'assistant', content: worse.text }], ...meta });
      else if (format === 'trl-standard') out.push({ prompt: r.prompt, chosen: top.text, rejected: worse.text, ...meta });
      else out.push({ chosen: [{ role: 'user', content: r.prompt }, { role: 'assistant', content: top.text }], rejected: [{ role: 'user', content: r.prompt }, { role: 'assistant', content: worse.text }], ...meta });
    }
  }
  return out;
}

export const ALIGN_KEY = 'align';

/** The alignment summaries stored in a run (one per strategy and model). */
export function loadAlignSummaries(store: RunStore): AlignSummary[] | undefined {
  return store.getMetaJson<AlignSummary[]>(ALIGN_KEY);
}
