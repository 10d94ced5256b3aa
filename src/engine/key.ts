/**
 * The cache key of a request: a hash of everything that determines the answer (provider, model,
 * kind, messages or prompt, generation parameters, sample index, re-ask attempt) and nothing that
 * does not (labels, base URLs, keys, timeouts). Canonical JSON makes the key independent of
 * object key order.
 */
import { createHash } from 'node:crypto';
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

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function requestKey(parts: KeyParts): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}
