/**
 * Writing a run's report files next to its run database (used by `demo` and `run`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore } from '../store/store.js';
import { renderHtml } from './html.js';
import { buildReportModel, type ReportContext } from './model.js';
import '../study/stages/index.js';
import '../evaluation/analysis.js';
import '../evaluation/align.js';

export interface WrittenReport {
  json?: string;
  html?: string;
}

export async function writeRunReport(dbPath: string, dir: string, context: ReportContext = {}): Promise<WrittenReport> {
  const store = RunStore.open(dbPath, { readonly: true });
  try {
    const model = buildReportModel(store, context);
    const json = join(dir, 'report.json');
    writeFileSync(json, JSON.stringify(model, null, 2));
    const html = join(dir, 'report.html');
    writeFileSync(html, await renderHtml(model));
    return { json, html };
  } finally {
    store.close();
  }
}
