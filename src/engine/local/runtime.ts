/**
 * In-process GGUF models through node-llama-cpp (CPU build). Memory is the constraint on a
 * laptop, so one model is loaded at a time: requests for the loaded model are served first (on a
 * few parallel context sequences, which llama.cpp evaluates in one batch), and the runtime
 * switches models only when the current one has no queued work. Contexts and sequences are reused
 * across requests; peak resident memory is tracked for the report.
 */
import { availableParallelism } from 'node:os';
import type { ChatMessage, GenerationParams, JsonSchema, ProviderResponse } from '../types.js';
import { ProviderError } from '../types.js';

type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;
type LlamaModel = Awaited<ReturnType<Llama['loadModel']>>;
type LlamaContext = Awaited<ReturnType<LlamaModel['createContext']>>;
type LlamaContextSequence = ReturnType<LlamaContext['getSequence']>;

export interface LocalRequest {
  modelPath: string;
  kind: 'chat' | 'completion';
  messages?: ChatMessage[] | undefined;
  prompt?: string | undefined;
  params: GenerationParams;
  signal?: AbortSignal | undefined;
}

interface Loaded {
  path: string;
  model: LlamaModel;
  context: LlamaContext;
  free: LlamaContextSequence[];
  name: string;
}

interface Waiter {
  path: string;
  resolve: (seq: LlamaContextSequence) => void;
  reject: (e: Error) => void;
}

export interface LocalRuntimeOptions {
  /** Parallel sequences per context (batched evaluation). */
  sequences?: number;
  contextSize?: number;
  threads?: number;
}

export class LocalRuntime {
  private lib: NodeLlamaCpp | undefined;
  private llama: Llama | undefined;
  private loaded: Loaded | undefined;
  private loading: Promise<Loaded> | undefined;
  private busy = 0;
  private readonly waiters: Waiter[] = [];
  private readonly grammars = new Map<string, unknown>();
  peakRssBytes = 0;
  modelSwitches = 0;

  constructor(private readonly opts: LocalRuntimeOptions = {}) {}

  private async ensureLlama(): Promise<Llama> {
    if (this.llama) return this.llama;
    try {
      this.lib = await import('node-llama-cpp');
    } catch (e) {
      throw new ProviderError(`local: node-llama-cpp is not installed or failed to load (${(e as Error).message})`, { retryable: false });
    }
    this.llama = await this.lib.getLlama({ gpu: false, logLevel: this.lib.LlamaLogLevel.error });
    return this.llama;
  }

  private trackMemory(): void {
    this.peakRssBytes = Math.max(this.peakRssBytes, process.memoryUsage().rss);
  }

  private async load(path: string): Promise<Loaded> {
    const llama = await this.ensureLlama();
    if (this.loaded) {
      await this.loaded.context.dispose();
      await this.loaded.model.dispose();
      this.loaded = undefined;
      this.grammars.clear();
      this.modelSwitches++;
    }
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: path });
    } catch (e) {
      throw new ProviderError(`local: cannot load model ${path}: ${(e as Error).message}`, { retryable: false });
    }
    const sequences = this.opts.sequences ?? 2;
    const contextSize = Math.min(this.opts.contextSize ?? 4096, model.trainContextSize);
    // llama.cpp's worker threads spin while waiting; on a small machine that also runs the rest of
    // the study, leaving one core free is much faster than contending for all of them.
    const threads = this.opts.threads ?? Math.max(1, availableParallelism() - 1);
    const context = await model.createContext({ contextSize, sequences, threads });
    const free = Array.from({ length: sequences }, () => context.getSequence());
    this.trackMemory();
    return { path, model, context, free, name: path.split('/').pop() ?? path };
  }

  /** A free sequence of the wanted model, switching models only when the current one is idle. */
  private acquire(path: string): Promise<LlamaContextSequence> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ path, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.loading) return;
    const current = this.loaded;
    if (current) {
      // Serve the loaded model's requests first: switching costs a full model load.
      for (let i = 0; i < this.waiters.length && current.free.length > 0; ) {
        if (this.waiters[i]!.path === current.path) {
          const w = this.waiters.splice(i, 1)[0]!;
          this.busy++;
          w.resolve(current.free.pop()!);
        } else i++;
      }
      if (this.busy > 0 || this.waiters.length === 0) return;
    }
    const next = this.waiters[0];
    if (!next) return;
    this.loading = this.load(next.path);
    this.loading.then(
      (l) => {
        this.loaded = l;
        this.loading = undefined;
        this.pump();
      },
      (e: Error) => {
        this.loading = undefined;
        for (let i = this.waiters.length - 1; i >= 0; i--) {
          if (this.waiters[i]!.path === next.path) this.waiters.splice(i, 1)[0]!.reject(e);
        }
        this.pump();
      },
    );
  }

  private release(seq: LlamaContextSequence): void {
    this.busy--;
    this.loaded?.free.push(seq);
    this.pump();
  }

  private async grammarFor(schema: JsonSchema): Promise<unknown> {
    const key = JSON.stringify(schema);
    if (!this.grammars.has(key)) {
      const llama = await this.ensureLlama();
      try {
        this.grammars.set(key, await llama.createGrammarForJsonSchema(schema as Parameters<Llama['createGrammarForJsonSchema']>[0]));
      } catch {
        // A schema feature the grammar compiler does not support: generate freely and let the
        // caller's validation re-ask, rather than fail the request.
        this.grammars.set(key, undefined);
      }
    }
    return this.grammars.get(key);
  }

  async generate(req: LocalRequest): Promise<ProviderResponse> {
    const seq = await this.acquire(req.modelPath);
    const lib = this.lib!;
    const loaded = this.loaded!;
    try {
      const p = req.params;
      const grammar = p.json_schema ? await this.grammarFor(p.json_schema) : undefined;
      const common = {
        ...(p.max_tokens !== undefined ? { maxTokens: p.max_tokens } : {}),
        ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
        ...(p.top_p !== undefined ? { topP: p.top_p } : {}),
        ...(p.seed !== undefined ? { seed: p.seed } : {}),
        ...(p.stop ? { customStopTriggers: p.stop } : {}),
        ...(grammar ? { grammar: grammar as never } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      };
      let text: string;
      let finish: string;
      const before = seq.tokenMeter.getState();
      if (req.kind === 'completion') {
        await seq.clearHistory();
        const completion = new lib.LlamaCompletion({ contextSequence: seq });
        const res = await completion.generateCompletionWithMeta(req.prompt ?? '', common);
        text = res.response;
        finish = res.metadata.stopReason === 'maxTokens' ? 'length' : 'stop';
      } else {
        await seq.clearHistory();
        const chat = new lib.LlamaChat({ contextSequence: seq, autoDisposeSequence: false });
        const history = (req.messages ?? []).map((m) =>
          m.role === 'system' ? { type: 'system' as const, text: m.content } : m.role === 'user' ? { type: 'user' as const, text: m.content } : { type: 'model' as const, response: [m.content] },
        );
        // The chat wrapper (template) comes from the GGUF metadata; an empty model turn asks for the reply.
        history.push({ type: 'model', response: [] });
        const res = await chat.generateResponse(history, common);
        chat.dispose({ disposeSequence: false });
        text = res.response;
        finish = res.metadata.stopReason === 'maxTokens' ? 'length' : 'stop';
      }
      const diff = seq.tokenMeter.diff(before);
      this.trackMemory();
      return {
        text,
        finish_reason: finish,
        usage: { input_tokens: diff.usedInputTokens, output_tokens: diff.usedOutputTokens },
        model_version: `local/${loaded.name}`,
      };
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      throw new ProviderError(`local: generation failed: ${(e as Error).message}`, { retryable: false, cause: e });
    } finally {
      this.release(seq);
    }
  }

  async close(): Promise<void> {
    if (this.loaded) {
      await this.loaded.context.dispose();
      await this.loaded.model.dispose();
      this.loaded = undefined;
    }
  }
}

/** One runtime per process: the one-model-at-a-time rule holds across all local models. */
let shared: LocalRuntime | undefined;

/** Figures of the process's local runtime, when one ran (for run summaries and reports). */
export function localRuntimeStats(): { peak_rss_mb: number; model_switches: number } | undefined {
  return shared && shared.peakRssBytes > 0 ? { peak_rss_mb: Math.round(shared.peakRssBytes / 2 ** 20), model_switches: shared.modelSwitches } : undefined;
}
export function sharedLocalRuntime(opts?: LocalRuntimeOptions): LocalRuntime {
  shared ??= new LocalRuntime(opts);
  return shared;
}
