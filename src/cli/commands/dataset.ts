/**
 * `valuelex dataset validate|stats|split|import|export`: tooling for value-labeled pairs (the
 * JSONL contract, FULCRA's native formats, CSV). Every bad line is an error naming file and line.
 */
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { readPairs, SCHWARTZ_VALUES, type ValuePair } from '../../values/pairs.js';
import { datasetStats, pairsToCsv, pairsToJsonl, readPairsCsv, splitPairs } from '../../evaluation/dataset.js';
import { action, log, output, type GlobalOptions } from '../util.js';

async function readAny(file: string, source?: string): Promise<{ pairs: ValuePair[]; format: string; issues: Array<{ line: number; message: string }> }> {
  if (/\.csv$/i.test(file)) return { pairs: readPairsCsv(file), format: 'csv', issues: [] };
  return readPairs(file, source ? { source } : {});
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export function register(program: Command): void {
  const dataset = program.command('dataset').description('value-labeled pairs: validate, stats, split, import (CSV/FULCRA), export (JSONL/CSV)');

  dataset
    .command('validate <file>')
    .description('check a pairs file (JSONL contract, FULCRA native or CSV); lists every import note by line')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (file: string, opts: GlobalOptions) => {
        const { pairs, format, issues } = await readAny(file);
        output(opts, { file, format, pairs: pairs.length, labeled: pairs.filter((p) => p.values).length, issues }, () =>
          [`${file}: ${pairs.length} pairs (${format}), ${issues.length} import notes`, ...issues.map((i) => `${file}:${i.line}: ${i.message}`)].join('\n'),
        );
      }),
    );

  dataset
    .command('stats <file>')
    .description('label distribution per value, co-occurrence of touched values, sources and risks')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (file: string, opts: GlobalOptions) => {
        const { pairs } = await readAny(file);
        const s = datasetStats(pairs);
        output(opts, s, () => {
          const lines = [`${s.pairs} pairs, ${s.labeled} labeled`, 'value               -1       0      +1'];
          for (const v of SCHWARTZ_VALUES) {
            const d = s.distribution[v]!;
            lines.push(`${v.padEnd(16)} ${String(d['-1']).padStart(5)} ${String(d['0']).padStart(7)} ${String(d['1']).padStart(7)}`);
          }
          if (Object.keys(s.sources).length) lines.push('sources: ' + Object.entries(s.sources).map(([k, n]) => `${k} ${n}`).join(', '));
          if (Object.keys(s.risks).length) lines.push('risks: ' + Object.entries(s.risks).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', '));
          return lines.join('\n');
        });
      }),
    );

  dataset
    .command('split <file>')
    .description('seeded stratified train/test split into <out-dir>/train.jsonl and test.jsonl')
    .requiredOption('--out-dir <dir>', 'output folder')
    .option('--test <fraction>', 'share of pairs in the test set', '0.2')
    .option('--stratify <by>', 'labels | source | none', 'labels')
    .option('--seed <n>', 'seed', '1')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (file: string, opts: GlobalOptions & { outDir: string; test: string; stratify: string; seed: string }) => {
        if (!['labels', 'source', 'none'].includes(opts.stratify)) throw new InputError(`--stratify: expected labels, source or none, got "${opts.stratify}"`);
        const { pairs } = await readAny(file);
        const { train, test } = splitPairs(pairs, { test: Number(opts.test), seed: Number(opts.seed), stratify: opts.stratify as 'labels' });
        write(join(opts.outDir, 'train.jsonl'), pairsToJsonl(train));
        write(join(opts.outDir, 'test.jsonl'), pairsToJsonl(test));
        output(opts, { train: train.length, test: test.length, out_dir: opts.outDir }, () => `${train.length} train and ${test.length} test pairs in ${opts.outDir}`);
      }),
    );

  dataset
    .command('import <file>')
    .description('convert CSV or FULCRA native files into the value-pairs JSONL contract')
    .requiredOption('--out <file>', 'JSONL output')
    .option('--source <name>', 'source model for FULCRA answer files (default: from the file name)')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (file: string, opts: GlobalOptions & { out: string; source?: string }) => {
        const { pairs, format, issues } = await readAny(file, opts.source);
        for (const i of issues) log(`${file}:${i.line}: ${i.message}`);
        write(opts.out, pairsToJsonl(pairs));
        output(opts, { format, pairs: pairs.length, issues: issues.length, out: opts.out }, () => `${pairs.length} pairs (${format}, ${issues.length} import notes) written to ${opts.out}`);
      }),
    );

  dataset
    .command('export <file>')
    .description('write pairs as JSONL (contract) or CSV')
    .requiredOption('--out <file>', 'output file')
    .option('--format <fmt>', 'jsonl | csv (default: from --out)')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (file: string, opts: GlobalOptions & { out: string; format?: string }) => {
        const format = opts.format ?? (/\.csv$/i.test(opts.out) ? 'csv' : 'jsonl');
        if (!['csv', 'jsonl'].includes(format)) throw new InputError(`--format: expected jsonl or csv, got "${format}"`);
        const { pairs } = await readAny(file);
        write(opts.out, format === 'csv' ? pairsToCsv(pairs) : pairsToJsonl(pairs));
        output(opts, { pairs: pairs.length, format, out: opts.out }, () => `${pairs.length} pairs written to ${opts.out} (${format})`);
      }),
    );
}
