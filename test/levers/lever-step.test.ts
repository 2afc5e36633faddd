import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FaultContext, ResolvedTarget } from '../../src/faults/fault.js';
import { connectLevers } from '../../src/levers/client.js';
import { leverFault } from '../../src/levers/lever-step.js';
import { leverTargetKind } from '../../src/levers/lever-target.js';
import { quiet, startService } from './helpers.js';

// The experiment engine drives the lever step through FaultContext. This context is the engine's part,
// written out here (a real lease on the real service, a journal as an array) so the step is tested
// against a real lever service without the engine.
function runContext(url: string, notes: Array<[string, unknown]>): FaultContext {
  let lease: Promise<string> | undefined;
  return {
    runId: '42',
    leaseFor: () => (lease ??= connectLevers(url).createLease({ owner: 'run 42', ttlMs: 5000 }).then((view) => view.id)),
    signal: new AbortController().signal,
    log: quiet,
    note: (type, _message, data) => void notes.push([type, data]),
  };
}

const target = (url: string): ResolvedTarget => ({ name: 'shop-levers', kind: 'levers', controlUrl: url, selector: 'disable-ads' });

test('the lever step pulls under the run\'s lease, and its revert resets the lever once even if called twice', async (t) => {
  const service = await startService(t);
  const client = connectLevers(service.url);
  const notes: Array<[string, unknown]> = [];
  const params = leverFault.params.parse({ pull: 'disable-ads' });
  assert.equal(leverFault.describe(target(service.url), params), `pull lever disable-ads on the lever service ${service.url} (undone at rollback)`);
  const revert = await leverFault.inject(target(service.url), params, runContext(service.url, notes));
  const pulled = await client.get('disable-ads');
  assert.deepEqual([pulled.state, pulled.changed_by, pulled.lease?.owner], ['pulled', 'run 42', 'run 42']);
  await Promise.all([revert(), revert()]);
  const after = await client.get('disable-ads');
  assert.deepEqual([after.state, after.lease], ['reset', null]);
  assert.equal((await client.audit('disable-ads')).filter((entry) => entry.action === 'reset').length, 1);
  const lease = pulled.lease?.id;
  assert.deepEqual(notes, [
    ['lever.pulled', { lever: 'disable-ads', lease, changed: true, rollback: false }],
    ['lever.reset', { lever: 'disable-ads', lease, changed: true, rollback: true }],
  ]);
});

test('the lever step never undoes a lever a human pulled, before the step or during the run', async (t) => {
  const service = await startService(t);
  const client = connectLevers(service.url);
  await client.pull('disable-recommendations', { by: 'grace@oncall', reason: 'real incident' });
  const ctx = runContext(service.url, []);
  const before = await leverFault.inject(target(service.url), { pull: 'disable-recommendations' }, ctx);
  const during = await leverFault.inject(target(service.url), { pull: 'disable-ads' }, ctx);
  await client.pull('disable-ads', { by: 'grace@oncall', reason: 'keep it, ads are down for real' });
  await before();
  await during();
  assert.equal((await client.get('disable-recommendations')).state, 'pulled');
  assert.equal((await client.get('disable-ads')).state, 'pulled');
});

test('the lever step refuses an unknown lever in preflight, before anything is touched', async (t) => {
  const service = await startService(t);
  assert.throws(() => leverFault.params.parse({ pull: 'Disable Ads' }), /kebab-case/);
  assert.throws(() => leverFault.params.parse({ pull: 'disable-ads', reset: 'disable-ads' }));
  await assert.rejects(
    leverFault.preflight!(target(service.url), { pull: 'disable-everything' }, runContext(service.url, [])),
    /^Error: target shop-levers: no lever named "disable-everything"; known levers: disable-ads, disable-recommendations$/,
  );
  assert.equal((await connectLevers(service.url).listLeases()).length, 0);
});

test('a levers target resolves to its service with every lever it knows, and an unreachable service is refused', async (t) => {
  const service = await startService(t);
  const [resolved] = await leverTargetKind.resolve('shop-levers', { kind: 'levers', control: service.url });
  assert.deepEqual(resolved, { name: 'shop-levers', kind: 'levers', controlUrl: service.url, token: undefined, selector: 'disable-ads,disable-recommendations' });
  await assert.rejects(leverTargetKind.resolve('gone', { kind: 'levers', control: 'http://127.0.0.1:9' }), /the lever service at http:\/\/127\.0\.0\.1:9 is unreachable/);
  assert.throws(() => leverTargetKind.schema.parse({ kind: 'levers', control: 'not a url' }));
});
