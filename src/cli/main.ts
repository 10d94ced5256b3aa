#!/usr/bin/env node
/**
 * The `valuelex` command line. Each command is declared (name, description, options) in its own
 * light module under ./commands; its implementation, under ./actions, is imported only when that
 * command runs, so `valuelex <cmd> --help` loads no library code, and only the declarations of the
 * command named on the command line load. This file only assembles them.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { commandsFor, type RegisterCommand } from './commands/index.js';
import { USAGE_EXIT_CODE } from './util.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(commands: readonly RegisterCommand[]): Command {
  const program = new Command();
  program
    .name('valuelex')
    .description('Discover and measure the values of large language models')
    .version(pkg.version)
    // A usage error is one line, like every other error, with the way to more help on it.
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(`${s.trimEnd()} (see --help)\n`) })
    // Usage errors throw instead of exiting with commander's 1, so they exit 2 like other bad
    // input (set before the commands are added: subcommands inherit it).
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

try {
  await buildProgram(await commandsFor(process.argv.slice(2))).parseAsync(process.argv);
} catch (e) {
  if (!(e instanceof CommanderError)) throw e;
  // Help and --version end with code 0; every usage error with the bad-input code.
  process.exitCode = e.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
}
