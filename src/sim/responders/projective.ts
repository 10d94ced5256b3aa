/**
 * Simulated answers for projective tests (src/study/stages/projective/stage.ts). Completions carry value
 * words drawn by the respondent's traits (so profiles have a known order across models), and a
 * simulated judge scores a fenced completion by the value words it contains: +1 for a dimension
 * whose words (from the rubric's examples and labels) appear, -1 when negated, else 0.
 */
import { PLANTED_DIMENSIONS, respondentTraits } from '../population.js';
import type { SimContext, SimResponder } from '../responder.js';

const FAMILY_VERB: Record<string, string> = { atlas: 'try', boreal: 'aim', cirrus: 'strive' };

const COMPLETE = /Complete this sentence: "(.*) \.\.\."/;

function valuePhrase({ model, request, rng }: SimContext): string {
  const traits = respondentTraits(model, `proj-${request.params.seed ?? 0}`);
  // Pick a dimension with probability rising steeply with the trait (softmax).
  const w = traits.map((t) => Math.exp(1.6 * t));
  let u = rng.next() * w.reduce((a, b) => a + b, 0);
  let k = 0;
  while (k < w.length - 1 && u > w[k]!) u -= w[k++]!;
  const dim = PLANTED_DIMENSIONS[k]!;
  const word = dim.words[rng.int(dim.words.length)]!;
  // Low traits sometimes show as the value's absence.
  // Each family has its own turn of phrase, which a self-preferring judge can recognise.
  const verb = FAMILY_VERB[model.family] ?? 'try';
  return traits[k]! < -0.8 && rng.next() < 0.5 ? `I do not care much about ${word}` : `I ${verb} to act with ${word}`;
}

export const projectiveResponder: SimResponder = {
  id: 'projective-completion',
  matches: (req, text) => COMPLETE.test(text) || (req.kind === 'completion' && text.length < 80 && !/\n/.test(text)),
  respond(ctx: SimContext): string {
    const phrase = valuePhrase(ctx);
    return ctx.request.kind === 'completion' ? ` ${phrase.charAt(0).toLowerCase()}${phrase.slice(1)}.` : `${phrase}, because that is what matters to me.`;
  },
};

const FENCE = /<(completion|response)-([0-9a-f]+)>\n([\s\S]*?)\n<\/\1-\2>/;
const DIMENSION_LINE = /^- ([\w.-]+) \(([^)]*)\): (.*)$/gm;

export const projectiveJudgeResponder: SimResponder = {
  id: 'projective-judge',
  matches: (_req, text) => FENCE.test(text) && /Value dimensions:/.test(text),
  respond({ text, request, rng, model }: SimContext): string {
    const completion = FENCE.exec(text)![3]!.toLowerCase();
    const scores: Record<string, number> = {};
    // Judge variants by model-name suffix: +noisy flips a score with probability 0.3 (the seed
    // changes per repeat, so repeats disagree); +first scores the first-listed dimension +1 half
    // the time it would be 0 (a position bias); +long gives a text +1 on a dimension it would score 0
    // with a probability rising with its length (0 at 50 characters, 0.9 from 77); +self does the same for texts written in its
    // own family's turn of phrase.
    const variant = /\+(\w+)$/.exec(request.model)?.[1];
    let first = true;
    for (const m of text.matchAll(DIMENSION_LINE)) {
      const [, id, label, rest] = m;
      const cues = new Set<string>([label!.toLowerCase(), ...((/Examples: (.*)\.$/.exec(rest!)?.[1] ?? '').toLowerCase().split(/,\s*/).filter(Boolean))]);
      // Words of the planted dimension the label names count as cues too (taxonomy labels).
      for (const d of PLANTED_DIMENSIONS) if (label!.toLowerCase().includes(d.label.toLowerCase()) || cues.has(d.words[0]!)) d.words.forEach((w) => cues.add(w));
      const hit = [...cues].some((c) => c.length > 2 && completion.includes(c));
      let score = hit ? (/\b(not|never|don't|do not)\b/.test(completion) ? -1 : 1) : 0;
      if (variant === 'noisy' && rng.next() < 0.3) score = score === 0 ? (rng.next() < 0.5 ? 1 : -1) : 0;
      if (variant === 'first' && first && score === 0 && rng.next() < 0.5) score = 1;
      if (variant === 'long' && score === 0 && rng.next() < Math.min(0.9, Math.max(0, (completion.length - 50) / 30))) score = 1;
      if (variant === 'self' && score === 0 && completion.includes(`i ${FAMILY_VERB[model.family] ?? 'try'} to act`) && rng.next() < 0.4) score = 1;
      first = false;
      scores[id!] = score;
    }
    return JSON.stringify({ scores });
  },
};
