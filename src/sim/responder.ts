/**
 * A responder teaches the simulated population to answer one kind of prompt (elicitation, ratings,
 * sentence completions, judge rubrics...). There is one per stage in ./responders/, listed in
 * ./responders/index.ts, so the simulation of each prompt is one small module rather than one big
 * switch. A responder reads the planted structure from `ctx.population` (never from a fixed list):
 * a new responder (e.g. forced choices) compares options through the model's latent traits
 * (`respondentTraits`, `wordUtility` in ../population.ts).
 */
import type { Rng } from '../stats/rng.js';
import type { ProviderRequest } from '../engine/types.js';
import type { SimModel, SimPopulation } from './population.js';

export interface SimContext {
  /** The population the requested model belongs to (its planted structure and noise). */
  population: SimPopulation;
  model: SimModel;
  /** A behaviour variant named after `+` in the model id (e.g. `noisy`), if any. */
  variant: string | undefined;
  request: ProviderRequest;
  /** Deterministic for (population seed, model, request content, parameters incl. seed). */
  rng: Rng;
  /** The request's text: all messages joined (or the raw prompt). */
  text: string;
}

export interface SimResponder {
  id: string;
  matches(request: ProviderRequest, text: string): boolean;
  respond(ctx: SimContext): string;
}

export function requestText(request: ProviderRequest): string {
  return request.prompt ?? (request.messages ?? []).map((m) => m.content).join('\n\n');
}
