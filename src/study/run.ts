/**
 * The study pipeline: stages in order, each a function from run-database state to run-database
 * state. A stage module registers itself in ./stages.ts; `runStudy` runs the chosen stages and,
 * with `resume`, skips those already finished with the same configuration.
 */
import { createHash } from 'node:crypto';
import type { StudyConfig } from '../config/schema.js';
import { InputError } from '../core/errors.js';
import type { Engine } from '../engine/engine.js';
import { canonicalJson } from '../core/hash.js';

export const STAGE_ORDER = ['elicit', 'rate', 'taxonomy', 'projective'] as const;
export type StageName = (typeof STAGE_ORDER)[number];

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

const registry = new Map<StageName, StageDefinition>();

export function registerStage(stage: StageDefinition): void {
  registry.set(stage.name, stage);
}

export function getStage(name: string): StageDefinition {
  const stage = registry.get(name as StageName);
  if (!stage) {
    throw new InputError(`unknown or unavailable stage "${name}" (available: ${availableStages().join(', ') || 'none'})`);
  }
  return stage;
}

export function availableStages(): StageName[] {
  return STAGE_ORDER.filter((s) => registry.has(s));
}

function fingerprint(stage: StageDefinition, config: StudyConfig): string {
  const models = config.models.map((m) => ({ name: m.name, provider: m.provider, model: m.model, kind: m.kind, params: m.params }));
  return createHash('sha256').update(canonicalJson({ models, judge: config.judge, stage: stage.configOf(config) })).digest('hex').slice(0, 16);
}

export interface StageOutcome {
  stage: StageName;
  skipped: boolean;
  summary: StageSummary;
}

export async function runStage(name: string, ctx: StageContext, opts: { resume?: boolean } = {}): Promise<StageOutcome> {
  const stage = getStage(name);
  const store = ctx.engine.store;
  const fp = fingerprint(stage, ctx.config);
  const last = store.lastStage(stage.name);
  if (opts.resume && last?.status === 'done') {
    const lastFp = store.getMeta(`stage:${stage.name}:fingerprint`);
    if (lastFp === fp) {
      ctx.log(`${stage.name}: already done (resume), skipping`);
      return { stage: stage.name, skipped: true, summary: (last.summary ?? {}) as StageSummary };
    }
  }
  const id = store.startStage(stage.name, { fingerprint: fp, config: stage.configOf(ctx.config) });
  try {
    const summary = await stage.run(ctx);
    store.finishStage(id, summary);
    store.setMeta(`stage:${stage.name}:fingerprint`, fp);
    return { stage: stage.name, skipped: false, summary };
  } catch (e) {
    store.failStage(id, (e as Error).message);
    throw e;
  }
}

/** Run the study's stages in order (those listed in `stages`, else the config's, else all available). */
export async function runStudy(ctx: StageContext, opts: { stages?: string[]; resume?: boolean } = {}): Promise<StageOutcome[]> {
  const wanted = opts.stages ?? ctx.config.stages ?? availableStages();
  for (const s of wanted) getStage(s);
  const ordered = STAGE_ORDER.filter((s) => wanted.includes(s));
  const outcomes: StageOutcome[] = [];
  for (const s of ordered) {
    if (ctx.engine.aborted) break;
    outcomes.push(await runStage(s, ctx, opts));
  }
  return outcomes;
}
