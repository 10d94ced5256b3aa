/**
 * `valuelex batch export|import`: hand a stage's pending requests to the OpenAI Batch API or vLLM's
 * run-batch, and load the answers back as if the engine had made the calls.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { STAGE_ORDER } from '../../study/stage-names.js';
import { lazy } from '../util.js';

const impl = () => import('../actions/batch.js');

function parseStages(value: string): string[] {
  const stages = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of stages) if (!(STAGE_ORDER as readonly string[]).includes(s)) throw new InputError(`--stages: unknown stage "${s}"`);
  return stages;
}

export function register(program: Command): void {
  const batch = program.command('batch').description('export pending requests as OpenAI Batch JSONL (also read by vLLM run-batch) and import the results');
  batch
    .command('export')
    .argument('<study>', 'study.yaml')
    .requiredOption('--out <file>', 'JSONL file to write')
    .option('--stages <list>', 'stages to collect requests from (default: all)', parseStages)
    .option('--json', 'machine-readable output')
    .action(lazy(() => impl().then((m) => m.batchExport)));
  batch
    .command('import')
    .argument('<study>', 'study.yaml')
    .requiredOption('--input <file>', 'batch results JSONL')
    .option('--json', 'machine-readable output')
    .action(lazy(() => impl().then((m) => m.batchImport)));
}
