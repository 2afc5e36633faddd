// Opens report.html in a real headless Chromium, the way a person opens it from a run folder: via
// file://, offline. Set GAMEDAY_KEEP_REPORT=1 to keep the run folder (and its report.png) for a look.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeReports } from '../../src/report/write-reports.js';
import type { LoadedJournal } from '../../src/journal/format.js';
import { buildJournal } from './fixture.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface OpenedReport {
  page: Page;
  runFolder: string;
  problems: string[];
  requests: string[];
}

async function openReport(browser: Browser, journal: LoadedJournal, options: { javaScriptEnabled?: boolean } = {}): Promise<OpenedReport> {
  const runFolder = await mkdtemp(join(tmpdir(), 'gameday-report-'));
  const { html } = await writeReports(journal, runFolder);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => { problems.push(`dialog: ${dialog.message()}`); void dialog.dismiss(); });
  // Every request the page makes is recorded; anything but the report itself is refused, so a stray
  // reference to a CDN fails this test instead of quietly working on a connected laptop.
  const reportUrl = pathToFileURL(html).href;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    return url === reportUrl ? route.continue() : route.abort();
  });
  await page.goto(reportUrl, { waitUntil: 'load', timeout: 30_000 });
  return { page, runFolder, problems, requests };
}

async function cleanUp(opened: OpenedReport | undefined): Promise<void> {
  if (!opened) return;
  await opened.page.context().close();
  if (process.env.GAMEDAY_KEEP_REPORT) console.error(`kept ${opened.runFolder}`);
  else await rm(opened.runFolder, { recursive: true, force: true });
}

test('report.html renders its charts offline in Chromium with no errors and no requests but itself', { timeout: 120_000 }, async (t) => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  let opened: OpenedReport | undefined;
  t.after(() => cleanUp(opened));
  opened = await openReport(browser, buildJournal({ loads: ['product page', 'checkout'] }));
  const { page } = opened;

  const charts = page.locator('svg.gd-chart');
  assert.equal(await charts.count(), 3, 'request rate, error rate and latency');
  for (let i = 0; i < 3; i++) {
    const chart = charts.nth(i);
    const box = await chart.boundingBox();
    assert.ok(box && box.width > 600 && box.height > 150, `chart ${i} has a real size: ${JSON.stringify(box)}`);
    const lines = chart.locator('path.gd-line');
    assert.ok((await lines.count()) >= 2, `chart ${i} draws a line per load`);
    const lineBox = await lines.first().boundingBox();
    assert.ok(lineBox && lineBox.width > 500 && lineBox.height > 0, `chart ${i}'s first line spans the time axis: ${JSON.stringify(lineBox)}`);
    const faultBand = await chart.locator('rect.gd-band-fault').first().boundingBox();
    assert.ok(faultBand && faultBand.width > 20 && faultBand.height > 100, `chart ${i} shades the fault band`);
    assert.equal(await chart.locator('g.gd-breach').count(), 1, `chart ${i} marks the guardrail breach`);
  }
  assert.match(await page.locator('.verdict-word').innerText(), /ABORTED/);
  assert.equal(await page.locator('#hypothesis tbody tr').count(), 7);

  // The hover layer: moving over the latency chart shows a tooltip with both loads' values.
  const overlay = page.locator('svg.gd-chart[data-metric="latency"] .gd-overlay');
  await overlay.scrollIntoViewIfNeeded();
  const overlayBox = await overlay.boundingBox();
  assert.ok(overlayBox);
  await page.mouse.move(overlayBox.x + overlayBox.width * 0.5, overlayBox.y + overlayBox.height / 2);
  const tooltip = page.locator('.gd-tooltip');
  await tooltip.waitFor({ state: 'visible', timeout: 5000 });
  const tip = await tooltip.innerText();
  assert.match(tip, /product page: p99 \d/);
  assert.match(tip, /checkout: p99 \d/);
  assert.match(tip, /fault: latency/, 'the tooltip names the fault active at that moment');
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));

  const screenshot = join(opened.runFolder, 'report.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  assert.ok((await stat(screenshot)).size > 20_000, 'the screenshot has content');

  assert.deepEqual(opened.problems, []);
  assert.deepEqual(opened.requests, [pathToFileURL(join(opened.runFolder, 'report.html')).href]);
});

test('the charts are drawn without JavaScript, and user text cannot run a script', { timeout: 120_000 }, async (t) => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  const journal = buildJournal({ title: '<script>alert("title")</script><img src=x onerror=alert(1)>', loads: ['<b>load</b>'] });
  journal.events.push({ atMs: 1, at: journal.startedAt, type: 'probe', message: '</script><script>alert(2)</script>' });
  journal.bands.push({ kind: 'step', label: '<svg onload=alert(3)>', startMs: 100, endMs: 900 });

  let withScript: OpenedReport | undefined;
  t.after(() => cleanUp(withScript));
  withScript = await openReport(browser, journal);
  assert.equal(await withScript.page.locator('h1').innerText(), '<script>alert("title")</script><img src=x onerror=alert(1)>');
  assert.equal(await withScript.page.locator('main img, main script').count(), 0, 'no element was injected');
  assert.deepEqual(withScript.problems, [], 'no dialog opened and no script was refused');

  let withoutScript: OpenedReport | undefined;
  t.after(() => cleanUp(withoutScript));
  withoutScript = await openReport(browser, buildJournal(), { javaScriptEnabled: false });
  const paths = withoutScript.page.locator('svg.gd-chart path.gd-line');
  assert.ok((await paths.count()) >= 4, 'rate, error rate, p99 and p50 lines');
  const box = await paths.first().boundingBox();
  assert.ok(box && box.width > 500);
  assert.deepEqual(withoutScript.problems, []);
});
