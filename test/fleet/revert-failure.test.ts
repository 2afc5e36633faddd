import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultContext, ResolvedTarget } from '../../src/faults/fault.js';
import { startFleetControl } from '../../src/fleet/control-api.js';
import { revertHeldFault } from '../../src/fleet/control-client.js';
import { Fleet } from '../../src/fleet/fleet.js';
import { alive, call, quietLog, shopDeclaration, waitFor } from './helpers.js';

// A revert that fails must leave the fault held (listed, retried), never lost and reported as done.
// The failure is real: the fixture refuses to start while a marker file exists, so the terminate
// fault's revert (start the killed instance again) fails until the test removes the file.


async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-revert-'));
  const marker = join(dir, 'refuse-start');
  const fleet = await Fleet.start(
    shopDeclaration({ restart: 'never', regions: { 'us-east': 1 }, startTimeoutMs: 1500, env: { FIXTURE_FAIL_IF_FILE: marker } }),
    { log: quietLog },
  );
  const control = await startFleetControl(fleet, { log: quietLog });
  t.after(async () => {
    rmSync(marker, { force: true });
    await control.close().catch(() => undefined);
    await fleet.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const terminateUnder = async (ttlMs: number) => {
    const lease = await call('POST', `${control.url}/leases`, { owner: 'test', ttl_ms: ttlMs });
    const killed = await call('POST', `${control.url}/services/pricing/terminate`, { count: 1 }, lease.json.id);
    assert.equal(killed.status, 200);
    await waitFor('the killed instance to die', () => !alive(killed.json.instances[0].pid));
    // The fleet learns of the exit a little after the process is gone; until then it still counts it as running.
    await waitFor('the fleet to see it stopped', () => fleet.instance('pricing/us-east/0').state === 'stopped');
    return killed.json.fault as { id: string };
  };
  return { fleet, url: control.url, marker, terminateUnder };
}

test('a DELETE whose revert fails answers 500 with the reason, keeps the fault held, and a later DELETE retries it', async (t) => {
  const { fleet, url, marker, terminateUnder } = await setup(t);
  const fault = await terminateUnder(30_000);
  writeFileSync(marker, 'no');
  const failed = await call('DELETE', `${url}/faults/${fault.id}`);
  assert.equal(failed.status, 500);
  assert.match(failed.json.error, /revert of terminate pricing\/us-east\/0 .* failed, the fault is still held/);
  const held = (await call('GET', `${url}/faults`)).json as Array<{ id: string; revertError?: string }>;
  assert.deepEqual(held.map((f) => f.id), [fault.id]);
  assert.match(held[0].revertError ?? '', /pricing\/us-east\/0/, 'the listing says why the revert failed');
  assert.equal((await call('GET', `${url}/leases`)).json[0].faults.length, 1, 'the lease still holds it');
  rmSync(marker);
  assert.equal((await call('DELETE', `${url}/faults/${fault.id}`)).status, 204);
  assert.equal(fleet.instance('pricing/us-east/0').state, 'healthy');
  assert.deepEqual((await call('GET', `${url}/faults`)).json, []);
});

test('a fault whose revert fails when its lease expires stays held and is retried until the revert succeeds', async (t) => {
  const { fleet, url, marker, terminateUnder } = await setup(t);
  writeFileSync(marker, 'no');
  const fault = await terminateUnder(300);
  await waitFor('the lease to expire', async () => (await call('GET', `${url}/leases`)).json.length === 0, 5000);
  // The expiry's revert attempt takes up to startTimeoutMs to fail; meanwhile and after, the fault is listed.
  const listed = async () => (await call('GET', `${url}/faults`)).json as Array<{ id: string; revertError?: string }>;
  assert.deepEqual((await listed()).map((f) => f.id), [fault.id]);
  await waitFor('the expiry\'s revert attempt to fail', async () => (await listed())[0]?.revertError !== undefined, 15_000);
  const held = await listed();
  assert.deepEqual(held.map((f) => f.id), [fault.id], 'a failed revert leaves the fault held');
  assert.match(held[0].revertError!, /pricing\/us-east\/0/);
  rmSync(marker);
  await waitFor('the ledger to retry the revert', () => fleet.instance('pricing/us-east/0').state === 'healthy', 15_000);
  await waitFor('the fault to leave the ledger', async () => (await call('GET', `${url}/faults`)).json.length === 0, 5000);
});

test('the client revert of a held fault is retried after a failure instead of replaying the cached failure', async (t) => {
  const { fleet, url, marker, terminateUnder } = await setup(t);
  const fault = await terminateUnder(30_000);
  const notes: unknown[] = [];
  const ctx = { note: (type: string, _message: string, data: unknown) => void notes.push({ type, data }) } as unknown as FaultContext;
  const target: ResolvedTarget = { name: 'shop', kind: 'fleet', controlUrl: url, selector: 'pricing' };
  const revert = revertHeldFault(target, fault.id, ctx, 'terminate');
  writeFileSync(marker, 'no');
  await assert.rejects(revert(), /still held/);
  rmSync(marker);
  await revert();
  assert.equal(fleet.instance('pricing/us-east/0').state, 'healthy');
  assert.deepEqual(notes, [{ type: 'fault.cleared', data: { target: 'shop', kind: 'terminate', heldFaultId: fault.id } }]);
});
