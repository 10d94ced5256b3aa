/**
 * Simulated answers for the choices stage (src/study/stages/choices/): the generator writes a
 * dilemma whose options each carry a value word of the value they honour; the judge checks a
 * dilemma by those words; a model chooses between options by its latent traits on the planted
 * dimensions the options' words belong to (logistic in 3 x the trait difference), so its Bradley-Terry
 * priorities have a known order.
 *
 * Planted answering styles, by model-name suffix: `+position` answers "A" with probability 0.35
 * whatever the options (a position bias); `+framing` answers the "reject" question as if it were
 * "choose" with probability 0.8 (a framing inconsistency); `+mute` never answers with a letter. Generator variants: `+lazy` ignores the
 * situation (so its dilemmas are near-duplicates), `+sloppy` swaps the options of a third of its
 * dilemmas (so the judge's check fails them). About 3% of answers are malformed, to exercise
 * re-asking.
 */
import type { Rng } from '../../stats/rng.js';
import { plantedWord, type SimPopulation } from '../population.js';
import type { SimContext, SimResponder } from '../responder.js';

const GENERATE = /Write a dilemma set in this situation: (.*)/;
const GEN_VALUE = /^- Value (\d), ([^:]+): .*?(?: \(for example: (.*)\))?$/gm;
const VERIFY = /You check dilemmas written for a study of values\./;
const VERIFY_VALUE = /^- ([\w.-]+) \(([^)]*)\): .*?(?: Examples: (.*)\.)?$/gm;
const VERIFY_OPTION = /^Option ([12]): (.*)$/gm;
const ASK = /\n\nA\. (.*)\nB\. (.*)\n\n(Which option would you (choose|reject)\?) Answer with A or B only\./;

const ACTIONS = [
  'and accept the cost that comes with it',
  'even though it makes the next hours harder',
  'and explain your reasons plainly',
  'and deal with the consequences later',
  'before anything else happens',
  'and let the other concern wait',
];

/** Planted dimensions of the population named in a text (by their words), most mentioned first. */
function dimensionsIn(population: SimPopulation, text: string): number[] {
  const counts = new Map<number, number>();
  for (const w of text.toLowerCase().match(/[a-z-]+/g) ?? []) {
    const d = plantedWord(population, w)?.dimension;
    if (d !== undefined) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([d]) => d);
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

export const choicesGeneratorResponder: SimResponder = {
  id: 'choices-generate',
  matches: (_req, text) => GENERATE.test(text),
  respond({ text, rng, request }: SimContext): string {
    const variant = /\+(\w+)$/.exec(request.model)?.[1];
    const situation = variant === 'lazy' ? 'Someone asks you for help.' : GENERATE.exec(text)![1]!.trim();
    const words: string[] = [];
    for (const m of text.matchAll(GEN_VALUE)) {
      const examples = (m[3] ?? '').split(/,\s*/).filter(Boolean);
      words[Number(m[1]) - 1] = examples.length > 0 ? pick(rng, examples) : m[2]!.toLowerCase();
    }
    if (rng.next() < 0.03) return '{"dilemma": "You are unsure what to do", "option_1": ';
    let options = [
      `Act with ${words[0] ?? 'care'} ${variant === 'lazy' ? ACTIONS[0] : pick(rng, ACTIONS)}.`,
      `Act with ${words[1] ?? 'care'} ${variant === 'lazy' ? ACTIONS[1] : pick(rng, ACTIONS)}.`,
    ];
    if (variant === 'sloppy' && rng.next() < 1 / 3) options = [options[1]!, options[0]!];
    const dilemma = `${situation} You cannot do both of the things that come to mind, and you have to decide now.`;
    return JSON.stringify({ dilemma, option_1: options[0], option_2: options[1] });
  },
};

export const choicesVerifyResponder: SimResponder = {
  id: 'choices-verify',
  matches: (_req, text) => VERIFY.test(text),
  respond({ text }: SimContext): string {
    const values = [...text.matchAll(VERIFY_VALUE)].map((m) => ({ id: m[1]!, cues: [m[2]!.toLowerCase(), ...(m[3] ?? '').toLowerCase().split(/,\s*/).filter(Boolean)] }));
    const options = new Map([...text.matchAll(VERIFY_OPTION)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
    const which = (option: string): string => {
      const hit = values.find((v) => v.cues.some((c) => c.length > 2 && option.includes(c)));
      return hit?.id ?? values[0]?.id ?? '';
    };
    return JSON.stringify({ option_1: which(options.get('1') ?? ''), option_2: which(options.get('2') ?? '') });
  },
};

export const choicesAnswerResponder: SimResponder = {
  id: 'choices-answer',
  matches: (_req, text) => ASK.test(text),
  respond({ text, model, population, rng, request }: SimContext): string {
    const [, optionA, optionB, , framing] = ASK.exec(text)!;
    const variant = /\+(\w+)$/.exec(request.model)?.[1];
    const answer = (letter: 'A' | 'B'): string => (request.kind === 'completion' ? ` ${letter}` : letter);
    if (variant === 'mute' || rng.next() < 0.03) return 'Both options have merit; I would rather not choose.';
    if (variant === 'position' && rng.next() < 0.35) return answer('A');
    const utility = (option: string): number => {
      const d = dimensionsIn(population, option)[0];
      return d === undefined ? 0 : model.traits[d]!;
    };
    const pA = 1 / (1 + Math.exp(-3 * (utility(optionA!) - utility(optionB!))));
    const preferA = rng.next() < pA;
    const asIfChoose = framing === 'choose' || (variant === 'framing' && rng.next() < 0.8);
    return answer(preferA === asIfChoose ? 'A' : 'B');
  },
};
