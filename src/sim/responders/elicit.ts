/**
 * Simulated answers to elicitation prompts ("what values do you hold?"). Each request is one
 * respondent with its own latent traits around its model's; each planted value word is named with
 * a probability that rises with the respondent's trait on that word's dimension, so the
 * respondent x term matrix carries the planted factor structure. Answers come in the messy styles
 * real models use (numbered lists, bullets with explanations, comma lists, JSON in code fences,
 * prose, adjective forms instead of nouns, refusals) so the parser and normalizer are exercised.
 */
import { ADJ_TO_NOUN } from '../../text/morphology.js';
import type { Rng } from '../../stats/rng.js';
import { respondentTraits, type SimModel, type SimPopulation } from '../population.js';
import type { SimContext, SimResponder } from '../responder.js';

const ELICIT_PATTERN =
  /\b(?:what values|values (?:do|should|that) you|values you|values that guide|which values|value words|what do you stand for|describe a good ai|qualities an ideal|character traits|which virtues|which qualities|what makes an ai|your own values|principles you care|values should ai)\b/i;
const OTHER_STAGE_PATTERN = /\b(?:rate|rating|likert|on a scale|score|complete the sentence|sentence completion|which of the following)\b/i;

/** noun -> an adjective that names it (honesty -> honest), for answers that use adjectives. */
const NOUN_TO_ADJ: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const [adj, noun] of Object.entries(ADJ_TO_NOUN)) {
    if (adj !== noun && !/[\s-]/.test(adj) && !m.has(noun)) m.set(noun, adj);
  }
  return m;
})();

const EXPLANATIONS = [
  'it is the basis of trust',
  'people deserve it in every answer',
  'I try to show this consistently',
  'it guides how I respond',
  'without it my help would mean little',
];

function cap(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * The words this respondent names, most important first: each planted word with probability
 * logistic(1.6 x trait of its dimension - 0.22 x its rank in the dimension + the model's
 * verbosity bias), and each background word (on no dimension) with probability 0.07.
 */
export function chooseValueWords(population: SimPopulation, model: SimModel, rng: Rng): string[] {
  const traits = respondentTraits(population, model, String(rng.int(1_000_000_000)));
  const bias = -0.9 + 0.15 * (model.verbosity - 7);
  const scored: Array<{ w: string; s: number }> = [];
  population.dimensions.forEach((dim, d) => {
    dim.words.forEach((w, k) => {
      const logit = 1.6 * traits[d]! - 0.22 * k + bias;
      if (rng.next() < logistic(logit)) scored.push({ w, s: logit + 0.5 * rng.normal() });
    });
  });
  for (const w of population.background) if (rng.next() < 0.07) scored.push({ w, s: -1 + rng.normal() });
  if (scored.length === 0) {
    const d = traits.indexOf(Math.max(...traits));
    scored.push({ w: population.dimensions[d]!.words[0]!, s: 0 });
  }
  return scored.sort((a, b) => b.s - a.s).map((x) => x.w);
}

function surface(word: string, rng: Rng, allowAdjective: boolean): string {
  const adj = NOUN_TO_ADJ.get(word);
  return allowAdjective && adj && rng.next() < 0.3 ? adj : word;
}

type Style = 'numbered' | 'bullets' | 'comma' | 'json' | 'prose' | 'lines';

function pickStyle(model: SimModel, prompt: string, rng: Rng): Style {
  if (/json/i.test(prompt) && rng.next() < 0.85) return 'json';
  if (/comma/i.test(prompt) && rng.next() < 0.8) return 'comma';
  if (/numbered/i.test(prompt) && rng.next() < 0.8) return 'numbered';
  if (/bullet/i.test(prompt) && rng.next() < 0.8) return 'bullets';
  const free = /paragraph|sentences|explain|describe the values|in a few/i.test(prompt);
  if (free) return rng.next() < 0.75 ? 'prose' : 'bullets';
  const styles: Style[] = model.training === 'base' ? ['lines', 'comma', 'prose', 'numbered'] : ['numbered', 'bullets', 'comma', 'json', 'lines', 'prose'];
  return styles[rng.int(styles.length)]!;
}

function render(style: Style, words: string[], rng: Rng): string {
  const intro = rng.next() < 0.5 ? ['Here are the values I hold:', 'Sure! My core values are:', 'Certainly. The values that guide me:'][rng.int(3)]! + '\n\n' : '';
  switch (style) {
    case 'numbered':
      return (
        intro +
        words
          .map((w, i) => {
            const s = cap(surface(w, rng, true));
            return rng.next() < 0.5 ? `${i + 1}. **${s}** - ${EXPLANATIONS[rng.int(EXPLANATIONS.length)]}` : `${i + 1}. ${s}`;
          })
          .join('\n')
      );
    case 'bullets':
      return (
        intro +
        words
          .map((w) => {
            const s = cap(surface(w, rng, true));
            return rng.next() < 0.6 ? `- **${s}**: ${cap(EXPLANATIONS[rng.int(EXPLANATIONS.length)]!)}.` : `* ${s}`;
          })
          .join('\n')
      );
    case 'comma': {
      const ws = words.map((w) => surface(w, rng, true));
      const body = ws.length > 1 ? `${ws.slice(0, -1).join(', ')}, and ${ws[ws.length - 1]}` : ws[0]!;
      return `${rng.next() < 0.5 ? '' : 'Good AI assistants are: '}${cap(body)}.`;
    }
    case 'json':
      return `\`\`\`json\n${JSON.stringify(words.map((w) => (rng.next() < 0.3 ? cap(w) : w)))}\n\`\`\``;
    case 'lines':
      return words.map((w) => cap(surface(w, rng, true))).join('\n');
    case 'prose': {
      const sentences: string[] = [];
      for (let i = 0; i < words.length; i += 2) {
        const a = words[i]!;
        const b = words[i + 1];
        const t = rng.int(3);
        if (b === undefined) sentences.push(`${cap(a)} matters to me as well.`);
        else if (t === 0) sentences.push(`I value ${a} and ${b} above all.`);
        else if (t === 1) sentences.push(`I also try to show ${a} and ${b} in every conversation.`);
        else sentences.push(`${cap(a)} and ${b} guide how I respond to people.`);
      }
      return sentences.join(' ');
    }
  }
}

const REFUSALS = [
  "As an AI language model, I don't have personal values or beliefs. I'm here to help with whatever you need.",
  "I'm sorry, but I can't answer that. I am just a program without opinions.",
  'I do not have values of my own; I simply follow my instructions.',
];

const NON_ENGLISH = ['Mes valeurs : honnêteté, bienveillance, équité et transparence.', 'Meine Werte sind Ehrlichkeit, Hilfsbereitschaft und Fairness.'];

export const elicitResponder: SimResponder = {
  id: 'elicit',
  // Elicitation prompts are short questions; other stages' prompts that mention values are longer
  // (rubrics, item lists) or ask for ratings/completions, and are left to their own responders.
  matches: (_req, text) => text.length < 700 && ELICIT_PATTERN.test(text) && !OTHER_STAGE_PATTERN.test(text),
  respond({ population, model, rng, text }: SimContext): string {
    if (rng.next() < model.refusalRate) return REFUSALS[rng.int(REFUSALS.length)]!;
    if (model.training === 'base' && rng.next() < 0.03) return NON_ENGLISH[rng.int(NON_ENGLISH.length)]!;
    const words = chooseValueWords(population, model, rng);
    const five = /exactly five/i.test(text);
    const style = pickStyle(model, text, rng);
    let answer = render(style, five ? words.slice(0, 5) : words, rng);
    // Real answers carry noise the parser must reject: a rambling item, a repeated value, a sign-off.
    if (style === 'numbered' || style === 'bullets') {
      if (rng.next() < 0.15) answer += `\n${style === 'numbered' ? `${words.length + 1}.` : '-'} Always doing my very best to give every user a complete answer`;
      if (rng.next() < 0.1) answer += `\n${style === 'numbered' ? `${words.length + 2}.` : '-'} ${cap(surface(words[0]!, rng, true))}`;
      if (rng.next() < 0.3) answer += '\n\nI hope this helps!';
    }
    return answer;
  },
};
