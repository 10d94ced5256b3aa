/**
 * Charts vega-lite cannot draw directly (radar) and the data behind the word map. Output is SVG
 * text; every label goes through escapeHtml.
 */
import { pca2d } from '../stats/pca.js';
import { escapeHtml } from './escape.js';

export interface RadarSeries {
  model: string;
  /** Mean score per axis, in [-1, 1]. */
  values: number[];
}

/** One radar chart per model over the profile dimensions (scores -1..1 drawn as radius 0..R). */
export function radarSvg(axes: string[], series: RadarSeries, size = 260): string {
  const r = size / 2 - 50;
  const c = size / 2;
  const at = (i: number, v: number): [number, number] => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / axes.length;
    const rad = ((Math.max(-1, Math.min(1, v)) + 1) / 2) * r;
    return [c + rad * Math.cos(angle), c + rad * Math.sin(angle)];
  };
  const ring = (v: number): string => axes.map((_, i) => at(i, v).map((x) => x.toFixed(1)).join(',')).join(' ');
  const grid = [-1, 0, 1].map((v) => `<polygon points="${ring(v)}" fill="none" stroke="#ccc" stroke-dasharray="${v === 0 ? '4 3' : ''}"/>`).join('');
  const spokes = axes
    .map((a, i) => {
      const [x, y] = at(i, 1);
      const [lx, ly] = at(i, 1.35);
      return `<line x1="${c}" y1="${c}" x2="${x.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#ddd"/><text x="${lx.toFixed(1)}" y="${ly.toFixed(1)}" font-size="10" text-anchor="middle" dominant-baseline="middle">${escapeHtml(a)}</text>`;
    })
    .join('');
  const shape = `<polygon points="${series.values.map((v, i) => at(i, v).map((x) => x.toFixed(1)).join(',')).join(' ')}" fill="#4c78a8" fill-opacity="0.35" stroke="#4c78a8"/>`;
  return `<figure class="radar"><svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" role="img"><title>${escapeHtml(series.model)}</title>${grid}${spokes}${shape}</svg><figcaption>${escapeHtml(series.model)}</figcaption></figure>`;
}

export interface WordPoint {
  word: string;
  dimension: string;
  x: number;
  y: number;
}

/**
 * A 2-D map of the taxonomy's words: PCA of each word's loading vector over the top-level
 * dimensions, coloured by the dimension it was assigned to.
 */
export function wordMap(dimensions: Array<{ label: string; loadings: Record<string, number> }>): WordPoint[] {
  const words = new Map<string, string>();
  for (const d of dimensions) for (const w of Object.keys(d.loadings)) if (!words.has(w)) words.set(w, d.label);
  if (words.size < 3 || dimensions.length < 2) return [];
  const list = [...words.keys()];
  const points = list.map((w) => dimensions.map((d) => d.loadings[w] ?? 0));
  const xy = pca2d(points);
  return list.map((w, i) => ({ word: w, dimension: words.get(w)!, x: xy[i]![0], y: xy[i]![1] }));
}
