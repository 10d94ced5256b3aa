/**
 * 2-D UMAP maps (umap-js) driven by the seeded RNG, so a map is reproducible from its seed.
 */
import { UMAP } from 'umap-js';
import { StatsInputError } from './input-error.js';
import { createRng } from './rng.js';
import { checkPoints, type Points } from './cluster/points.js';

export interface UmapOptions {
  seed?: number;
  nNeighbors?: number;
  minDist?: number;
  nEpochs?: number;
}

export function umap2d(x: Points, options: UmapOptions = {}): [number, number][] {
  checkPoints(x);
  const n = x.length;
  if (n < 3) throw new StatsInputError('umap2d: needs at least 3 points');
  const rng = createRng(options.seed ?? 1);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(options.nNeighbors ?? 15, n - 1),
    minDist: options.minDist ?? 0.1,
    nEpochs: options.nEpochs,
    random: () => rng.next(),
  });
  return umap.fit(x.map((p) => Array.from(p))).map((r) => [r[0]!, r[1]!]);
}
