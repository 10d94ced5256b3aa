/** Loading the lavaan reference fits written by test/fixtures/r/cfa-ordinal.R. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRng } from '../../src/stats/rng.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/r/cfa-ordinal/', import.meta.url));

export interface OrdinalFixture {
  name: string;
  note: string;
  model: string;
  orthogonal: boolean;
  estimator: string;
  std_lv: boolean;
  ordered: boolean;
  /** Data column names; `ov` is lavaan's item order (first appearance in the model). */
  names: string[];
  ov: string[];
  nobs: number;
  /** Respondents × columns; jsonlite writes NA as null. */
  data: (number | null)[][];
  loadings: { factor: string; item: string; est: number; se: number; std: number }[];
  thresholds: { item: string; threshold: string; est: number; se: number }[];
  factor_cov: { a: string; b: string; est: number; se: number; cor: number }[];
  fit: Record<string, number>;
  sample?: { th: number[]; cor: number[][]; gamma: number[][]; wls_v: number[]; implied_cor: number[][] };
  trace_ugamma?: number;
  trace_ugamma2?: number;
  mean_var_adjusted?: { stat: number; df: number; pvalue: number; scaling_factor: number };
}

export const ORDINAL_FIXTURES = ['binary_2f', 'binary_1f_misfit', 'cat4_1f', 'cat5_3f', 'cat5_3f_orthogonal', 'cat5_2f_misfit', 'mixed_missing_marker', 'binary_zero_cell'] as const;

export function ordinalFixture(name: string): OrdinalFixture {
  return JSON.parse(readFileSync(`${FIXTURE_DIR}${name}.json`, 'utf8')) as OrdinalFixture;
}

/** The fixture's data restricted to the model items, in lavaan's order. */
export function modelColumns(fx: OrdinalFixture): (number | null)[][] {
  const cols = fx.ov.map((n) => fx.names.indexOf(n));
  return fx.data.map((row) => cols.map((c) => row[c] ?? null));
}

/**
 * Ordinal responses from a factor model for latent responses: y* = Λ f + e with unit variances
 * (Φ the factor correlations), cut at `cuts[i]` into categories 0, 1, ...
 */
export function simulateOrdinal(seed: number, n: number, lambda: number[][], phi: number[][], cuts: number[][]): number[][] {
  const rng = createRng(seed);
  const m = phi.length;
  // Cholesky of Φ, small and positive definite by construction.
  const C = phi.map((row) => row.map(() => 0));
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) {
    let s = phi[i]![j]!;
    for (let k = 0; k < j; k++) s -= C[i]![k]! * C[j]![k]!;
    C[i]![j] = i === j ? Math.sqrt(s) : s / C[j]![j]!;
  }
  const uniq = lambda.map((row) => {
    let common = 0;
    for (let k = 0; k < m; k++) for (let l = 0; l < m; l++) common += row[k]! * phi[k]![l]! * row[l]!;
    return Math.sqrt(1 - common);
  });
  return Array.from({ length: n }, () => {
    const z = Array.from({ length: m }, () => rng.normal());
    const f = C.map((row) => row.reduce((s, c, k) => s + c * z[k]!, 0));
    return lambda.map((row, i) => {
      const ystar = row.reduce((s, l, k) => s + l * f[k]!, 0) + uniq[i]! * rng.normal();
      return cuts[i]!.filter((c) => ystar > c).length;
    });
  });
}
