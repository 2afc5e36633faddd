// The assembly rules in-process, against real HTTP backends on loopback, with levers from OpenFeature's
// InMemoryProvider (the end-to-end lever path through the lever service is in test/demo/assembler.test.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryProvider, OpenFeature } from '@openfeature/server-sdk';
import { Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { createBackendServer } from './backend-server.js';
import { BACKEND_SERVICES } from './catalog-of-services.js';
import { DEFAULT_RESILIENCE, PageAssembler } from './page-assembly.js';

const backends: FastifyInstance[] = [];
const urls: Record<string, string> = {};
let failing: Server;
let failingUrl: string;

before(async () => {
  for (const definition of BACKEND_SERVICES) {
    const app = createBackendServer({ definition, identity: { service: definition.name, region: 'us-east', instance: `${definition.name}-1`, port: 0 }, serviceTimeScale: 0 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    backends.push(app);
    urls[definition.name] = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }
  failing = createServer((_request, response) => response.writeHead(500).end('{"error":"boom"}'));
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
});

after(async () => {
  await Promise.all(backends.map((app) => app.close()));
  failing.closeAllConnections();
  await new Promise((resolve) => failing.close(resolve));
  await OpenFeature.close();
});

function leverFlags(pulled: string[]) {
  const flag = (on: boolean) => ({ variants: { pulled: true, reset: false }, defaultVariant: on ? 'pulled' : 'reset', disabled: false });
  return { 'disable-recommendations': flag(pulled.includes('disable-recommendations')), 'disable-non-critical': flag(pulled.includes('disable-non-critical')) };
}

function assemblerWith(overrides: Record<string, string>, registry = new Registry()): PageAssembler {
  return new PageAssembler({
    region: 'us-east', instance: 'assembler-1', dependencies: { ...urls, ...overrides },
    resilience: { ...DEFAULT_RESILIENCE, nonCriticalTimeoutMs: 1_000, criticalTimeoutMs: 2_000 },
    levers: OpenFeature.getClient('page-assembly-test'), registry,
  });
}

test('a pulled disable-recommendations lever skips only the recommendations call and counts it as skipped', async (t) => {
  const provider = new InMemoryProvider(leverFlags(['disable-recommendations']));
  await OpenFeature.setProviderAndWait('page-assembly-test', provider);
  const registry = new Registry();
  const assembler = assemblerWith({}, registry);
  t.after(() => assembler.close());
  const page = await assembler.assemble('7');
  assert.equal(page.outcome, 'degraded');
  assert.deepEqual(page.degraded, ['recommendations']);
  assert.deepEqual(page.reasons, { recommendations: 'skipped-by-lever' });
  assert.equal(page.timingsMs.recommendations, 0, 'the call was never made');
  const calls = await registry.getSingleMetric('gameday_demo_dependency_calls_total')!.get();
  const skipped = calls.values.find((v) => v.labels.dependency === 'recommendations' && v.labels.outcome === 'skipped-by-lever');
  assert.equal(skipped?.value, 1);

  provider.putConfiguration(leverFlags([]));
  assert.equal((await assembler.assemble('7')).outcome, 'full', 'resetting the lever restores the section on the next page');
});

test('disable-non-critical keeps every critical section and drops every non-critical one', async (t) => {
  await OpenFeature.setProviderAndWait('page-assembly-test', new InMemoryProvider(leverFlags(['disable-non-critical'])));
  const assembler = assemblerWith({});
  t.after(() => assembler.close());
  const page = await assembler.assemble('8');
  const critical = BACKEND_SERVICES.filter((s) => s.criticality === 'critical').map((s) => s.name);
  const optional = BACKEND_SERVICES.filter((s) => s.criticality === 'non-critical').map((s) => s.name);
  assert.deepEqual(Object.keys(page.sections), critical);
  assert.deepEqual(page.degraded, optional);
});

test('a non-critical backend answering HTTP 500 is dropped as an error while a critical one answering 500 fails the page', async (t) => {
  await OpenFeature.setProviderAndWait('page-assembly-test', new InMemoryProvider(leverFlags([])));
  const reviewsDown = assemblerWith({ reviews: failingUrl });
  const inventoryDown = assemblerWith({ inventory: failingUrl });
  t.after(() => Promise.all([reviewsDown.close(), inventoryDown.close()]));
  const degraded = await reviewsDown.assemble('9');
  assert.equal(degraded.outcome, 'degraded');
  assert.deepEqual(degraded.reasons, { reviews: 'error' });
  const failed = await inventoryDown.assemble('9');
  assert.equal(failed.outcome, 'failed');
  assert.deepEqual(failed.failures, [{ dependency: 'inventory', outcome: 'error', detail: 'HTTP 500' }]);
});

test('an assembler refuses a dependency list that misses a backend or names an unknown one', () => {
  const { pricing: _dropped, ...withoutPricing } = urls;
  assert.throws(
    () => new PageAssembler({ region: 'x', instance: 'y', dependencies: { ...withoutPricing, checkout: 'http://127.0.0.1:1' }, resilience: DEFAULT_RESILIENCE, levers: OpenFeature.getClient(), registry: new Registry() }),
    /missing pricing; unknown checkout/,
  );
});
