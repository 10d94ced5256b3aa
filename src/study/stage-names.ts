/**
 * The names of the ValueLex stages, in the order a study runs them. A module of its own so the
 * command line can list and check stage names without loading the stages.
 */
export const STAGE_ORDER = ['elicit', 'rate', 'taxonomy', 'projective', 'choices'] as const;
export type StageName = (typeof STAGE_ORDER)[number];
