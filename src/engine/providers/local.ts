/**
 * `provider: local`: small open GGUF models run in process (node-llama-cpp, CPU). `model` is a
 * Hugging Face GGUF URI (`hf:<user>/<repo>/<file>.gguf`), an https URL or a local path; remote
 * files are downloaded once into the cache (resumable, checksum-verified) and reused offline.
 * Options (`options:` in the model config): `sha256`, `size` (expected file), `sequences`,
 * `context_size`, `threads`.
 */
import type { ModelConfig } from '../../config/schema.js';
import { ensureModelFile } from '../local/download.js';
import { sharedLocalRuntime } from '../local/runtime.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../types.js';
import { ProviderError } from '../types.js';

function opt<T>(model: ModelConfig, key: string, check: (v: unknown) => v is T): T | undefined {
  const v = model.options?.[key];
  return check(v) ? v : undefined;
}
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

export class LocalProvider implements Provider {
  readonly name = 'local';
  private path: Promise<string> | undefined;

  constructor(private readonly config: ModelConfig) {}

  private modelPath(): Promise<string> {
    this.path ??= ensureModelFile(this.config.model, {
      expectedSha256: opt(this.config, 'sha256', isStr),
      expectedSize: opt(this.config, 'size', isNum),
      progress: true,
    }).catch((e: Error) => {
      this.path = undefined;
      throw new ProviderError(`local model "${this.config.name}": ${e.message}`, { retryable: false });
    });
    return this.path;
  }

  async generate(req: ProviderRequest, signal?: AbortSignal): Promise<ProviderResponse> {
    const modelPath = await this.modelPath();
    const runtime = sharedLocalRuntime({
      ...(opt(this.config, 'sequences', isNum) ? { sequences: opt(this.config, 'sequences', isNum)! } : {}),
      ...(opt(this.config, 'context_size', isNum) ? { contextSize: opt(this.config, 'context_size', isNum)! } : {}),
      ...(opt(this.config, 'threads', isNum) ? { threads: opt(this.config, 'threads', isNum)! } : {}),
    });
    return runtime.generate({ modelPath, kind: req.kind, messages: req.messages, prompt: req.prompt, params: req.params, signal });
  }

  /** Resolve (and download if needed) the model file ahead of generation. */
  async prepare(): Promise<string> {
    return this.modelPath();
  }
}
