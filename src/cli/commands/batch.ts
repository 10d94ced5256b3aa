/**
 * `valuelex batch export|import`: hand a stage's pending requests to the OpenAI Batch API or vLLM's
 * run-batch, and load the answers back as if the engine had made the calls.
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { loadStudy } from '../../config/study.js';
import { exportBatch, importBatch } from '../../study/batch.js';
import { STAGE_ORDER } from '../../study/run.js';
import { action, output, type GlobalOptions } from '../util.js';

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
    .action(
      action(async (file: string, opts: GlobalOptions & { out: string; stages?: string[] }) => {
        const study = loadStudy(file);
        const r = await exportBatch(study.config, study.storePath, opts.out, opts.stages ? { stages: opts.stages } : {});
        output(opts, r, () =>
          [
            `wrote ${r.requests} pending requests to ${r.file}`,
            ...Object.entries(r.byModel).map(([m, n]) => `  ${m}: ${n}`),
            ...Object.entries(r.skipped).map(([m, n]) => `  ${m}: ${n} left out (provider is not OpenAI-compatible; run them live)`),
            r.requests > 0 ? `run them (e.g. vllm run-batch -i ${r.file} -o results.jsonl --model ...), then: valuelex batch import ${file} --input results.jsonl` : 'nothing pending: every request is answered',
          ].join('\n'),
        );
      }),
    );
  batch
    .command('import')
    .argument('<study>', 'study.yaml')
    .requiredOption('--input <file>', 'batch results JSONL')
    .option('--json', 'machine-readable output')
    .action(
      action(async (file: string, opts: GlobalOptions & { input: string }) => {
        const study = loadStudy(file);
        const r = await importBatch(study.config, study.storePath, opts.input);
        output(opts, r, () =>
          [
            `imported ${r.imported} answers (${r.alreadyStored} were already stored)`,
            ...r.failed.slice(0, 20).map((f) => `  line ${f.line} (${f.custom_id.slice(0, 12)}): ${f.error}`),
            r.failed.length > 0 ? `${r.failed.length} results failed and stay pending; re-export to retry them` : '',
            `continue with: valuelex run ${file} --resume (and export again if stages need another wave)`,
          ].filter(Boolean).join('\n'),
        );
      }),
    );
}
