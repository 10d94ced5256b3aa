/**
 * What a stage is: a function from run-database state to run-database state, with the part of
 * the study config it depends on (its resume fingerprint). The stages are listed once, in
 * ./stages/index.ts.
 */
import type { ModelConfig, StudyConfig } from '../config/schema.js';
import { InputError } from '../core/errors.js';
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
 * The most model requests one stage plans in a run. Each planned request is held in memory while
 * the stage runs (a few hundred bytes), and a plan this large is a slip (`samples: 1000000000`)
 * far more often than a study: refused before anything is allocated or sent.
 */
export const MAX_PLANNED_REQUESTS = 2_000_000;

/** Refuse a stage whose plan (`product` of the sizes in `detail`) exceeds MAX_PLANNED_REQUESTS. */
export function requirePlanSize(stage: string, detail: ReadonlyArray<readonly [string, number]>): void {
  const total = detail.reduce((p, [, v]) => p * v, 1);
  if (total <= MAX_PLANNED_REQUESTS) return;
  throw new InputError(
    `${stage}: the plan has ${total.toLocaleString('en-US')} requests (${detail.map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`).join(' x ')}), more than the ${MAX_PLANNED_REQUESTS.toLocaleString('en-US')} a stage may plan; lower ${stage}.samples or the other sizes`,
  );
}

/**
 * Models a study calls besides its models and judges: the choices stage's dilemma generator when
 * it is given as a model of its own (`choices.generator: {provider, model, ...}`).
 */
export function auxiliaryModelsOf(config: StudyConfig): ModelConfig[] {
  const g = config.choices.generator;
  return g !== undefined && typeof g === 'object' ? [g] : [];
}
