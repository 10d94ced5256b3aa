/**
 * Importing this module registers every ValueLex stage with the pipeline: one import line per
 * stage module (each module calls `registerStage` at load).
 */
export { availableStages } from '../run.js';
import './elicit/stage.js';
import './rate/stage.js';
import './taxonomy/stage.js';
import './projective/stage.js';
