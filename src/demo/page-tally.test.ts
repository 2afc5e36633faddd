import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describePages, PageTally, pagesBetween } from './page-tally.js';

// A real HTTP server plays an assembler's /metrics, so the tally is tested over the wire it reads in the demo.
function exposition(full: number, degraded: number, timeouts: number): string {
  return [
    '# HELP gameday_demo_pages_total Product pages served, by outcome',
    '# TYPE gameday_demo_pages_total counter',
    `gameday_demo_pages_total{outcome="full",service="assembler",region="us-east",instance="a/0"} ${full}`,
    `gameday_demo_pages_total{outcome="degraded",service="assembler",region="us-east",instance="a/0"} ${degraded}`,
    `gameday_demo_pages_total{outcome="failed",service="assembler",region="us-east",instance="a/0"} 0`,
    `gameday_demo_dependency_calls_total{dependency="recommendations",outcome="ok",service="assembler"} ${full}`,
    `gameday_demo_dependency_calls_total{dependency="recommendations",outcome="timeout",service="assembler"} ${timeouts}`,
    'gameday_demo_page_duration_seconds_count{outcome="full"} 99',
  ].join('\n');
}

test('the tally sums pages across assemblers, names what was shed, and survives a restarted assembler', async (t) => {
  let body = exposition(10, 0, 0);
  const server = createServer((_request, response) => response.end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  const tally = new PageTally(() => [url, url.replace('/metrics', '/metrics?second')]);

  const start = await tally.read();
  assert.deepEqual(start, { full: 20, degraded: 0, failed: 0, shed: {} });
  body = exposition(15, 4, 4);
  const later = await tally.read();
  assert.deepEqual(pagesBetween(start, later), { full: 10, degraded: 8, failed: 0, shed: { recommendations: { timeout: 8 } } });
  // A restart starts the counters at zero: the new values are all new pages, never a negative count.
  body = exposition(2, 1, 1);
  const afterRestart = await tally.read();
  assert.deepEqual(pagesBetween(later, afterRestart), { full: 4, degraded: 2, failed: 0, shed: { recommendations: { timeout: 2 } } });
  assert.equal(describePages(pagesBetween(start, later)), '18 pages: 10 full, 8 degraded, 0 failed (recommendations timeout 8)');
});

test('an assembler that cannot be reached is skipped, not counted as zero', async () => {
  const tally = new PageTally(() => ['http://127.0.0.1:9/metrics']);
  assert.deepEqual(await tally.read(), { full: 0, degraded: 0, failed: 0, shed: {} });
});
