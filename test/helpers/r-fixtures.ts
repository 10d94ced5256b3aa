/** Loading the R reference values written by test/fixtures/r/core.R. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../fixtures/r/core/', import.meta.url));

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(dir + name, 'utf8')) as T;
}

/** A numeric CSV with a header row; empty cells are missing (null). */
export function csvData(name: string): (number | null)[][] {
  const lines = readFileSync(dir + name, 'utf8').trim().split('\n');
  return lines.slice(1).map((line) => line.split(',').map((v) => (v === '' || v === 'NA' ? null : Number(v))));
}

export function maxAbsDiff(a: readonly (readonly number[])[] | readonly number[], b: readonly (readonly number[])[] | readonly number[]): number {
  const fa = (a as unknown[]).flat(1) as number[], fb = (b as unknown[]).flat(1) as number[];
  if (fa.length !== fb.length) return Infinity;
  return Math.max(...fa.map((v, i) => Math.abs(v - fb[i]!)));
}

export const TOL = 1e-4;

export interface MatrixFixture {
  names: string[];
  n: number;
  r: number[][];
  kmo: { overall: number; items: number[] };
  bartlett: { chisq: number; df: number; p: number };
  map: { map2: number[]; map4: number[]; vss_map: number[] };
  parallel: { iter: number; fa_values: number[]; pc_values: number[]; fa_sim: number[]; pc_sim: number[]; nfact: number; ncomp: number };
}

export interface BfiFixture extends Omit<MatrixFixture, 'r'> {
  pearson: number[][];
  polychoric: { names: string[]; rho: number[][]; tau: number[][] };
  polychoric_local_300: { rho: number[][] };
  alpha: {
    keys: string[];
    total: Record<string, number>;
    drop: Record<string, number[]>;
    items: Record<string, number[]>;
  };
}
