/**
 * The `valuelex` program: the commands of the modules given, with usage errors that exit 2. Shared
 * by the command line (./main.ts) and the build step that writes every command's help text
 * (scripts/help-cache.mjs), so the cached help is what commander would print.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { RegisterCommand } from './commands/index.js';

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
    .exitOverride()
    // Help is 80 columns wide whatever the terminal, so it reads the same in a terminal, in a pipe
    // and from the help cache the build writes (the launcher prints `<cmd> --help` from it).
    .configureHelp({ helpWidth: 80 });
  for (const register of commands) register(program);
  return program;
}
