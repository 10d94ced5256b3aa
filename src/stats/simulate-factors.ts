/**
 * Data from a known factor model, for checking that factor-count rules recover a planted
 * structure (psych::sim.structure in spirit): latent responses x = Λ f + e with correlated normal
 * factors (correlation matrix Φ) and normal uniquenesses scaled so that var(x) = 1, then cut at
 * each item's thresholds into ordinal codes 0..k (binary with one threshold). Without thresholds
 * the latent (continuous) values are returned.
 */
import { StatsInputError } from './input-error.js';
import { createRng } from './rng.js';

export interface FactorSimulationOptions {
  /** Respondents. */
  n: number;
  /** loadings[item][factor]; each item's communality (Λ Φ Λ') must be below 1. */
  loadings: readonly (readonly number[])[];
  /** Factor correlations (default identity). */
  phi?: readonly (readonly number[])[];
  /** thresholds[item]: increasing cut points on the latent scale; omit for continuous data. */
  thresholds?: readonly (readonly number[])[];
  seed?: number;
}

/** Lower Cholesky factor of a small positive-definite matrix. */
function cholesky(a: readonly (readonly number[])[]): number[][] {
  const m = a.length;
  const L = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0)) throw new StatsInputError('simulateFactorData: phi is not positive definite');
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  }
  return L;
}

/** Rows are respondents, columns items; ordinal codes 0..(number of thresholds) when cut. */
export function simulateFactorData(options: FactorSimulationOptions): number[][] {
  const { n, loadings } = options;
  const p = loadings.length;
  const m = loadings[0]?.length ?? 0;
  if (!(Number.isInteger(n) && n >= 1) || p < 1 || m < 1) throw new StatsInputError('simulateFactorData needs n >= 1 and a non-empty loading matrix');
  if (loadings.some((row) => row.length !== m)) throw new StatsInputError('simulateFactorData: ragged loading matrix');
  const phi = options.phi ?? Array.from({ length: m }, (_, a) => Array.from({ length: m }, (_, b) => (a === b ? 1 : 0)));
  if (phi.length !== m || phi.some((row) => row.length !== m)) throw new StatsInputError(`simulateFactorData: phi must be ${m} x ${m}`);
  const uniqueSd = loadings.map((row, i) => {
    let h2 = 0;
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) h2 += row[a]! * phi[a]![b]! * row[b]!;
    if (!(h2 < 1)) throw new StatsInputError(`simulateFactorData: item ${i + 1} has communality ${h2.toFixed(3)} >= 1`);
    return Math.sqrt(1 - h2);
  });
  const thresholds = options.thresholds;
  if (thresholds && thresholds.length !== p) throw new StatsInputError(`simulateFactorData: ${thresholds.length} threshold sets for ${p} items`);
  const L = cholesky(phi);
  const rng = createRng(options.seed ?? 1);
  const z = new Array<number>(m), f = new Array<number>(m);
  return Array.from({ length: n }, () => {
    for (let a = 0; a < m; a++) z[a] = rng.normal();
    for (let a = 0; a < m; a++) {
      let s = 0;
      for (let b = 0; b <= a; b++) s += L[a]![b]! * z[b]!;
      f[a] = s;
    }
    return loadings.map((row, i) => {
      let x = uniqueSd[i]! * rng.normal();
      for (let a = 0; a < m; a++) x += row[a]! * f[a]!;
      if (!thresholds) return x;
      let code = 0;
      for (const t of thresholds[i]!) if (x > t) code++;
      return code;
    });
  });
}

/** Simple structure: `perFactor` items on each of `factors` factors, all loading `loading`. */
export function simpleStructure(factors: number, perFactor: number, loading: number): number[][] {
  return Array.from({ length: factors * perFactor }, (_, i) => Array.from({ length: factors }, (_, a) => (Math.floor(i / perFactor) === a ? loading : 0)));
}
