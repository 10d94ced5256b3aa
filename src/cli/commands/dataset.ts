/**
 * `valuelex dataset validate|stats|split|import|export`: tooling for value-labeled pairs (the
 * JSONL contract, FULCRA's native formats, CSV). Every bad line is an error naming file and line.
 */
import type { Command } from 'commander';
import { lazy } from '../util.js';

const impl = () => import('../actions/dataset.js');

export function register(program: Command): void {
  const dataset = program.command('dataset').description('value-labeled pairs: validate, stats, split, import (CSV/FULCRA), export (JSONL/CSV)');

  dataset
    .command('validate <file>')
    .description('check a pairs file (JSONL contract, FULCRA native or CSV); lists every import note by line')
    .option('--json', 'print the result as JSON')
    .action(
      lazy(() => impl().then((m) => m.validate)),
    );

  dataset
    .command('stats <file>')
    .description('label distribution per value, co-occurrence of touched values, sources and risks')
    .option('--json', 'print the result as JSON')
    .action(
      lazy(() => impl().then((m) => m.stats)),
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
      lazy(() => impl().then((m) => m.split)),
    );

  dataset
    .command('import <file>')
    .description('convert CSV or FULCRA native files into the value-pairs JSONL contract')
    .requiredOption('--out <file>', 'JSONL output')
    .option('--source <name>', 'source model for FULCRA answer files (default: from the file name)')
    .option('--json', 'print the result as JSON')
    .action(
      lazy(() => impl().then((m) => m.importPairs)),
    );

  dataset
    .command('export <file>')
    .description('write pairs as JSONL (contract) or CSV')
    .requiredOption('--out <file>', 'output file')
    .option('--format <fmt>', 'jsonl | csv (default: from --out)')
    .option('--json', 'print the result as JSON')
    .action(
      lazy(() => impl().then((m) => m.exportPairs)),
    );
}
