/**
 * The in-process simulated population as a provider (`provider: simulated`, `model: sim/<name>`).
 * Labelled as simulated everywhere it appears; never a stand-in for a real model's answers. The
 * engine does not know it: the composition roots (the command line, tests) hand it to an engine
 * through `SIMULATED_PROVIDERS`.
 */
import type { ProviderFactories } from '../engine/providers/index.js';
import type { Provider, ProviderRequest, ProviderResponse } from '../engine/types.js';
import { DEFAULT_POPULATION, type SimModel } from './population.js';

export class SimulatedProvider implements Provider {
  readonly name = 'simulated';
  constructor(private readonly population: readonly SimModel[] = DEFAULT_POPULATION) {}

  async generate(req: ProviderRequest): Promise<ProviderResponse> {
    // The simulator and its responders load on first use, not with every engine.
    const { simulate } = await import('./simulate.js');
    return simulate(req, this.population);
  }
}

/** The `simulated` provider, to merge into an engine's provider factories. */
export const SIMULATED_PROVIDERS: ProviderFactories = { simulated: () => new SimulatedProvider() };
