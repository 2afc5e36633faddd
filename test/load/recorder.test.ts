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
