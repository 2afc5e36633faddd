import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLoad } from '../../src/load/run-load.js';
import { startServer } from './servers.js';

test('arrivals beyond the in-flight cap are counted as dropped and every arrival is accounted for', async (t) => {
  // Each answer takes 200 ms; at 100/s about 20 would be in flight, the cap allows 5.
  const { url } = await startServer(t, (_req, res) => setTimeout(() => res.end('slow'), 200));
  const summary = await runLoad({ url, rate: 100, durationMs: 2000, maxInFlight: 5, connections: 5 });
  assert.ok(summary.dropped >= 100, `dropped ${summary.dropped}`);
  assert.equal(summary.requests + summary.dropped, 200);
  assert.equal(summary.ok, summary.requests);
  const perSample = summary.samples.reduce((sum, s) => sum + s.dropped, 0);
  assert.equal(perSample, summary.dropped);
});

test('the closed model keeps every connection busy and never drops', async (t) => {
  let open = 0;
  const perConnection = new Map<object, number>();
  const { url, server } = await startServer(t, (req, res) => {
    perConnection.set(req.socket, (perConnection.get(req.socket) ?? 0) + 1);
    res.end('ok');
  });
  server.on('connection', () => open++);
  const summary = await runLoad({ url, model: 'closed', connections: 4, durationMs: 1000 });
  // One connection more than the loops: the reachability check before any request.
  assert.equal(open, 4 + 1);
  // Busy: back to back on every connection, each carrying about a quarter (however fast the machine).
  const counts = [...perConnection.values()];
  assert.ok(summary.requests >= 40, `requests ${summary.requests}`);
  assert.equal(counts.length, 4);
  assert.ok(counts.every((n) => n >= summary.requests / 8), `requests per connection ${counts}`);
  assert.equal(summary.ok, summary.requests);
  assert.equal(summary.dropped, 0);
  assert.equal(summary.targetRate, null);
});

test('cancelling stops the load at once and still returns a summary of what ran', async (t) => {
  const { url } = await startServer(t, (_req, res) => res.end('ok'));
  const controller = new AbortController();
  // Measured from the moment the abort actually happens: on a busy machine the timer itself may be late.
  let abortedAt = 0;
  setTimeout(() => {
    abortedAt = performance.now();
    controller.abort();
  }, 700);
  const summary = await runLoad({ url, rate: 100, durationMs: 30_000, signal: controller.signal });
  const took = performance.now() - abortedAt;
  assert.equal(summary.cancelled, true);
  assert.ok(took < 300, `stopped ${Math.round(took)} ms after the abort`);
  // Arrivals are due 10 ms apart: about 70 by the abort, more if the abort came late, never 30 s worth.
  // (On a starved machine many may still be in flight when cancelled: those are not counted.)
  const due = (summary.durationMs * 100) / 1000;
  assert.ok(summary.scheduled >= 40 && summary.scheduled <= due + 2, `scheduled ${summary.scheduled}, ${due} due in ${summary.durationMs} ms`);
  assert.ok(summary.requests >= 1 && summary.requests <= summary.scheduled, `requests ${summary.requests} of ${summary.scheduled} scheduled`);
});

test('samples arrive at the requested interval and add up to the summary', async (t) => {
  const { url } = await startServer(t, (_req, res) => res.end('ok'));
  const atMs: number[] = [];
  const scheduled: number[] = [];
  let histogramCount = 0;
  const summary = await runLoad({ url, rate: 400, durationMs: 1000, sampleIntervalMs: 250 }, (sample) => {
    atMs.push(sample.atMs);
    scheduled.push(sample.scheduled);
    histogramCount += sample.histogram.totalCount;
  });
  // Each sample closes a grid point start + k·250 ms (never before it; one late timer makes one longer
  // sample), and reports exactly the arrivals due before that point: 100 per 250 ms at 400/s.
  const shown = `samples at ${atMs} ms, scheduled ${scheduled}`;
  const closes = atMs.map((at, i) => (i === atMs.length - 1 ? 1000 : Math.min(1000, Math.floor(at / 250) * 250)));
  assert.ok(closes[0] >= 250, shown);
  closes.forEach((closesMs, i) => assert.equal(scheduled[i], ((closesMs - (i === 0 ? 0 : closes[i - 1])) / 250) * 100, shown));
  assert.ok(atMs.every((at, i) => i === 0 || at > atMs[i - 1]), shown);
  // Not drifting: on an unstalled machine every sample is a few ms after its grid point; allow a stall.
  const lags = atMs.slice(0, -1).map((at) => at % 250).sort((a, b) => a - b);
  assert.ok(lags.length === 0 || lags[Math.floor(lags.length / 2)] < 100, shown);
  assert.equal(scheduled.reduce((sum, n) => sum + n, 0), 400);
  assert.equal(summary.samples.reduce((sum, s) => sum + s.completed, 0), summary.requests);
  assert.equal(histogramCount, summary.requests);
});

test('cancelling stops at once even while the scheduler sleeps until a distant next arrival', async (t) => {
  const { url } = await startServer(t, (_req, res) => res.end('ok'));
  for (const model of ['open', 'closed'] as const) {
    const controller = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, 300);
    const summary = await runLoad({ url, model, rate: 0.5, connections: 2, durationMs: 60_000, signal: controller.signal });
    const took = performance.now() - abortedAt;
    assert.equal(summary.cancelled, true);
    assert.ok(abortedAt > 0 && took < 250, `${model}: stopped ${Math.round(took)} ms after the abort`);
  }
});

test('a signal aborted before the start sends nothing and returns an empty cancelled summary', async (t) => {
  let connections = 0;
  const { url, server } = await startServer(t, (_req, res) => res.end('ok'));
  server.on('connection', () => connections++);
  for (const model of ['open', 'closed'] as const) {
    const summary = await runLoad({ url, model, rate: 100, durationMs: 5000, signal: AbortSignal.abort() });
    assert.equal(summary.cancelled, true);
    assert.equal(summary.requests, 0);
  }
  assert.equal(connections, 0);
});
