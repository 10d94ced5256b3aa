/**
 * The bank of situations the choices stage writes dilemmas from (data/choices/templates.v1.yaml,
 * or a user's file of the same shape): everyday situations a person meets and situations of an AI
 * assistant's work. A situation is only a scene; the generator model turns it into a dilemma
 * between two given values.
 */
import { z } from 'zod';
import { loadConfigFile } from '../../../config/load.js';
import { dataFile } from '../../../core/data.js';
import { InputError } from '../../../core/errors.js';

export const templateBankSchema = z
  .object({
    name: z.string().min(1),
    version: z.number().int(),
    description: z.string().optional(),
    templates: z
      .array(
        z
          .object({
            id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits and . _ -'),
            setting: z.enum(['everyday', 'assistant']),
            situation: z.string().min(10).max(600),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type TemplateBank = z.infer<typeof templateBankSchema>;
export type DilemmaTemplate = TemplateBank['templates'][number];

export const DEFAULT_TEMPLATE_FILE = 'choices/templates.v1.yaml';

/** `default` (the shipped bank) or a file; template ids must be unique. */
export function loadTemplateBank(spec: string): TemplateBank {
  const file = spec === 'default' ? dataFile(DEFAULT_TEMPLATE_FILE) : spec;
  const bank = loadConfigFile(file, templateBankSchema);
  const seen = new Set<string>();
  for (const t of bank.templates) {
    if (seen.has(t.id)) throw new InputError(`${file}: template id "${t.id}" appears twice`);
    seen.add(t.id);
  }
  return bank;
}
