import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startFleetControl } from '../../src/fleet/control-api.js';
import { Fleet } from '../../src/fleet/fleet.js';
import type { InstanceView } from '../../src/fleet/declaration.js';
import { alive, call, quietLog, shopDeclaration, waitFor } from './helpers.js';


async function setup(t: { after: (fn: () => Promise<void>) => void }, restart: 'always' | 'never' = 'never') {
  const fleet = await Fleet.start(shopDeclaration({ restart }), { log: quietLog });
  const control = await startFleetControl(fleet, { log: quietLog });
  t.after(async () => {
    await control.close();
    await fleet.stop();
  });
  return { fleet, control, url: control.url };
}

test('a terminate under a lease is reverted when the lease expires: the killed instances run again', async (t) => {
  const { fleet, url } = await setup(t, 'never');
  const lease = await call('POST', `${url}/leases`, { owner: 'run 1', ttl_ms: 600 });
  assert.equal(lease.status, 201);
  const terminated = await call('POST', `${url}/services/pricing/terminate`, { count: 2, region: 'us-west' }, lease.json.id);
  assert.equal(terminated.status, 200);
  const killed = terminated.json.instances as InstanceView[];
  assert.deepEqual(killed.map((k) => k.id), ['pricing/us-west/0', 'pricing/us-west/1']);
  await waitFor('the killed pids to disappear', () => killed.every((k) => !alive(k.pid!)));
  assert.deepEqual((await call('GET', `${url}/leases`)).json[0].faults, [terminated.json.fault.description]);
  await waitFor('the lease to expire and the instances to be restarted', () =>
    fleet.instances({ region: 'us-west' }).every((i) => i.state === 'healthy' && !killed.some((k) => k.pid === i.pid)),
  );
  // The ledger lets go of a fault only once its revert has returned, a moment after the instances are healthy.
  await waitFor('the reverted fault to leave the ledger', async () => (await call('GET', `${url}/faults`)).json.length === 0);
});

test('the control API refuses oversized selections, bad bodies and unknown leases before anything changes', async (t) => {
  const { fleet, url } = await setup(t);
  const pids = fleet.instances().map((i) => i.pid!);
  const lease = (await call('POST', `${url}/leases`, { owner: 'run 3', ttl_ms: 30_000 })).json.id as string;
  const tooMany = await call('POST', `${url}/services/pricing/terminate`, { count: 5 }, lease);
  assert.equal(tooMany.status, 409);
  assert.match(tooMany.json.error, /selected 5 instances of pricing, but only 4 are running/);
  const radius = await call('POST', `${url}/services/pricing/terminate`, { percent: 100, maxInstances: 1 }, lease);
  assert.equal(radius.status, 409);
  assert.match(radius.json.error, /blast radius/);
  const both = await call('POST', `${url}/services/pricing/terminate`, { count: 1, percent: 10 }, lease);
  assert.equal(both.status, 400);
  assert.match(both.json.error, /exactly one of "count" or "percent"/);
  const unknownLease = await call('POST', `${url}/services/pricing/terminate`, { count: 1 }, 'no-such-lease');
  assert.equal(unknownLease.status, 404);
  assert.equal((await call('POST', `${url}/services/nope/terminate`, { count: 1 }, lease)).status, 404);
  assert.equal((await call('POST', `${url}/instances/pricing/us-east/9/drain`, {}, lease)).status, 404);
  for (const pid of pids) assert.ok(alive(pid));
  const preview = await call('POST', `${url}/services/pricing/select`, { percent: 50, region: 'us-east' });
  assert.equal(preview.json.instances.length, 1);
});

test('a drain through the API stops the instance, and deleting the fault starts it again', async (t) => {
  const { fleet, url } = await setup(t, 'always');
  const lease = (await call('POST', `${url}/leases`, { owner: 'run 4', ttl_ms: 30_000 })).json.id as string;
  const drain = await call('POST', `${url}/instances/pricing/us-east/1/drain`, { graceMs: 5000 }, lease);
  assert.equal(drain.status, 202);
  await waitFor('the drained instance to stop', () => fleet.instance('pricing/us-east/1').state === 'stopped');
  assert.equal((await call('DELETE', `${url}/faults/${drain.json.fault.id}`)).status, 204);
  assert.equal(fleet.instance('pricing/us-east/1').state, 'healthy');
  assert.equal((await call('DELETE', `${url}/faults/${drain.json.fault.id}`)).status, 404, 'a fault is reverted once');
});

test('the fleet refuses terminate, drain and cpu-stress without a lease, before anything changes', async (t) => {
  const { fleet, url } = await setup(t);
  const pids = fleet.instances().map((i) => i.pid!);
  const attempts: Array<[string, unknown]> = [
    ['/services/pricing/terminate', { count: 1 }],
    ['/instances/pricing/us-east/0/drain', {}],
    ['/regions/us-east/cpu-stress', { durationMs: 60_000 }],
  ];
  for (const [path, body] of attempts) {
    const refused = await call('POST', `${url}${path}`, body);
    assert.equal(refused.status, 400, path);
    assert.equal(refused.json.error, 'faults on the fleet are always held under a lease: send X-GameDay-Lease (see docs/leases.md)');
  }
  for (const pid of pids) assert.ok(alive(pid));
  assert.deepEqual(fleet.instances().map((i) => i.state), ['healthy', 'healthy', 'healthy', 'healthy']);
  assert.deepEqual(fleet.cpuStresses(), []);
  assert.deepEqual((await call('GET', `${url}/faults`)).json, []);
});

test('cpu-stress burns a core until its lease is released, and the release kills the burner', async (t) => {
  const { url } = await setup(t);
  const lease = await call('POST', `${url}/leases`, { owner: 'run 2', ttl_ms: 30_000 });
  const stress = await call('POST', `${url}/regions/us-east/cpu-stress`, { durationMs: 60_000 }, lease.json.id);
  assert.equal(stress.status, 201);
  const [pid] = stress.json.stress.pids as number[];
  assert.ok(alive(pid));
  assert.equal((await call('DELETE', `${url}/leases/${lease.json.id}`)).status, 204);
  await waitFor('the burner to die', () => !alive(pid));
  const metrics = await request(`${url}/metrics`);
  const text = await metrics.body.text();
  assert.match(text, /gameday_fleet_instances\{service="pricing",region="us-east",state="healthy"\} 2/);
  assert.match(text, /gameday_fleet_cpu_stress_cores\{region="us-east"\} 0/);
  assert.equal((await call('POST', `${url}/regions/mars/cpu-stress`, { durationMs: 10 }, lease.json.id)).status, 404);
});

test('the control API refuses a non-loopback address without a token, and with a token requires it on every request', async (t) => {
  const fleet = await Fleet.start(shopDeclaration({ regions: { 'us-east': 1 } }), { log: quietLog });
  t.after(() => fleet.stop());
  await assert.rejects(startFleetControl(fleet, { host: '0.0.0.0', log: quietLog }), /without an access token/);
  const control = await startFleetControl(fleet, { token: 's3cret', log: quietLog });
  t.after(() => control.close());
  assert.equal((await call('GET', `${control.url}/instances`)).status, 401);
  const ok = await request(`${control.url}/instances`, { headers: { authorization: 'Bearer s3cret' } });
  assert.equal(ok.statusCode, 200);
  assert.equal(((await ok.body.json()) as unknown[]).length, 1);
});
