// The status page's history on every engine (run by test/store/sqlite.test.ts and postgres.test.ts): facts
// appended and read back in order and announced on the `status` channel, declarations in force, samples
// summarised by the minute, days rolled up, and a run's live samples read back as a drill.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { singleLatency, windowStats, type SliPoint } from '../../src/experiment/sli.js';
import { openStore } from '../../src/store/database.js';
import type { Store } from '../../src/store/engine.js';
import { RunSampleStore, RunSampleWriter } from '../../src/store/run-samples.js';
import { RunStore } from '../../src/store/runs.js';
import type { StatusConfig } from '../../src/status/config.js';
import { changes, StatusFacts } from '../../src/status/facts.js';
import { StatusHistory } from '../../src/status/history.js';
import { DAY_MS, rollUpDays, uptimeDays } from '../../src/status/uptime.js';

const config: StatusConfig = {
  page: { name: 'Shop' },
  monitors: {
    page: { http: { url: 'http://127.0.0.1:9/', method: 'GET', timeout: 1000, every: 1000, expect: { status: '200-399' } } },
    drill: { run: { load: 'shoppers' } },
  },
  components: [
    { id: 'product-page', name: 'Product page', slis: [{ sli: 'availability', monitor: 'page', window: 60_000, operational: 0.99 }] },
    { id: 'checkout', name: 'Checkout', slis: [{ sli: 'availability', monitor: 'drill', window: 5000, operational: 0.99 }] },
  ],
};

export function statusStoreSuite(engine: 'sqlite' | 'postgres', fresh: () => Promise<string>): void {
  const opened = async (t: { after(fn: () => unknown): void }, location?: string): Promise<Store> => {
    const store = await openStore(location ?? (await fresh()));
    t.after(() => store.close());
    return store;
  };

  test(`${engine}: status changes are appended, read back in order by the history reader, and announced on the status channel`, async (t) => {
    const location = await fresh();
    const writer = await opened(t, location);
    const listener = await opened(t, location);
    const heard: Array<string | undefined> = [];
    const unsubscribe = await listener.subscribe('status', (payload) => heard.push(payload));
    t.after(unsubscribe);
    const facts = new StatusFacts(writer);
    const base = Date.UTC(2026, 10, 30, 12, 0, 0, 0);
    await facts.append(
      [
        { component: 'checkout', from: null, to: 'operational', atMs: base, source: 'monitor page', sli: 'availability 100% over 1m' },
        { component: 'product-page', from: null, to: 'operational', atMs: base + 1, source: 'monitor page', sli: 'availability 100% over 1m' },
        { component: 'checkout', from: 'operational', to: 'major_outage', atMs: base + 5123, source: 'monitor page', sli: 'availability 12% over 1m' },
      ],
      ['http://127.0.0.1:9/hook'],
    );
    const checkout = await changes(writer, { components: ['checkout'], fromMs: base, toMs: base + 10_000 });
    assert.deepEqual(
      checkout.map((c) => [c.from, c.to, c.at, c.source, c.sli]),
      [
        [null, 'operational', '2026-11-30T12:00:00.000Z', 'monitor page', 'availability 100% over 1m'],
        ['operational', 'major_outage', '2026-11-30T12:00:05.123Z', 'monitor page', 'availability 12% over 1m'],
      ],
    );
    assert.equal((await changes(writer, { fromMs: base, toMs: base + 1 })).length, 1, 'toMs is exclusive');
    assert.equal((await new StatusFacts(listener).last()).get('checkout')?.to, 'major_outage');
    const deliveries = await writer.all<{ change_seq: number }>('SELECT change_seq FROM status_deliveries ORDER BY change_seq');
    assert.equal(deliveries.length, 3, 'one delivery per change per webhook, queued with the change');
    const started = Date.now();
    while (heard.length === 0 && Date.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(heard.length > 0, 'another connection hears of the changes');
  });

  test(`${engine}: the declaration in force is the newest per component, and a clearing ends it`, async (t) => {
    const facts = new StatusFacts(await opened(t));
    await facts.declare({ component: 'checkout', status: 'partial_outage', message: 'card payments fail for some', author: 'alice' });
    await facts.declare({ component: 'checkout', status: 'major_outage', message: 'all card payments fail', author: 'bob' });
    await facts.declare({ component: 'product-page', status: null, message: 'images are slow', author: 'carol' });
    let inForce = await facts.declarations();
    assert.deepEqual([...inForce.values()].map((d) => [d.component, d.status, d.author]).sort(), [
      ['checkout', 'major_outage', 'bob'],
      ['product-page', null, 'carol'],
    ]);
    await facts.declare({ component: 'checkout', status: null, message: 'fixed', author: 'alice', cleared: true });
    inForce = await facts.declarations();
    assert.deepEqual([...inForce.keys()], ['product-page']);
    assert.equal((await facts.recentDeclarations(10)).length, 4, 'every declaration stays in the history');
  });

  test(`${engine}: monitor samples are read back within their window, summarised by the minute, and pruned`, async (t) => {
    const store = await opened(t);
    const history = new StatusHistory(store);
    await history.publish(config, 'status.yaml');
    assert.equal((await history.published())?.config.components.length, 2);
    const minute = Date.UTC(2026, 10, 30, 12, 0, 0, 0);
    const points = Array.from({ length: 120 }, (_, i) => ({
      monitor: 'page',
      kind: 'point' as const,
      point: { atMs: minute + i * 1000 + 500, intervalMs: 1000, ok: i % 10 === 0 ? 0 : 1, errors: i % 10 === 0 ? 1 : 0, dropped: 0, latency: singleLatency(1000 + i) },
    }));
    await history.appendSamples([...points, { monitor: 'page', kind: 'error', atMs: minute + 119_900, intervalMs: 1000, error: 'connection refused' }]);
    const data = await history.monitorData(config, minute + 120_000);
    assert.equal(data.get('page')!.points.length, 60, 'the last minute (the longest window)');
    assert.equal(data.get('page')!.lastError?.error, 'connection refused');
    await history.prune(minute + 60_000);
    const count = async () => Number((await store.get<{ n: number }>('SELECT COUNT(*) AS n FROM status_samples'))!.n);
    assert.equal(await count(), 61, 'raw samples after the cut stay');
    await history.prune(minute + 120_000);
    const summaries = await history.minutes('page', minute, minute + 120_000);
    assert.deepEqual(summaries.map((s) => [s.samples, s.ok, s.errors, s.latency?.total]), [
      [60, 54, 6, 60],
      [60, 54, 6, 60],
    ]);
    assert.equal(await count(), 0, 'raw samples before the cut are gone, their minutes summarised');
  });

  test(`${engine}: whole days are rolled up from the changes, and uptime leaves out what was not measured`, async (t) => {
    const store = await opened(t);
    const facts = new StatusFacts(store);
    const day = Date.UTC(2026, 10, 28);
    await facts.append(
      [
        { component: 'checkout', from: null, to: 'operational', atMs: day + 6 * 3600_000, source: 'monitor page', sli: null },
        { component: 'checkout', from: 'operational', to: 'major_outage', atMs: day + 12 * 3600_000, source: 'monitor page', sli: null },
        { component: 'checkout', from: 'major_outage', to: 'operational', atMs: day + 13 * 3600_000, source: 'monitor page', sli: null },
      ],
      [],
    );
    const now = day + 2 * DAY_MS + 3600_000;
    assert.equal(await rollUpDays(store, ['checkout'], now), 2);
    assert.equal(await rollUpDays(store, ['checkout'], now), 0, 'a day is rolled up once');
    const bars = (await uptimeDays(store, ['checkout'], 3, now)).get('checkout')!;
    assert.deepEqual(bars.map((b) => [b.day, b.worst]), [
      ['2026-11-28', 'major_outage'],
      ['2026-11-29', 'operational'],
      ['2026-11-30', 'operational'],
    ]);
    assert.equal(bars[0].time.no_data, 6 * 3600_000);
    assert.equal(bars[0].uptime, 17 / 18, '17 of the 18 measured hours were up');
    const excluded = (await uptimeDays(store, ['checkout'], 3, now, async () => [{ fromMs: day + 12 * 3600_000, toMs: day + 13 * 3600_000 }])).get('checkout')!;
    assert.equal(excluded[0].uptime, 1, 'an excluded hour (a drill) leaves the share');
  });

  test(`${engine}: a run's live samples, with their buckets, reach the status page as a drill while the run is running, and their buckets go when it ends`, async (t) => {
    const store = await opened(t);
    const runs = new RunStore(store);
    const startedAt = Date.now() - 3000;
    await runs.recordStart({ id: 'drill-1', title: 'peak', file: 'peak.yaml', folder: '/tmp/x', startedAt: new Date(startedAt).toISOString(), pid: process.pid });
    const writer = new RunSampleWriter(store, 'drill-1', new Date(startedAt));
    writer.start();
    const publish = (load: string, point: SliPoint, probe = false) =>
      writer.addSample({ atMs: point.atMs, load, ...(probe ? { source: 'probe' as const } : {}), rate: 95, ok: point.ok, errors: point.errors, dropped: 0, errorRate: 0.05, p50: 5, p99: 5, max: 5 }, point);
    const points = Array.from({ length: 10 }, (_, i): SliPoint => ({ atMs: 2100 + i * 100, intervalMs: 200, ok: 19, errors: 1, dropped: 0, latency: singleLatency(5000 + i * 1000) }));
    for (const point of points) publish('shoppers', point);
    publish('other', { atMs: 2900, intervalMs: 200, ok: 1, errors: 0, dropped: 0, latency: singleLatency(5000) });
    publish('shoppers', { atMs: 2950, intervalMs: 1000, ok: 0, errors: 1, dropped: 0, latency: singleLatency(9_000_000) }, true);
    assert.equal((await writer.drain(5000)).unwritten, 0);
    const history = new StatusHistory(store);
    let data = await history.monitorData(config, Date.now());
    assert.deepEqual(data.get('drill')!.runs, ['drill-1']);
    const read = data.get('drill')!.points;
    assert.equal(read.length, 10, 'only the load the monitor names, never a probe of the same name');
    assert.deepEqual(
      read.map((p) => [p.atMs, p.intervalMs, p.ok, p.errors]),
      points.map((p) => [startedAt + p.atMs, 200, 19, 1]),
      'wall-clock times, intervals and counts as measured',
    );
    assert.equal(windowStats(read).latencyMs!.p90, 13, "the window's p90 from the merged buckets of its samples");
    await runs.recordEnd('drill-1', { endedAt: new Date().toISOString(), verdict: 'held', exitCode: 0, journal: {} });
    data = await history.monitorData(config, Date.now());
    assert.deepEqual(data.get('drill')!.runs, [], 'an ended run is no longer live');
    await writer.ended();
    assert.deepEqual(await store.all('SELECT seq FROM run_sample_buckets'), [], "an ended run's buckets go");
    assert.equal((await store.all('SELECT seq FROM run_samples')).length, 12, 'its samples stay for the dashboard');
  });

  test(`${engine}: the buckets of a run that never recorded its end are pruned after their time`, async (t) => {
    const store = await opened(t);
    const startedAt = Date.now() - 10_000;
    await new RunStore(store).recordStart({ id: 'killed', title: 'peak', file: 'peak.yaml', folder: '/tmp/x', startedAt: new Date(startedAt).toISOString(), pid: 1 });
    const samples = new RunSampleStore(store);
    const sample = (atMs: number) => ({ atMs, atEpochMs: startedAt + atMs, load: 'shoppers', rate: 5, ok: 1, errors: 0, dropped: 0, errorRate: 0, p50: 1, p99: 1, max: 1, window: { intervalMs: 200, latency: singleLatency(1000) } });
    await samples.append('killed', 1, [sample(1000), sample(2000), sample(9000)]);
    assert.equal(await samples.pruneBuckets(startedAt + 5000), 2);
    assert.deepEqual((await samples.liveSamples(['shoppers'], 0)).map((s) => s.atMs), [startedAt + 9000], 'a sample without its buckets is not read for a window');
  });
}
