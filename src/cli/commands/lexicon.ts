/**
 * `valuelex lexicon <run.db>`: print or export the value lexicon of a run (after `elicit`), with
 * minimum-frequency and minimum-models filters; `--trace <term>` lists the answers behind a term;
 * `--unmerge <term>` undoes a recorded synonym merge.
 */
import type { Command } from 'commander';
import { lazy, parseIntOption } from '../util.js';

export function register(program: Command): void {
  program
    .command('lexicon')
    .description('show or export the value lexicon of a run (after the elicit stage)')
    .argument('<run.db>', 'run database')
    .option('--min-count <n>', 'only terms named by at least n respondents', parseIntOption('min-count'))
    .option('--min-models <n>', 'only terms named by at least n models', parseIntOption('min-models'))
    .option('--limit <n>', 'at most n terms', parseIntOption('limit'))
    .option('--format <fmt>', 'csv | json (with --out, or to stdout)')
    .option('--out <file>', 'write the export to a file')
    .option('--unmerge <term>', 'undo a recorded synonym merge of <term> and rebuild the lexicon')
    .option('--remerge <term>', 're-activate a recorded synonym merge of <term>')
    .option('--trace <term>', 'list the answers that produced <term> (with --limit)')
    .option('--json', 'machine-readable output')
    .action(
      lazy(() => import('../actions/lexicon.js').then((m) => m.lexicon)),
    );
}
