/**
 * Velicer's Minimum Average Partial test as psych::vss computes it (components 1..n removed, no
 * zero-component step): the average squared partial correlation after partialling out the first m
 * principal components, and the 2000 revision with 4th powers. The suggested number of components
 * is the m with the smallest average.
 */
import { eigenSymmetric } from './correlation-linalg.js';
import { DegenerateDataError } from './correlation.js';

export interface MapResult {
  /** map2[m-1]: average squared partial correlation with m components removed (psych's vss()$map). */
  map2: number[];
  /** Same with 4th powers (Velicer, Eaton & Fava 2000). */
  map4: number[];
  /** Number of components minimizing map2 / map4. */
  nfactMap2: number;
  nfactMap4: number;
}

export function velicerMap(r: number[][], maxComponents = 8): MapResult {
  const p = r.length;
  if (p < 3) throw new DegenerateDataError('MAP needs at least 3 variables');
  for (const row of r) if (row.length !== p || row.some((v) => !Number.isFinite(v))) throw new DegenerateDataError('MAP needs a square, finite correlation matrix');
  const n = Math.min(maxComponents, p);
  const steps = n >= p ? p - 1 : n;
  const { values, vectors } = eigenSymmetric(r);
  const map2: number[] = [], map4: number[] = [];
  const resid = r.map((row) => [...row]);
  for (let m = 0; m < steps; m++) {
    const s = Math.sqrt(Math.max(values[m]!, 0));
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) resid[i]![j]! -= vectors[i]![m]! * s * vectors[j]![m]! * s;
    let s2 = 0, s4 = 0;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        if (i === j) continue;
        const pr = resid[i]![j]! / Math.sqrt(resid[i]![i]! * resid[j]![j]!);
        s2 += pr * pr;
        s4 += pr ** 4;
      }
    }
    map2.push(s2 / (p * (p - 1)));
    map4.push(s4 / (p * (p - 1)));
  }
  const argmin = (v: number[]): number => v.reduce((best, x, i) => (x < v[best]! ? i : best), 0) + 1;
  return { map2, map4, nfactMap2: argmin(map2), nfactMap4: argmin(map4) };
}
