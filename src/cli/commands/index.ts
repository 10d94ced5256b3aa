/**
 * The CLI's commands. Each module exports `register(program)`, which declares the command and
 * points its action at a lazily imported implementation; add one line per command.
 */
import type { Command } from 'commander';
import { register as study } from './study.js';
import { register as demo } from './demo.js';
import { register as batch } from './batch.js';
import { register as lexicon } from './lexicon.js';
import { register as stats } from './stats.js';
import { register as report } from './report.js';
import { register as evaluate } from './evaluate.js';
import { register as dataset } from './dataset.js';
import { register as align } from './align.js';
import { register as view } from './view.js';
import { register as embed } from './embed.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  study,
  demo,
  batch,
  lexicon,
  stats,
  report,
  evaluate,
  dataset,
  align,
  view,
  embed,
];
