import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Recorder } from '../../src/load/recorder.js';

test('latency counts from the intended start and service time from the send, per interval and in total', () => {
  const recorder = new Recorder(1000);
  // 99 quick answers sent on time, then one that was due at 1100 ms but only sent at 1900 ms.
  for (let i = 0; i < 99; i++) recorder.response(200, 1000 + i, 1000 + i, 1000 + i + 2, 10);
  recorder.response(200, 1100, 1900, 1902, 10);
  const first = recorder.takeSample(2000);
  assert.equal(first.completed, 100);
  assert.equal(first.ok, 100);
  assert.equal(first.latency.p50, 2);
  assert.ok(Math.abs(first.latency.max - 802) < 1, `max ${first.latency.max}`);
  assert.equal(first.serviceTime.max, 2);
  assert.ok(Math.abs(first.latency.mean - (99 * 2 + 802) / 100) < 0.01);
  assert.equal(first.histogram.totalCount, 100);

  recorder.failure('timeout', 2000, 2000, 2500);
  recorder.failure('refused', 2100, 0, 2101);
  recorder.response(503, 2200, 2200, 2210, 5);
  const second = recorder.takeSample(3000);
  assert.deepEqual([second.completed, second.ok, second.errors.timeout, second.errors.refused, second.errors.status_5xx], [3, 0, 1, 1, 1]);
  // The refused request has no latency; the timeout and the 503 do.
  assert.equal(second.histogram.totalCount, 2);
  assert.equal(second.atMs, 2000);
  assert.equal(second.achievedRate, 3);

  const totals = recorder.totals();
  assert.equal(totals.requests, 103);
  assert.equal(totals.latencyHistogram.totalCount, 102);
  assert.equal(totals.bytesReceived, 99 * 10 + 10 + 5);
  assert.ok(Math.abs(totals.latency.max - 802) < 1);
});

test('a sample reports the arrivals due before the grid point it closes, however late they were started', () => {
  const recorder = new Recorder(5000.3, 1000);
  // Due in the first second, but started late (after the sample timer should have fired).
  for (let i = 0; i < 10; i++) recorder.scheduled(5000.3 + i * 100);
  recorder.dropped(5000.3 + 900);
  // Due in the second second already (the sampler runs late, after the scheduler caught up).
  recorder.scheduled(5000.3 + 1000);
  recorder.scheduled(5000.3 + 1500);
  const first = recorder.takeSample(6600, 6000.3);
  assert.deepEqual([first.scheduled, first.dropped], [10, 1]);
  assert.equal(recorder.intervalIsEmpty, false);
  const second = recorder.takeSample(7001, 7000.3);
  assert.deepEqual([second.scheduled, second.dropped], [2, 0]);
  // The last sample (no grid point) reports everything left.
  recorder.scheduled(5000.3 + 2100);
  assert.equal(recorder.takeSample(7200).scheduled, 1);
  assert.equal(recorder.totals().scheduled, 13);
  assert.equal(recorder.totals().dropped, 1);
});
