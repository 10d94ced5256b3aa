/**
 * Simulated answers to the rating prompt (src/study/stages/rate/stage.ts): each respondent (the engine's
 * seed, one per respondent) rates words by its latent traits on the planted dimension the word
 * belongs to, with ordinal noise, so factor analysis of the ratings has a known structure to find.
 * About 4% of answers are malformed (a missing word, prose around the JSON) to exercise re-asking.
 */
import { PLANTED_DIMENSIONS, respondentTraits } from '../population.js';
import type { SimContext, SimResponder } from '../responder.js';

const WORDS_LINE = /^Words: (\[.*\])$/m;
const SCALE = /on a scale from 1 \(does not describe my values at all\) to (\d+)/;

const dimensionOf = new Map<string, number>();
PLANTED_DIMENSIONS.forEach((d, i) => d.words.forEach((w) => dimensionOf.set(w, i)));

export const rateResponder: SimResponder = {
  id: 'rate',
  matches: (_req, text) => SCALE.test(text) && WORDS_LINE.test(text),
  respond({ model, request, rng, text }: SimContext): string {
    const words = JSON.parse(WORDS_LINE.exec(text)![1]!) as string[];
    const scale = Number(SCALE.exec(text)![1]);
    const traits = respondentTraits(model, `rate-${request.params.seed ?? 0}`);
    const mid = (scale + 1) / 2;
    const out: Record<string, number> = {};
    for (const w of words) {
      const d = dimensionOf.get(w);
      // Planted words follow the respondent's trait; other words sit near the middle.
      const latent = d === undefined ? 0.2 * rng.normal() : 0.9 * traits[d]! + 0.15;
      const value = Math.round(mid + ((scale - 1) / 4) * (1.2 * latent + 0.6 * rng.normal()));
      out[w] = Math.min(scale, Math.max(1, value));
    }
    const roll = rng.next();
    if (roll < 0.02 && words.length > 1) delete out[words[0]!];
    const json = JSON.stringify(out);
    if (roll > 0.98) return `Sure! Here are my ratings:\n\`\`\`json\n${json}\n\`\`\``;
    return json;
  },
};
