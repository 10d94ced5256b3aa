/**
 * Cost estimates: USD per million tokens from the model's `price` in the config, else a small table
 * of well-known hosted models (list prices; a user with other prices sets `price`). Local and
 * simulated models cost nothing.
 */
import type { ModelConfig } from '../config/schema.js';
import type { TokenUsage } from './types.js';

const KNOWN: Array<[RegExp, { input: number; output: number }]> = [
  [/^gpt-4o-mini/, { input: 0.15, output: 0.6 }],
  [/^gpt-4o/, { input: 2.5, output: 10 }],
  [/^gpt-4\.1-nano/, { input: 0.1, output: 0.4 }],
  [/^gpt-4\.1-mini/, { input: 0.4, output: 1.6 }],
  [/^gpt-4\.1/, { input: 2, output: 8 }],
  [/^gpt-3\.5-turbo/, { input: 0.5, output: 1.5 }],
  [/^claude-3-5-haiku|^claude-haiku-4/, { input: 0.8, output: 4 }],
  [/^claude-3-haiku/, { input: 0.25, output: 1.25 }],
  [/^claude-(3-5-|3-7-)?sonnet|^claude-sonnet-4/, { input: 3, output: 15 }],
  [/^claude-(3-)?opus|^claude-opus-4/, { input: 15, output: 75 }],
];

export function priceOf(model: ModelConfig): { input: number; output: number } | undefined {
  if (model.price) return model.price;
  if (model.provider === 'local' || model.provider === 'simulated' || model.provider === 'ollama') return { input: 0, output: 0 };
  if (model.base_url && !/openai\.com|anthropic\.com/.test(model.base_url)) return undefined;
  return KNOWN.find(([re]) => re.test(model.model))?.[1];
}

export function estimateCost(model: ModelConfig, usage: TokenUsage): number {
  const p = priceOf(model);
  if (!p) return 0;
  return (usage.input_tokens * p.input + usage.output_tokens * p.output) / 1e6;
}
