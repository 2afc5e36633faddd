// Acceptance: failures are classified by kind, against real servers that misbehave in each way.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { runLoad } from '../../src/load/run-load.js';
import { startServer } from './servers.js';

test('a server answering 503 and 404 is counted as status_5xx and status_4xx, not as ok', async (t) => {
  let n = 0;
  const { url } = await startServer(t, (_req, res) => {
    n++;
    res.statusCode = n % 4 === 0 ? 404 : n % 2 === 0 ? 503 : 200;
    res.end('x');
  });
  const summary = await runLoad({ url, rate: 200, durationMs: 1000 });
  assert.equal(summary.requests, 200);
  assert.equal(summary.errors.status_4xx, 50);
  assert.equal(summary.errors.status_5xx, 50);
  assert.equal(summary.ok, 100);
  // Error responses still took time and count in the latency histograms.
  assert.ok(summary.latency.max > 0);
});

test('a server that resets the connection is counted as reset', async (t) => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => socket.resetAndDestroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const { port } = server.address() as { port: number };
  const summary = await runLoad({ url: `http://127.0.0.1:${port}/`, rate: 100, durationMs: 1000 });
  assert.equal(summary.requests, 100);
  assert.equal(summary.ok, 0);
  assert.ok(summary.errors.reset >= 95, JSON.stringify(summary.errors));
});

test('a server that never answers is counted as timeout at the timeout, and the run stays bounded', async (t) => {
  const { url } = await startServer(t, () => {});
  const started = Date.now();
  const summary = await runLoad({ url, rate: 50, durationMs: 1000, timeoutMs: 300 });
  const took = Date.now() - started;
  assert.equal(summary.requests, 50);
  assert.equal(summary.errors.timeout, 50);
  assert.ok(summary.latency.p50 >= 290 && summary.latency.p50 < 600, `timeout latency ${summary.latency.p50} ms`);
  assert.ok(took < 1000 + 300 + 1500, `run took ${took} ms`);
});

test('a target that goes away mid-run is counted as refused', async (t) => {
  // The target goes away after its 50th answer (half a second in, at 100/s): closed listener, every
  // connection dropped, so new connections are refused. Counted, not timed: a timer that a loaded
  // machine fires late would let more arrivals through than the bounds below expect.
  let answered = 0;
  const { url, server } = await startServer(t, (_req, res) => {
    res.end('ok');
    if (++answered === 50) {
      setImmediate(() => {
        server.close();
        server.closeAllConnections();
      });
    }
  });
  const summary = await runLoad({ url, rate: 100, durationMs: 1500, timeoutMs: 1000 });
  assert.ok(summary.ok >= 30 && summary.ok <= 70, `ok ${summary.ok}`);
  assert.ok(summary.errors.refused >= 70, JSON.stringify(summary.errors));
  assert.equal(summary.requests, 150);
});
