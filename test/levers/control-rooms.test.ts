// Two control rooms, one store: two real `gameday serve` processes on one PostgreSQL both serve the lever
// API, and the work that must happen once — undoing the changes of lapsed lever leases — is held by one
// of them and taken over by the other when the holder is killed with -9.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connectLevers } from '../../src/levers/client.js';
import { startPostgres, type PostgresServer } from '../store/postgres-server.js';
import { gamedayBin, spawnNode, tempDir, type Child } from './helpers.js';

let postgres: PostgresServer;
before(async () => {
  postgres = await startPostgres();
});
after(() => postgres?.stop());

const leversYaml = `levers:
  - name: disable-ads
    description: stop calling the ad service
  - name: disable-recommendations
    description: hide recommendations
`;

async function serve(t: Parameters<typeof spawnNode>[0], dir: string, store: string): Promise<{ child: Child; url: string }> {
  const child = spawnNode(t, [gamedayBin, 'serve', '--listen', '127.0.0.1:0', '--levers', join(dir, 'levers.yaml'), '--store', store]);
  const [, url] = await child.waitFor(/control room on (http:\/\/\S+);[^]*levers +2 levers/);
  await child.waitFor(/ store +postgres:\/\/\S+ \(postgres\); /);
  return { child, url };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('two gameday serve on one PostgreSQL: kill -9 the one holding lease expiry, and the other expires a lapsed lever lease within its TTL plus 2 s', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'levers.yaml'), leversYaml);
  const store = await postgres.createDatabase();
  const first = await serve(t, dir, store);
  assert.match(first.child.stderr(), /this control room holds the lease-expiry work/);
  const second = await serve(t, dir, store);
  assert.match(second.child.stderr(), /another control room holds the lease-expiry work; this one takes it over if that one stops/);

  // Both serve the API: a reader of the second room's push channel hears a pull made through the first.
  const events = await fetch(`${second.url}/events`);
  const reader = events.body!.getReader();
  let pushed = '';
  const ttlMs = 2000;
  const holder = connectLevers(first.url);
  const lease = await holder.createLease({ owner: 'run 77', ttlMs });
  const leasedAt = Date.now();
  await holder.pull('disable-ads', { by: 'run 77', reason: 'experiment step' }, { lease: lease.id });
  const other = connectLevers(second.url);
  assert.deepEqual((await other.listLeases()).map((l) => [l.id, l.faults]), [[lease.id, ['lever disable-ads: pull']]], 'the lease is seen by both rooms');
  while (!/"action":"pull"/.test(pushed) && Date.now() - leasedAt < 5000) pushed += new TextDecoder().decode((await reader.read()).value);
  assert.match(pushed, /event: change\n[^]*"action":"pull"[^]*"state":"pulled"/);
  await reader.cancel();

  // The holder dies without a word; nobody renews the lease.
  first.child.child.kill('SIGKILL');
  await first.child.exited;
  while ((await other.get('disable-ads')).state === 'pulled' && Date.now() - leasedAt < ttlMs + 5000) await sleep(25);
  const restoredAfter = Date.now() - leasedAt;
  const lever = await other.get('disable-ads');
  assert.deepEqual([lever.state, lever.changed_by, lever.lease], ['reset', 'lease-expiry', null]);
  assert.match(lever.reason!, new RegExp(`lease ${lease.id} of "run 77" expired without renewal`));
  assert.ok(restoredAfter <= ttlMs + 2000, `restored ${restoredAfter} ms after the lease was taken (TTL ${ttlMs} ms)`);
  await second.child.waitFor(/this control room took over the lease-expiry work/);
  assert.deepEqual(await other.listLeases(), []);

  // The last room standing releases what is still leased when it stops, so nothing outlives the service.
  const late = await other.createLease({ owner: 'run 78', ttlMs: 60_000 });
  await other.pull('disable-recommendations', { by: 'run 78', reason: 'step' }, { lease: late.id });
  second.child.child.kill('SIGINT');
  assert.equal(await second.child.exited, 0);
  assert.match(second.child.stderr(), /stopped after \d+s; 1 lease released; no lever pulled\n$/);
});

test('a control room that stops while another serves leaves the leases to it', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'levers.yaml'), leversYaml);
  const store = await postgres.createDatabase();
  const first = await serve(t, dir, store);
  const second = await serve(t, dir, store);
  const lease = await connectLevers(first.url).createLease({ owner: 'run 5', ttlMs: 60_000 });
  await connectLevers(first.url).pull('disable-ads', { by: 'run 5', reason: 'step' }, { lease: lease.id });
  first.child.child.kill('SIGINT');
  assert.equal(await first.child.exited, 0);
  assert.match(first.child.stderr(), /1 lease left to the other control room/);
  const other = connectLevers(second.url);
  await second.child.waitFor(/this control room took over the lease-expiry work/);
  assert.equal((await other.get('disable-ads')).state, 'pulled', 'the lease lives on: its run may renew it through this room');
  await other.renewLease(lease.id);
  await other.releaseLease(lease.id);
  assert.deepEqual([(await other.get('disable-ads')).state, (await other.get('disable-ads')).changed_by], ['reset', 'lease-release']);
});
