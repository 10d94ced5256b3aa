#!/usr/bin/env node
/**
 * The `valuelex` command line. Each command is declared (name, description, options) in its own
 * light module under ./commands; its implementation, under ./actions, is imported only when that
 * command runs, so `valuelex <cmd> --help` loads no library code, and only the declarations of the
 * command named on the command line load. This file only assembles them.
 */
import { CommanderError } from 'commander';
import { commandsFor } from './commands/index.js';
import { buildProgram } from './program.js';
import { USAGE_EXIT_CODE } from './util.js';

try {
  await buildProgram(await commandsFor(process.argv.slice(2))).parseAsync(process.argv);
} catch (e) {
  if (!(e instanceof CommanderError)) throw e;
  // Help and --version end with code 0; every usage error with the bad-input code.
  process.exitCode = e.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
}
