/** `valuelex report <run.db>`: build the report model and render it (HTML loads vega only here). */
import { writeFileSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { buildReportModel } from '../../report/build.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../report/render.js';
import { RunStore } from '../../store/store.js';
import { output, type GlobalOptions } from '../util.js';

export async function report(db: string, opts: GlobalOptions & { out?: string; format: string }): Promise<void> {
  const format = opts.json ? 'json' : opts.format;
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new InputError(`--format: expected ${REPORT_FORMATS.join(', ')}, got "${format}"`);
  const store = RunStore.open(db, { readonly: true });
  let text: string;
  try {
    text = await renderReport(buildReportModel(store), format as ReportFormat);
  } finally {
    store.close();
  }
  const out = opts.out ?? (format === 'html' ? 'report.html' : undefined);
  if (out) {
    writeFileSync(out, text);
    if (!opts.json) output(opts, { file: out }, () => `wrote ${out}`);
    else process.stdout.write(text);
  } else process.stdout.write(text);
}
