/**
 * The ValueLex stages, in the order a study runs them. Adding a stage is one line here. Each entry
 * loads its implementation when a run needs it, so `valuelex run --stages elicit` loads neither the
 * statistics nor the judge that later stages use.
 */
import type { StageDefinition } from '../stage.js';
import type { StageName } from '../stage-names.js';

export interface StageEntry {
  name: StageName;
  /** The stage's definition (its module is imported on the first call). */
  load(): Promise<StageDefinition>;
}

export const STAGES: readonly StageEntry[] = [
  { name: 'elicit', load: async () => (await import('./elicit/stage.js')).elicitStage },
  { name: 'rate', load: async () => (await import('./rate/stage.js')).rateStage },
  { name: 'taxonomy', load: async () => (await import('./taxonomy/stage.js')).taxonomyStage },
  { name: 'projective', load: async () => (await import('./projective/stage.js')).projectiveStage },
  { name: 'choices', load: async () => (await import('./choices/stage.js')).choicesStage },
];
