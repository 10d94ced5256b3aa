/**
 * End-to-end in Debian's Chromium (playwright-core): the report and the viewer render, planted
 * script/handler/URL payloads in model text stay text, and a label typed with the keyboard is stored.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { buildReportModel } from '../../src/report/build.js';
import { RunStore } from '../../src/store/store.js';
import { listLabels } from '../../src/evaluation/labels.js';
import { startViewer, type Viewer } from '../../src/web/server.js';
import { ensureProjectiveSchema, projectiveWriter } from '../../src/study/stages/projective/tables.js';
import { elicitedRun, PAYLOADS, poisoned, poisonRun } from '../report/run-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`test/web/browser.test.ts: SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);

describe.skipIf(!haveChromium)('report and viewer in Chromium', () => {
  let browser: Browser;
  let viewer: Viewer;
  let db: string;
  let reportFile: string;
  let poisonedPair: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vl-browser-'));
    db = await elicitedRun(dir);
    poisonedPair = poisonRun(db);
    // A projective completion carrying the payloads, with a judge score, for the Completions tab.
    const rw = RunStore.open(db);
    ensureProjectiveSchema(rw);
    const write = projectiveWriter(rw);
    write.completion({ id: 'm/likes-01/s0', model: 'poisoned-model', item: 'likes-01', sample: 0, stem: 'What I enjoy most is', completion: PAYLOADS.join(' '), request_key: null });
    write.scores([{ completion_id: 'm/likes-01/s0', judge: 'judge-x', dimension: 'benevolence', score: 1, judge_config: '{}' }], [], []);
    rw.close();
    const store = RunStore.open(db, { readonly: true });
    const model = poisoned(buildReportModel(store));
    store.close();
    reportFile = join(dir, 'report.html');
    writeFileSync(reportFile, await renderHtml(model));
    viewer = await startViewer({ db, port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await viewer?.close();
  });

  it('opens the report: charts are non-empty SVG, payloads are visible text and nothing executes', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => void d.dismiss().then(() => dialogs.push(d.message())));
    await page.goto(pathToFileURL(reportFile).href);
    const svgs = await page.$$eval('svg', (els) => els.map((e) => ({ marks: e.querySelectorAll('path, rect, line, text').length, width: e.getBoundingClientRect().width })));
    expect(svgs.length).toBeGreaterThanOrEqual(3);
    for (const s of svgs) {
      expect(s.marks).toBeGreaterThan(0);
      expect(s.width).toBeGreaterThan(0);
    }
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const text = await page.evaluate(() => document.body.innerText);
    for (const p of PAYLOADS) expect(text).toContain(p);
    expect(text).toContain('SIMULATED');
    expect(await page.$$('body img, body iframe, a[href^="javascript"]')).toHaveLength(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('browses the viewer (lexicon -> responses), stays safe, and stores a keyboard label', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(viewer.url);
    await page.waitForSelector('#terms li');
    await page.locator('#terms li').first().click();
    await page.waitForSelector('#sources pre');
    expect((await page.locator('#sources pre').first().textContent())!.length).toBeGreaterThan(0);
    expect(await page.locator('#simulated').isVisible()).toBe(true);

    // Completions with their judge scores; model text stays text.
    await page.click('#tab-completions');
    await page.waitForSelector('#completion-table td');
    const cells = await page.locator('#completion-table td').allTextContents();
    expect(cells).toContain(PAYLOADS.join(' '));
    expect(cells).toContain('judge-x: benevolence +1');
    expect(await page.$$('#completions img, #completions svg, #completions script')).toHaveLength(0);

    await page.click('#tab-label');
    await page.fill('#annotator', 'alice');
    await page.locator('#annotator').blur();
    await page.waitForFunction((id) => document.getElementById('position')!.textContent!.includes(id), poisonedPair);
    // The first pair carries every payload: shown as text, never run.
    const response = await page.locator('#response').textContent();
    for (const p of PAYLOADS) expect(response).toContain(p);
    expect(await page.locator('#pair-model').textContent()).toBe(PAYLOADS[1]);
    expect(await page.$$('#label img, #label svg, #label script')).toHaveLength(0);

    await page.keyboard.press('j'); // second pair
    await page.keyboard.press('9'); // benevolence
    await page.keyboard.press('u'); // +1
    await page.waitForFunction(() => document.body.dataset.saved === '1');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();

    const store = RunStore.open(db, { readonly: true });
    const labels = listLabels(store);
    store.close();
    expect(labels).toHaveLength(1);
    expect(labels[0]).toMatchObject({ annotator: 'alice', value: 'benevolence', label: 1 });
    expect(labels[0]!.pair_id).not.toBe(poisonedPair);
  });
});
