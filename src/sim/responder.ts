/**
 * Responders teach the simulated population to answer one kind of prompt (elicitation, ratings,
 * sentence completions, judge rubrics...). Each stage registers its own in ./responders/, so the
 * simulation lives next to the prompts it imitates rather than in one big switch.
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

const responders: SimResponder[] = [];

export function registerSimResponder(responder: SimResponder): void {
  const i = responders.findIndex((r) => r.id === responder.id);
  if (i >= 0) responders[i] = responder;
  else responders.push(responder);
}

/** The first stage responder that claims the request, else undefined (the caller falls back). */
export function findResponder(request: ProviderRequest, text: string): SimResponder | undefined {
  return responders.find((r) => r.matches(request, text));
}

export function requestText(request: ProviderRequest): string {
  return request.prompt ?? (request.messages ?? []).map((m) => m.content).join('\n\n');
}
