/**
 * A responder teaches the simulated population to answer one kind of prompt (elicitation, ratings,
 * sentence completions, judge rubrics...). There is one per stage in ./responders/, listed in
 * ./responders/index.ts, so the simulation of each prompt is one small module rather than one big
 * switch.
 */
import type { Rng } from '../stats/rng.js';
import type { ProviderRequest } from '../engine/types.js';
import type { SimModel } from './population.js';

export interface SimContext {
  model: SimModel;
  request: ProviderRequest;
  /** Deterministic for (model, request content, parameters incl. seed). */
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
