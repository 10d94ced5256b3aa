/**
 * Multiple-comparison adjustment of p-values, identical to R's p.adjust for the
 * methods offered: Bonferroni, Holm (step-down), Hochberg (step-up), Benjamini-Hochberg
 * and Benjamini-Yekutieli (false discovery rate).
 */
import { StatsInputError } from './input-error.js';

export type PAdjustMethod = 'bonferroni' | 'holm' | 'hochberg' | 'BH' | 'BY';

export function pAdjust(pValues: readonly number[], method: PAdjustMethod): number[] {
  const n = pValues.length;
  if (n === 0) throw new StatsInputError('pAdjust needs at least one p-value');
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new StatsInputError(`p-value [${i}] must be in [0, 1], got ${p}`);
  });
  const out = new Array<number>(n);
  switch (method) {
    case 'bonferroni':
      return pValues.map((p) => Math.min(1, p * n));
    case 'holm': {
      // ascending: adj_(i) = max_{j<=i} (n - j + 1) p_(j)
      const o = ascendingOrder(pValues);
      let running = 0;
      o.forEach((idx, i) => {
        running = Math.max(running, (n - i) * pValues[idx]!);
        out[idx] = Math.min(1, running);
      });
      return out;
    }
    case 'hochberg':
    case 'BH':
    case 'BY': {
      // descending: adj_(i) = min_{j>=i} factor(j) p_(j)
      const q = method === 'BY' ? harmonic(n) : 1;
      const o = ascendingOrder(pValues);
      let running = Infinity;
      for (let i = n - 1; i >= 0; i--) {
        const idx = o[i]!;
        const factor = method === 'hochberg' ? n - i : (q * n) / (i + 1);
        running = Math.min(running, factor * pValues[idx]!);
        out[idx] = Math.min(1, running);
      }
      return out;
    }
    default:
      throw new StatsInputError(`unknown p-value adjustment method ${String(method)}`);
  }
}

function ascendingOrder(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
}

function harmonic(n: number): number {
  let s = 0;
  for (let i = 1; i <= n; i++) s += 1 / i;
  return s;
}
