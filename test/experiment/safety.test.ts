// Safety fixes of the engine, end to end with real processes: `gameday halt` before the run took a lease,
// and a revert that fails (the proxy is SIGSTOPped) must not end in exit 0.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { RunStore } from '../../src/store/runs.js';
import { journalOf, proxyExperiment, spawnGameday, startProxyProcess, startService, tempHome, waitFor, type ProxyProcess, type Service } from './world.js';

let service: Service;
let home: ReturnType<typeof tempHome>;

before(async () => {
  service = await startService();
  home = tempHome();
});

after(async () => {
  await service?.close();
  home?.remove();
});

const experiment = (proxy: ProxyProcess, body: string) => proxyExperiment(proxy, body, 'engine safety');

const journalEvents = (stdout: string): string[] => journalOf(stdout).events.map((e) => e.type);

async function activeRuns(): Promise<number> {
  if (!existsSync(join(home.dir, '.gameday', 'gameday.db'))) return 0;
  const db = await openStore(join(home.dir, '.gameday', 'gameday.db'));
  try {
    return (await new RunStore(db).active()).length;
  } finally {
    await db.close();
  }
}

test('gameday halt stops a run before its first fault: exit 2, nothing injected', async (t) => {
  const proxy = await startProxyProcess(service.url);
  t.after(() => proxy.close());
  const file = home.write('halt-early.yaml', experiment(proxy, `method:
  - wait: 6s
  - fault: { kind: latency, target: svc, latency: 50ms }
  - wait: 2s
`));
  const run = spawnGameday(['run', file], home.dir);
  t.after(() => void run.child.kill('SIGKILL'));
  await waitFor('the run to be recorded as active', async () => (await activeRuns()) === 1, 15_000);
  const halt = await spawnGameday(['halt'], home.dir).done;
  assert.equal(halt.code, 0, halt.stderr);
  const result = await run.done;
  assert.equal(result.code, 2, result.stderr + result.stdout);
  assert.match(result.stdout, /ABORTED.*(halted by gameday halt|lease lost)/);
  // The lease was taken in preflight, before any load started.
  const events = journalEvents(result.stdout);
  assert.ok(events.indexOf('lease.taken') >= 0 && events.indexOf('lease.taken') < events.indexOf('load.started'), events.join(' '));
  assert.ok(!events.includes('fault.injected'));
  assert.deepEqual(await proxy.toxics(), [], 'the halted run must not inject its fault');
  assert.deepEqual(await proxy.leases(), [], 'the halted run must not hold a lease');
});

test('a revert that fails ends the run with exit 4 and tells the user the fault may still be in place', async (t) => {
  const proxy = await startProxyProcess(service.url);
  t.after(async () => {
    proxy.child.kill('SIGCONT');
    await proxy.close();
  });
  const file = home.write('revert-fails.yaml', experiment(proxy, `settings: { leaseTtl: 2s }
method:
  - fault: { kind: latency, target: svc, latency: 5ms }
  - wait: 2s
`));
  const run = spawnGameday(['run', file], home.dir);
  t.after(() => void run.child.kill('SIGKILL'));
  await waitFor('the fault on the proxy', async () => (await proxy.toxics()).length === 1, 15_000);
  // A wedged proxy: the run's revert (bounded control call) fails.
  proxy.child.kill('SIGSTOP');
  const result = await run.done;
  proxy.child.kill('SIGCONT');
  assert.equal(result.code, 4, result.stderr + result.stdout);
  assert.match(result.stdout, /ERROR.*could not revert "[^"]*latency[^"]*".*may still be in place.*gameday halt.*lease expires/s);
  // The lease still reverts it by itself once the proxy runs again.
  await waitFor('the proxy to revert the fault when its lease expires', async () => (await proxy.toxics()).length === 0, 15_000);
});

test('gameday halt and gameday runs read the same per-user store from any directory, and say which', async () => {
  const { mkdirSync } = await import('node:fs');
  const elsewhere = join(home.dir, 'some', 'other', 'dir');
  mkdirSync(elsewhere, { recursive: true });
  // No GAMEDAY_HOME: the per-user default (XDG_STATE_HOME, pointed at the temp dir so the real home is never written).
  const env = { GAMEDAY_HOME: undefined, XDG_STATE_HOME: join(home.dir, 'xdg') };
  const expected = join(home.dir, 'xdg', 'gameday', 'gameday.db');
  const halt = await spawnGameday(['halt'], elsewhere, env).done;
  const runs = await spawnGameday(['runs'], home.dir, env).done;
  assert.equal(halt.code, 0, halt.stderr);
  assert.ok(halt.stdout.includes(`halt: store ${expected}`), halt.stdout);
  assert.ok(runs.stdout.includes(`store: ${expected}`), runs.stdout);
  assert.ok(existsSync(expected));
  const bad = await spawnGameday(['runs', '-n', 'abc'], home.dir).done;
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /-n\/--limit must be a whole number.*"abc"/);
});

test('an out-of-range leaseTtl is refused by validate and run with file:line:col, exit 3', async () => {
  const file = home.write('bad-ttl.yaml', `title: bad ttl
method:
  - wait: 1s
settings:
  leaseTtl: 2h
`);
  for (const args of [['validate', file], ['run', file, '--dry-run']]) {
    const result = await spawnGameday(args, home.dir).done;
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /bad-ttl\.yaml:5:\d+.*settings\.leaseTtl.*between 100ms and 10m/);
  }
});

test('a missing file says so without a position, and gameday faults lists every kind, the lever with its own step', async () => {
  const missing = await spawnGameday(['validate', 'nonexist.yaml'], home.dir).done;
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /cannot read nonexist\.yaml: no such file/);
  assert.doesNotMatch(missing.stderr, /:0:0/);
  const faults = await spawnGameday(['faults'], home.dir).done;
  assert.equal(faults.code, 0, faults.stderr);
  assert.match(faults.stdout, /^lever\s+on levers .*\n\s+params: pull \| reset\n\s+also a step: lever: \{ pull \} \| \{ reset \}, target\?/m);
  assert.match(faults.stdout, /^http-abort .*mid-way/m);
});
