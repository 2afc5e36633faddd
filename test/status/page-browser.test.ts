// The status page in a real headless Chromium: served by a `gameday serve` process, with no console error,
// no request to another host, under 50 KB; then the same process keeps a static copy current, is killed
// with SIGKILL, and the copy — served by a plain static file server — still reads, and says how old it is.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { freePorts } from '../../src/fleet/fleet.js';
import { spawnGameday, tempHome } from '../cli-process.js';
import { component, httpStatusYaml, startShop, waitFor } from './helpers.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Records every request and console problem; refuses anything that is not `origin`. */
async function watch(context: BrowserContext, origin: string) {
  const problems: string[] = [];
  const requests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    return url.startsWith(origin) ? route.continue() : route.abort();
  });
  context.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  context.on('weberror', (error) => problems.push(`page error: ${error.error().message}`));
  return { problems, requests };
}

test('the status page renders in Chromium from gameday serve, and its static copy outlives a kill -9 and says how old it is', { timeout: 150_000 }, async (t) => {
  const shop = await startShop();
  t.after(() => shop.close());
  const home = tempHome('gameday-status-page-');
  t.after(() => home.remove());
  const file = home.write('status.yaml', httpStatusYaml(shop.url, `  - { id: reviews, name: Reviews, description: "star rating and review count", group: Non-critical, slis: [{ monitor: shop, sli: latency, percentile: p99, window: 2s, operational: 250ms, degraded_performance: 1s }] }\n`));
  const exported = join(home.dir, 'public');
  const serve = spawnGameday(['serve', '--status', file, '--status-dir', exported, '--listen', '127.0.0.1:0', '--store', join(home.dir, 'store.db')], home.dir);
  t.after(() => void serve.child.kill('SIGKILL'));
  await waitFor('the banner', async () => /control room on (http:\/\/\S+);/.exec(serve.stderr())?.[1], Boolean, 30_000);
  const url = /control room on (http:\/\/\S+);/.exec(serve.stderr())![1];
  assert.match(serve.stderr(), /status +\/status: 2 components/);
  await waitFor('operational', async () => (await component(url, 'shop'))?.gameday_status, (s) => s === 'operational');

  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  const live = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const seen = await watch(live, url);
  const page = await live.newPage();
  const response = await page.goto(`${url}/status`, { waitUntil: 'load' });
  const bytes = (await response!.body()).length;
  assert.ok(bytes < 50_000, `the page is ${bytes} bytes`);
  // Sent like every control-room page: no framing by another site, said in headers (a <meta> cannot say it).
  assert.match(response!.headers()['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(response!.headers()['x-frame-options'], 'DENY');
  assert.doesNotMatch((await response!.body()).toString(), /frame-ancestors/);
  assert.equal(await page.locator('main').count(), 1);
  assert.equal(await page.locator('nav[aria-label="Control room"] a[aria-current="page"]').innerText(), 'Status');
  assert.match(await page.locator('.sp-banner').innerText(), /All systems operational/);
  const shopRow = page.locator('#component-shop');
  assert.match(await shopRow.locator('.sp-word').innerText(), /^Operational$/, 'the status in words beside its colour');
  assert.match(await shopRow.locator('.sp-slis').innerText(), /availability 100% over 2s/);
  assert.equal(await page.locator('svg.sp-bars').count(), 2, 'a 90-day bar per component');
  assert.match((await page.locator('svg.sp-bars').first().getAttribute('aria-label'))!, /uptime over the last 90 days/);
  assert.match(await page.locator('h3.eyebrow').innerText(), /Non-critical/i);
  assert.ok((await page.locator('#component-shop .sp-word').evaluate((el) => getComputedStyle(el).color)) !== 'rgb(0, 0, 0)');
  await page.screenshot({ path: join(home.dir, 'status.png'), fullPage: true });
  assert.deepEqual(seen.problems, []);
  assert.deepEqual(seen.requests.filter((r) => !r.startsWith(url)), [], 'nothing from another host');

  // The static copy is kept current: its computed-at time moves, never more than two seconds behind.
  const computedAt = () => /data-computed-at="([^"]+)"/.exec(readFileSync(join(exported, 'index.html'), 'utf8'))?.[1];
  await waitFor('the static copy', async () => computedAt(), Boolean, 10_000);
  const first = computedAt()!;
  await waitFor('the static copy moves on', async () => computedAt(), (at) => at !== first, 5000);
  assert.ok(Date.now() - Date.parse(computedAt()!) < 2500, 'kept current within 2 s');
  assert.doesNotMatch(readFileSync(join(exported, 'index.html'), 'utf8'), /frame-ancestors/, 'the static copy has only what a <meta> can carry');
  const exportedComponents = JSON.parse(readFileSync(join(exported, 'api/v2/components.json'), 'utf8')) as { components: Array<{ id: string; status: string }> };
  assert.equal(exportedComponents.components.find((c) => c.id === 'shop')?.status, 'operational');

  serve.child.kill('SIGKILL');
  await serve.done;
  const [port] = await freePorts(1);
  const files = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', exported], { stdio: 'ignore' });
  t.after(() => void files.kill('SIGKILL'));
  const origin = `http://127.0.0.1:${port}`;
  await waitFor('the static server', async () => (await fetch(`${origin}/`)).status, (s) => s === 200, 10_000);
  const later = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const staticSeen = await watch(later, origin);
  const stale = await later.newPage();
  await stale.clock.setFixedTime(Date.now() + 10 * 60_000);
  await stale.goto(`${origin}/`, { waitUntil: 'load' });
  await stale.locator('#sp-age').waitFor({ state: 'visible', timeout: 10_000 });
  assert.match(await stale.locator('#sp-age').innerText(), /^This copy of the page is (10|11) minutes old/);
  assert.match(await stale.locator('.sp-banner').innerText(), /All systems operational/);
  assert.deepEqual(staticSeen.problems, []);
  assert.deepEqual(staticSeen.requests.filter((r) => !r.startsWith(origin)), []);

  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto(`${origin}/`, { waitUntil: 'load' });
  assert.match(await plain.locator('[data-computed-at]').innerText(), /^Computed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/, 'without script the copy still says when it was computed');
});
