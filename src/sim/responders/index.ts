/**
 * Every simulated responder, in the order they are tried: specific prompts first, so a responder
 * that claims broad patterns cannot shadow them. Anything none claims gets the generic answer
 * (./generic.ts), applied by the simulator itself.
 */
import type { SimResponder } from '../responder.js';
import { alignResponder, answerKindJudgeResponder } from './align.js';
import { choicesAnswerResponder, choicesGeneratorResponder, choicesVerifyResponder } from './choices.js';
import { elicitResponder } from './elicit.js';
import { namingResponder } from './naming.js';
import { projectiveJudgeResponder, projectiveResponder } from './projective.js';
import { rateResponder } from './rate.js';

export const RESPONDERS: readonly SimResponder[] = [choicesGeneratorResponder, choicesVerifyResponder, choicesAnswerResponder, answerKindJudgeResponder, namingResponder, projectiveJudgeResponder, alignResponder, projectiveResponder, elicitResponder, rateResponder];
