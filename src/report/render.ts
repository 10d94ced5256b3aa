/**
 * A report model in one of its formats: JSON (the contract), Markdown, CSV, or self-contained
 * HTML (whose renderer, with vega, loads only when HTML is asked for).
 */
import type { ReportModel } from './model.js';
import { renderCsv, renderMarkdown } from './text.js';

export const REPORT_FORMATS = ['html', 'json', 'md', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderJson(model: ReportModel): string {
  return JSON.stringify(model, null, 2) + '\n';
}

export async function renderReport(model: ReportModel, format: ReportFormat): Promise<string> {
  if (format === 'json') return renderJson(model);
  if (format === 'md') return renderMarkdown(model);
  if (format === 'csv') return renderCsv(model);
  const { renderHtml } = await import('./html.js');
  return renderHtml(model);
}
