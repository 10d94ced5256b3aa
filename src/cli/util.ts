/**
 * Shared plumbing for CLI commands: --json output, one-line errors, exit codes, and lazy actions
 * (a command's implementation loads only when that command runs). Light on purpose: the command
 * declarations import it, and `valuelex <cmd> --help` must not load the library.
 */
import { InputError } from '../core/errors.js';
import { redactSecrets } from '../core/secrets.js';

export interface GlobalOptions {
  json?: boolean;
  quiet?: boolean;
}

/** Print a machine-readable result (with --json) or a human text. Logs always go to stderr. */
export function output(opts: GlobalOptions, result: unknown, human: () => string): void {
  if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    const text = human();
    if (text) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }
}

export function log(message: string): void {
  process.stderr.write(redactSecrets(message) + '\n');
}

/**
 * Wrap a command action: bad input exits 2 with one line naming the problem (an InputError, or a
 * statistics error on the user's data); other failures exit 1 with the message (a stack only with
 * VALUELEX_DEBUG=1). Secrets are redacted from every message.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const line = redactSecrets(err.message.split('\n')[0] ?? String(err));
      process.stderr.write(`valuelex: ${line}\n`);
      if (process.env.VALUELEX_DEBUG === '1' && err.stack) process.stderr.write(redactSecrets(err.stack) + '\n');
      // An interrupted run (SIGINT) keeps its conventional 130.
      process.exitCode = process.exitCode === 130 ? 130 : err instanceof InputError || err.name === 'StatsInputError' ? 2 : 1;
    }
  };
}

/** An action whose implementation is imported when the command runs, not when the CLI starts. */
export function lazy<A extends unknown[]>(load: () => Promise<(...args: A) => Promise<void> | void>): (...args: A) => Promise<void> {
  return action(async (...args: A) => (await load())(...args));
}

export function parseIntOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InputError(`--${name}: expected an integer, got "${value}"`);
    return n;
  };
}

export function parseNumberOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new InputError(`--${name}: expected a number, got "${value}"`);
    return n;
  };
}
