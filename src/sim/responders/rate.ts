/**
 * Simulated answers to the rating prompt (src/study/stages/rate/stage.ts): each respondent (the
 * engine's seed, one per respondent) rates a planted word by loading x its trait on the word's
 * dimension (`wordUtility`), a word on no dimension near the middle, with ordinal noise
 * (`noise.ratingSd`) and the model's response style: acquiescence shifts every rating, extremity
 * stretches the spread. Factor analysis of the ratings has the planted structure to find.
 * About 4% of answers are malformed (a missing word, prose around the JSON) to exercise re-asking.
 */
import { plantedWord, respondentAcquiescence, respondentTraits } from '../population.js';
import type { SimContext, SimResponder } from '../responder.js';

const WORDS_LINE = /^Words: (\[.*\])$/m;
const SCALE = /on a scale from 1 \(does not describe my values at all\) to (\d+)/;

export const rateResponder: SimResponder = {
  id: 'rate',
  matches: (_req, text) => SCALE.test(text) && WORDS_LINE.test(text),
  respond({ population, model, request, rng, text }: SimContext): string {
    const words = JSON.parse(WORDS_LINE.exec(text)![1]!) as string[];
    const scale = Number(SCALE.exec(text)![1]);
    const key = `rate-${request.params.seed ?? 0}`;
    const traits = respondentTraits(population, model, key);
    const acquiescence = respondentAcquiescence(population, model, key);
    const mid = (scale + 1) / 2;
    const out: Record<string, number> = {};
    for (const w of words) {
      const p = plantedWord(population, w);
      // Planted words follow the respondent's trait; other words sit near the middle.
      const latent = p === undefined ? 0.2 * rng.normal() : p.loading * traits[p.dimension]! + 0.15;
      const z = 1.2 * latent + population.noise.ratingSd * rng.normal();
      const value = Math.round(mid + ((scale - 1) / 4) * (model.extremity * z + acquiescence));
      out[w] = Math.min(scale, Math.max(1, value));
    }
    const roll = rng.next();
    if (roll < 0.02 && words.length > 1) delete out[words[0]!];
    const json = JSON.stringify(out);
    if (roll > 0.98) return `Sure! Here are my ratings:\n\`\`\`json\n${json}\n\`\`\``;
    return json;
  },
};
