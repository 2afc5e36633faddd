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
  const { url, server } = await startServer(t, (_req, res) => res.end('ok'));
  server.on('connection', () => open++);
  const summary = await runLoad({ url, model: 'closed', connections: 4, durationMs: 1000 });
  // One connection more than the loops: the reachability check before any request.
  assert.equal(open, 4 + 1);
  assert.ok(summary.requests > 100, `requests ${summary.requests}`);
  assert.equal(summary.ok, summary.requests);
  assert.equal(summary.dropped, 0);
  assert.equal(summary.targetRate, null);
});

test('cancelling stops the load at once and still returns a summary of what ran', async (t) => {
  const { url } = await startServer(t, (_req, res) => res.end('ok'));
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 700);
  const started = Date.now();
  const summary = await runLoad({ url, rate: 100, durationMs: 30_000, signal: controller.signal });
  const took = Date.now() - started;
  assert.equal(summary.cancelled, true);
  assert.ok(took < 700 + 500, `stopped after ${took} ms`);
  assert.ok(summary.requests >= 40 && summary.requests <= 100, `requests ${summary.requests}`);
});

test('samples arrive at the requested interval and add up to the summary', async (t) => {
  const { url } = await startServer(t, (_req, res) => res.end('ok'));
  const atMs: number[] = [];
  let histogramCount = 0;
  const summary = await runLoad({ url, rate: 400, durationMs: 1000, sampleIntervalMs: 250 }, (sample) => {
    atMs.push(sample.atMs);
    histogramCount += sample.histogram.totalCount;
  });
  assert.ok(atMs.length >= 4 && atMs.length <= 6, `samples at ${atMs}`);
  assert.ok(Math.abs(atMs[0] - 250) < 100 && Math.abs(atMs[1] - 500) < 100, `samples at ${atMs}`);
  assert.equal(summary.samples.reduce((sum, s) => sum + s.completed, 0), summary.requests);
  assert.equal(histogramCount, summary.requests);
});

test('cancelling stops at once even while the scheduler sleeps until a distant next arrival', async (t) => {
  const { url } = await startServer(t, (_req, res) => res.end('ok'));
  for (const model of ['open', 'closed'] as const) {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const summary = await runLoad({ url, model, rate: 0.5, connections: 2, durationMs: 60_000, signal: controller.signal });
    const took = Date.now() - started;
    assert.equal(summary.cancelled, true);
    assert.ok(took < 300 + 250, `${model}: stopped after ${took} ms`);
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
