/**
 * What the `stats` commands share about their input: statistics errors on a user's data become
 * one-line input errors naming the file and the columns by name ("column 2003" alone is no help in
 * a 20,000-column file), and a job is refused before it starts when its memory would not fit.
 */
import { InputError } from '../../core/errors.js';
import { requireMemory } from '../../core/memory.js';
import { StatsInputError } from '../../stats/input-error.js';
import { statsJobBytes, type StatsJob, type StatsJobSize } from '../../stats/job-size.js';

/** "column 3" -> `column 3 ("q3")`, "columns 2 and 5" -> `columns 2 ("a") and 5 ("b")`, "item 4" likewise (1-based). */
export function nameColumns(message: string, names: readonly string[]): string {
  const named = (i: string): string => {
    const name = names[Number(i) - 1];
    return name === undefined ? i : `${i} ("${name}")`;
  };
  return message.replace(/\b(columns?|items?) (\d+)(?: and (\d+))?/g, (_m, word: string, a: string, b: string | undefined) => `${word} ${named(a)}${b !== undefined ? ` and ${named(b)}` : ''}`);
}

/** Run `fn`; a statistics error on the data becomes an InputError naming the file and columns. */
export function asInputError<T>(file: string, names: readonly string[], fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof StatsInputError) throw new InputError(`${file}: ${nameColumns(e.message, names)}`);
    throw e;
  }
}

/** Refuse a job on `file` whose memory would exceed what this process may use. */
export function requireJobMemory(file: string, job: StatsJob, size: StatsJobSize): void {
  const what = `stats ${job.replace(/-.*/, '')} on ${size.p} columns${size.n > 0 ? ` x ${size.n} rows` : ''}`;
  requireMemory(file, what, statsJobBytes(job, size));
}
