/**
 * The judge names a dimension of a value system from the words that load on it (taxonomy stage).
 * Same instrument as scoring: temperature 0, fixed seed, zod-validated JSON, and the configuration
 * (template version, prompt hash, reported model version) returned for the record.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ModelConfig } from '../config/schema.js';
import type { Engine } from '../engine/engine.js';
import type { JudgeFingerprint } from './judge.js';

export const NAMING_TEMPLATE_VERSION = 'naming-judge@2';
const SYSTEM = 'You name dimensions of a value system found by factor analysis. Reply with JSON only.';
const namingSchema = z.object({ name: z.string().min(2).max(60), definition: z.string().min(5).max(400) });

export interface DimensionName {
  label: string;
  definition: string;
  fingerprint: JudgeFingerprint;
}

export interface NamingOptions {
  /**
   * Each word's loading (same order as the words). When some are negative the factor is bipolar:
   * the judge is told which words load negatively and names the dimension as the contrast of its
   * two poles, not after its positive words alone.
   */
  loadings?: readonly number[];
  /** For a subdimension: the label of the dimension it lies within. */
  within?: string;
}

/** The naming prompt (exported so its wording can be tested). */
export function namingPrompt(words: readonly string[], options: NamingOptions = {}): string {
  const shown = words.slice(0, 10);
  const lines = [`These value words load together on one factor, strongest first: ${JSON.stringify(shown)}.`];
  const loadings = options.loadings?.slice(0, shown.length);
  if (loadings && loadings.some((l) => l < 0) && loadings.some((l) => l > 0)) {
    const signed = shown.map((w, i) => `${loadings[i]! < 0 ? '-' : '+'}${w} (${loadings[i]!.toFixed(2)})`);
    lines.push(
      `The factor is bipolar: words marked + load positively and words marked - load negatively: ${signed.join(', ')}.`,
      'Name the dimension as the contrast between its two poles (e.g. "X vs. Y"), and define both poles.',
    );
  }
  if (options.within) lines.push(`These words form one cluster within the broader dimension "${options.within}"; name what sets this cluster apart.`);
  lines.push('Give the dimension a short name (1-3 words) and a one-sentence definition. Answer as JSON: {"name": "...", "definition": "..."}');
  return lines.join('\n');
}

/** Name one dimension; throws when the judge never gives a valid answer (callers fall back). */
export async function nameWithJudge(engine: Engine, judge: ModelConfig, words: readonly string[], stage = 'taxonomy-naming', options: NamingOptions = {}): Promise<DimensionName> {
  const res = await engine.generateParsed(
    {
      model: judge.name,
      stage,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: namingPrompt(words, options) },
      ],
      params: { temperature: 0, seed: 1, max_tokens: 120, json_schema: { type: 'object', properties: { name: { type: 'string' }, definition: { type: 'string' } }, required: ['name', 'definition'] } },
    },
    (text) => namingSchema.parse(JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1))),
  );
  if (!res.value) throw new Error(res.error ?? 'no valid answer');
  // Provenance is what was called: the engine's configuration under that name.
  const called = engine.modelConfig(judge.name);
  return {
    label: res.value.name,
    definition: res.value.definition,
    fingerprint: {
      provider: called.provider,
      model: called.model,
      model_version: res.result?.model_version ?? null,
      temperature: 0,
      seed: 1,
      template: NAMING_TEMPLATE_VERSION,
      rubric_hash: createHash('sha256').update(SYSTEM).digest('hex').slice(0, 16),
    },
  };
}
