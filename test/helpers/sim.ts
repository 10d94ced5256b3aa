/**
 * Models of the default simulated population for tests that need a few by role. Names are drawn
 * from the population's seed, so tests ask for "an instruct model" rather than naming one.
 */
import { defaultPopulation, type SimModel, type Training } from '../../src/sim/population.js';

/** Distinct default-population models, the first unused one of each requested training (`chat`: any but base). */
export function pickSimModels(...roles: Array<Training | 'chat'>): SimModel[] {
  const used = new Set<string>();
  return roles.map((role) => {
    const m = defaultPopulation().models.find((x) => !used.has(x.name) && (role === 'chat' ? x.training !== 'base' : x.training === role));
    if (!m) throw new Error(`the default simulated population has no unused ${role} model`);
    used.add(m.name);
    return m;
  });
}

/** Their names. */
export function pickSimNames(...roles: Array<Training | 'chat'>): string[] {
  return pickSimModels(...roles).map((m) => m.name);
}
