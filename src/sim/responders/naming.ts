/**
 * Simulated judge answers to the taxonomy naming prompt (src/judge/naming.ts, used by the taxonomy
 * stage). The simulated judge knows no list of labels: it names a dimension after the words it is
 * shown, as a careful reader would, from its most typical (first-listed) words ("Honesty /
 * Fairness"), and defines it by all the words it was shown.
 */
import type { SimContext, SimResponder } from '../responder.js';

const WORDS = /These value words load together on one factor, strongest first: (\[.*?\])\./;

const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

/** The name the simulated judge gives a dimension shown these words, strongest first. */
export function nameFromWords(words: readonly string[]): { name: string; definition: string } {
  const shown = words.filter((w) => typeof w === 'string' && w.trim().length > 0).map((w) => w.trim());
  if (shown.length === 0) return { name: 'Unnamed', definition: 'A dimension shown no words.' };
  const name = shown.slice(0, 2).map(cap).join(' / ').slice(0, 60);
  return { name: name.length >= 2 ? name : `${name} values`, definition: `Values such as ${shown.join(', ')}.`.slice(0, 400) };
}

export const namingResponder: SimResponder = {
  id: 'taxonomy-naming',
  matches: (_req, text) => WORDS.test(text),
  respond({ text }: SimContext): string {
    let words: unknown;
    try {
      words = JSON.parse(WORDS.exec(text)![1]!);
    } catch {
      words = [];
    }
    return JSON.stringify(nameFromWords(Array.isArray(words) ? words.map(String) : []));
  },
};
