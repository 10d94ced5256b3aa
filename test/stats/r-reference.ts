/** Loading R reference values written by the scripts in test/fixtures/r/ (factor-count.R, choices.R, ...). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** JSON written by test/fixtures/r/<script>.R into test/fixtures/r/<folder>/<name>. */
export function rReference<T>(folder: string, name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/r/${folder}/${name}`, import.meta.url)), 'utf8')) as T;
}

/** Largest absolute elementwise difference of two equally shaped vectors or matrices (Infinity if shapes differ). */
export function maxAbsDiff(a: readonly (readonly number[])[] | readonly number[], b: readonly (readonly number[])[] | readonly number[]): number {
  const fa = (a as unknown[]).flat(1) as number[], fb = (b as unknown[]).flat(1) as number[];
  if (fa.length !== fb.length) return Infinity;
  return fa.reduce((m, v, i) => Math.max(m, Math.abs(v - fb[i]!)), 0);
}
