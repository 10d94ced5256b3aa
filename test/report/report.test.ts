import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml, escapeHtml } from '../../src/report/html.js';
import { buildReportModel } from '../../src/report/build.js';
import { renderCsv, renderMarkdown } from '../../src/report/text.js';
import { RunStore } from '../../src/store/store.js';
import { writeRunReport } from '../../src/report/write.js';
import { elicitedRun, PAYLOADS, poisoned } from './run-fixture.js';

describe('report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vl-report-'));
  const db = await elicitedRun(dir);
  const store = RunStore.open(db, { readonly: true });
  const model = buildReportModel(store);
  store.close();

  it('follows the JSON contract and leaves out sections the run did not produce', () => {
    expect(model.study).toBe('report-test');
    expect(model.models).toHaveLength(2);
    const lexicon = model.lexicon as Array<{ descriptor: string; count: number; models: number; per_model: Record<string, number> }>;
    expect(lexicon.length).toBeGreaterThan(5);
    for (const e of lexicon) {
      expect(typeof e.descriptor).toBe('string');
      expect(e.count).toBe(Object.values(e.per_model).reduce((a, b) => a + b, 0));
      expect(e.models).toBe(Object.keys(e.per_model).length);
    }
    expect(model.taxonomy).toBeUndefined();
    expect(model.profiles).toBeUndefined();
    expect(model.cost.requests).toBeGreaterThan(0);
    expect(Object.keys(model.cost)).toEqual(expect.arrayContaining(['requests', 'cached', 'input_tokens', 'output_tokens']));
    expect(model.simulated_models).toEqual(model.models);
  });

  it('renders self-contained HTML with inline SVG charts and a SIMULATED banner', async () => {
    const html = await renderHtml(model);
    expect(html).toContain('<svg');
    expect(html).toMatch(/class="banner">SIMULATED/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/i);
  });

  it('escapes every piece of model text (no tag, handler or URL from a payload survives)', async () => {
    const html = await renderHtml(poisoned(model));
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<svg[^>]*onload/i);
    expect(html).not.toMatch(/\son\w+="window/i);
    expect(html).not.toMatch(/(href|src)\s*=\s*["']?javascript:/i);
    expect(html).toContain(escapeHtml(PAYLOADS[1]));
    expect(html.split('<svg').length - 1).toBeGreaterThanOrEqual(3); // lexicon, scree, loadings, profiles
  });

  it('writes Markdown and CSV with the same numbers', () => {
    const md = renderMarkdown(model);
    const top = (model.lexicon as Array<{ descriptor: string; count: number }>)[0]!;
    expect(md).toContain(`| ${top.descriptor} | ${top.count} |`);
    expect(md).toContain('SIMULATED');
    const csv = renderCsv(poisoned(model));
    expect(csv.split('\n')[0]).toMatch(/^section,/);
    expect(csv).toContain('"<img src=x onerror=""window.__pwned=1"">"');
  });

  it('writeRunReport writes report.json and report.html; the CLI prints the contract JSON', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vl-report-out-'));
    const written = await writeRunReport(db, out);
    expect(JSON.parse(readFileSync(written.json!, 'utf8')).study).toBe('report-test');
    expect(readFileSync(written.html!, 'utf8')).toContain('<svg');
    const cli = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'report', db, '--format', 'json'], { encoding: 'utf8' });
    expect(JSON.parse(cli).lexicon).toEqual(model.lexicon);
  }, 60_000);
});
