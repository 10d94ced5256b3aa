/**
 * How much memory a job may plan to use in this process, and the refusal when it needs more: a
 * job that would exhaust the heap ends in a V8 out-of-memory abort (exit 134, no message worth
 * reading, nothing saved), so sizes are checked before the work starts.
 */
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { InputError } from './errors.js';
import { formatBytes } from './text-file.js';

/** Three quarters of the smaller of the V8 heap limit (--max-old-space-size) and the machine's memory. */
export function memoryBudgetBytes(): number {
  return Math.floor(0.75 * Math.min(getHeapStatistics().heap_size_limit, totalmem()));
}

/**
 * Refuse `what` when its estimated peak memory exceeds the budget: one line naming where the size
 * comes from (`where`: a file, a config field), the estimate and the budget, and how to raise it.
 */
export function requireMemory(where: string, what: string, bytes: number, budget = memoryBudgetBytes()): void {
  if (!(bytes > budget)) return;
  throw new InputError(
    `${where}: ${what} needs about ${formatBytes(bytes)} of memory, more than the ${formatBytes(budget)} this process may use (3/4 of Node's heap limit; raise it with NODE_OPTIONS=--max-old-space-size=<MB> if the machine has the memory)`,
  );
}
