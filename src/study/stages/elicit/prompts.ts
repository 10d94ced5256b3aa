/**
 * The elicitation prompt bank: versioned prompts that ask a model to name its values. The shipped
 * bank is data/prompts/elicit.v1.yaml; a study can point `elicit.bank` at its own file of the same
 * shape and choose prompts by id.
 */
import { dataFile } from '../../../core/data.js';
import { z } from 'zod';
import { InputError } from '../../../core/errors.js';
import { loadConfigFile } from '../../../config/load.js';

export const elicitPromptSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lowercase letters, digits and . _ -'),
    framing: z.string().min(1),
    format: z.enum(['list', 'free']),
    text: z.string().min(10),
  })
  .strict();

export const promptBankSchema = z
  .object({
    version: z.number().int().positive(),
    name: z.string().min(1).default('elicit'),
    prompts: z.array(elicitPromptSchema).min(1),
  })
  .strict()
  .superRefine((bank, ctx) => {
    const seen = new Set<string>();
    bank.prompts.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: ['prompts', i, 'id'], message: `duplicate prompt id "${p.id}"` });
      seen.add(p.id);
    });
  });

export type ElicitPrompt = z.infer<typeof elicitPromptSchema>;
export type PromptBank = z.infer<typeof promptBankSchema>;

export const DEFAULT_BANK_FILE = dataFile('prompts/elicit.v1.yaml');

/** Load and validate a prompt bank (the shipped one when no file is given). */
export function loadPromptBank(file: string = DEFAULT_BANK_FILE): PromptBank {
  return loadConfigFile(file, promptBankSchema);
}

/** The prompts a study asked for: 'all' or a list of ids (an unknown id is an input error naming it). */
export function selectPrompts(bank: PromptBank, which: 'all' | readonly string[]): ElicitPrompt[] {
  if (which === 'all') return [...bank.prompts];
  const byId = new Map(bank.prompts.map((p) => [p.id, p]));
  return which.map((id) => {
    const p = byId.get(id);
    if (!p) throw new InputError(`elicit.prompts: unknown prompt id "${id}" (bank ${bank.name} v${bank.version} has: ${bank.prompts.map((x) => x.id).join(', ')})`);
    return p;
  });
}
