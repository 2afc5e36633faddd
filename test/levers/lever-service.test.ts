import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectLevers } from '../../src/levers/client.js';
import { startLeverService } from '../../src/levers/lever-service.js';
import { demoLevers, quiet, refusal, startService, tempDir } from './helpers.js';

const by = { by: 'alice@laptop', reason: 'recommendations are slow' };

test('pulling an unknown lever is refused with a 404 naming it and the known levers, and nothing changes', async (t) => {
  const service = await startService(t);
  const client = connectLevers(service.url);
  const before = { levers: await client.list(), audit: await client.audit() };
  const error = await refusal(client.pull('disable-everything', by));
  assert.equal(error.status, 404);
  assert.equal(error.message, 'no lever named "disable-everything"; known levers: disable-ads, disable-recommendations');
  assert.deepEqual((error.body as { known: string[] }).known, ['disable-ads', 'disable-recommendations']);
  assert.deepEqual(await client.list(), before.levers);
  assert.deepEqual(await client.audit(), before.audit);
});

test('a pull or reset without a reason, or with a name that is not kebab-case, is refused naming the field', async (t) => {
  const service = await startService(t);
  const response = await fetch(`${service.url}/levers/disable-ads/pull`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ by: 'alice' }),
  });
  assert.equal(response.status, 400);
  assert.match(((await response.json()) as { error: string }).error, /^invalid request: reason: /);
  const badName = await refusal(connectLevers(service.url).declare('Disable_Ads', { description: 'x' }));
  assert.equal(badName.status, 400);
  assert.match(badName.message, /kebab-case/);
  assert.equal((await connectLevers(service.url).get('disable-ads')).state, 'reset');
});

test('the audit trail records who pulled a lever and why, and it and the state survive a restart', async (t) => {
  const storePath = join(tempDir(t), 'gameday.db');
  const first = await startLeverService({ listen: '127.0.0.1:0', store: storePath, levers: demoLevers, logger: quiet });
  let client = connectLevers(first.url);
  const pulled = await client.pull('disable-recommendations', by);
  assert.equal(pulled.changed, true);
  assert.equal(pulled.lever.state, 'pulled');
  const again = await client.pull('disable-recommendations', { by: 'bob@ops', reason: 'to be sure' });
  assert.equal(again.changed, false, 'pulling a pulled lever changes nothing');
  await first.close();

  const second = await startLeverService({ listen: '127.0.0.1:0', store: storePath, levers: demoLevers, logger: quiet });
  t.after(() => second.close());
  client = connectLevers(second.url);
  const lever = await client.get('disable-recommendations');
  assert.equal(lever.state, 'pulled');
  assert.equal(lever.changed_by, 'alice@laptop');
  assert.equal(lever.reason, 'recommendations are slow');
  const audit = await client.audit('disable-recommendations');
  assert.deepEqual(
    audit.map((entry) => [entry.action, entry.by, entry.reason, entry.changed]),
    [
      ['pull', 'bob@ops', 'to be sure', false],
      ['pull', 'alice@laptop', 'recommendations are slow', true],
      ['declare', 'config', 'hide recommendations on the product page', false],
    ],
  );
  assert.equal((await client.audit()).length, 4, 'GET /audit covers every lever');
  // Who says who they are; the control room says where the change came from.
  assert.match(audit[1].from ?? '', /^(::ffff:)?127\.0\.0\.1\b/, 'an API change records the address it came from');
  assert.equal(audit[2].from, null, 'a declaration from the lever file came from no request');
});

test('a pull under a lease is reset by itself when the lease expires, and the audit names the lease owner', async (t) => {
  const service = await startService(t);
  const client = connectLevers(service.url);
  const lease = await client.createLease({ owner: 'run 42', ttlMs: 300 });
  const result = await client.pull('disable-ads', { by: 'run 42', reason: 'experiment step' }, { lease: lease.id });
  assert.deepEqual(result.lever.lease, { id: lease.id, owner: 'run 42' });
  assert.deepEqual((await client.listLeases())[0].faults, ['lever disable-ads: pull']);
  const deadline = Date.now() + 5000;
  while ((await client.get('disable-ads')).state === 'pulled' && Date.now() < deadline) await sleep(50);
  const lever = await client.get('disable-ads');
  assert.equal(lever.state, 'reset');
  assert.equal(lever.changed_by, 'lease-expiry');
  assert.match(lever.reason!, new RegExp(`lease ${lease.id} of "run 42" expired`));
  assert.equal(lever.lease, null);
  const error = await refusal(client.pull('disable-ads', by, { lease: lease.id }));
  assert.equal(error.status, 409, 'a pull under an expired lease is refused: it could never be undone');
  assert.equal((await client.get('disable-ads')).state, 'reset');
});

test('a pull without a lease stays, and a human pull of a leased lever takes it over from the lease', async (t) => {
  const service = await startService(t);
  const client = connectLevers(service.url);
  const lease = await client.createLease({ owner: 'run 7', ttlMs: 5000 });
  await client.pull('disable-ads', { by: 'run 7', reason: 'step' }, { lease: lease.id });
  await client.pull('disable-ads', { by: 'carol@oncall', reason: 'real incident, keep it' });
  await client.pull('disable-recommendations', { by: 'carol@oncall', reason: 'real incident' });
  assert.equal((await client.get('disable-ads')).lease, null);
  await client.releaseLease(lease.id);
  assert.equal((await client.get('disable-ads')).state, 'pulled', 'the release does not undo what a human took over');
  assert.equal((await client.get('disable-recommendations')).state, 'pulled');
});

test('releasing a lease resets what it held (by lease-release), and a leased pull of a pulled lever is not undone', async (t) => {
  const service = await startService(t);
  const client = connectLevers(service.url);
  await client.pull('disable-recommendations', { by: 'dave@oncall', reason: 'already shedding' });
  const lease = await client.createLease({ owner: 'run 9', ttlMs: 5000 });
  await client.pull('disable-ads', { by: 'run 9', reason: 'step' }, { lease: lease.id });
  const noop = await client.pull('disable-recommendations', { by: 'run 9', reason: 'step' }, { lease: lease.id });
  assert.equal(noop.changed, false);
  await client.releaseLease(lease.id);
  const ads = await client.get('disable-ads');
  assert.equal(ads.state, 'reset');
  assert.equal(ads.changed_by, 'lease-release');
  assert.equal((await client.get('disable-recommendations')).state, 'pulled', 'the run never owned this pull');
});

test('GET /events sends a snapshot of every lever first, then one event per change', async (t) => {
  const service = await startService(t);
  const controller = new AbortController();
  t.after(() => controller.abort());
  const response = await fetch(`${service.url}/events`, { signal: controller.signal });
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = response.body!.getReader();
  let text = '';
  const readUntil = async (pattern: RegExp) => {
    const deadline = Date.now() + 5000;
    while (!pattern.test(text) && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
    assert.match(text, pattern);
  };
  await readUntil(/event: snapshot\n/);
  await readUntil(/\n\n$/);
  const snapshot = JSON.parse(/data: (.*)\n/.exec(text.slice(text.indexOf('event: snapshot')))![1]);
  assert.deepEqual(snapshot.levers.map((lever: { name: string }) => lever.name), ['disable-ads', 'disable-recommendations']);
  await connectLevers(service.url).pull('disable-ads', by);
  await readUntil(/event: change\n/);
  await readUntil(/event: change\n[^]*\n\n$/);
  const change = JSON.parse(/event: change\nid: \d+\ndata: (.*)\n/.exec(text)![1]);
  assert.equal(change.action, 'pull');
  assert.equal(change.changed, true);
  assert.equal(change.lever.state, 'pulled');
  assert.equal(change.lever.changed_by, 'alice@laptop');
});

test('GET /metrics reports each lever state and counts changes', async (t) => {
  const service = await startService(t);
  await connectLevers(service.url).pull('disable-ads', by);
  const text = await (await fetch(`${service.url}/metrics`)).text();
  assert.match(text, /gameday_lever_pulled\{lever="disable-ads"\} 1/);
  assert.match(text, /gameday_lever_pulled\{lever="disable-recommendations"\} 0/);
  assert.match(text, /gameday_lever_changes_total\{lever="disable-ads",action="pull"\} 1/);
});

test('binding beyond loopback needs a token, and a service with a token refuses requests without it', async (t) => {
  await assert.rejects(startLeverService({ listen: '0.0.0.0:0', store: join(tempDir(t), 'a.db'), logger: quiet }), /requires an access token/);
  const service = await startService(t, { token: 's3cret' });
  const refused = await refusal(connectLevers(service.url).list());
  assert.equal(refused.status, 401);
  assert.match(refused.message, /Authorization: Bearer/);
  assert.equal((await connectLevers(service.url, { token: 's3cret' }).list()).length, 2);
});

test('a lever declared through the API is kept with its description and can be pulled', async (t) => {
  const service = await startService(t, { levers: [] });
  const client = connectLevers(service.url);
  const lever = await client.declare('serve-stale-prices', { description: 'serve cached prices', critical_path: 'checkout' });
  assert.deepEqual([lever.name, lever.state, lever.critical_path], ['serve-stale-prices', 'reset', 'checkout']);
  assert.equal((await client.pull('serve-stale-prices', by)).lever.state, 'pulled');
  const redeclared = await client.declare('serve-stale-prices', { description: 'serve prices from the cache' });
  assert.equal(redeclared.state, 'pulled', 'declaring again updates the description, never the state');
  assert.equal(redeclared.description, 'serve prices from the cache');
});

test('a lease that pulls and then resets a lever leaves nothing to undo, and never re-pulls it when it ends', async (t) => {
  const service = await startService(t);
  const client = connectLevers(service.url);
  const lease = await client.createLease({ owner: 'run 5', ttlMs: 5000 });
  await client.pull('disable-ads', { by: 'run 5', reason: 'step 1' }, { lease: lease.id });
  await client.reset('disable-ads', { by: 'run 5', reason: 'step 2' }, { lease: lease.id });
  assert.equal((await client.get('disable-ads')).lease, null);
  assert.deepEqual((await client.listLeases())[0].faults, []);
  await client.releaseLease(lease.id);
  assert.equal((await client.get('disable-ads')).state, 'reset');
});
