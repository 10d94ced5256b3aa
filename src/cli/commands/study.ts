/**
 * `valuelex init`, `valuelex run` and the per-stage commands (`elicit`, `rate`, `taxonomy`,
 * `projective`, `choices`), all thin over src/study/run.ts (implementations in ../actions/study.ts).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { STAGE_ORDER } from '../../study/stage-names.js';
import { lazy } from '../util.js';

const impl = () => import('../actions/study.js');

const BREAK_LOCK_HELP = 'take the run lock even if its holder cannot be checked (another machine or container); only when no valuelex process uses this run database any more';

function parseStages(value: string): string[] {
  const stages = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of stages) {
    if (!(STAGE_ORDER as readonly string[]).includes(s)) throw new InvalidArgumentError(`--stages: unknown stage "${s}" (stages: ${STAGE_ORDER.join(', ')})`);
  }
  return stages;
}

export function register(program: Command): void {
  program
    .command('init')
    .description('write a commented study.yaml to start from')
    .argument('<dir>', 'folder for the study')
    .option('--force', 'overwrite an existing study.yaml')
    .option('--json', 'machine-readable output')
    .action(lazy(() => impl().then((m) => m.init)));

  program
    .command('run')
    .description(`run a study: ${STAGE_ORDER.join(', ')} (or --stages)`)
    .argument('<study>', 'study.yaml')
    .option('--stages <list>', 'comma-separated stages to run', parseStages)
    .option('--resume', 'skip stages already finished with the same configuration')
    .option('--break-lock', BREAK_LOCK_HELP)
    .option('--json', 'machine-readable output')
    .action(lazy(() => impl().then((m) => m.run)));

  for (const stage of STAGE_ORDER) {
    program
      .command(stage)
      .description(`run the ${stage} stage of a study`)
      .argument('<study>', 'study.yaml')
      .option('--break-lock', BREAK_LOCK_HELP)
      .option('--json', 'machine-readable output')
      .action(lazy(() => impl().then((m) => (file: string, opts: { json?: boolean; breakLock?: boolean }) => m.runOneStage(stage, file, opts))));
  }
}
