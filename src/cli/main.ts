#!/usr/bin/env node
/**
 * The `valuelex` command line. Each command is declared (name, description, options) in its own
 * light module under ./commands; its implementation, under ./actions, is imported only when that
 * command runs, so `valuelex <cmd> --help` loads no library code. This file only assembles them.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { commands } from './commands/index.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
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

await buildProgram().parseAsync(process.argv);
