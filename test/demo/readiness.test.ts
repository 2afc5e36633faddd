// The readiness wait against a gateway stand-in on real sockets: a region that cannot serve on its own
// keeps the world from being called ready, the wait says what it is waiting for, and the bound ends it
// with an error that names the region and why.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { waitUntilReady, WorldNotReadyError } from '../../src/demo/readiness.js';

interface RegionState {
  available: number;
  instances: number;
  outcome: 'full' | 'degraded';
}

/** Serves pinned pages (data plane) and GET /regions (control API) from one port, as `regions` say. */
async function gatewayStandIn(regions: Record<string, RegionState>): Promise<{ url: string; server: Server; pinned: string[] }> {
  const pinned: string[] = [];
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/regions') {
      const views = Object.entries(regions).map(([name, r]) => ({
        name, weight: 100, baseWeight: 100, isolated: false, evacuating: false, available: r.available,
        instances: Array.from({ length: r.instances }, (_, i) => ({ id: `assembler/${name}/${i}`, available: i < r.available })),
      }));
      return res.end(JSON.stringify(views));
    }
    const region = String(req.headers['x-gameday-region']);
    pinned.push(region);
    const state = regions[region];
    const degraded = state.outcome === 'degraded' ? { degraded: ['reviews'], reasons: { reviews: 'timeout' } } : { degraded: [], reasons: {} };
    res.end(JSON.stringify({ outcome: state.outcome, region, ...degraded }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, pinned };
}

test('a world is ready only once every region serves full pages on its own with all its instances available', async (t) => {
  const regions: Record<string, RegionState> = {
    'us-east': { available: 2, instances: 2, outcome: 'full' },
    'us-west': { available: 1, instances: 2, outcome: 'degraded' },
  };
  const gateway = await gatewayStandIn(regions);
  t.after(() => gateway.server.close());
  const lines: string[] = [];
  const started = Date.now();
  const ready = waitUntilReady({ shopUrl: gateway.url, gatewayUrl: gateway.url, regions: Object.keys(regions), limitMs: 60_000, onStatus: (line) => lines.push(line) });
  const settled = ready.then(() => Date.now());
  // us-west cannot serve: the wait goes on, and says so.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.match(lines[0], /waiting for every region.*us-east ready; us-west: 1 of 2 instances available at the gateway; 0 of 20 pages full \(reviews timeout ×20\)/);
  assert.ok(gateway.pinned.includes('us-east') && gateway.pinned.includes('us-west'), 'each region is asked on its own');
  regions['us-west'] = { available: 2, instances: 2, outcome: 'full' };
  const rounds = await ready;
  assert.ok((await settled) - started >= 4000, 'two good seconds in a row after the fix, not one');
  assert.deepEqual(rounds.map((r) => [r.region, r.full, r.pages, r.available]), [['us-east', 20, 20, 2], ['us-west', 20, 20, 2]]);
  assert.match(lines.at(-1)!, /^every region serves full, fast pages on its own \(us-east p99 \d+ms, us-west p99 \d+ms\)$/);
});

test('past its bound the wait fails with an error that names the region that could not serve and why', async (t) => {
  const gateway = await gatewayStandIn({
    'us-east': { available: 2, instances: 2, outcome: 'full' },
    'us-west': { available: 0, instances: 2, outcome: 'degraded' },
  });
  t.after(() => gateway.server.close());
  const started = Date.now();
  await assert.rejects(
    waitUntilReady({ shopUrl: gateway.url, gatewayUrl: gateway.url, regions: ['us-east', 'us-west'], limitMs: 2000, onStatus: () => undefined }),
    (error: Error) => {
      assert.ok(error instanceof WorldNotReadyError);
      assert.match(error.message, /did not become ready within 2s/);
      assert.match(error.message, /us-west: 0 of 2 instances available at the gateway; 0 of 20 pages full \(reviews timeout ×20\)/);
      assert.doesNotMatch(error.message, /us-east:/, 'a region that serves is not blamed');
      return true;
    },
  );
  assert.ok(Date.now() - started < 10_000, 'the bound ends the wait');
});
