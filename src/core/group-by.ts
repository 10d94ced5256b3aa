/**
 * Grouping by key, in first-seen key order and item order within a group (Map.groupBy arrives only
 * with Node 21). Linear: each item is pushed once.
 */
export function groupBy<T, K>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  let i = 0;
  for (const item of items) {
    const k = key(item, i++);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
