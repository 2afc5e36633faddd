import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { Fleet, FleetError } from '../../src/fleet/fleet.js';
import { SelectionError } from '../../src/fleet/selection.js';
import { alive, fixture, quietLog, shopDeclaration, waitFor } from './helpers.js';

test('a fleet starts every declared instance as a real process on its own port, answering with its region', async (t) => {
  const fleet = await Fleet.start(shopDeclaration(), { log: quietLog });
  t.after(() => fleet.stop());
  const instances = fleet.instances();
  assert.deepEqual(instances.map((i) => i.id).sort(), ['pricing/us-east/0', 'pricing/us-east/1', 'pricing/us-west/0', 'pricing/us-west/1']);
  assert.equal(new Set(instances.map((i) => i.port)).size, 4);
  for (const instance of instances) {
    assert.equal(instance.state, 'healthy');
    assert.ok(instance.pid && alive(instance.pid));
    const body = (await (await request(`${instance.url}/`)).body.json()) as { region: string; instance: string; pid: number };
    assert.deepEqual(body, { region: instance.region, instance: instance.id, pid: instance.pid });
  }
});

test('terminate SIGKILLs exactly the selected instances and the always policy restarts them with new pids', async (t) => {
  const fleet = await Fleet.start(shopDeclaration(), { log: quietLog });
  t.after(() => fleet.stop());
  const before = new Map(fleet.instances().map((i) => [i.id, i.pid]));
  const killed = fleet.terminate('pricing', { count: 1, region: 'us-east' });
  assert.equal(killed.length, 1);
  assert.equal(killed[0].region, 'us-east');
  await waitFor('the killed pid to disappear', () => !alive(killed[0].pid!));
  for (const [id, pid] of before) if (id !== killed[0].id) assert.ok(alive(pid!), `${id} must survive`);
  await waitFor('the instance to be restarted and healthy', () => {
    const now = fleet.instance(killed[0].id);
    return now.state === 'healthy' && now.pid !== killed[0].pid;
  });
  const restarted = fleet.instance(killed[0].id);
  assert.equal(restarted.restarts, 1);
  assert.equal(restarted.lastExit, 'SIGKILL');
  assert.equal(restarted.port, killed[0].port, 'the port is kept across restarts');
});

test('terminate by percent rounds up, and the never policy leaves killed instances stopped until ensureRunning', async (t) => {
  const fleet = await Fleet.start(shopDeclaration({ restart: 'never' }), { log: quietLog });
  t.after(() => fleet.stop());
  const killed = fleet.terminate('pricing', { percent: 50 });
  assert.equal(killed.length, 2);
  await waitFor('both killed pids to disappear', () => killed.every((k) => !alive(k.pid!)));
  await waitFor('the fleet to see both exits', () => killed.every((k) => fleet.instance(k.id).state === 'stopped'));
  // A wrongful restart would be a 50 ms timer set when the exit was seen; timers fire in order of due
  // time, so this later and longer one cannot end first however loaded the machine is.
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const k of killed) assert.equal(fleet.instance(k.id).state, 'stopped');
  const back = await fleet.ensureRunning(killed[0].id);
  assert.equal(back.state, 'healthy');
  assert.ok(alive(back.pid!));
});

test('a selection larger than what runs or than the blast radius is refused and nothing is killed', async (t) => {
  const fleet = await Fleet.start(shopDeclaration(), { log: quietLog });
  t.after(() => fleet.stop());
  const pids = fleet.instances().map((i) => i.pid!);
  assert.throws(() => fleet.terminate('pricing', { count: 3, region: 'us-east' }), /selected 3 instances of pricing in us-east, but only 2 are running/);
  assert.throws(() => fleet.terminate('pricing', { percent: 75, maxInstances: 2 }), /more than the blast radius allows \(maxInstances: 2\)/);
  assert.throws(() => fleet.terminate('pricing', { count: 1, region: 'eu-west' }), /no instances in region "eu-west"/);
  assert.throws(() => fleet.terminate('checkout', { count: 1 }), /no service "checkout"/);
  assert.throws(() => fleet.select('pricing', { count: 9 }), SelectionError);
  for (const pid of pids) assert.ok(alive(pid));
});

test('an instance that never becomes healthy fails the start with its stderr tail, and nothing is left running', async () => {
  await assert.rejects(
    Fleet.start(shopDeclaration({ env: { FIXTURE_FAIL_START: 'missing DATABASE_URL' }, restart: 'never' }), { log: quietLog }),
    (error: Error) => error.message.includes('exited before it became healthy (exit 7)') && error.message.includes('missing DATABASE_URL'),
  );
});

test('an invalid declaration is refused with the field path before any process starts', async () => {
  await assert.rejects(
    Fleet.start({ services: [{ name: 'a/b', command: [], regions: {} }] } as never, { log: quietLog }),
    (error: Error) => error instanceof FleetError && /services\.0\.name/.test(error.message) && /services\.0\.command/.test(error.message),
  );
});

test('drain lets in-flight slow requests finish, then stops the instance without restarting it', async (t) => {
  const fleet = await Fleet.start(shopDeclaration(), { log: quietLog });
  t.after(() => fleet.stop());
  const target = fleet.instance('pricing/us-east/0');
  const slow = Array.from({ length: 5 }, () => request(`${target.url}/?delay=2000`).then(async (r) => ({ status: r.statusCode, draining: r.headers['x-draining'], body: await r.body.text() })));
  await waitFor('the five slow requests to be in flight', async () => (await (await request(`${target.url}/admin/in-flight`)).body.text()) === '5');
  const drained = fleet.drain(target.id);
  await waitFor('the instance to be draining', () => fleet.instance(target.id).state === 'draining');
  const results = await Promise.all(slow);
  assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200]);
  assert.deepEqual(results.map((r) => r.draining), ['1', '1', '1', '1', '1'], 'each was answered after the drain began');
  const after = await drained;
  assert.equal(after.state, 'stopped');
  assert.equal(alive(target.pid!), false);
  // As above: a wrongful restart's 50 ms timer was set before this one and fires first.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(fleet.instance(target.id).state, 'stopped', 'a drained instance is not restarted by policy');
  const readmitted = await fleet.ensureRunning(target.id);
  assert.equal(readmitted.state, 'healthy');
});

test('stop kills every instance and cpu burner so no process is left behind', async () => {
  const fleet = await Fleet.start(shopDeclaration(), { log: quietLog });
  const stress = fleet.stressCpu('us-east', 30_000, 1);
  const pids = [...fleet.instances().map((i) => i.pid!), ...stress.pids];
  assert.ok(pids.every(alive));
  await fleet.stop();
  await waitFor('every child to be gone', () => pids.every((pid) => !alive(pid)));
  assert.ok(fixture.endsWith('service.js'));
});

test('an instance that keeps crashing is restarted with a doubling delay, not in a tight loop', async (t) => {
  const fleet = await Fleet.start(
    shopDeclaration({ regions: { 'us-east': 1 }, env: { FIXTURE_EXIT_AFTER_MS: '300' }, restart: 'always', restartDelayMs: 100 }),
    { log: quietLog },
  );
  t.after(() => fleet.stop());
  // The gap between an exit and the next start is the restart delay (plus scheduling lag, never less).
  const gaps: number[] = [];
  let stoppedAt = 0;
  fleet.on('change', (view: { state: string }) => {
    if (view.state === 'stopped') stoppedAt = performance.now();
    if (view.state === 'starting' && stoppedAt > 0) gaps.push(performance.now() - stoppedAt);
  });
  await waitFor('three restarts', () => gaps.length >= 3, 20_000);
  assert.ok(gaps[0] >= 95 && gaps[1] >= 195 && gaps[2] >= 395, `delays of 100, 200, 400 ms at least; got ${gaps.map(Math.round).join(', ')}`);
  assert.equal(fleet.instances()[0].lastExit, 'exit 3');
});
