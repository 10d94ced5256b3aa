/**
 * Principal component scores for 2-D maps (as R's prcomp on centred, unscaled data). Each
 * component's sign is fixed so its largest-magnitude loading is positive, making maps
 * reproducible across runs and platforms.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { StatsInputError } from './input-error.js';
import { checkPoints, type Points } from './cluster/points.js';

export interface PcaResult {
  /** n × components scores. */
  scores: number[][];
  /** Standard deviations of all components, descending. */
  sdev: number[];
  /** d × components loadings. */
  rotation: number[][];
}

export function pca(x: Points, components = 2): PcaResult {
  const d = checkPoints(x);
  const n = x.length;
  if (n < 2) throw new StatsInputError('pca: needs at least 2 points');
  if (components < 1 || components > d) throw new StatsInputError(`pca: components must be in 1..${d}`);
  const mean = new Float64Array(d);
  for (const p of x) for (let j = 0; j < d; j++) mean[j]! += p[j]! / n;
  const c = new Matrix(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) c.set(i, j, x[i]![j]! - mean[j]!);
  const cov = c.transpose().mmul(c).div(n - 1);
  const eig = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const idx = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const vectors = eig.eigenvectorMatrix;
  const rotation: number[][] = Array.from({ length: d }, () => new Array<number>(components).fill(0));
  for (let k = 0; k < components; k++) {
    const col = vectors.getColumn(idx[k]!);
    let big = 0;
    for (const v of col) if (Math.abs(v) > Math.abs(big)) big = v;
    const sign = big < 0 ? -1 : 1;
    for (let j = 0; j < d; j++) rotation[j]![k] = sign * col[j]!;
  }
  const scores = c.mmul(new Matrix(rotation)).to2DArray();
  return { scores, sdev: idx.map((i) => Math.sqrt(Math.max(0, values[i]!))), rotation };
}

/** 2-D PCA map: one [x, y] per point. */
export function pca2d(x: Points): [number, number][] {
  return pca(x, 2).scores.map((r) => [r[0]!, r[1]!]);
}
