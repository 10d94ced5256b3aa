/**
 * Answer a provider request as a simulated model would: deterministic for a given population,
 * model, request content and parameters (including the seed the engine derives from the sample
 * index). Every answer says it is simulated (`simulated: true`), which the engine records.
 */
import type { ProviderRequest, ProviderResponse } from '../engine/types.js';
import { ProviderError } from '../engine/types.js';
import { canonicalJson } from '../core/hash.js';
import { rngFor } from '../stats/rng.js';
import { defaultPopulation, resolveSimModel, simModelId, type SimPopulation } from './population.js';
import { requestText } from './responder.js';
import { genericResponder } from './responders/generic.js';
import { RESPONDERS } from './responders/index.js';

export function simulate(request: ProviderRequest, population: SimPopulation = defaultPopulation()): ProviderResponse {
  const resolved = resolveSimModel(request.model, population);
  if (!resolved) {
    throw new ProviderError(
      `simulated: unknown model "${request.model}" (population seed ${population.seed}: ${population.models.map((m) => `sim/${m.name}`).join(', ')}; or sim/<seed>/<name>)`,
      { status: 404, retryable: false },
    );
  }
  const { model, variant } = resolved;
  const pop = resolved.population;
  const text = requestText(request);
  const rng = rngFor('valuelex-sim', String(pop.seed), model.name, canonicalJson({ m: request.messages, p: request.prompt, params: request.params }));
  const responder = RESPONDERS.find((r) => r.matches(request, text)) ?? genericResponder;
  let answer = responder.respond({ population: pop, model, variant, request, rng, text });
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
    model_version: simModelId(pop, model),
    simulated: true,
  };
}
