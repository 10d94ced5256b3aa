/**
 * The fallback answer for prompts no stage responder claims: a short, plausible reply whose tone
 * follows the model's traits. The simulator applies it when none of ./index.ts claims a prompt.
 */
import { PLANTED_DIMENSIONS } from '../population.js';
import type { SimContext, SimResponder } from '../responder.js';

export const genericResponder: SimResponder = {
  id: 'generic',
  matches: () => true,
  respond({ model, rng }: SimContext): string {
    const order = model.traits.map((t, i) => ({ t: t + 0.5 * rng.normal(), i })).sort((a, b) => b.t - a.t);
    const top = PLANTED_DIMENSIONS[order[0]!.i]!;
    const word = top.words[rng.int(4)]!;
    return `I would approach this with ${word} in mind, and try to give a careful, useful answer.`;
  },
};
