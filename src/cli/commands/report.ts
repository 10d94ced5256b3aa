/**
 * `valuelex report <run.db> --out report.html [--format html|json|md|csv]`: the report of a run.
 * `--format json` prints (or writes) the report model, whose shape is a contract.
 */
import type { Command } from 'commander';
import { REPORT_FORMATS } from '../../report/render.js';
import { lazy } from '../util.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('write the report of a run (self-contained HTML with SVG charts, or JSON, Markdown, CSV)')
    .argument('<run.db>', 'the run database')
    .option('--out <file>', 'where to write it (default: stdout for json/md/csv, report.html for html)')
    .option('--format <format>', `one of ${REPORT_FORMATS.join(', ')}`, 'html')
    .option('--json', 'print the report model as JSON (same as --format json)')
    .action(lazy(() => import('../actions/report.js').then((m) => m.report)));
}
