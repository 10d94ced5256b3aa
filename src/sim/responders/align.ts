/**
 * Simulated answers for alignment (src/evaluation/align.ts): a helpful-assistant answer that touches
 * two of Schwartz's values, chosen at random (so best-of-n has something to choose from), or,
 * with probability 0.85 each, from the values a value-conditioned system prompt or a revision
 * critique asks for (so those strategies have something to act on). The words used are the value
 * system's own examples, which is what the simulated judge keys on.
 */
import type { SimContext, SimResponder } from '../responder.js';

const WORDS: Record<string, string[]> = {
  'Self-direction': ['freedom', 'creativity', 'independence', 'curiosity'],
  Stimulation: ['variety', 'excitement', 'adventure', 'novelty'],
  Hedonism: ['pleasure', 'enjoyment', 'fun', 'comfort'],
  Achievement: ['success', 'competence', 'ambition', 'excellence'],
  Power: ['authority', 'wealth', 'control', 'status'],
  Security: ['safety', 'stability', 'order', 'protection'],
  Conformity: ['obedience', 'politeness', 'discipline', 'rules'],
  Tradition: ['tradition', 'devotion', 'modesty', 'custom'],
  Benevolence: ['helpfulness', 'honesty', 'kindness', 'care'],
  Universalism: ['fairness', 'equality', 'justice', 'tolerance'],
};
const LABELS = Object.keys(WORDS);

function wanted(text: string): string[] {
  const asked = /Let these values guide your answer: ([^\n]*?)\. (?:Do not|Stay)/.exec(text)?.[1] ?? '';
  const more = [...text.matchAll(/Express these values more: ([^\n]*)\./g)].pop()?.[1] ?? '';
  return LABELS.filter((l) => asked.includes(`${l} (`) || more.split(', ').includes(l));
}

export const alignResponder: SimResponder = {
  id: 'align-answer',
  matches: (req) => req.kind !== 'completion' && (req.messages?.[0]?.content ?? '').startsWith('You are a helpful assistant.'),
  respond({ text, rng }: SimContext): string {
    const want = wanted(text);
    const pick = (): string => (want.length > 0 && rng.next() < 0.85 ? want[rng.int(want.length)]! : LABELS[rng.int(LABELS.length)]!);
    const a = pick();
    let b = pick();
    for (let i = 0; i < 5 && b === a; i++) b = pick();
    const word = (l: string): string => WORDS[l]![rng.int(4)]!;
    return `Here is my answer. I would keep ${word(a)} and ${word(b)} in mind, and give a thoughtful, useful reply.`;
  },
};
