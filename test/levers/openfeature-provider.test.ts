import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { connectLevers } from '../../src/levers/client.js';
import { startLeverService } from '../../src/levers/lever-service.js';
import { LeverProvider } from '../../src/levers/openfeature-provider.js';
import { LeverBoard } from '../../src/levers/lever-board.js';
import { openStore } from '../../src/store/database.js';
import { runQueueWaitMs } from '../run-queue.js';
import { demoLevers, quiet, repoRoot, spawnNode, startService, tempDir } from './helpers.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const now = () => performance.timeOrigin + performance.now();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

test('a lever pull reaches an OpenFeature client in a separate process within 100 ms', async (t) => {
  const service = await startService(t);
  const levers = connectLevers(service.url);
  const reader = spawnNode(t, [join(repoRoot, 'dist/test/levers/openfeature-reader.js'), service.url, 'disable-recommendations']);
  await reader.waitFor(/"ready":false/);

  // Alternate pull and reset; for each, the time from sending the pull to the reader seeing the new value
  // through getBooleanValue (both clocks are this machine's wall clock, read in sub-millisecond precision).
  // Two warm-up changes first (JIT, the first keep-alive connection of this test's HTTP client): they are
  // seen too, but not counted, since a service reads levers for hours and the first second is not typical.
  const warmUp = 2;
  const fromSent: number[] = [];
  const fromReturned: number[] = [];
  // Per sample, how long the two processes on the way were ready to run but had no CPU: this one (the
  // lever service) until the pull was answered, the reader until it saw the change. About 0 on a quiet
  // machine, where the bounds below are then the strict ones.
  const withheld: number[] = [];
  const seenLines = () => reader.stdout().split('\n').filter((line) => line.startsWith('{"seen"')).map((line) => JSON.parse(line) as { seen: boolean; at: number; waited: number });
  for (let i = 0; i < warmUp + 9; i++) {
    const pull = i % 2 === 0;
    const ownWaitBefore = runQueueWaitMs();
    const readerWaitBefore = runQueueWaitMs(reader.child.pid!);
    const sentAt = now();
    await levers[pull ? 'pull' : 'reset']('disable-recommendations', { by: 'latency test', reason: `sample ${i}` });
    const returnedAt = now();
    const ownWait = runQueueWaitMs() - ownWaitBefore;
    await reader.waitFor(new RegExp(`(?:\\{"seen":[^\\n]*\\n[^]*){${i + 1}}`));
    const seen = seenLines()[i];
    assert.equal(seen.seen, pull, `sample ${i}: the reader sees the new value, not only an event`);
    if (i < warmUp) continue;
    fromSent.push(seen.at - sentAt);
    fromReturned.push(seen.at - returnedAt);
    withheld.push(ownWait + Math.max(0, seen.waited - readerWaitBefore));
  }
  const round = (values: number[]) => values.map((v) => Math.round(v * 10) / 10).join(', ');
  t.diagnostic(`pull sent → seen by the reader (ms): ${round(fromSent)}; median ${median(fromSent).toFixed(1)}`);
  t.diagnostic(`pull returned → seen by the reader (ms, negative = seen before the HTTP answer arrived): ${round(fromReturned)}`);
  t.diagnostic(`of which the machine withheld the CPU (ms): ${round(withheld)}`);
  // The issue promises services see a pull within 100 ms: the median holds it to that, every sample to
  // 1 s, each besides the time the machine measurably withheld the CPU from the two processes involved
  // (a neighbour's burst on a shared 2-core machine is not the push channel's latency).
  const own = fromSent.map((ms, i) => ms - withheld[i]);
  assert.ok(median(own) < 100, `median pull-to-reader latency ${median(own).toFixed(1)} ms besides the CPU the machine withheld, promised < 100 ms`);
  assert.ok(Math.max(...own) < 1000, `slowest sample ${Math.max(...own).toFixed(1)} ms besides the CPU the machine withheld`);
});

test('the provider returns the caller\'s default while the lever service is unreachable, then the real state once it is up', async (t) => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const provider = new LeverProvider({ url, initTimeoutMs: 500, maxBackoffMs: 200 });
  t.after(() => OpenFeature.clearProviders());
  await assert.rejects(OpenFeature.setProviderAndWait('unreachable', provider), /did not answer within 500 ms/);
  const client = OpenFeature.getClient('unreachable');
  const down = await client.getBooleanDetails('disable-ads', true);
  assert.equal(down.value, true, 'the default the caller chose');
  assert.equal(down.reason, 'ERROR');
  assert.equal(down.errorCode, ErrorCode.PROVIDER_NOT_READY);
  assert.match(down.errorMessage ?? '', /unreachable/);
  assert.equal(await client.getBooleanValue('disable-ads', false), false);

  const service = await startLeverService({ listen: `127.0.0.1:${port}`, store: join(tempDir(t), 'gameday.db'), levers: demoLevers, logger: quiet });
  t.after(() => service.close());
  await connectLevers(url).pull('disable-ads', { by: 'eve@oncall', reason: 'ads time out' });
  await until(async () => (await client.getBooleanValue('disable-ads', false)) === true);
  assert.equal(client.providerStatus, ProviderStatus.READY, 'the provider reports ready once it has the service');
});

test('after the lever service goes away the last states are served as STALE for the grace period, then the default', async (t) => {
  const service = await startService(t);
  await connectLevers(service.url).pull('disable-ads', { by: 'eve@oncall', reason: 'ads time out' });
  t.after(() => OpenFeature.clearProviders());
  // The grace period runs on a clock the test moves, so a machine that stalls the test cannot end it early.
  let clock = Date.now();
  await OpenFeature.setProviderAndWait('lost', new LeverProvider({ url: service.url, staleGraceMs: 1000, maxBackoffMs: 200, now: () => clock }));
  const client = OpenFeature.getClient('lost');
  const stale = new Promise<void>((done) => client.addHandler(ProviderEvents.Stale, () => done()));
  assert.equal(await client.getBooleanValue('disable-ads', false), true);
  await service.close();
  await stale;
  const during = await client.getBooleanDetails('disable-ads', false);
  assert.deepEqual([during.value, during.reason], [true, 'STALE'], 'a restart of the lever service does not flip a pulled lever');
  clock += 999;
  assert.equal((await client.getBooleanDetails('disable-ads', false)).reason, 'STALE', 'still within the grace period');
  clock += 1;
  const after = await client.getBooleanDetails('disable-ads', false);
  assert.deepEqual([after.value, after.reason, after.errorCode], [false, 'ERROR', ErrorCode.GENERAL]);
});

test('an unknown lever resolves to the caller\'s default with FLAG_NOT_FOUND naming the known levers', async (t) => {
  const service = await startService(t);
  t.after(() => OpenFeature.clearProviders());
  await OpenFeature.setProviderAndWait('unknown', new LeverProvider({ url: service.url }));
  const client = OpenFeature.getClient('unknown');
  const details = await client.getBooleanDetails('disable-everything', true);
  assert.deepEqual([details.value, details.errorCode], [true, ErrorCode.FLAG_NOT_FOUND]);
  assert.equal(details.errorMessage, 'no lever named "disable-everything"; known levers: disable-ads, disable-recommendations');
  const typed = await client.getStringDetails('disable-ads', 'x');
  assert.deepEqual([typed.value, typed.errorCode], ['x', ErrorCode.TYPE_MISMATCH]);
});

test('a reader that lost the lever service resyncs from the snapshot when it is back, and is told which levers changed', async (t) => {
  const port = await freePort();
  const storePath = join(tempDir(t), 'gameday.db');
  const options = { listen: `127.0.0.1:${port}`, store: storePath, levers: demoLevers, logger: quiet };
  const first = await startLeverService(options);
  t.after(() => OpenFeature.clearProviders());
  await OpenFeature.setProviderAndWait('resync', new LeverProvider({ url: first.url, maxBackoffMs: 200 }));
  const client = OpenFeature.getClient('resync');
  const changes: string[][] = [];
  client.addHandler(ProviderEvents.ConfigurationChanged, (details) => void changes.push(details?.flagsChanged ?? []));
  const stale = new Promise<void>((done) => client.addHandler(ProviderEvents.Stale, () => done()));
  await first.close();
  await stale;

  // While the service is down, the lever is pulled in its store, so only the snapshot can tell the reader.
  const db = await openStore(storePath);
  const board = await LeverBoard.open(db, quiet);
  await board.pull('disable-recommendations', { by: 'heidi@oncall', reason: 'recs down' });
  await board.close({ releaseLeases: false });
  await db.close();
  const second = await startLeverService(options);
  t.after(() => second.close());
  await until(async () => (await client.getBooleanValue('disable-recommendations', false)) === true);
  assert.equal(client.providerStatus, ProviderStatus.READY);
  assert.ok(changes.some((flags) => flags.includes('disable-recommendations')), JSON.stringify(changes));
});
