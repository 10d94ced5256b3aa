/**
 * The cache key of a request: a hash of everything that determines the answer (provider, model,
 * kind, messages or prompt, generation parameters, sample index, re-ask attempt) and nothing that
 * does not (labels, base URLs, keys, timeouts). Canonical JSON (core/hash.ts) makes the key
 * independent of object key order.
 */
import { hashJson } from '../core/hash.js';
import type { ChatMessage, GenerationParams, ModelKind } from './types.js';

export interface KeyParts {
  provider: string;
  model: string;
  kind: ModelKind;
  messages?: ChatMessage[] | undefined;
  prompt?: string | undefined;
  params: GenerationParams;
  sample: number;
  attempt: number;
}

export function requestKey(parts: KeyParts): string {
  return hashJson(parts);
}
