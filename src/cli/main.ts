#!/usr/bin/env node
/**
 * The `valuelex` command line. Each command is declared (name, description, options) in its own
 * light module under ./commands; its implementation, under ./actions, is imported only when that
 * command runs, so `valuelex <cmd> --help` loads no library code, and only the declarations of the
 * command named on the command line load. This file only assembles them.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { commandsFor, type RegisterCommand } from './commands/index.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(commands: readonly RegisterCommand[]): Command {
  const program = new Command();
  program
    .name('valuelex')
    .description('Discover and measure the values of large language models')
    .version(pkg.version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of commands) register(program);
  return program;
}

await buildProgram(await commandsFor(process.argv.slice(2))).parseAsync(process.argv);
