import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { Fleet } from '../../src/fleet/fleet.js';
import { startGatewayControl } from '../../src/gateway/control-api.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { call, quietLog, shopDeclaration, waitFor } from '../fleet/helpers.js';


async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const fleet = await Fleet.start(shopDeclaration(), { log: quietLog });
  const gateway = await Gateway.start({ fleet: { fleet, service: 'pricing' }, health: { intervalMs: 200 }, log: quietLog });
  const control = await startGatewayControl(gateway, { log: quietLog });
  t.after(async () => {
    await control.close();
    await gateway.close();
    await fleet.stop();
  });
  return { gateway, url: control.url };
}

const weightOf = async (url: string, region: string) =>
  ((await call('GET', `${url}/regions`)).json as Array<{ name: string; weight: number }>).find((r) => r.name === region)!.weight;

test('an evacuation under a lease is reverted when the lease expires', async (t) => {
  const { url } = await setup(t);
  const lease = await call('POST', `${url}/leases`, { owner: 'run 7', ttl_ms: 500 });
  const evacuate = await call('POST', `${url}/regions/us-east/evacuate`, {}, lease.json.id);
  assert.equal(evacuate.status, 202);
  assert.equal(evacuate.json.region.weight, 0);
  assert.equal(evacuate.json.region.evacuating, true);
  await waitFor('the lease to expire and the weight to come back', async () => (await weightOf(url, 'us-east')) === 100, 5000);
  // The ledger lets go of a fault only once its revert has returned, a moment after the weight is back.
  await waitFor('the reverted fault to leave the ledger', async () => (await call('GET', `${url}/faults`)).json.length === 0, 5000);
});

test('evacuating the last region over HTTP is refused with 409 and a clear message, nothing changed', async (t) => {
  const { url } = await setup(t);
  const lease = (await call('POST', `${url}/leases`, { owner: 'run 8', ttl_ms: 30_000 })).json.id as string;
  const first = await call('POST', `${url}/regions/us-west/evacuate`, { steps: 2, stepIntervalMs: 100 }, lease);
  assert.equal(first.status, 202);
  const last = await call('POST', `${url}/regions/us-east/evacuate`, {}, lease);
  assert.equal(last.status, 409);
  assert.match(last.json.error, /refusing to evacuate us-east: it is the last region with weight > 0 and healthy instances/);
  assert.equal(await weightOf(url, 'us-east'), 100);
  assert.equal((await call('POST', `${url}/regions/mars/isolate`, undefined, lease)).status, 404);
  assert.equal((await call('PUT', `${url}/regions/us-east/weight`, { weight: -1 })).status, 400);
  assert.equal((await call('DELETE', `${url}/faults/${first.json.fault.id}`)).status, 204);
  assert.equal(await weightOf(url, 'us-west'), 100, 'the revert shifted us-west back');
});

test('the gateway refuses to evacuate or isolate a region without a lease, so no fault is permanent', async (t) => {
  const { url } = await setup(t);
  for (const action of ['evacuate', 'isolate']) {
    const refused = await call('POST', `${url}/regions/us-east/${action}`, {});
    assert.equal(refused.status, 400, action);
    assert.equal(refused.json.error, 'faults on the gateway are always held under a lease: send X-GameDay-Lease (see docs/leases.md)');
  }
  assert.equal(await weightOf(url, 'us-east'), 100);
  const regions = (await call('GET', `${url}/regions`)).json as Array<{ name: string; isolated: boolean }>;
  assert.deepEqual(regions.map((r) => r.isolated), [false, false]);
  assert.deepEqual((await call('GET', `${url}/faults`)).json, []);
});

test('weights are set over HTTP and the per-region metrics are exposed for Prometheus', async (t) => {
  const { gateway, url } = await setup(t);
  assert.equal((await call('PUT', `${url}/regions/us-west/weight`, { weight: 25 })).json.weight, 25);
  for (let i = 0; i < 5; i++) await (await request(gateway.url)).body.dump();
  const metrics = await call('GET', `${url}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(metrics.json, /gameday_gateway_region_weight\{region="us-west"\} 25/);
  assert.match(metrics.json, /gameday_gateway_request_duration_seconds_count\{region="us-east"\} 4/);
  assert.match(metrics.json, /gameday_gateway_region_available_instances\{region="us-east"\} 2/);
});
