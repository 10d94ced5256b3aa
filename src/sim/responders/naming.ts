/**
 * Simulated judge answers to the taxonomy naming prompt (src/judge/naming.ts, used by the taxonomy stage): names the
 * dimension after the planted dimension most of its words come from.
 */
import { PLANTED_DIMENSIONS } from '../population.js';
import type { SimContext, SimResponder } from '../responder.js';

const WORDS = /These value words load together on one factor, strongest first: (\[.*?\])\./;

export const namingResponder: SimResponder = {
  id: 'taxonomy-naming',
  matches: (_req, text) => WORDS.test(text),
  respond({ text }: SimContext): string {
    const words = JSON.parse(WORDS.exec(text)![1]!) as string[];
    const counts = PLANTED_DIMENSIONS.map((d) => words.filter((w) => d.words.includes(w)).length);
    const best = PLANTED_DIMENSIONS[counts.indexOf(Math.max(...counts))]!;
    return JSON.stringify({ name: best.label, definition: `Values about ${best.label.toLowerCase()}: ${words.slice(0, 4).join(', ')}.` });
  },
};
