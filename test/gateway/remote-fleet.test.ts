import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startFleetControl } from '../../src/fleet/control-api.js';
import { Fleet } from '../../src/fleet/fleet.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { quietLog, shopDeclaration, waitFor } from '../fleet/helpers.js';
import { elapsed, steadyLoad } from './steady-load.js';

// A gateway that follows a fleet through its control API (as when they run in different processes).

test('a gateway following a fleet over HTTP routes around terminated and drained instances with no failed request', async (t) => {
  const fleet = await Fleet.start(shopDeclaration(), { log: quietLog });
  const control = await startFleetControl(fleet, { log: quietLog });
  const gateway = await Gateway.start({
    fleet: { controlUrl: control.url, service: 'pricing', pollIntervalMs: 100 },
    health: { intervalMs: 200 },
    log: quietLog,
  });
  t.after(async () => {
    await gateway.close();
    await control.close();
    await fleet.stop();
  });
  assert.deepEqual(gateway.regions().map((r) => [r.name, r.available]), [['us-east', 2], ['us-west', 2]]);
  const load = steadyLoad(gateway.url, { rate: 60, durationMs: 3500, path: '/?delay=100' });
  await waitFor('load to run', () => elapsed(load) > 500);
  const post = (path: string, body: unknown) =>
    request(`${control.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.body.json());
  await post('/services/pricing/terminate', { count: 1, region: 'us-west' });
  await post('/instances/pricing/us-east/0/drain', { deregistrationDelayMs: 500 });
  await waitFor('the gateway to see the drain', () => gateway.regions()[0].instances[0].draining || gateway.regions()[0].instances[0].fleetState === 'stopped', 2000);
  const results = await load.done;
  assert.deepEqual(results.filter((r) => r.error !== null), []);
  await waitFor('the drained instance to stop', () => fleet.instance('pricing/us-east/0').state === 'stopped');
  await waitFor('the gateway to see it stopped', () => gateway.regions()[0].instances[0].available === false && gateway.regions()[0].instances[0].fleetState === 'stopped');
});
