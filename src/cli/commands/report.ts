/**
 * `valuelex report <run.db> --out report.html [--format html|json|md|csv]`: the report of a run.
 * `--format json` prints (or writes) the report model, whose shape is a DESIGN contract.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { renderHtml } from '../../report/html.js';
import { buildReportModel } from '../../report/model.js';
import { renderCsv, renderMarkdown } from '../../report/text.js';
import { RunStore } from '../../store/store.js';
import '../../study/stages/index.js';
import '../../evaluation/analysis.js';
import '../../evaluation/align.js';
import { action, output, type GlobalOptions } from '../util.js';

const FORMATS = ['html', 'json', 'md', 'csv'] as const;

export function register(program: Command): void {
  program
    .command('report')
    .description('write the report of a run (self-contained HTML with SVG charts, or JSON, Markdown, CSV)')
    .argument('<run.db>', 'the run database')
    .option('--out <file>', 'where to write it (default: stdout for json/md/csv, report.html for html)')
    .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'html')
    .option('--json', 'print the report model as JSON (same as --format json)')
    .action(
      action(async (db: string, opts: GlobalOptions & { out?: string; format: string }) => {
        const format = opts.json ? 'json' : opts.format;
        if (!(FORMATS as readonly string[]).includes(format)) throw new InputError(`--format: expected ${FORMATS.join(', ')}, got "${format}"`);
        const store = RunStore.open(db, { readonly: true });
        let text: string;
        try {
          const model = buildReportModel(store);
          text = format === 'json' ? JSON.stringify(model, null, 2) + '\n' : format === 'md' ? renderMarkdown(model) : format === 'csv' ? renderCsv(model) : await renderHtml(model);
        } finally {
          store.close();
        }
        const out = opts.out ?? (format === 'html' ? 'report.html' : undefined);
        if (out) {
          writeFileSync(out, text);
          if (!opts.json) output(opts, { file: out }, () => `wrote ${out}`);
          else process.stdout.write(text);
        } else process.stdout.write(text);
      }),
    );
}
