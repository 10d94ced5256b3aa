/**
 * A value system: named dimensions with definitions, optionally grouped under parents (the shape
 * of data/value-systems/*.yaml, of the taxonomy a study discovers, and of a user's own file), so
 * projective tests, evaluators and the judge work on any of them. One zod schema reads every such
 * file.
 */
import { z } from 'zod';
import { loadConfigFile } from '../config/load.js';

export interface ValueDimension {
  id: string;
  label: string;
  definition: string;
  examples?: string[] | undefined;
  parent?: string | null | undefined;
}

export interface ValueSystem {
  name: string;
  dimensions: ValueDimension[];
}

export const valueSystemSchema = z.object({
  name: z.string(),
  dimensions: z
    .array(z.object({ id: z.string().min(1), label: z.string().min(1), definition: z.string().min(1), examples: z.array(z.string()).optional(), parent: z.string().nullable().optional() }))
    .min(1),
});

/** Read a value-system file (YAML or JSON); errors name file, line and field. */
export function loadValueSystem(file: string): ValueSystem {
  return loadConfigFile(file, valueSystemSchema);
}

/** The system restricted to its leaf dimensions (those no other dimension names as parent). */
export function leafSystem(system: ValueSystem): ValueSystem {
  const parents = new Set(system.dimensions.map((d) => d.parent).filter(Boolean));
  return { ...system, dimensions: system.dimensions.filter((d) => !parents.has(d.id)) };
}

/**
 * A value-system file that carries loadings (an earlier taxonomy.yaml, another study's system),
 * read for comparison by congruence: labels and definitions may be missing there.
 */
export const loadingsSystemSchema = z
  .object({
    name: z.string(),
    dimensions: z.array(z.object({ id: z.string(), label: z.string().optional(), parent: z.string().nullable().optional(), loadings: z.record(z.string(), z.number()).optional() }).passthrough()).min(1),
  })
  .passthrough();

export type LoadingsSystem = z.infer<typeof loadingsSystemSchema>;
