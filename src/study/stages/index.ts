/**
 * The ValueLex stages, in the order a study runs them. Adding a stage is one line here.
 */
import type { StageDefinition } from '../stage.js';
import { choicesStage } from './choices/stage.js';
import { elicitStage } from './elicit/stage.js';
import { projectiveStage } from './projective/stage.js';
import { rateStage } from './rate/stage.js';
import { taxonomyStage } from './taxonomy/stage.js';

export const STAGES: readonly StageDefinition[] = [elicitStage, rateStage, taxonomyStage, projectiveStage, choicesStage];
