/**
 * The CLI's commands. Each module exports `register(program)`, which declares its commands and
 * points their actions at lazily imported implementations; each entry here names the top-level
 * commands its module declares (a test keeps the two equal) so that `valuelex <cmd> ...` loads
 * that module alone. Add one entry per module.
 */
import type { Command } from 'commander';
import { STAGE_ORDER } from '../../study/stage-names.js';

export type RegisterCommand = (program: Command) => void;

export interface CommandModule {
  /** The top-level commands the module declares. */
  names: readonly string[];
  load(): Promise<RegisterCommand>;
}

export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['init', 'run', ...STAGE_ORDER], load: async () => (await import('./study.js')).register },
  { names: ['demo', 'sim-server'], load: async () => (await import('./demo.js')).register },
  { names: ['batch'], load: async () => (await import('./batch.js')).register },
  { names: ['lexicon'], load: async () => (await import('./lexicon.js')).register },
  { names: ['stats'], load: async () => (await import('./stats.js')).register },
  { names: ['report'], load: async () => (await import('./report.js')).register },
  { names: ['evaluate', 'train-evaluator', 'value-profiles'], load: async () => (await import('./evaluate.js')).register },
  { names: ['dataset'], load: async () => (await import('./dataset.js')).register },
  { names: ['align'], load: async () => (await import('./align.js')).register },
  { names: ['view'], load: async () => (await import('./view.js')).register },
  { names: ['embed'], load: async () => (await import('./embed.js')).register },
];

/**
 * The registrations a command line needs: the module of the command it names, or every module
 * (for `valuelex --help`, no command, or an unknown one, which commander then reports).
 */
export async function commandsFor(args: readonly string[]): Promise<RegisterCommand[]> {
  const named = COMMAND_MODULES.find((m) => m.names.includes(args[0] ?? ''));
  return Promise.all((named ? [named] : COMMAND_MODULES).map((m) => m.load()));
}
