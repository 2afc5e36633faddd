import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/observe/log.js';
import { connectLevers } from '../../src/levers/client.js';
import { startLeverService, type LeverService } from '../../src/levers/lever-service.js';
import { SHOP_LEVERS } from '../../src/demo/services/catalog-of-services.js';
import {
  closedPortUrl, metricValue, runToExit, startBackends, startBlackhole, startService, stopAll, stopProcess, urlsOf, type ServiceProcess,
} from './service-processes.js';

let backends: Record<string, ServiceProcess>;
let deps: Record<string, string>;

before(async () => {
  backends = await startBackends('us-east');
  deps = urlsOf(backends);
});
after(stopAll);

async function startAssembler(overrides: Record<string, string>, env: Record<string, string> = {}, args: string[] = []): Promise<ServiceProcess> {
  return startService('assembler', {
    GAMEDAY_REGION: 'us-east',
    GAMEDAY_INSTANCE: 'us-east.assembler.1',
    GAMEDAY_DEPS: JSON.stringify({ ...deps, ...overrides }),
    // Generous budgets where a test is not about timeouts: a busy 2-core machine must not degrade pages
    // that no fault touched. Tests about timeouts set the real 80 ms budget.
    GAMEDAY_TIMEOUT_NON_CRITICAL: '1s',
    GAMEDAY_TIMEOUT_CRITICAL: '2s',
    ...env,
  }, args);
}

async function getPage(url: string, id = '42', timeoutMs = 10_000): Promise<{ status: number; degradedHeader: string | null; body: any; ms: number }> {
  const t0 = performance.now();
  const response = await fetch(`${url}/product/${id}`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.json();
  return { status: response.status, degradedHeader: response.headers.get('x-gameday-degraded'), body, ms: performance.now() - t0 };
}

test('a full product page has every section, each served by a backend in the assembler\'s region', async (t) => {
  const assembler = await startAssembler({});
  const { status, degradedHeader, body } = await getPage(assembler.url);
  assert.equal(status, 200);
  assert.equal(degradedHeader, null);
  assert.equal(body.outcome, 'full');
  assert.deepEqual(Object.keys(body.sections).sort(), Object.keys(deps).sort());
  assert.deepEqual(body.degraded, []);
  assert.equal(body.region, 'us-east');
  assert.equal(body.instance, 'us-east.assembler.1');
  assert.deepEqual(body.servedBy.recommendations, { region: 'us-east', instance: 'us-east.recommendations.1' });
  assert.equal(typeof body.sections.catalog.title, 'string');
  assert.equal(body.sections.recommendations.productIds.length, 6);

  const pageTimes: number[] = [];
  for (let i = 0; i < 20; i++) pageTimes.push((await getPage(assembler.url, String(i))).ms);
  pageTimes.sort((a, b) => a - b);
  t.diagnostic(`full page median ${pageTimes[10].toFixed(1)} ms over 20 pages; assembler startup ${assembler.startupMs.toFixed(0)} ms, RSS ${assembler.rssMb().toFixed(1)} MB`);
  const metrics = await (await fetch(`${assembler.url}/metrics`)).text();
  assert.equal(metricValue(metrics, 'gameday_demo_pages_total', { outcome: 'full' }), 21);
  assert.equal(metricValue(metrics, 'gameday_demo_dependency_calls_total', { dependency: 'pricing', outcome: 'ok' }), 21);
  assert.equal(metricValue(metrics, 'gameday_demo_dependency_calls_total', { dependency: 'pricing', outcome: 'timeout' }), 0);
  await stopProcess(assembler.child);
});

test('a black-holed non-critical backend drops its section and the page is served degraded within the timeout budget', async (t) => {
  const blackhole = await startBlackhole();
  t.after(() => blackhole.close());
  const assembler = await startAssembler({ recommendations: blackhole.url }, { GAMEDAY_TIMEOUT_NON_CRITICAL: '80ms' });
  const { status, degradedHeader, body, ms } = await getPage(assembler.url);
  t.diagnostic(`degraded page in ${ms.toFixed(0)} ms (non-critical timeout 80 ms)`);
  assert.equal(status, 200);
  assert.equal(body.outcome, 'degraded');
  assert.deepEqual(body.degraded, ['recommendations']);
  assert.equal(body.reasons.recommendations, 'timeout');
  assert.equal(degradedHeader, 'recommendations');
  assert.equal(body.sections.recommendations, undefined);
  assert.ok(body.sections.pricing, 'critical sections are still there');
  assert.ok(body.timingsMs.recommendations >= 75, `gave up at the deadline, not before: ${body.timingsMs.recommendations} ms`);
  // 80 ms budget; the bound is generous for a loaded machine but far below "hangs".
  assert.ok(ms < 1_500, `page took ${ms} ms`);
  await stopProcess(assembler.child);
});

test('a call that times out gives its keep-alive connection back when the late answer arrives, instead of reconnecting', async (t) => {
  // A stand-in recommendations backend whose first product answer is late (300 ms on an 80 ms budget).
  let connections = 0;
  let productAnswers = 0;
  let lateAnswerDone = false;
  const server = createServer((request, response) => {
    const body = JSON.stringify({ service: 'recommendations', region: 'us-east', instance: 'stand-in', recommendations: { items: [] } });
    if (!request.url?.startsWith('/product/')) return response.end(body);
    if (productAnswers++ > 0) return response.end(body);
    // Done when answered, or when the assembler tore the connection down instead of waiting.
    response.on('close', () => (lateAnswerDone = true));
    setTimeout(() => response.end(body), 300);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const assembler = await startAssembler({ recommendations: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, { GAMEDAY_TIMEOUT_NON_CRITICAL: '80ms' });

  const late = await getPage(assembler.url);
  assert.equal(late.body.reasons.recommendations, 'timeout');
  while (!lateAnswerDone) await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setTimeout(resolve, 200)); // the late answer reaches the assembler's pool
  const next = await getPage(assembler.url);
  assert.equal(next.body.outcome, 'full');
  assert.equal(connections, 1, 'the warm-up connection served the late call and the next one: nothing was torn down and reopened');
  await stopProcess(assembler.child);
});

test('a critical backend that is down fails the page with 503 and says which one and why', async () => {
  const assembler = await startAssembler({ pricing: await closedPortUrl() });
  const { status, body } = await getPage(assembler.url);
  assert.equal(status, 503);
  assert.equal(body.outcome, 'failed');
  assert.equal(body.failures[0].dependency, 'pricing');
  assert.equal(body.failures[0].outcome, 'error');
  assert.match(body.error, /critical pricing error \(.*ECONNREFUSED/);
  const metrics = await (await fetch(`${assembler.url}/metrics`)).text();
  assert.equal(metricValue(metrics, 'gameday_demo_pages_total', { outcome: 'failed' }), 1);
  await stopProcess(assembler.child);
});

test('after repeated failures the circuit opens, calls stop, and it closes again once the backend is back', async () => {
  const downUrl = await closedPortUrl();
  const assembler = await startAssembler({ ads: downUrl }, { GAMEDAY_BREAKER_FAILURES: '3', GAMEDAY_BREAKER_OPEN: '500ms' });
  const reasons: string[] = [];
  for (let i = 0; i < 5; i++) reasons.push((await getPage(assembler.url)).body.reasons.ads);
  assert.deepEqual(reasons, ['error', 'error', 'error', 'circuit-open', 'circuit-open']);
  let metrics = await (await fetch(`${assembler.url}/metrics`)).text();
  assert.equal(metricValue(metrics, 'gameday_demo_dependency_calls_total', { dependency: 'ads', outcome: 'circuit-open' }), 2);
  assert.equal(metricValue(metrics, 'gameday_demo_circuit_open', { dependency: 'ads' }), 1);
  const health = (await (await fetch(`${assembler.url}/healthz`)).json()) as { circuits: Record<string, string> };
  assert.equal(health.circuits.ads, 'open');

  // The backend comes back on the same port; after the open period a trial call closes the circuit.
  const ads = await startService('backend', { GAMEDAY_SERVICE: 'ads', GAMEDAY_REGION: 'us-east', PORT: new URL(downUrl).port });
  // Circuit-open pages until the open period ends, then the trial call gets through and closes it.
  const { body } = await waitFor(() => getPage(assembler.url), (page) => page.body.outcome === 'full', 10_000);
  assert.equal(body.outcome, 'full');
  metrics = await (await fetch(`${assembler.url}/metrics`)).text();
  assert.equal(metricValue(metrics, 'gameday_demo_circuit_open', { dependency: 'ads' }), 0);
  await stopProcess(ads.child);
  await stopProcess(assembler.child);
});

test('pulling a lever in the lever service makes the assembler skip the calls it sheds, and resetting it restores them', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'gameday-demo-'));
  let levers: LeverService | undefined;
  t.after(async () => {
    await levers?.close();
    rmSync(home, { recursive: true, force: true });
  });
  levers = await startLeverService({
    listen: '127.0.0.1:0',
    store: join(home, 'gameday.db'),
    levers: SHOP_LEVERS.map((lever) => ({ name: lever.name, description: lever.description })),
    logger: createLogger('levers', 'silent'),
  });
  const client = connectLevers(levers.url);
  const assembler = await startAssembler({}, { GAMEDAY_LEVERS_URL: levers.url });
  assert.equal((await getPage(assembler.url)).body.outcome, 'full');

  await client.pull('disable-recommendations', { by: 'test', reason: 'shed recommendations' });
  const shed = await waitFor(() => getPage(assembler.url), (page) => page.body.degraded.length > 0);
  assert.equal(shed.status, 200);
  assert.deepEqual(shed.body.degraded, ['recommendations']);
  assert.equal(shed.body.reasons.recommendations, 'skipped-by-lever');
  assert.equal(shed.degradedHeader, 'recommendations');

  await client.pull('disable-non-critical', { by: 'test', reason: 'shed everything optional' });
  const minimal = await waitFor(() => getPage(assembler.url), (page) => page.body.degraded.length === 4);
  assert.deepEqual(minimal.body.degraded, ['reviews', 'recommendations', 'ads', 'delivery']);
  assert.deepEqual(Object.keys(minimal.body.sections), ['catalog', 'pricing', 'inventory', 'buy-box']);

  const metrics = await (await fetch(`${assembler.url}/metrics`)).text();
  assert.ok(metricValue(metrics, 'gameday_demo_dependency_calls_total', { dependency: 'recommendations', outcome: 'skipped-by-lever' })! >= 2);
  assert.equal(metricValue(metrics, 'gameday_demo_lever_pulled', { lever: 'disable-non-critical' }), 1);

  await client.reset('disable-non-critical', { by: 'test', reason: 'done' });
  await client.reset('disable-recommendations', { by: 'test', reason: 'done' });
  const restored = await waitFor(() => getPage(assembler.url), (page) => page.body.outcome === 'full');
  assert.deepEqual(restored.body.degraded, []);
  await stopProcess(assembler.child);
});

test('without timeouts a slow non-critical backend drags the whole page down (the naive variant)', async (t) => {
  const blackhole = await startBlackhole();
  t.after(() => blackhole.close());
  const naive = await startAssembler({ recommendations: blackhole.url }, { GAMEDAY_INSTANCE: 'us-east.assembler.naive' }, ['--no-timeouts']);
  const guarded = await startAssembler({ recommendations: blackhole.url }, { GAMEDAY_TIMEOUT_NON_CRITICAL: '80ms' });
  const viaEnv = await startAssembler({ recommendations: blackhole.url }, { GAMEDAY_ASSEMBLER_TIMEOUTS: 'off' });
  assert.equal((await getPage(guarded.url)).status, 200, 'with timeouts the same dependency only degrades the page');
  for (const variant of [naive, viaEnv]) {
    const t0 = performance.now();
    await assert.rejects(getPage(variant.url, '42', 1_500), /abort|timeout/i, 'no answer while the dependency hangs');
    assert.ok(performance.now() - t0 >= 1_400);
  }
  const health = (await (await fetch(`${naive.url}/healthz`)).json()) as { circuits: Record<string, string> };
  assert.equal(health.circuits.recommendations, 'none', 'the naive variant has no circuit breakers');
  for (const p of [naive, guarded, viaEnv]) await stopProcess(p.child);
});

test('an assembler with a missing or malformed dependency list exits 3 and says what was expected', async () => {
  const missing = await runToExit('assembler', { GAMEDAY_DEPS: JSON.stringify({ catalog: 'http://127.0.0.1:1' }) });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /GAMEDAY_DEPS: dependencies: missing pricing, inventory/);
  const malformed = await runToExit('assembler', { GAMEDAY_DEPS: '{catalog:' });
  assert.equal(malformed.code, 3);
  assert.match(malformed.stderr, /GAMEDAY_DEPS is not valid JSON/);
  const badUrl = await runToExit('assembler', { GAMEDAY_DEPS: JSON.stringify({ ...deps, ads: 'http://127.0.0.1:4001/ads' }) });
  assert.equal(badUrl.code, 3);
  assert.match(badUrl.stderr, /dependency "ads": "http:\/\/127.0.0.1:4001\/ads" must be a plain http origin/);
});

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, limitMs = 5_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
