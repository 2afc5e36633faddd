// Acceptance: the open model keeps its arrival rate against a real server, and ramps as declared.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLoad } from '../../src/load/run-load.js';
import type { LoadSample } from '../../src/load/types.js';
import { startChildServer, startServer } from './servers.js';

for (const rate of [200, 2000]) {
  test(`the open model completes ${rate}/s within 1 % over a 4 s run`, async (t) => {
    const { url, served } = await startChildServer(t);
    const durationMs = 4000;
    // A cap high enough that a starved machine shows up as latency, not as drops, in this test.
    const summary = await runLoad({ url, rate, durationMs, timeoutMs: 10_000, maxInFlight: 10_000 });
    const expected = (rate * durationMs) / 1000;
    assert.equal(summary.dropped, 0);
    assert.equal(summary.ok, summary.requests);
    assert.ok(Math.abs(summary.requests - expected) <= expected * 0.01, `completed ${summary.requests} of ${expected}`);
    const seen = await served();
    assert.ok(Math.abs(seen - expected) <= expected * 0.01, `server saw ${seen}`);
    assert.ok(summary.durationMs >= durationMs && summary.durationMs < durationMs + 5000, `took ${summary.durationMs} ms`);
  });
}

test('stages ramp as declared: per-second arrivals follow the ramp up, the hold and the ramp down', async (t) => {
  const { url } = await startServer(t, (_req, res) => res.end('ok'));
  const samples: LoadSample[] = [];
  const summary = await runLoad(
    { url, stages: [{ durationMs: 2000, targetRate: 400 }, { durationMs: 1000, targetRate: 400 }, { durationMs: 2000, targetRate: 0 }] },
    (sample) => samples.push(sample),
  );
  assert.equal(summary.requests, 400 + 400 + 400);
  // Arrivals per second: ramp 0→400 gives 100 then 300; hold 400; ramp down 300 then 100.
  const scheduled = samples.slice(0, 5).map((s) => s.scheduled);
  const expected = [100, 300, 400, 300, 100];
  scheduled.forEach((count, i) => {
    assert.ok(Math.abs(count - expected[i]) <= 25, `second ${i}: ${count} arrivals, expected about ${expected[i]} (all: ${scheduled})`);
  });
});
