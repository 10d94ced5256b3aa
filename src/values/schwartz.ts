/**
 * Schwartz's ten basic values, defined once: data/value-systems/schwartz.yaml holds the values
 * (with their four higher-order groups as parents), and `SCHWARTZ_VALUES` their ids in the order of
 * the value-pairs contract (checked against the file by the tests).
 */
import { dataFile } from '../core/data.js';
import { leafSystem, loadValueSystem, type ValueSystem } from './value-system.js';

export const SCHWARTZ_VALUES = ['self_direction', 'stimulation', 'hedonism', 'achievement', 'power', 'security', 'conformity', 'tradition', 'benevolence', 'universalism'] as const;
export type SchwartzValue = (typeof SCHWARTZ_VALUES)[number];

export const SCHWARTZ_FILE = dataFile('value-systems/schwartz.yaml');

/** The whole definition: the ten values and their higher-order groups. */
export function schwartzSystem(): ValueSystem {
  return loadValueSystem(SCHWARTZ_FILE);
}

/** The ten values (without the groups): what evaluators and projective tests score on. */
export function schwartzValues(): ValueSystem {
  return leafSystem(schwartzSystem());
}
