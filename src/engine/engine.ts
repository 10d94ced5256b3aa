/**
 * The engine: every model call goes through here. It serves the models it was given (a study
 * passes its models and judges; the engine knows no stage and no judge), resolves a model label to
 * a provider, answers from the run database when the exact request was answered before, and
 * otherwise schedules the call under the model's limits, retries transient failures, and stores
 * the answer the moment it arrives (so a killed run loses at most the calls in flight).
 */
import { setMaxListeners } from 'node:events';
import type { ModelConfig } from '../config/schema.js';
import { InputError } from '../core/errors.js';
import type { RunStore } from '../store/store.js';
import { TimeoutAbortError, withDeadline } from './abort.js';
import { backoffDelay, defaultBackoff, sleep, type BackoffPolicy } from './backoff.js';
import { requestKey } from './key.js';
import { ModelLimiter } from './limiter.js';
import { estimateCost } from './pricing.js';
import { createProvider, DEFAULT_PROVIDERS, type ProviderFactories } from './providers/index.js';
import { Progress } from './progress.js';
import { hashJson } from '../core/hash.js';
import { redactSecrets } from '../core/secrets.js';
import { terminalSafe } from '../core/terminal.js';
import type { ChatMessage, GenerationParams, Provider, ProviderRequest, TokenUsage } from './types.js';
import { ProviderError } from './types.js';

export interface EngineRequest {
  /** Model label from the study config (a model's or the judge's `name`). */
  model: string;
  stage: string;
  messages?: ChatMessage[];
  prompt?: string;
  params?: GenerationParams;
  /** Sample index: part of the cache key, so n samples of one prompt are n distinct requests. */
  sample?: number;
  /** Re-ask index after a malformed answer (part of the cache key); set by generateParsed. */
  attempt?: number;
}

export interface EngineResult {
  key: string;
  model: string;
  text: string;
  cached: boolean;
  finish_reason?: string;
  model_version?: string;
  usage: TokenUsage;
}

export interface ParsedResult<T> {
  value: T | undefined;
  result: EngineResult | undefined;
  attempts: number;
  error?: string;
}

/** A request that failed after all retries (recorded in the run database; retried on resume). */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly key: string,
    readonly model: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** A request that collect mode recorded for batch export instead of sending. */
export interface CollectedRequest {
  key: string;
  stage: string;
  model: ModelConfig;
  request: ProviderRequest;
  sample: number;
  attempt: number;
}

/** Thrown in collect mode for a request that is not in the cache yet. */
export class PendingRequestError extends Error {
  constructor(
    readonly key: string,
    readonly model: string,
  ) {
    super(`${model}: request pending in a batch`);
    this.name = 'PendingRequestError';
  }
}

export interface EngineOptions {
  /** The models this engine serves, by their `name` (a study's models and judges). */
  models: readonly ModelConfig[];
  store: RunStore;
  /**
   * Seeds sampling where the server supports seeds: a request without its own seed gets
   * seed x 1000 + its sample index (default 1).
   */
  seed?: number;
  /** Show a progress bar on stderr (only when stderr is a TTY). */
  progress?: boolean;
  backoff?: Partial<BackoffPolicy>;
  /**
   * `live` calls models. `collect` answers from the cache only and records every other request
   * for batch export (OpenAI Batch / vLLM run-batch) instead of sending it.
   */
  mode?: 'live' | 'collect';
  /**
   * Provider factories by provider name, merged over the real providers (openai, anthropic,
   * ollama, local); the command line adds the simulated population here.
   */
  factories?: ProviderFactories;
  /** Ready providers by model label (tests, embedded uses). */
  providers?: Record<string, Provider>;
  /** Notes for a person (a capped Retry-After, a retry budget spent); default: stderr. */
  log?: (message: string) => void;
  /**
   * The longest answer accepted, in characters (default 2,000,000, far above any max_tokens): a
   * larger one is a failed request, not a row that swells the run database and every reader.
   */
  maxAnswerChars?: number;
}

/** The longest answer a model may give, in characters, unless the engine is told otherwise. */
export const MAX_ANSWER_CHARS = 2_000_000;

interface ModelSlot {
  config: ModelConfig;
  provider: Provider;
  limiter: ModelLimiter;
  simulated: boolean;
}

const DEFAULT_CONCURRENCY: Record<string, number> = { openai: 8, anthropic: 4, ollama: 2, local: 2, simulated: 64 };

/** Plain-text rendering of a chat for completion-only (base) models. */
export function renderChatAsPrompt(messages: ChatMessage[]): string {
  const parts: string[] = [];
  for (const m of messages) {
    if (m.role === 'system') parts.push(m.content.trim());
    else if (m.role === 'user') parts.push(`Question: ${m.content.trim()}`);
    else parts.push(`Answer: ${m.content.trim()}`);
  }
  return `${parts.join('\n\n')}\n\nAnswer:`;
}

function estimateTokens(req: ProviderRequest): number {
  const chars = req.prompt?.length ?? (req.messages ?? []).reduce((s, m) => s + m.content.length, 0);
  return Math.ceil(chars / 4) + (req.params.max_tokens ?? 256);
}

export class Engine {
  readonly store: RunStore;
  private readonly seed: number;
  private readonly slots = new Map<string, ModelSlot>();
  private readonly backoff: BackoffPolicy;
  private readonly controller = new AbortController();
  private readonly showProgress: boolean;
  private activeProgress: Progress | undefined;
  readonly mode: 'live' | 'collect';
  private readonly collected = new Map<string, CollectedRequest>();
  private readonly log: (message: string) => void;
  private readonly maxAnswerChars: number;
  /** Models whose capped Retry-After was already reported (once per model is enough). */
  private readonly cappedNoted = new Set<string>();
  /** Requests sent and not yet answered, by cache key (a duplicate waits for the first). */
  private readonly inFlight = new Map<string, Promise<EngineResult>>();

  constructor(opts: EngineOptions) {
    this.store = opts.store;
    this.seed = opts.seed ?? 1;
    this.backoff = { ...defaultBackoff, ...opts.backoff };
    this.log = opts.log ?? ((m) => process.stderr.write(`${terminalSafe(redactSecrets(m))}\n`));
    this.maxAnswerChars = opts.maxAnswerChars ?? MAX_ANSWER_CHARS;
    this.showProgress = opts.progress ?? false;
    this.mode = opts.mode ?? 'live';
    // Every attempt in flight listens for the run's abort: hundreds at once is normal.
    setMaxListeners(0, this.controller.signal);
    const factories = { ...DEFAULT_PROVIDERS, ...opts.factories };
    for (const m of opts.models) {
      const known = this.slots.get(m.name);
      if (known) {
        // One name, one model: a second configuration under a known name (a judge named like a
        // studied model) would silently be served by the first, with false provenance.
        if (hashJson(known.config) === hashJson(m)) continue;
        throw new InputError(
          `model name "${m.name}" is given to two configurations (${known.config.provider}/${known.config.model} and ${m.provider}/${m.model}); every model and judge needs its own name`,
        );
      }
      const provider = opts.providers?.[m.name] ?? createProvider(m, factories);
      const concurrency = m.concurrency ?? DEFAULT_CONCURRENCY[m.provider] ?? 4;
      this.slots.set(m.name, {
        config: m,
        provider,
        limiter: new ModelLimiter({ concurrency, rpm: m.rpm, tpm: m.tpm }),
        simulated: provider.name === 'simulated',
      });
      this.store.upsertModel({
        name: m.name,
        provider: m.provider,
        model: m.model,
        kind: m.kind,
        base_url: m.base_url,
        tags: m.tags,
        simulated: provider.name === 'simulated',
        // The stored config never holds a key: only the NAME of the env var, which is public.
        config: { ...m, options: m.options ?? {} },
      });
      if (provider.name === 'simulated') this.store.markModelSimulated(m.name, { source: 'provider', detail: `provider "simulated": the in-process simulated population (model ${m.model})` });
    }
    // A model the run database already labels simulated (an earlier run saw it declared) stays so,
    // even when every answer now comes from the cache.
    for (const row of this.store.listModels()) {
      const slot = this.slots.get(row.name);
      if (slot && row.simulated) slot.simulated = true;
    }
  }

  /** The configurations of the models this engine serves. */
  models(): ModelConfig[] {
    return [...this.slots.values()].map((s) => s.config);
  }

  /**
   * Answers used by this engine per stage (sent and from the cache), with their tokens: the cost
   * of a piece of work however much of it a resumed run found done.
   */
  readonly usage = new Map<string, { requests: number; cached: number; input_tokens: number; output_tokens: number }>();

  private tallyUsage(stage: string, cached: boolean, input: number, output: number): void {
    const u = this.usage.get(stage) ?? { requests: 0, cached: 0, input_tokens: 0, output_tokens: 0 };
    u.requests++;
    if (cached) u.cached++;
    u.input_tokens += input;
    u.output_tokens += output;
    this.usage.set(stage, u);
  }

  modelConfig(label: string): ModelConfig {
    const slot = this.slots.get(label);
    if (!slot) throw new InputError(`unknown model "${label}" (known: ${[...this.slots.keys()].join(', ')})`);
    return slot.config;
  }

  /**
   * True when a model label is answered by a simulated population, not a real model: its provider
   * is the in-process simulator, or its server declared an answer simulated (the
   * `x-valuelex-simulated: true` header), in this run or an earlier one on the same database.
   */
  isSimulated(label: string): boolean {
    return this.slots.get(label)?.simulated ?? false;
  }

  /** Record wire evidence that a model is simulated (once per model; the label is sticky). */
  private noteSimulated(slot: ModelSlot): void {
    if (slot.simulated) return;
    slot.simulated = true;
    const where = slot.config.base_url ? ` at ${redactSecrets(slot.config.base_url)}` : '';
    this.store.markModelSimulated(slot.config.name, {
      source: 'server',
      detail: `the ${slot.config.provider} server${where} declared its answers simulated (x-valuelex-simulated: true) for model ${slot.config.model}`,
    });
  }

  /** Stop dispatching new calls and abort calls in flight; stored answers stay stored. */
  abort(reason = 'interrupted'): void {
    this.controller.abort(new Error(reason));
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  private toProviderRequest(slot: ModelSlot, req: EngineRequest): ProviderRequest {
    const params: GenerationParams = { ...slot.config.params, ...req.params };
    // Seeded sampling makes answers reproducible where the server supports seeds; each sample
    // index gets its own seed so n samples differ.
    if (params.seed === undefined) params.seed = this.seed * 1000 + (req.sample ?? 0);
    // A re-ask after a malformed answer must not get the identical seeded answer back.
    if (req.attempt) params.seed = params.seed + req.attempt * 104_729;
    if (slot.config.kind === 'completion') {
      const prompt = req.prompt ?? renderChatAsPrompt(req.messages ?? []);
      return { model: slot.config.model, kind: 'completion', prompt, params };
    }
    const messages = req.messages ?? (req.prompt !== undefined ? [{ role: 'user' as const, content: req.prompt }] : []);
    if (messages.length === 0) throw new InputError(`request for "${slot.config.name}" has neither messages nor prompt`);
    return { model: slot.config.model, kind: 'chat', messages, params };
  }

  /** The slot, the request as the provider will see it, and its cache key. */
  private prepare(req: EngineRequest): { slot: ModelSlot; preq: ProviderRequest; key: string } {
    const slot = this.slot(req.model);
    const preq = this.toProviderRequest(slot, req);
    const key = requestKey({
      provider: slot.config.provider,
      model: slot.config.model,
      kind: preq.kind,
      messages: preq.messages,
      prompt: preq.prompt,
      params: preq.params,
      sample: req.sample ?? 0,
      attempt: req.attempt ?? 0,
    });
    return { slot, preq, key };
  }

  keyOf(req: EngineRequest): string {
    return this.prepare(req).key;
  }

  private slot(label: string): ModelSlot {
    const slot = this.slots.get(label);
    if (!slot) throw new InputError(`unknown model "${label}" (known: ${[...this.slots.keys()].join(', ')})`);
    return slot;
  }

  /** One model call: from the cache if answered before, else scheduled, retried and stored. */
  async generate(req: EngineRequest): Promise<EngineResult> {
    const { slot, preq, key } = this.prepare(req);
    const hit = this.store.getResponse(key);
    if (hit) {
      this.store.countCacheHit(req.stage, slot.config.name, key);
      this.activeProgress?.request('cached');
      this.tallyUsage(req.stage, true, hit.input_tokens, hit.output_tokens);
      return {
        key,
        model: slot.config.name,
        text: hit.text,
        cached: true,
        ...(hit.finish_reason ? { finish_reason: hit.finish_reason } : {}),
        ...(hit.model_version ? { model_version: hit.model_version } : {}),
        usage: { input_tokens: hit.input_tokens, output_tokens: hit.output_tokens },
      };
    }
    if (this.mode === 'collect') {
      this.collected.set(key, { key, stage: req.stage, model: slot.config, request: preq, sample: req.sample ?? 0, attempt: req.attempt ?? 0 });
      throw new PendingRequestError(key, slot.config.name);
    }
    // The same request already on its way (asked twice in one piece of work): one call, shared.
    const pending = this.inFlight.get(key);
    if (pending) return pending.then((r) => this.sharedAnswer(req.stage, r));
    const call = slot.limiter.queue.add(() => this.call(slot, req, preq, key)) as Promise<EngineResult>;
    this.inFlight.set(key, call);
    const settled = (): void => {
      this.inFlight.delete(key);
    };
    call.then(settled, settled);
    return call;
  }

  /** A caller's copy of an answer another caller's identical request received. */
  private sharedAnswer(stage: string, r: EngineResult): EngineResult {
    this.activeProgress?.request('cached');
    this.tallyUsage(stage, true, r.usage.input_tokens, r.usage.output_tokens);
    return { ...r, cached: true };
  }

  /** Requests recorded in collect mode (not answered from the cache), in first-seen order. */
  collectedRequests(): CollectedRequest[] {
    return [...this.collected.values()];
  }

  private async call(slot: ModelSlot, req: EngineRequest, preq: ProviderRequest, key: string): Promise<EngineResult> {
    const signal = this.controller.signal;
    const maxRetries = slot.config.max_retries ?? this.backoff.maxRetries;
    let lastError: ProviderError | undefined;
    let waited = 0;
    let budgetSpent = false;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      if (signal.aborted) throw new EngineError(`${slot.config.name}: run interrupted`, key, slot.config.name);
      await slot.limiter.admit(estimateTokens(preq), signal);
      const started = performance.now();
      try {
        const raw = await withDeadline(signal, slot.config.timeout_ms ?? 120_000, (attemptSignal) => slot.provider.generate(preq, attemptSignal));
        if (raw.text.length > this.maxAnswerChars) {
          throw new ProviderError(`${slot.config.provider}: the answer has ${raw.text.length} characters, more than the ${this.maxAnswerChars} an answer may have`, { retryable: false });
        }
        // Answers are untrusted text: a server echoing the API key back must not get it stored.
        const res = { ...raw, text: redactSecrets(raw.text), ...(raw.model_version !== undefined ? { model_version: redactSecrets(raw.model_version) } : {}) };
        const latency = performance.now() - started;
        if (res.simulated) this.noteSimulated(slot);
        const cost = estimateCost(slot.config, res.usage);
        this.store.putResponse({
          key,
          stage: req.stage,
          model_name: slot.config.name,
          provider: slot.config.provider,
          model: slot.config.model,
          request: { kind: preq.kind, messages: preq.messages, prompt: preq.prompt, params: preq.params, sample: req.sample ?? 0, attempt: req.attempt ?? 0 },
          text: res.text,
          finish_reason: res.finish_reason,
          model_version: res.model_version,
          input_tokens: res.usage.input_tokens,
          output_tokens: res.usage.output_tokens,
          cost_usd: cost,
          latency_ms: latency,
          attempts: attempt + 1,
        });
        this.activeProgress?.request('sent');
        this.tallyUsage(req.stage, false, res.usage.input_tokens, res.usage.output_tokens);
        return {
          key,
          model: slot.config.name,
          text: res.text,
          cached: false,
          ...(res.finish_reason ? { finish_reason: res.finish_reason } : {}),
          ...(res.model_version ? { model_version: res.model_version } : {}),
          usage: res.usage,
        };
      } catch (e) {
        const err =
          e instanceof TimeoutAbortError
            ? new ProviderError(`${slot.config.provider}: request ${e.message}`, { retryable: true })
            : e instanceof ProviderError
              ? e
              : new ProviderError(String((e as Error)?.message ?? e), { retryable: !signal.aborted });
        lastError = err;
        if (signal.aborted) break;
        if (!err.retryable || attempt === maxRetries) break;
        // A server's Retry-After is obeyed up to the backoff ceiling, never beyond: one server
        // asking for minutes must not stall every worker of the model for minutes.
        const retryAfter = err.retryAfterMs !== undefined ? Math.min(err.retryAfterMs, this.backoff.maxMs) : undefined;
        if (err.retryAfterMs !== undefined && err.retryAfterMs > this.backoff.maxMs && !this.cappedNoted.has(slot.config.name)) {
          this.cappedNoted.add(slot.config.name);
          this.log(
            `${slot.config.name}: the server asked to wait ${(err.retryAfterMs / 1000).toFixed(1)} s (Retry-After); waiting ${(this.backoff.maxMs / 1000).toFixed(1)} s instead (the backoff ceiling, VALUELEX_RETRY_MAX_MS), and giving up on a request after ${(this.backoff.maxWaitMs / 1000).toFixed(0)} s of waiting in all (VALUELEX_RETRY_BUDGET_MS)`,
          );
        }
        const delay = backoffDelay(this.backoff, attempt, retryAfter);
        if (waited + delay > this.backoff.maxWaitMs) {
          budgetSpent = true;
          break;
        }
        if (err.status === 429 && retryAfter !== undefined) slot.limiter.coolDown(retryAfter);
        this.activeProgress?.request('retry');
        try {
          await sleep(delay, signal);
          waited += delay;
        } catch {
          break;
        }
      }
    }
    const spent = budgetSpent ? `gave up after ${(waited / 1000).toFixed(1)} s of retry waits (the budget is ${(this.backoff.maxWaitMs / 1000).toFixed(0)} s, VALUELEX_RETRY_BUDGET_MS); last error: ` : '';
    const message = redactSecrets(`${slot.config.name}: ${spent}${lastError?.message ?? 'request failed'}`);
    this.store.putError({
      key,
      stage: req.stage,
      model_name: slot.config.name,
      provider: slot.config.provider,
      model: slot.config.model,
      request: { kind: preq.kind, messages: preq.messages, prompt: preq.prompt, params: preq.params, sample: req.sample ?? 0, attempt: req.attempt ?? 0 },
      attempts: maxRetries + 1,
      error: message,
    });
    this.activeProgress?.request('failed');
    throw new EngineError(message, key, slot.config.name);
  }

  /**
   * Store an answer obtained elsewhere (a batch result) for a request recorded in collect mode,
   * exactly as if this engine had made the call.
   */
  storeExternalAnswer(c: CollectedRequest, answer: { text: string; finish_reason?: string; model_version?: string; usage: TokenUsage }): void {
    this.store.putResponse({
      key: c.key,
      stage: c.stage,
      model_name: c.model.name,
      provider: c.model.provider,
      model: c.model.model,
      request: { kind: c.request.kind, messages: c.request.messages, prompt: c.request.prompt, params: c.request.params, sample: c.sample, attempt: c.attempt },
      text: answer.text,
      finish_reason: answer.finish_reason,
      model_version: answer.model_version,
      input_tokens: answer.usage.input_tokens,
      output_tokens: answer.usage.output_tokens,
      cost_usd: estimateCost(c.model, answer.usage),
      latency_ms: 0,
      attempts: 1,
    });
  }

  /**
   * A call whose answer must parse. A malformed answer is never guessed at: the model is asked
   * again (a new attempt index, hence a new cache entry) up to `maxAttempts` times.
   */
  async generateParsed<T>(req: EngineRequest, parse: (text: string) => T, opts: { maxAttempts?: number } = {}): Promise<ParsedResult<T>> {
    const maxAttempts = opts.maxAttempts ?? 3;
    let lastError = '';
    let last: EngineResult | undefined;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const result = await this.generate({ ...req, attempt });
      last = result;
      try {
        return { value: parse(result.text), result, attempts: attempt + 1 };
      } catch (e) {
        lastError = (e as Error).message;
      }
    }
    return { value: undefined, result: last, attempts: maxAttempts, error: `malformed output after ${maxAttempts} attempts: ${lastError}` };
  }

  /**
   * Run `fn` over all items with a bounded window of items in flight (memory stays flat however
   * many items there are; each model's own limits apply inside generate), with a progress bar.
   * A failed item does not stop the others: every item is attempted, their answers are stored,
   * and then the failures are reported together.
   */
  async map<T, R>(items: Iterable<T> | readonly T[], fn: (item: T) => Promise<R>, opts: { label: string; total?: number; window?: number }): Promise<R[]> {
    const list = Array.isArray(items) ? (items as readonly T[]) : [...items];
    const progress = new Progress(opts.label, opts.total ?? list.length, this.showProgress);
    const previous = this.activeProgress;
    this.activeProgress = progress;
    const window = opts.window ?? Math.max(64, [...this.slots.values()].reduce((s, x) => s + x.limiter.queue.concurrency * 4, 0));
    const results = new Array<R>(list.length);
    const failures: Error[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < list.length && !this.controller.signal.aborted) {
        const i = next++;
        try {
          results[i] = await fn(list[i]!);
          progress.itemDone(false);
        } catch (e) {
          failures.push(e instanceof Error ? e : new Error(String(e)));
          progress.itemDone(true);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(window, list.length) }, worker));
    } finally {
      progress.stop();
      this.activeProgress = previous;
    }
    if (this.controller.signal.aborted) {
      throw new EngineError(`${opts.label}: interrupted; finished work is stored, re-run with --resume`, '', '');
    }
    if (failures.length > 0) {
      throw new Error(
        `${opts.label}: ${failures.length} of ${list.length} failed (finished work is stored; re-run with --resume to retry): ${failures[0]!.message}`,
      );
    }
    return results;
  }

  async close(): Promise<void> {
    for (const slot of this.slots.values()) await slot.provider.close?.();
  }
}
