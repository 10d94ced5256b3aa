/**
 * Morphology data for value words: which adjective (or odd noun form) names which value noun, and
 * British spellings. The explicit map wins; words not in it go through suffix rules whose output is
 * kept only when it is a known English noun (data/text/known-nouns.txt), so rules never invent words.
 */
import { readFileSync } from 'node:fs';
import { dataFile } from '../core/data.js';

/** adjective / variant -> value noun. Checked and curated: these are the merges the lexicon relies on. */
export const ADJ_TO_NOUN: Readonly<Record<string, string>> = {
  honest: 'honesty', truthful: 'truthfulness', helpful: 'helpfulness', fair: 'fairness',
  transparent: 'transparency', kind: 'kindness', responsible: 'responsibility', accurate: 'accuracy', curious: 'curiosity',
  creative: 'creativity', empathetic: 'empathy', empathic: 'empathy', empathize: 'empathy', compassionate: 'compassion',
  humble: 'humility', patient: 'patience', polite: 'politeness', friendly: 'friendliness', warm: 'warmth',
  understanding: 'understanding', supportive: 'supportiveness', reliable: 'reliability', dependable: 'dependability',
  precise: 'precision', thorough: 'thoroughness', useful: 'usefulness', competent: 'competence', efficient: 'efficiency',
  clear: 'clarity', knowledgeable: 'knowledge', accountable: 'accountability', safe: 'safety', private: 'privacy',
  trustworthy: 'trustworthiness', ethical: 'ethics', moral: 'morality', integrity: 'integrity', respectful: 'respect',
  respecting: 'respect', caring: 'care', careful: 'carefulness', considerate: 'consideration', generous: 'generosity',
  open: 'openness', 'open-minded': 'open-mindedness', 'open minded': 'open-mindedness', objective: 'objectivity',
  neutral: 'neutrality', impartial: 'impartiality', unbiased: 'impartiality', inclusive: 'inclusivity', inclusiveness: 'inclusivity',
  diverse: 'diversity', equal: 'equality', equitable: 'equity', just: 'justice', loyal: 'loyalty', brave: 'courage',
  courageous: 'courage', wise: 'wisdom', independent: 'independence', autonomous: 'autonomy', free: 'freedom',
  humane: 'humaneness', harmless: 'harmlessness', beneficial: 'beneficence', benevolent: 'benevolence', sincere: 'sincerity',
  authentic: 'authenticity', genuine: 'genuineness', consistent: 'consistency', adaptable: 'adaptability', flexible: 'flexibility',
  innovative: 'innovation', diligent: 'diligence', dedicated: 'dedication', committed: 'commitment', cooperative: 'cooperation',
  collaborative: 'collaboration', grateful: 'gratitude', tolerant: 'tolerance', mindful: 'mindfulness', attentive: 'attentiveness',
  responsive: 'responsiveness', secure: 'security', trustful: 'trust', trusted: 'trust', loving: 'love', gentle: 'gentleness',
  tactful: 'tact', discreet: 'discretion', prudent: 'prudence', cautious: 'caution', sensible: 'sensibility',
  sustainable: 'sustainability', accessible: 'accessibility', reasonable: 'reasonableness', rational: 'rationality',
  logical: 'logic', intelligent: 'intelligence', smart: 'intelligence', knowledgable: 'knowledge', skilful: 'skill', skillful: 'skill',
  concise: 'conciseness', clarity: 'clarity', factual: 'factuality', evidence: 'evidence', humility: 'humility', modest: 'modesty',
  optimistic: 'optimism', positive: 'positivity', encouraging: 'encouragement', nonjudgmental: 'non-judgment', 'non-judgmental': 'non-judgment',
  punctual: 'punctuality', productive: 'productivity', professional: 'professionalism', engaging: 'engagement', playful: 'playfulness',
  humorous: 'humor', funny: 'humor', faithful: 'faithfulness', obedient: 'obedience', compliant: 'compliance', lawful: 'lawfulness',
  protective: 'protection', vigilant: 'vigilance', beneficent: 'beneficence', nonmaleficent: 'non-maleficence', 'non-maleficent': 'non-maleficence',
  harmful: 'harm', empowering: 'empowerment', educational: 'education', informative: 'informativeness', insightful: 'insight',
  thoughtful: 'thoughtfulness', reflective: 'reflection', selfless: 'selflessness', altruistic: 'altruism', forgiving: 'forgiveness',
  hopeful: 'hope', peaceful: 'peace', calm: 'calmness', balanced: 'balance', sympathetic: 'sympathy', warmhearted: 'warmth',
  'well-being': 'well-being', wellbeing: 'well-being', 'well being': 'well-being', honestness: 'honesty', truthfulnes: 'truthfulness',
  virtuous: 'virtue', courteous: 'courtesy', righteous: 'righteousness', candid: 'candor',
};

/** British -> American spellings (whole words), plus -isation/-ise handled by rule where the -ize form is known. */
export const BRITISH_TO_AMERICAN: Readonly<Record<string, string>> = {
  honour: 'honor', honourable: 'honorable', honouring: 'honoring', behaviour: 'behavior', favour: 'favor', colour: 'color',
  humour: 'humor', rigour: 'rigor', candour: 'candor', valour: 'valor', neighbour: 'neighbor', neighbourliness: 'neighborliness',
  judgement: 'judgment', nonjudgemental: 'nonjudgmental', 'non-judgemental': 'non-judgmental', centre: 'center', defence: 'defense',
  licence: 'license', skilful: 'skillful', fulfil: 'fulfill', fulfilment: 'fulfillment', wilful: 'willful', programme: 'program',
  analyse: 'analyze', organisation: 'organization', realise: 'realize', prioritise: 'prioritize', empathise: 'empathize',
  apologise: 'apologize', recognise: 'recognize', emphasise: 'emphasize', minimise: 'minimize', optimise: 'optimize',
  standardise: 'standardize', personalise: 'personalize', sceptical: 'skeptical', scepticism: 'skepticism', enrolment: 'enrollment',
  practise: 'practice', grey: 'gray', tolerence: 'tolerance', privicy: 'privacy', accuracey: 'accuracy', honsety: 'honesty',
  transparancy: 'transparency', integrety: 'integrity', responsability: 'responsibility', respectfull: 'respectful',
};

/** Value nouns that appear in prose without a telltale suffix (used by the prose miner). */
export const VALUE_NOUNS: ReadonlySet<string> = new Set([
  'respect', 'trust', 'care', 'safety', 'privacy', 'empathy', 'integrity', 'honesty', 'truth', 'kindness', 'compassion', 'wisdom',
  'freedom', 'justice', 'courage', 'loyalty', 'autonomy', 'dignity', 'humility', 'patience', 'warmth', 'knowledge', 'clarity',
  'accuracy', 'precision', 'ethics', 'equity', 'equality', 'diversity', 'inclusion', 'inclusivity', 'understanding', 'curiosity',
  'creativity', 'innovation', 'collaboration', 'cooperation', 'discretion', 'consideration', 'dedication', 'commitment', 'growth',
  'learning', 'harmlessness', 'helpfulness', 'beneficence', 'sustainability', 'security', 'reliability', 'accountability',
  'responsibility', 'transparency', 'objectivity', 'neutrality', 'impartiality', 'fairness', 'competence', 'efficiency',
  'usefulness', 'thoroughness', 'politeness', 'friendliness', 'supportiveness', 'trustworthiness', 'love', 'peace', 'hope',
  'gratitude', 'generosity', 'altruism', 'forgiveness', 'balance', 'humor', 'humour', 'professionalism', 'openness',
  'open-mindedness', 'well-being', 'wellbeing', 'protection', 'harm', 'consent', 'tolerance', 'authenticity', 'sincerity',
  'consistency', 'adaptability', 'flexibility', 'mindfulness', 'attentiveness', 'responsiveness', 'prudence', 'caution', 'logic',
  'rationality', 'intelligence', 'insight', 'education', 'empowerment', 'encouragement', 'positivity', 'optimism', 'modesty',
]);

/** Adjectives whose value noun we know, for the prose miner ("I try to be honest and kind"). */
export const VALUE_ADJECTIVES: ReadonlySet<string> = new Set(
  Object.keys(ADJ_TO_NOUN).filter((k) => !VALUE_NOUNS.has(k) && !/\s/.test(k) && !['open', 'free', 'just', 'clear', 'warm', 'kind', 'private', 'positive', 'secure', 'professional', 'educational', 'smart', 'funny', 'evidence', 'calm', 'equal', 'moral', 'balanced', 'committed', 'dedicated', 'engaging', 'harmful', 'trusted', 'loving', 'encouraging', 'protective', 'logical', 'diverse', 'useful', 'consistent', 'independent', 'efficient', 'clarity'].includes(k)),
);
// Words like "kind", "clear", "open" are too common in prose as non-values; in lists they still map.

let knownNouns: Set<string> | undefined;

/** The dictionary of real nouns that suffix-rule candidates are checked against. */
export function knownNounSet(): ReadonlySet<string> {
  if (!knownNouns) {
    const file = dataFile('text/known-nouns.txt');
    const words = readFileSync(file, 'utf8')
      .split('\n')
      .map((w) => w.trim())
      .filter((w) => w.length > 0 && !w.startsWith('#'));
    knownNouns = new Set([...words, ...Object.values(ADJ_TO_NOUN), ...VALUE_NOUNS]);
  }
  return knownNouns;
}

/**
 * Candidate value nouns for an adjective, most likely first (honest -> honestness, honesty).
 * The caller keeps the first that is a known noun.
 */
export function nounCandidates(adj: string): string[] {
  const c: string[] = [];
  const stem = (n: number): string => adj.slice(0, adj.length - n);
  if (adj.endsWith('ful')) c.push(`${adj}ness`);
  if (adj.endsWith('ous')) c.push(`${adj}ness`, `${stem(3)}osity`);
  if (adj.endsWith('ent')) c.push(`${stem(3)}ence`, `${stem(3)}ency`);
  if (adj.endsWith('ant')) c.push(`${stem(3)}ance`, `${stem(3)}ancy`);
  if (adj.endsWith('ble')) c.push(`${stem(3)}bility`);
  if (adj.endsWith('ive')) c.push(`${stem(1)}ity`, `${adj}ness`);
  if (adj.endsWith('al')) c.push(`${adj}ity`, `${adj}ism`);
  if (adj.endsWith('ic')) c.push(`${adj}ity`, `${adj}ism`, `${stem(2)}y`);
  if (adj.endsWith('ate')) c.push(`${stem(3)}acy`, `${adj}ness`, `${stem(1)}ion`);
  if (adj.endsWith('y') && !adj.endsWith('ly')) c.push(`${stem(1)}iness`);
  if (adj.endsWith('e')) c.push(`${stem(1)}ity`, `${adj}ness`);
  c.push(`${adj}ness`, `${adj}ity`, `${adj}y`);
  return [...new Set(c)];
}

/** Adjective candidates for an adverb (honestly -> honest; responsibly -> responsible; happily -> happy). */
export function adverbBases(adv: string): string[] {
  if (!adv.endsWith('ly') || adv.length < 5) return [];
  const out: string[] = [];
  if (adv.endsWith('ically')) out.push(adv.slice(0, -4), adv.slice(0, -2));
  if (adv.endsWith('bly') || adv.endsWith('ply')) out.push(`${adv.slice(0, -1)}e`);
  if (adv.endsWith('ily')) out.push(`${adv.slice(0, -3)}y`);
  if (adv.endsWith('lly')) out.push(adv.slice(0, -2), adv.slice(0, -1));
  out.push(adv.slice(0, -2));
  return out;
}
