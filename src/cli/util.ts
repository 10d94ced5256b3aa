/**
 * Shared plumbing for CLI commands: --json output, one-line errors, exit codes, and lazy actions
 * (a command's implementation loads only when that command runs). Light on purpose: the command
 * declarations import it, and `valuelex <cmd> --help` must not load the library.
 */
import { InvalidArgumentError } from 'commander';
import { InputError } from '../core/errors.js';
import { redactSecrets } from '../core/secrets.js';
import { terminalSafe } from '../core/terminal.js';

export interface GlobalOptions {
  json?: boolean;
  quiet?: boolean;
}

/**
 * JSON for a terminal or a pipe: JSON.stringify escapes C0 controls but leaves DEL, the C1
 * controls (U+009B is a CSI to some terminals) and bidirectional overrides raw; they are written
 * as \u escapes too, which any JSON reader decodes to the same text.
 */
export function terminalJson(value: unknown): string {
  return redactSecrets(JSON.stringify(value, null, 2)).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Print a machine-readable result (with --json) or a human text. Logs always go to stderr. Model
 * text is untrusted: what is printed has secrets redacted and, for people, escape sequences and
 * control characters removed (core/terminal.ts).
 */
export function output(opts: GlobalOptions, result: unknown, human: () => string): void {
  if (opts.json) process.stdout.write(terminalJson(result) + '\n');
  else {
    const text = terminalSafe(redactSecrets(human()));
    if (text) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }
}

/**
 * Write a rendered document (a report, an export) to stdout: to a terminal without escape
 * sequences or control characters; to a pipe or file as it is (it is data), JSON with its rare
 * controls \u-escaped either way.
 */
export function writeDocument(text: string, format: string): void {
  if (format === 'json') process.stdout.write(text.replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  else process.stdout.write(process.stdout.isTTY ? terminalSafe(text) : text);
}

export function log(message: string): void {
  process.stderr.write(terminalSafe(redactSecrets(message)) + '\n');
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
      const line = terminalSafe(redactSecrets(err.message.split('\n')[0] ?? String(err)));
      process.stderr.write(`valuelex: ${line}\n`);
      if (process.env.VALUELEX_DEBUG === '1' && err.stack) process.stderr.write(terminalSafe(redactSecrets(err.stack)) + '\n');
      // An interrupted run (SIGINT) keeps its conventional 130.
      process.exitCode = process.exitCode === 130 ? 130 : err instanceof InputError || err.name === 'StatsInputError' ? 2 : 1;
    }
  };
}

/** An action whose implementation is imported when the command runs, not when the CLI starts. */
export function lazy<A extends unknown[]>(load: () => Promise<(...args: A) => Promise<void> | void>): (...args: A) => Promise<void> {
  return action(async (...args: A) => (await load())(...args));
}

/**
 * Option parsers throw commander's InvalidArgumentError: commander then prints its one usage line
 * naming the option, and the program exits with the usage code 2 (src/cli/main.ts).
 */
export function parseIntOption(name: string, opts: { min?: number; max?: number } = {}) {
  return (value: string): number => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`--${name}: expected an integer, got "${terminalSafe(value)}"`);
    if (opts.min !== undefined && n < opts.min) throw new InvalidArgumentError(`--${name}: expected at least ${opts.min}, got ${n}`);
    if (opts.max !== undefined && n > opts.max) throw new InvalidArgumentError(`--${name}: expected at most ${opts.max}, got ${n}`);
    return n;
  };
}

export function parseNumberOption(name: string) {
  return (value: string): number => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`--${name}: expected a number, got "${terminalSafe(value)}"`);
    return n;
  };
}

/** The exit code of a command-line usage error (unknown command or option, missing or bad argument), as for bad input. */
export const USAGE_EXIT_CODE = 2;
