/**
 * The pool of value words the simulated population draws its planted dimensions from: real English
 * value nouns from many families (what a person or an assistant can know, how it treats others,
 * what it protects, civic life, practical skill, the self, pleasure, tradition, power, the wider
 * world). The families only document the pool's breadth: a planted dimension takes its words from
 * the whole pool at random, so it may mix families, and nothing here follows the paper's
 * Competence / Character / Integrity. Every word is a fixed point of the lexicon's normaliser
 * (test/sim/population.test.ts checks it), so a planted word named by a simulated model comes back
 * from the parser and normaliser as itself. Words that occur in the default projective stems
 * ("intelligence", "power") are left out, since a keyword judge would read the stem as a value.
 */
export const VALUE_WORD_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  epistemic: [
    'honesty', 'truthfulness', 'accuracy', 'precision', 'objectivity', 'rationality', 'curiosity', 'knowledge', 'wisdom', 'insight',
    'clarity', 'rigor', 'skepticism', 'open-mindedness', 'learning', 'understanding', 'logic', 'factuality', 'thoroughness',
    'reflection', 'discernment', 'candor', 'inquisitiveness',
  ],
  relational: [
    'kindness', 'empathy', 'compassion', 'warmth', 'friendliness', 'politeness', 'courtesy', 'patience', 'generosity', 'gratitude',
    'forgiveness', 'loyalty', 'cooperation', 'collaboration', 'supportiveness', 'consideration', 'respect', 'care', 'love', 'sympathy',
    'tact', 'gentleness', 'altruism', 'selflessness', 'helpfulness', 'encouragement', 'attentiveness', 'responsiveness', 'inclusivity',
    'thoughtfulness', 'hospitality',
  ],
  protective: [
    'safety', 'security', 'privacy', 'protection', 'caution', 'prudence', 'vigilance', 'harmlessness', 'non-maleficence', 'discretion',
    'confidentiality', 'well-being', 'stability', 'peace', 'order', 'restraint',
  ],
  civic: [
    'fairness', 'justice', 'equality', 'equity', 'impartiality', 'neutrality', 'tolerance', 'diversity', 'accountability', 'transparency',
    'responsibility', 'lawfulness', 'legitimacy', 'democracy', 'solidarity', 'dignity', 'citizenship', 'civility',
  ],
  practical: [
    'efficiency', 'reliability', 'competence', 'usefulness', 'productivity', 'diligence', 'professionalism', 'punctuality', 'consistency',
    'adaptability', 'flexibility', 'resourcefulness', 'practicality', 'simplicity', 'conciseness', 'dependability', 'skill', 'excellence',
    'craftsmanship', 'informativeness', 'organization', 'frugality',
  ],
  personal: [
    'autonomy', 'independence', 'freedom', 'creativity', 'innovation', 'authenticity', 'sincerity', 'integrity', 'courage', 'resilience',
    'perseverance', 'determination', 'self-discipline', 'self-respect', 'ambition', 'achievement', 'growth', 'optimism', 'hope',
    'mindfulness', 'balance', 'modesty', 'humility', 'confidence', 'initiative', 'spontaneity', 'individuality',
  ],
  hedonic: ['beauty', 'pleasure', 'enjoyment', 'joy', 'humor', 'playfulness', 'fun', 'comfort', 'harmony', 'elegance', 'adventure', 'excitement', 'cheerfulness'],
  traditional: [
    'tradition', 'faith', 'devotion', 'reverence', 'piety', 'obedience', 'conformity', 'duty', 'honor', 'virtue', 'righteousness',
    'faithfulness', 'spirituality', 'purity', 'temperance', 'moderation', 'decency', 'propriety',
  ],
  power: ['authority', 'wealth', 'status', 'prestige', 'leadership', 'success', 'recognition', 'dominance', 'control', 'competitiveness'],
  universal: ['sustainability', 'stewardship', 'conservation', 'unity', 'benevolence', 'beneficence', 'humaneness', 'charity', 'mercy', 'service', 'trust'],
};

/** Every word of the pool, in a fixed order (the draw shuffles it with the population's seed). */
export const VALUE_WORD_POOL: readonly string[] = Object.values(VALUE_WORD_FAMILIES).flat();
