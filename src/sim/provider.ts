/**
 * The in-process simulated population as a provider (`provider: simulated`, `model: sim/<name>`).
 * Labelled as simulated everywhere it appears; never a stand-in for a real model's answers.
 */
import type { Provider, ProviderRequest, ProviderResponse } from '../engine/types.js';
import { simulate } from './simulate.js';

export class SimulatedProvider implements Provider {
  readonly name = 'simulated';
  async generate(req: ProviderRequest): Promise<ProviderResponse> {
    return simulate(req);
  }
}
