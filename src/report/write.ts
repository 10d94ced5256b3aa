/**
 * Writing a run's report files (report.json, report.html) next to its run database (`valuelex
 * demo`). The HTML renderer, and vega with it, loads only here.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore } from '../store/store.js';
import { buildReportModel } from './build.js';
import type { ReportContext } from './model.js';

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
    const { renderHtml } = await import('./html.js');
    writeFileSync(html, await renderHtml(model));
    return { json, html };
  } finally {
    store.close();
  }
}
