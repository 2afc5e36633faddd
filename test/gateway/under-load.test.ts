import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { Fleet } from '../../src/fleet/fleet.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { alive, quietLog, shopDeclaration, waitFor } from '../fleet/helpers.js';
import { elapsed, steadyLoad, type LoadResult } from './steady-load.js';

// Region drills under steady open-model load through the gateway, with real processes behind it.

async function setup(t: { after: (fn: () => Promise<void>) => void }, upstreamTimeoutMs = 800) {
  const fleet = await Fleet.start(shopDeclaration(), { log: quietLog });
  const gateway = await Gateway.start({
    fleet: { fleet, service: 'pricing' },
    health: { intervalMs: 200, timeoutMs: 400, unhealthyThreshold: 2 },
    upstreamTimeoutMs,
    log: quietLog,
  });
  t.after(async () => {
    await gateway.close();
    await fleet.stop();
  });
  return { fleet, gateway };
}

const failed = (results: LoadResult[]) => results.filter((r) => r.error !== null);

test('evacuating a region under steady load moves every new request to the other region with none failed', async (t) => {
  const { gateway } = await setup(t);
  const load = steadyLoad(gateway.url, { rate: 100, durationMs: 3000 });
  await waitFor('load to run for a second', () => elapsed(load) > 1000);
  const { revert } = gateway.evacuate('us-east');
  const evacuatedAt = elapsed(load);
  const results = await load.done;
  // The revert comes after the load: a request sent before it may reach the gateway after it.
  await revert();
  assert.deepEqual(failed(results), []);
  // Judged by the actual send: on a busy event loop a request may leave later than scheduled.
  const before = results.filter((r) => r.sentMs < evacuatedAt);
  const during = results.filter((r) => r.sentMs > evacuatedAt);
  assert.ok(before.some((r) => r.region === 'us-east') && before.some((r) => r.region === 'us-west'));
  assert.ok(during.length > 50, `enough requests during the evacuation (${during.length})`);
  assert.deepEqual([...new Set(during.map((r) => r.region))], ['us-west'], '100 % of new requests land in us-west');
  const after = await steadyLoad(gateway.url, { rate: 50, durationMs: 500 }).done;
  assert.deepEqual(failed(after), []);
  assert.ok(after.some((r) => r.region === 'us-east'), 'the revert shifts traffic back');
});

test('isolating a region black-holes it: its instances turn unhealthy and idempotent requests still succeed elsewhere', async (t) => {
  const { gateway } = await setup(t);
  const load = steadyLoad(gateway.url, { rate: 50, durationMs: 4000 });
  await waitFor('load to run', () => elapsed(load) > 500);
  const revert = gateway.isolate('us-west');
  const isolatedAt = elapsed(load);
  await waitFor('us-west to be seen as down', () => gateway.regions().find((r) => r.name === 'us-west')!.available === 0, 5000);
  const detectedAt = elapsed(load);
  const blackholed = await request(`${gateway.url}/`, { method: 'POST', body: 'order' }).catch((e: Error) => e);
  const results = await load.done;
  await revert();
  assert.deepEqual(failed(results), [], 'GETs sent into the black hole were retried in us-east');
  assert.ok(detectedAt - isolatedAt < 3000, `the partition was detected in ${Math.round(detectedAt - isolatedAt)}ms`);
  assert.deepEqual([...new Set(results.filter((r) => r.sentMs > detectedAt).map((r) => r.region))], ['us-east']);
  assert.ok(!(blackholed instanceof Error));
  await blackholed.body.dump();
  assert.equal(blackholed.statusCode, 200, 'once detected, even a POST goes to the healthy region');
  const metrics = await gateway.metrics.registry.metrics();
  assert.match(metrics, /gameday_gateway_upstream_errors_total\{region="us-west",kind="blackhole"\}/);
  await waitFor('us-west to recover after the revert', () => gateway.regions().find((r) => r.name === 'us-west')!.available === 2, 5000);
});

test('a drained instance gets no new request, its in-flight slow requests all complete, then it stops', async (t) => {
  const { fleet, gateway } = await setup(t, 10_000);
  const target = fleet.instance('pricing/us-east/0');
  const load = steadyLoad(gateway.url, { rate: 40, durationMs: 3000, path: '/?delay=500' });
  await waitFor('slow requests in flight on the target', () => gateway.regions()[0].instances.find((i) => i.id === target.id)!.inFlight >= 3);
  const drainedAt = elapsed(load);
  const drained = await fleet.drain(target.id, { graceMs: 10_000 });
  const stoppedAt = elapsed(load);
  const results = await load.done;
  assert.equal(drained.state, 'stopped');
  assert.equal(alive(target.pid!), false);
  assert.deepEqual(failed(results), [], 'no request failed: in-flight ones finished, new ones went elsewhere');
  const onTarget = results.filter((r) => r.instance === target.id);
  assert.ok(onTarget.some((r) => r.sentMs < drainedAt), 'the target was serving before the drain');
  assert.deepEqual(onTarget.filter((r) => r.sentMs > drainedAt), [], 'no new request after the drain began');
  assert.ok(stoppedAt - drainedAt >= 300, 'the stop waited for in-flight requests');
});

test('terminating instances under load fails no idempotent request and the always policy brings them back', async (t) => {
  const { fleet, gateway } = await setup(t);
  const load = steadyLoad(gateway.url, { rate: 80, durationMs: 3000 });
  await waitFor('load to run', () => elapsed(load) > 700);
  const killed = fleet.terminate('pricing', { percent: 50, region: 'us-east' });
  const results = await load.done;
  assert.deepEqual(failed(results), []);
  await waitFor('the killed instance to be back and routable', () =>
    gateway.regions().find((r) => r.name === 'us-east')!.instances.find((i) => i.id === killed[0].id)!.available,
  );
});
