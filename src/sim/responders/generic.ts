/**
 * The fallback answer for prompts no stage responder claims: a short, plausible reply whose tone
 * follows the model's traits (a word of its strongest planted dimension in this answer). The
 * simulator applies it when none of ./index.ts claims a prompt.
 */
import type { SimContext, SimResponder } from '../responder.js';

export const genericResponder: SimResponder = {
  id: 'generic',
  matches: () => true,
  respond({ population, model, rng }: SimContext): string {
    const order = model.traits.map((t, i) => ({ t: t + 0.5 * rng.normal(), i })).sort((a, b) => b.t - a.t);
    const top = population.dimensions[order[0]!.i]!;
    const word = top.words[rng.int(Math.min(4, top.words.length))]!;
    return `I would approach this with ${word} in mind, and try to give a careful, useful answer.`;
  },
};
