/**
 * Importing this module registers every stage's simulated responder: one line per stage,
 * `registerSimResponder(<stage>Responder)`. Anything no responder claims gets the generic answer
 * (./generic.ts), applied by the simulator itself.
 */
import { registerSimResponder } from '../responder.js';

// Keep the import referenced so bundlers and linters see it used even before stages register.
export const register = registerSimResponder;
// Specific prompts first: a responder that claims broad patterns must not shadow them.
import { namingResponder } from './naming.js';
registerSimResponder(namingResponder);
import { projectiveJudgeResponder, projectiveResponder } from './projective.js';
registerSimResponder(projectiveJudgeResponder);
import { alignResponder } from './align.js';
registerSimResponder(alignResponder);
registerSimResponder(projectiveResponder);
import { elicitResponder } from './elicit.js';
registerSimResponder(elicitResponder);
import { rateResponder } from './rate.js';
registerSimResponder(rateResponder);
