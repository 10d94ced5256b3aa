/**
 * Answer a provider request as a simulated model would: deterministic for a given model, request
 * content and parameters (including the seed the engine derives from the sample index).
 */
import type { ProviderRequest, ProviderResponse } from '../engine/types.js';
import { ProviderError } from '../engine/types.js';
import { canonicalJson } from '../core/hash.js';
import { rngFor } from '../stats/rng.js';
import { DEFAULT_POPULATION, findSimModel, type SimModel } from './population.js';
import { requestText } from './responder.js';
import { genericResponder } from './responders/generic.js';
import { RESPONDERS } from './responders/index.js';

export function simulate(request: ProviderRequest, population: readonly SimModel[] = DEFAULT_POPULATION): ProviderResponse {
  const model = findSimModel(request.model, population);
  if (!model) {
    throw new ProviderError(
      `simulated: unknown model "${request.model}" (available: ${population.map((m) => `sim/${m.name}`).join(', ')})`,
      { status: 404, retryable: false },
    );
  }
  const text = requestText(request);
  const rng = rngFor(model.name, canonicalJson({ m: request.messages, p: request.prompt, params: request.params }));
  const responder = RESPONDERS.find((r) => r.matches(request, text)) ?? genericResponder;
  let answer = responder.respond({ model, request, rng, text });
  if (request.params.max_tokens !== undefined) {
    // Rough token cap (about 4 characters a token), as a real server would truncate.
    const cap = request.params.max_tokens * 4;
    if (answer.length > cap) answer = answer.slice(0, cap);
  }
  const inputTokens = Math.ceil(text.length / 4);
  return {
    text: answer,
    finish_reason: 'stop',
    usage: { input_tokens: inputTokens, output_tokens: Math.ceil(answer.length / 4) },
    model_version: `sim/${model.name}`,
  };
}
