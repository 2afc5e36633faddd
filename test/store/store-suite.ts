// The store test suite, run unchanged on every engine (sqlite.test.ts, postgres.test.ts): whatever a
// capability relies on — migrations, repositories, the write lock, notifications, work held once, data that
// survives a writer's kill -9 — must hold on the embedded file and on a team's PostgreSQL alike.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { LeverBoard } from '../../src/levers/lever-board.js';
import type { LeverEvent } from '../../src/levers/lever.js';
import { ControlRoom } from '../../src/store/control-room.js';
import { openStore } from '../../src/store/database.js';
import type { Store } from '../../src/store/engine.js';
import { JournalEventStore, type StoredJournalEvent } from '../../src/store/journal-events.js';
import { JournalWriter } from '../../src/store/journal-writer.js';
import { gamedayVersion, migrate, StoreVersionError } from '../../src/store/migrations.js';
import { RunSampleStore, RunSampleWriter, type StoredSample } from '../../src/store/run-samples.js';
import { RunStore } from '../../src/store/runs.js';
import { capabilities } from '../../src/store/schema.js';
import { repoRoot } from '../cli-process.js';

const quiet = pino({ level: 'silent' });
const migrationCount = capabilities.reduce((sum, capability) => sum + capability.migrations.length, 0);

/** `fresh()` gives the location of a new, empty store (a file, or a database on the test's server). */
export function storeSuite(engine: 'sqlite' | 'postgres', fresh: () => Promise<string>): void {
  const opened = async (t: { after(fn: () => unknown): void }, location?: string): Promise<Store> => {
    const store = await openStore(location ?? (await fresh()));
    t.after(() => store.close());
    return store;
  };

  test(`${engine}: a new store gets every migration once, recorded with the gameday version that applied it`, async (t) => {
    const location = await fresh();
    const first = await opened(t, location);
    assert.equal(first.engine, engine);
    const rows = await first.all<{ capability: string; version: number; applied_by: string }>('SELECT capability, version, applied_by FROM schema_migrations ORDER BY capability, version');
    assert.equal(rows.length, migrationCount);
    assert.ok(rows.every((row) => row.applied_by === gamedayVersion));
    assert.deepEqual(await migrate(first, capabilities), [], 'opening again applies nothing');
    // Several processes starting at once on a new store: each waits for the write lock, one migrates.
    const others = await Promise.all([fresh(), fresh()]);
    const racing = await Promise.all([...others, ...others].map((where) => openStore(where)));
    t.after(() => Promise.all(racing.map((store) => store.close())));
    for (const store of racing) assert.equal((await store.all('SELECT 1 AS one FROM schema_migrations')).length, migrationCount);
  });

  test(`${engine}: a store migrated by a newer gameday is refused, naming the version it needs, and left untouched`, async (t) => {
    const location = await fresh();
    const store = await opened(t, location);
    await store.run('INSERT INTO schema_migrations (capability, version, name, applied_at, applied_by) VALUES (?, ?, ?, ?, ?)', ['runs', 99, 'from the future', 'now', '9.9.9']);
    await assert.rejects(openStore(location), (error: Error) => {
      assert.ok(error instanceof StoreVersionError);
      assert.match(error.message, /runs migration 99 \("from the future"\) was applied by gameday 9\.9\.9/);
      assert.match(error.message, new RegExp(`this is gameday ${gamedayVersion.replace(/\./g, '\\.')}, which knows runs up to migration \\d+\\. Use gameday 9\\.9\\.9 or later`));
      return true;
    });
    assert.equal((await store.all('SELECT 1 AS one FROM schema_migrations')).length, migrationCount + 1);
  });

  test(`${engine}: a dry run lists every pending migration with its SQL and changes nothing`, async (t) => {
    const store = await openStore(await fresh(), { migrate: false });
    t.after(() => store.close());
    const pending = await migrate(store, capabilities, { dryRun: true });
    assert.equal(pending.length, migrationCount);
    assert.ok(pending.some((m) => m.capability === 'journal' && /CREATE TABLE journal_events/.test(m.sql)));
    await assert.rejects(store.all('SELECT 1 FROM schema_migrations'), 'a dry run creates not even the ledger');
    assert.equal((await migrate(store, capabilities)).length, migrationCount);
  });

  test(`${engine}: runs and their leases are kept; a halted run keeps its halted status after it ends`, async (t) => {
    const location = await fresh();
    const store = await opened(t, location);
    const runs = new RunStore(store);
    await runs.recordStart({ id: 'r1', title: 'first', file: 'a.yaml', folder: '/runs/r1', startedAt: '2026-01-01T00:00:00.000Z', pid: 1 });
    await runs.recordStart({ id: 'r2', title: 'second', file: 'b.yaml', folder: '/runs/r2', startedAt: '2026-01-01T00:01:00.000Z', pid: 2 });
    await runs.recordLease({ runId: 'r2', controlUrl: 'http://127.0.0.1:1', leaseId: 'L', token: null });
    await runs.recordLease({ runId: 'r2', controlUrl: 'http://127.0.0.1:1', leaseId: 'L', token: null });
    assert.equal(await runs.statusOf('r2'), 'running');
    await runs.recordEnd('r1', { endedAt: '2026-01-01T00:00:05.000Z', verdict: 'held', exitCode: 0, journal: { runId: 'r1' } });
    await runs.markHalted('r2');
    await runs.recordEnd('r2', { endedAt: '2026-01-01T00:01:05.000Z', verdict: 'aborted', exitCode: 2, journal: {} });
    await store.close();

    const again = new RunStore(await opened(t, location));
    assert.deepEqual((await again.recent()).map((r) => [r.id, r.verdict, r.exitCode, r.status, r.pid]), [
      ['r2', 'aborted', 2, 'halted', 2],
      ['r1', 'held', 0, 'ended', 1],
    ]);
    assert.deepEqual(await again.journal('r1'), { runId: 'r1' });
    assert.deepEqual(await again.leasesOf('r2'), [{ runId: 'r2', controlUrl: 'http://127.0.0.1:1', leaseId: 'L', token: null }]);
    assert.deepEqual(await again.active(), []);
  });

  test(`${engine}: journal events come back in order; a batch written twice is stored once`, async (t) => {
    const store = await opened(t);
    await new RunStore(store).recordStart({ id: 'run-a', title: 'a', file: 'a.yaml', folder: '/a', startedAt: new Date().toISOString(), pid: 1 });
    const events = new JournalEventStore(store);
    const made = Array.from({ length: 1200 }, (_, i) => event(i + 1));
    await events.append('run-a', 1, made.slice(0, 700));
    await events.append('run-a', 501, made.slice(500, 1200));
    const firstPage = await events.eventsAfter('run-a', 0);
    const rest = await events.eventsAfter('run-a', firstPage.at(-1)!.seq);
    assert.deepEqual([...firstPage, ...rest].map((e) => e.seq), made.map((_, i) => i + 1));
    assert.deepEqual(rest.at(-1), { seq: 1200, ...made[1199] });
    assert.equal(await events.lastSeq('run-a'), 1200);
    assert.deepEqual(await events.eventsAfter('run-b', 0), []);
  });

  test(`${engine}: a reader on another connection follows a run's journal as it is written and stops at its end`, async (t) => {
    const location = await fresh();
    const writer = await opened(t, location);
    const reader = await opened(t, location);
    const runs = new RunStore(writer);
    await runs.recordStart({ id: 'live', title: 'live', file: 'l.yaml', folder: '/l', startedAt: new Date().toISOString(), pid: 1 });
    const seen: StoredJournalEvent[] = [];
    const following = (async () => {
      for await (const page of new JournalEventStore(reader).follow('live', { pollMs: 60_000 })) seen.push(...page);
    })();
    const journal = new JournalWriter(writer, 'live');
    journal.start();
    const started = Date.now();
    for (let i = 1; i <= 300; i++) {
      journal.add(event(i));
      if (i % 30 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // A notification, not the (one-minute) fallback poll, wakes the reader.
    while (seen.length < 300 && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(seen.length, 300, 'every event reached the reader while the run was still going');
    assert.deepEqual(await journal.drain(5000), { written: 300, unwritten: 0 });
    await runs.recordEnd('live', { endedAt: new Date().toISOString(), verdict: 'held', exitCode: 0, journal: {} });
    await following;
    assert.deepEqual(seen.map((e) => e.seq), Array.from({ length: 300 }, (_, i) => i + 1));
  });

  test(`${engine}: a run's live SLI samples and SLO checks reach a reader on another connection as they are measured, each once, in order`, async (t) => {
    const location = await fresh();
    const writer = await opened(t, location);
    const reader = await opened(t, location);
    const runs = new RunStore(writer);
    const startedAt = new Date(Date.now() - 60_000);
    await runs.recordStart({ id: 'slis', title: 'slis', file: 's.yaml', folder: '/s', startedAt: startedAt.toISOString(), pid: 1 });
    const seen: StoredSample[] = [];
    const following = (async () => {
      for await (const page of new RunSampleStore(reader).follow('slis', { pollMs: 60_000 })) seen.push(...page);
    })();
    const live = new RunSampleWriter(writer, 'slis', startedAt);
    live.start();
    const sample = (i: number) => ({ atMs: i * 200, load: i % 2 ? 'browse' : 'checkout', rate: 50, ok: 10, errors: i % 5 === 0 ? 1 : 0, dropped: 0, errorRate: i % 5 === 0 ? 1 / 11 : 0, p50: 3.5, p99: 12.25, max: 30 });
    for (let i = 1; i <= 100; i++) {
      live.addSample(i === 7 ? { ...sample(i), source: 'probe' as const } : sample(i));
      if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    live.addChecks({ atMs: 20_000, atEpochMs: startedAt.getTime() + 20_000, checks: [{ kind: 'guardrail', name: 'errors', sli: 'browse error-rate', expected: '<= 10%', measured: '9.1%', value: 0.091, ok: true }] });
    const deadline = Date.now() + 10_000;
    while (seen.length < 100 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(seen.length, 100, 'every sample reached the reader while the run was still going');
    assert.deepEqual(seen[6], { seq: 7, atEpochMs: startedAt.getTime() + 1400, ...sample(7), source: 'probe' });
    assert.deepEqual(seen[9], { seq: 10, atEpochMs: startedAt.getTime() + 2000, ...sample(10) });
    assert.deepEqual(await live.drain(5000), { written: 101, unwritten: 0 });
    const samples = new RunSampleStore(reader);
    assert.deepEqual((await samples.samplesSince('slis', startedAt.getTime() + 19_000)).map((s) => s.seq), [95, 96, 97, 98, 99, 100]);
    assert.deepEqual((await samples.latestOfEachSeries('slis')).map((s) => [s.load, s.seq]), [['browse', 99], ['checkout', 100]]);
    assert.deepEqual((await samples.latestChecks('slis'))?.checks.map((c) => [c.name, c.measured, c.ok]), [['errors', '9.1%', true]]);
    // A batch retried after a lost answer is stored once.
    await new RunSampleStore(writer).append('slis', 99, [99, 100, 101].map((i) => ({ ...sample(i), atEpochMs: startedAt.getTime() + i * 200 })));
    assert.deepEqual((await samples.samplesAfter('slis', 98)).map((s) => s.seq), [99, 100, 101]);
    await runs.recordEnd('slis', { endedAt: new Date().toISOString(), verdict: 'held', exitCode: 0, journal: {} });
    await following;
    assert.deepEqual(seen.map((s) => s.seq), Array.from({ length: seen.length }, (_, i) => i + 1));
  });

  test(`${engine}: transactions hold the write lock, so read-then-writes from two connections never lose an update`, async (t) => {
    const location = await fresh();
    const a = await opened(t, location);
    const b = await opened(t, location);
    await a.exec('CREATE TABLE test_counter (n INTEGER NOT NULL)');
    await a.run('INSERT INTO test_counter (n) VALUES (0)');
    const bump = (store: Store) =>
      store.transaction(async (tx) => {
        const { n } = (await tx.get<{ n: number }>('SELECT n FROM test_counter'))!;
        await new Promise((resolve) => setTimeout(resolve, 2));
        await tx.run('UPDATE test_counter SET n = ?', [n + 1]);
      });
    await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 ? a : b)));
    assert.equal((await a.get<{ n: number }>('SELECT n FROM test_counter'))!.n, 20);
    await assert.rejects(
      a.transaction(async (tx) => {
        await tx.run('UPDATE test_counter SET n = 0');
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.equal((await b.get<{ n: number }>('SELECT n FROM test_counter'))!.n, 20, 'a failed transaction is rolled back');
  });

  test(`${engine}: work is held by one control room at a time and moves to another when the holder leaves`, async (t) => {
    const location = await fresh();
    const [a, b] = [await opened(t, location), await opened(t, location)];
    const roomA = await ControlRoom.join(a);
    const roomB = await ControlRoom.join(b);
    t.after(() => Promise.all([roomA.leave(), roomB.leave()]));
    const events: string[] = [];
    const holdA = roomA.hold('test-work', { acquired: (atStart) => void events.push(`A ${atStart}`), lost: () => void events.push('A lost') });
    await holdA.ready;
    const holdB = roomB.hold('test-work', { acquired: (atStart) => void events.push(`B ${atStart}`), lost: () => void events.push('B lost') });
    await holdB.ready;
    assert.deepEqual([holdA.held, holdB.held, events], [true, false, ['A true']]);
    assert.equal(await roomA.others(), 1);
    const left = Date.now();
    await roomA.leave();
    while (!holdB.held && Date.now() - left < 5000) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(events, ['A true', 'A lost', 'B false'], 'B takes over, and knows it is a takeover');
    assert.equal(await roomB.others(), 0);
  });

  test(`${engine}: lever changes made through one connection reach the board of another, in audit order`, async (t) => {
    const location = await fresh();
    const here = await LeverBoard.open(await opened(t, location), quiet);
    const there = await LeverBoard.open(await opened(t, location), quiet);
    t.after(() => Promise.all([here.close({ releaseLeases: false }), there.close({ releaseLeases: false })]));
    const heard: Array<LeverEvent & { type: 'change' }> = [];
    there.subscribe((event) => heard.push(event));
    await here.declare({ name: 'disable-ads', description: 'stop calling the ad service' });
    const lease = await here.leases.create('run 1', 5000);
    await here.pull('disable-ads', { by: 'run 1', reason: 'step' }, lease.id);
    const renewed = await there.leases.renew(lease.id);
    assert.ok(Date.parse(renewed.expires_at) >= Date.parse(lease.expires_at), 'either room renews a lease');
    assert.deepEqual((await there.leases.list()).map((l) => [l.owner, l.faults]), [['run 1', ['lever disable-ads: pull']]], 'leases are in the store');
    await there.leases.release(lease.id);
    const started = Date.now();
    while (heard.length < 3 && Date.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(
      heard.map((e) => [e.action, e.changed, e.lever.state, e.lever.changed_by]),
      [
        ['declare', true, 'reset', null],
        ['pull', true, 'pulled', 'run 1'],
        ['reset', true, 'reset', 'lease-release'],
      ],
    );
    assert.ok(heard[0].seq < heard[1].seq && heard[1].seq < heard[2].seq);
  });

  test(`${engine}: kill -9 of a writer loses no committed journal event`, async (t) => {
    const location = await fresh();
    const child = spawn(process.execPath, [join(repoRoot, 'dist/test/store/journal-appender.js'), location, 'killed'], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => void child.kill('SIGKILL'));
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    const committed = () => [...out.matchAll(/committed (\d+)\n/g)].map((match) => Number(match[1]));
    const started = Date.now();
    while (committed().length < 40 && Date.now() - started < 30_000) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGKILL');
    await once(child, 'exit');
    const last = Math.max(...committed());
    assert.ok(last >= 200, `the writer committed ${last} events before it was killed`);
    const store = await opened(t, location);
    const stored = (await store.all<{ seq: number }>('SELECT seq FROM journal_events WHERE run_id = ? ORDER BY seq', ['killed'])).map((row) => Number(row.seq));
    assert.ok(stored.length >= last, `committed ${last}, stored ${stored.length}`);
    assert.deepEqual(stored.slice(0, last), Array.from({ length: last }, (_, i) => i + 1), 'every committed event is there, in order, once');
  });
}

function event(n: number) {
  return { atMs: n * 1.5, at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, n)).toISOString(), type: 'step.start', message: `step ${n}`, data: { n, nested: { ok: true } } };
}
