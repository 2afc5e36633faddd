// The dashboard in a real headless Chromium against the real control room (`gameday serve` as a child
// process) and runs started from the CLI in other processes, the way a person uses it: a run appears by
// itself, its charts move, a fault comes and goes, the halt button reverts a fault (checked on the proxy's
// API), a lever pulled in the browser reaches an OpenFeature client, and a foreign page or a request
// without the form token changes nothing. Every page must log no error and ask no other host for anything.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { OpenFeature } from '@openfeature/server-sdk';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { request } from 'undici';
import { LeverProvider } from '../../src/levers/openfeature-provider.js';
import { proxyExperiment, spawnGameday, startProxyProcess, startService, tempHome, waitFor, type GamedayProcess, type ProxyProcess, type Service } from '../experiment/world.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let service: Service;
let proxy: ProxyProcess;
let home: ReturnType<typeof tempHome>;
let serve: GamedayProcess;
let base: string;
let browser: Browser;

before(async () => {
  service = await startService();
  proxy = await startProxyProcess(service.url);
  home = tempHome('gameday-dashboard-');
  home.write('levers.yaml', 'levers:\n  - { name: disable-ads, description: stop calling the ad service }\n');
  serve = spawnGameday(['serve', '--listen', '127.0.0.1:0'], home.dir);
  await waitFor('gameday serve to print its dashboard URL', () => /dashboard: open (http:\/\/\S+)\/ in a browser/.test(serve.stderr()), 20_000);
  base = /dashboard: open (http:\/\/\S+)\/ in a browser/.exec(serve.stderr())![1];
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  if (serve && serve.child.exitCode === null) {
    serve.child.kill('SIGINT');
    await serve.done;
  }
  await proxy?.close();
  await service?.close();
  home?.remove();
});

interface Opened {
  page: Page;
  context: BrowserContext;
  /** Console errors and warnings, page errors, dialogs. */
  problems: string[];
  /** Every URL the page asked for that is not the control room's. */
  foreign: string[];
}

async function open(path: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
  const page = await context.newPage();
  const problems: string[] = [];
  const foreign: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Anything but the control room is refused, so a stray CDN reference fails here instead of working online.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${base}/`)) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  await page.goto(`${base}${path}`, { waitUntil: 'load' });
  return { page, context, problems, foreign };
}

function startRun(name: string, body: string): GamedayProcess {
  const file = home.write(`${name}.yaml`, proxyExperiment(proxy, body, name));
  return spawnGameday(['run', file], home.dir);
}

const points = async (page: Page, chart: string) => Number((await page.locator(`figure[data-chart="${chart}"]`).getAttribute('data-points')) ?? 0);

test('a run started from the CLI appears live; its charts move; a fault appears and disappears; its report opens from the store', { timeout: 120_000 }, async (t) => {
  const opened = await open('/');
  t.after(() => opened.context.close());
  const { page } = opened;
  assert.equal(await page.locator('#runs tr[data-run]').count(), 0, 'no run yet');
  const run = startRun('live view', `hypothesis:
  window: 1s
  objectives:
    - { name: shop availability, sli: availability, source: shop, min: 95% }
guardrails:
  - { name: shop errors, sli: error-rate, source: shop, max: 50%, window: 1s, for: 500ms }
method:
  - wait: 2500ms
  - fault: { kind: latency, target: svc, latency: 150ms, duration: 3s }
  - wait: 2500ms
`);
  // The list learns of the run from the store, without a reload.
  const row = page.locator('#runs tr[data-run]').first();
  await row.waitFor({ timeout: 20_000 });
  assert.match(await row.innerText(), /live view[\s\S]*running/);
  await row.locator('a').first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);

  await page.locator('figure[data-chart="rate"]').waitFor({ timeout: 15_000 });
  const first = await points(page, 'rate');
  await waitFor('the charts to get new samples', async () => (await points(page, 'rate')) > first + 3, 10_000);
  assert.ok((await points(page, 'latency')) > 0, 'the latency chart draws too');

  const fault = page.locator('#faults tr[data-fault]');
  await fault.waitFor({ timeout: 15_000 });
  assert.match(await fault.innerText(), /latency[\s\S]*svc[\s\S]*TTL 5 s[\s\S]*left/);
  assert.match(await page.locator('#run-now').innerText(), /method/);
  assert.match(await page.locator('#checks').innerText(), /shop errors[\s\S]*guardrail/);
  await fault.waitFor({ state: 'detached', timeout: 15_000 });

  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  await page.locator('body[data-ended="true"]').waitFor({ timeout: 15_000 });
  assert.match(await page.locator('#run-now').innerText(), /held/);
  assert.ok((await page.locator('#journal-rows tr', { hasText: 'verdict' }).count()) === 1, 'the verdict reached the journal on screen');
  assert.equal(await page.locator('details.halt').count(), 0, 'no halt button once the run is over');

  await page.getByRole('link', { name: "Open the run's report" }).click();
  await page.locator('.verdict-word').waitFor();
  assert.equal(await page.locator('.verdict-word').innerText(), 'HELD');
  assert.deepEqual(opened.problems, []);
  assert.deepEqual(opened.foreign, []);
});

test('the halt button reverts a running fault on the proxy at once, and the run aborts', { timeout: 120_000 }, async (t) => {
  const run = startRun('halt me', `method:
  - wait: 1s
  - fault: { kind: latency, target: svc, latency: 100ms, duration: 60s }
`);
  const opened = await open('/');
  t.after(() => opened.context.close());
  const { page } = opened;
  await page.locator('#runs tr[data-run]', { hasText: 'halt me' }).locator('a').first().click({ timeout: 20_000 });
  await page.locator('#faults tr[data-fault]').waitFor({ timeout: 15_000 });
  assert.equal((await proxy.toxics()).length, 1, 'the fault is on the proxy');

  await page.getByText('Halt this run…').click();
  await page.getByRole('button', { name: /Halt run .* and revert its faults now/ }).click();
  await page.waitForURL(/\?halted=/);
  assert.match(await page.locator('.notice').innerText(), /released 1 lease/);
  // Releasing the lease on the proxy reverts the fault there: no waiting for the run, nor for the TTL.
  assert.deepEqual(await proxy.toxics(), [], 'the fault is gone from the proxy when the page answers');
  const result = await run.done;
  assert.equal(result.code, 2, result.stdout + result.stderr);
  await page.locator('body[data-ended="true"]').waitFor({ timeout: 15_000 });
  assert.match(await page.locator('#run-now').innerText(), /halted[\s\S]*aborted/);
  assert.deepEqual(opened.problems, []);
  assert.deepEqual(opened.foreign, []);
});

test('a lever pulled and reset in the browser reaches an OpenFeature client; the audit says who and from where', { timeout: 60_000 }, async (t) => {
  await OpenFeature.setProviderAndWait(new LeverProvider({ url: base }));
  t.after(() => OpenFeature.close());
  const client = OpenFeature.getClient();
  assert.equal(await client.getBooleanValue('disable-ads', true), false);
  const opened = await open('/levers');
  t.after(() => opened.context.close());
  const { page } = opened;
  const form = page.locator('tr[data-lever="disable-ads"] form');
  await form.getByLabel('Reason').fill('ads time out during the drill');
  await form.getByLabel('By').fill('alice');
  await form.getByRole('button', { name: 'Pull' }).click();
  await page.waitForURL(/\/levers\?changed=/);
  assert.match(await page.locator('.notice').innerText(), /disable-ads pulled by alice/);
  await waitFor('the OpenFeature client to see the lever pulled', async () => (await client.getBooleanValue('disable-ads', false)) === true, 10_000);
  const audit = page.locator('#audit tbody tr').first();
  assert.match(await audit.innerText(), /disable-ads\s+pull\s+alice\s+(::ffff:)?127\.0\.0\.1 · Mozilla\/5\.0 .*HeadlessChrome[\s\S]*ads time out during the drill/);

  // The form remembers who you are; a reset without a reason is refused by the browser before it is sent.
  const again = page.locator('tr[data-lever="disable-ads"] form');
  assert.equal(await again.getByLabel('By').inputValue(), 'alice');
  await again.getByRole('button', { name: 'Reset' }).click();
  assert.match(page.url(), /\/levers\?changed=/, 'nothing was submitted');
  await again.getByLabel('Reason').fill('drill over');
  await again.getByRole('button', { name: 'Reset' }).click();
  await waitFor('the OpenFeature client to see the lever reset', async () => (await client.getBooleanValue('disable-ads', true)) === false, 10_000);
  assert.deepEqual(opened.problems, []);
  assert.deepEqual(opened.foreign, []);
});

test('a browser change without the form token, or from another site, is refused; the CLI client needs none', { timeout: 60_000 }, async (t) => {
  const opened = await open('/levers');
  t.after(() => opened.context.close());
  const { page } = opened;
  const pull = (headers: Record<string, string>) =>
    page.evaluate(
      async (extra) => (await fetch('/levers/disable-ads/pull', { method: 'POST', headers: { 'content-type': 'application/json', ...extra }, body: JSON.stringify({ by: 'page script', reason: 'csrf test' }) })).status,
      headers,
    );
  assert.equal(await pull({}), 403, 'a script on our own page without the token');
  assert.equal(await pull({ 'x-gameday-form-token': 'not-the-token' }), 403, 'with a wrong token');
  const token = (await page.locator('meta[name="gameday-form-token"]').getAttribute('content'))!;
  assert.equal(await pull({ 'x-gameday-form-token': token }), 200, "with the page's token");

  // A form posted without the token in its action (as a page that copied our markup would).
  const refused = await page.evaluate(async () => (await fetch('/levers/disable-ads/change', { method: 'POST', body: new URLSearchParams({ action: 'reset', by: 'x', reason: 'y' }) })).status);
  assert.equal(refused, 403);

  // Another site's page that auto-submits a form to the control room: refused, nothing changes.
  const evil: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<form id="f" method="post" action="${base}/levers/disable-ads/change"><input name="action" value="reset"><input name="by" value="evil"><input name="reason" value="csrf"></form><script>document.getElementById('f').submit()</script>`);
  });
  evil.listen(0, '127.0.0.1');
  await once(evil, 'listening');
  t.after(() => new Promise((done) => evil.close(done)));
  const foreign = await browser.newContext();
  t.after(() => foreign.close());
  const evilPage = await foreign.newPage();
  const answer = evilPage.waitForResponse((response) => response.url().startsWith(`${base}/levers/disable-ads/change`));
  await evilPage.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
  assert.equal((await answer).status(), 403);

  const state = async () => ((await (await request(`${base}/levers/disable-ads`)).body.json()) as { state: string; changed_by: string }).state;
  assert.equal(await state(), 'pulled', 'still as the tokened request left it');
  // The command line sends no Origin and no cookie: the token is not its business.
  const cli = await request(`${base}/levers/disable-ads/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ by: 'cli', reason: 'cleanup' }) });
  assert.equal(cli.statusCode, 200);
  await cli.body.dump();
  assert.equal(await state(), 'reset');
  assert.deepEqual(opened.foreign, []);
});

test('with JavaScript off the pages are complete: run list, a run with its journal, levers with their forms', { timeout: 60_000 }, async (t) => {
  const opened = await open('/', { javaScriptEnabled: false });
  t.after(() => opened.context.close());
  const { page } = opened;
  assert.ok((await page.locator('#runs tr[data-run]').count()) >= 2, 'the earlier runs are listed');
  await page.locator('#runs tr[data-run]', { hasText: 'live view' }).locator('a').first().click();
  assert.match(await page.locator('h1').innerText(), /live view/);
  assert.match(await page.locator('#run-now').innerText(), /held/);
  assert.ok((await page.locator('#journal-rows tr').count()) > 10, 'the journal is on the page');
  assert.match(await page.locator('#slis').innerText(), /shop/, 'the latest SLIs are written out where the charts would be');
  await page.goto(`${base}/levers`);
  assert.equal(await page.locator('tr[data-lever] form').count(), 1);
  assert.deepEqual(opened.foreign, []);
});
