/**
 * The in-process simulated population as a provider (`provider: simulated`). A model id is
 * `sim/<name>` (a model of the provider's population, by default `defaultPopulation()`) or
 * `sim/<seed>/<name>` (a model of the population drawn from that seed), so a study file says which
 * planted world its simulated models come from. Labelled as simulated everywhere it appears; never
 * a stand-in for a real model's answers. The engine does not know it: the composition roots (the
 * command line, tests) hand it to an engine through `SIMULATED_PROVIDERS`.
 */
import type { ProviderFactories } from '../engine/providers/index.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../engine/types.js';
import { defaultPopulation, type SimPopulation } from './population.js';

export class SimulatedProvider implements Provider {
  readonly name = 'simulated';
  private readonly population: SimPopulation;
  constructor(population?: SimPopulation) {
    this.population = population ?? defaultPopulation();
  }

  async generate(req: ProviderRequest): Promise<ProviderResponse> {
    // The simulator and its responders load on first use, not with every engine.
    const { simulate } = await import('./simulate.js');
    return simulate(req, this.population);
  }
}

/** Provider factories whose `simulated` provider answers from `population` (ids `sim/<name>` or `sim/<seed>/<name>`). */
export function simulatedProviders(population?: SimPopulation): ProviderFactories {
  return { simulated: () => new SimulatedProvider(population) };
}

/** The `simulated` provider over the default population, to merge into an engine's provider factories. */
export const SIMULATED_PROVIDERS: ProviderFactories = { simulated: () => new SimulatedProvider() };
