/**
 * Where the shipped assets live (the package's data/ folder: prompt templates, item banks,
 * value-system definitions, word lists), from the sources and from dist/ alike.
 */
import { fileURLToPath } from 'node:url';

export function dataFile(relative: string): string {
  return fileURLToPath(new URL(`../../data/${relative}`, import.meta.url));
}
