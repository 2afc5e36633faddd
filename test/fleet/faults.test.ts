import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { z } from 'zod';
import { cpuStress } from '../../src/faults/cpu-stress.js';
import { drain } from '../../src/faults/drain.js';
import { evacuateRegion } from '../../src/faults/evacuate-region.js';
import type { FaultContext, FaultDefinition, ResolvedTarget } from '../../src/faults/fault.js';
import { isolateRegion } from '../../src/faults/isolate-region.js';
import { terminate } from '../../src/faults/terminate.js';
import { startFleetControl } from '../../src/fleet/control-api.js';
import { Fleet } from '../../src/fleet/fleet.js';
import { startGatewayControl } from '../../src/gateway/control-api.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { alive, quietLog, shopDeclaration, waitFor } from './helpers.js';

// The fault kinds as the engine uses them: resolved targets, a context that takes leases over HTTP,
// preflight before inject, and the returned revert.

function context(ttlMs = 30_000): FaultContext & { notes: Array<{ type: string; data: unknown }> } {
  const leases = new Map<string, Promise<string>>();
  const notes: Array<{ type: string; data: unknown }> = [];
  return {
    runId: 'test-run',
    notes,
    signal: new AbortController().signal,
    log: quietLog,
    note: (type, _message, data) => void notes.push({ type, data }),
    leaseFor(target) {
      if (!leases.has(target.controlUrl)) {
        leases.set(
          target.controlUrl,
          request(`${target.controlUrl}/leases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ owner: 'test-run', ttl_ms: ttlMs }) })
            .then((r) => r.body.json() as Promise<{ id: string }>)
            .then((lease) => lease.id),
        );
      }
      return leases.get(target.controlUrl)!;
    },
  };
}

async function run<P>(fault: FaultDefinition<P>, target: ResolvedTarget, raw: unknown, ctx: FaultContext) {
  const params = fault.params.parse(raw);
  await fault.preflight?.(target, params, ctx);
  return fault.inject(target, params, ctx);
}

async function world(t: { after: (fn: () => Promise<void>) => void }) {
  const fleet = await Fleet.start(shopDeclaration({ restart: 'never' }), { log: quietLog });
  const fleetControl = await startFleetControl(fleet, { log: quietLog });
  const gateway = await Gateway.start({ fleet: { fleet, service: 'pricing' }, health: { intervalMs: 200 }, log: quietLog });
  const gatewayControl = await startGatewayControl(gateway, { log: quietLog });
  t.after(async () => {
    await gatewayControl.close();
    await fleetControl.close();
    await gateway.close();
    await fleet.stop();
  });
  const fleetTarget = (selector: string, maxInstances?: number): ResolvedTarget => ({
    name: 'shop', kind: 'fleet', controlUrl: fleetControl.url, selector, blastRadius: maxInstances === undefined ? undefined : { maxInstances },
  });
  const regionTarget = (region: string): ResolvedTarget => ({ name: 'edge', kind: 'gateway', controlUrl: gatewayControl.url, selector: region });
  return { fleet, gateway, fleetTarget, regionTarget };
}

test('the terminate fault refuses more than the blast radius or than exists, kills exactly its selection, and its revert restarts them', async (t) => {
  const { fleet, fleetTarget } = await world(t);
  const ctx = context();
  const pids = fleet.instances().map((i) => i.pid!);
  const pidOf = new Map(fleet.instances().map((i) => [i.id, i.pid]));
  await assert.rejects(run(terminate, fleetTarget('pricing', 1), { percent: '50%' }, ctx), /more than the blast radius allows \(maxInstances: 1\)/);
  await assert.rejects(run(terminate, fleetTarget('pricing/us-east', 5), { count: 3 }, ctx), /selected 3 instances of pricing in us-east, but only 2 are running/);
  assert.ok(pids.every(alive), 'a refused fault touched nothing');
  assert.match(terminate.describe(fleetTarget('pricing/us-east'), terminate.params.parse({ count: 1 })), /SIGKILL 1 of the instances of pricing in us-east/);
  const revert = await run(terminate, fleetTarget('pricing/us-east', 1), { count: 1 }, ctx);
  await waitFor('the killed instance to be seen stopped', () => fleet.instances().some((i) => i.pid === null));
  const killed = fleet.instances().filter((i) => i.pid === null);
  assert.equal(killed.length, 1);
  assert.equal(killed[0].region, 'us-east');
  await revert();
  await revert();
  assert.ok(fleet.instances().every((i) => i.state === 'healthy'));
  // The journal names the process that was killed, so anyone can check it is gone and its successor runs.
  assert.deepEqual(ctx.notes.map((note) => note.type), ['instances.terminated', 'fault.cleared']);
  assert.deepEqual(ctx.notes[0].data, { target: 'shop', instances: [{ id: killed[0].id, pid: pidOf.get(killed[0].id) }] });
});

test('the drain fault drains one named instance and its revert brings it back', async (t) => {
  const { fleet, fleetTarget } = await world(t);
  const revert = await run(drain, fleetTarget('pricing/us-west/1'), { grace: '5s', deregistrationDelay: '100ms' }, context());
  await waitFor('the instance to stop', () => fleet.instance('pricing/us-west/1').state === 'stopped');
  await revert();
  assert.equal(fleet.instance('pricing/us-west/1').state, 'healthy');
  await assert.rejects(run(drain, fleetTarget('pricing/us-west/7'), {}, context()), /no instance pricing\/us-west\/7/);
});

test('the cpu-stress fault burns a core in a region until reverted', async (t) => {
  const { fleet, fleetTarget } = await world(t);
  const revert = await run(cpuStress, fleetTarget('pricing/us-east'), { duration: '1m' }, context());
  const [stress] = fleet.cpuStresses();
  assert.equal(stress.region, 'us-east');
  assert.ok(alive(stress.pids[0]));
  await revert();
  await waitFor('the burner to die', () => !alive(stress.pids[0]));
  await assert.rejects(run(cpuStress, fleetTarget('pricing'), { duration: '1s' }, context()), /needs a region/);
  await assert.rejects(run(cpuStress, fleetTarget('pricing/mars'), { duration: '1s' }, context()), /no region "mars"/);
});

test('an evacuate-region fault whose lease is not renewed is reverted by the gateway by itself', async (t) => {
  const { gateway, regionTarget } = await world(t);
  await run(evacuateRegion, regionTarget('us-east'), {}, context(400));
  assert.equal(gateway.region('us-east').weight, 0);
  await waitFor('the gateway to revert the evacuation when the lease expires', () => gateway.region('us-east').weight === 100, 5000);
  const ctx = context();
  const revertWest = await run(evacuateRegion, regionTarget('us-west'), { steps: 2, stepInterval: '100ms' }, ctx);
  await assert.rejects(run(evacuateRegion, regionTarget('us-east'), {}, ctx), /refusing to evacuate us-east: it is the last region/);
  await assert.rejects(run(isolateRegion, regionTarget('us-east'), {}, ctx), /refusing to isolate us-east/);
  assert.equal(gateway.region('us-east').weight, 100);
  await revertWest();
  assert.equal(gateway.region('us-west').weight, 100);
});

test('the isolate-region fault black-holes a region until reverted', async (t) => {
  const { gateway, regionTarget } = await world(t);
  const revert = await run(isolateRegion, regionTarget('us-west'), {}, context());
  assert.equal(gateway.region('us-west').isolated, true);
  await revert();
  assert.equal(gateway.region('us-west').isolated, false);
});

test('every fault kind publishes a JSON Schema for its parameters and refuses unknown ones', () => {
  for (const fault of [terminate, drain, cpuStress, evacuateRegion, isolateRegion] as FaultDefinition[]) {
    const schema = z.toJSONSchema(fault.params, { io: 'input' }) as { type?: string };
    assert.equal(schema.type, 'object', fault.kind);
    assert.equal(fault.params.safeParse({ colour: 'red' }).success, false, `${fault.kind} refuses an unknown parameter`);
  }
  assert.equal(terminate.params.safeParse({ count: 1, percent: 10 }).success, false);
  assert.equal(terminate.params.safeParse({ percent: '25%' }).success, true);
});
