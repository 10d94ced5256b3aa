/**
 * Adjusted Rand index (Hubert & Arabie 1985): agreement of two partitions corrected for chance;
 * 1 for identical partitions (up to relabeling), about 0 for independent ones.
 */
import { StatsInputError } from '../input-error.js';

export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new StatsInputError(`adjustedRandIndex: label vectors differ in length (${a.length} vs ${b.length})`);
  const n = a.length;
  if (n < 2) throw new StatsInputError('adjustedRandIndex: needs at least 2 points');
  const table = new Map<string, number>(), rows = new Map<number, number>(), cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]}\u0000${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
  }
  const c2 = (m: number): number => (m * (m - 1)) / 2;
  let index = 0, sa = 0, sb = 0;
  for (const v of table.values()) index += c2(v);
  for (const v of rows.values()) sa += c2(v);
  for (const v of cols.values()) sb += c2(v);
  const expected = (sa * sb) / c2(n);
  const max = (sa + sb) / 2;
  // Both partitions trivial (all one cluster, or all singletons) and identical: perfect agreement.
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
