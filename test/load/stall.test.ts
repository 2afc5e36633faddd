// Acceptance: coordinated omission. A server process frozen for 1 s (SIGSTOP, then SIGCONT) must show
// in the latency measured from intended start times, while the plain service time of most requests
// stays small: the arrivals queued behind the stall were not *sent* during it, only *due*.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLoad } from '../../src/load/run-load.js';
import { startChildServer } from './servers.js';

test('a 1 s server stall shows in the corrected p99.9 and max, but not in the service-time p50', async (t) => {
  const { url, child } = await startChildServer(t);
  setTimeout(() => {
    child.kill('SIGSTOP');
    setTimeout(() => child.kill('SIGCONT'), 1000);
  }, 1500);
  const summary = await runLoad({ url, rate: 200, durationMs: 4000, connections: 4, timeoutMs: 5000 });
  assert.equal(summary.requests, 800);
  assert.equal(summary.ok, 800);
  assert.equal(summary.dropped, 0);
  assert.ok(summary.latency.max >= 900, `corrected max ${summary.latency.max} ms`);
  assert.ok(summary.latency.p999 >= 900, `corrected p99.9 ${summary.latency.p999} ms`);
  // About 200 arrivals fell due during the stall: several percent of the run waited hundreds of ms.
  assert.ok(summary.latency.p90 >= 100, `corrected p90 ${summary.latency.p90} ms`);
  assert.ok(summary.serviceTime.p50 < 50, `service-time p50 ${summary.serviceTime.p50} ms`);
  // Only the requests on the 4 connections when the server froze (0.5 % of the run) were in service
  // for the whole stall; the rest waited for a connection, and that wait is not service time.
  assert.ok(summary.serviceTime.p99 < 300, `service-time p99 ${summary.serviceTime.p99} ms`);
  assert.ok(summary.serviceTime.max >= 900, `service-time max ${summary.serviceTime.max} ms`);
});
