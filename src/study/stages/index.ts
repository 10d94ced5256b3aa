/**
 * Importing this module registers every ValueLex stage with the pipeline: one import line per
 * stage module (each module calls `registerStage` at load).
 */
export { availableStages } from './pipeline.js';
import './elicit.js';
import './rate.js';
import './taxonomy.js';
import './projective.js';
