/**
 * What a stage is: a function from run-database state to run-database state, with the part of
 * the study config it depends on (its resume fingerprint). The stages are listed once, in
 * ./stages/index.ts.
 */
import type { ModelConfig, StudyConfig } from '../config/schema.js';
import type { Engine } from '../engine/engine.js';
import type { StageName } from './stage-names.js';

export interface StageContext {
  engine: Engine;
  config: StudyConfig;
  /** Progress and notes for a person (stderr). */
  log: (message: string) => void;
}

export type StageSummary = Record<string, unknown>;

export interface StageDefinition {
  name: StageName;
  description: string;
  /** The part of the study config this stage depends on (its resume fingerprint). */
  configOf(config: StudyConfig): unknown;
  run(ctx: StageContext): Promise<StageSummary>;
  /** One human-readable paragraph about a finished stage's result. */
  describe?(summary: StageSummary): string;
}

/** The study's judges (`judge:` is one model or a list). */
export function judgesOf(config: StudyConfig): ModelConfig[] {
  const j = config.judge;
  return j === undefined ? [] : Array.isArray(j) ? j : [j];
}

/**
 * Models a study calls besides its models and judges: the choices stage's dilemma generator when
 * it is given as a model of its own (`choices.generator: {provider, model, ...}`).
 */
export function auxiliaryModelsOf(config: StudyConfig): ModelConfig[] {
  const g = config.choices.generator;
  return g !== undefined && typeof g === 'object' ? [g] : [];
}
