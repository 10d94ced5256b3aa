/**
 * The simulated model population: a labelled stand-in used by the offline demo and by tests when
 * no real model is reachable. Its answers are synthetic and are always marked as such (the models
 * table flags them, the terminal and the report say so).
 *
 * Each simulated model has latent value traits over a small planted structure (three dimensions
 * echoing the paper's Competence, Character and Integrity), so the statistics downstream have a
 * known truth to recover. Every respondent (model x prompt x sample) draws its own traits around
 * its model's, which is what gives the respondent x term matrix its factor structure.
 */
import { rngFor } from '../stats/rng.js';

export interface PlantedDimension {
  id: string;
  label: string;
  /** Value words that express this dimension, most typical first. */
  words: string[];
}

export const PLANTED_DIMENSIONS: readonly PlantedDimension[] = [
  {
    id: 'competence',
    label: 'Competence',
    words: ['helpfulness', 'accuracy', 'knowledge', 'efficiency', 'clarity', 'reliability', 'precision', 'thoroughness', 'usefulness', 'competence'],
  },
  {
    id: 'character',
    label: 'Character',
    words: ['empathy', 'kindness', 'compassion', 'patience', 'friendliness', 'warmth', 'understanding', 'humility', 'politeness', 'supportiveness'],
  },
  {
    id: 'integrity',
    label: 'Integrity',
    words: ['honesty', 'transparency', 'fairness', 'accountability', 'responsibility', 'safety', 'privacy', 'trustworthiness', 'ethics', 'integrity'],
  },
];

export type Training = 'base' | 'instruct' | 'rlhf';

export interface SimModel {
  name: string;
  family: string;
  size: string;
  training: Training;
  /** Mean latent trait per planted dimension (same order as PLANTED_DIMENSIONS), roughly in [-1.5, 1.5]. */
  traits: number[];
  /** Probability of answering a value question with a refusal. */
  refusalRate: number;
  /** Typical number of value words named in an elicitation answer. */
  verbosity: number;
}

export const DEFAULT_POPULATION: readonly SimModel[] = [
  { name: 'sim-atlas-1b-base', family: 'atlas', size: '1B', training: 'base', traits: [0.2, -0.4, -0.3], refusalRate: 0.02, verbosity: 5 },
  { name: 'sim-atlas-1b-instruct', family: 'atlas', size: '1B', training: 'instruct', traits: [0.9, 0.3, 0.4], refusalRate: 0.04, verbosity: 7 },
  { name: 'sim-atlas-8b-rlhf', family: 'atlas', size: '8B', training: 'rlhf', traits: [1.1, 0.9, 1.2], refusalRate: 0.06, verbosity: 9 },
  { name: 'sim-boreal-2b-base', family: 'boreal', size: '2B', training: 'base', traits: [-0.2, 0.1, -0.5], refusalRate: 0.01, verbosity: 5 },
  { name: 'sim-boreal-2b-instruct', family: 'boreal', size: '2B', training: 'instruct', traits: [0.6, 0.8, 0.3], refusalRate: 0.03, verbosity: 8 },
  { name: 'sim-cirrus-7b-rlhf', family: 'cirrus', size: '7B', training: 'rlhf', traits: [0.8, 0.2, 1.4], refusalRate: 0.08, verbosity: 8 },
];

export function findSimModel(id: string, population: readonly SimModel[] = DEFAULT_POPULATION): SimModel | undefined {
  // `sim/<name>+<variant>` is the same model answering with a behaviour variant (e.g. a noisy or
  // biased judge, see responders/projective.ts).
  const name = id.replace(/^sim\//, '').replace(/\+.*$/, '');
  return population.find((m) => m.name === name);
}

/** One respondent's latent traits: the model's mean plus respondent-level variation. */
export function respondentTraits(model: SimModel, respondentSeed: string): number[] {
  const rng = rngFor(model.name, 'respondent', respondentSeed);
  return model.traits.map((t) => t + 0.7 * rng.normal());
}
