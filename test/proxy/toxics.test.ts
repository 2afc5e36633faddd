import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { median } from '../../bench/harness.js';
import {
  openSocket,
  pattern,
  ping,
  portFromListen,
  roundTrip,
  sha256,
  sleep,
  startEcho,
  startProxyServer,
} from './helpers.js';

async function echoProxy(t: { after: (fn: () => Promise<void>) => void }) {
  const echo = await startEcho();
  const proxyServer = await startProxyServer();
  t.after(async () => (await proxyServer.close(), await echo.close()));
  const proxy = await proxyServer.client.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
  return { ...proxyServer, port: portFromListen(proxy.listen) };
}

async function pings(port: number, count: number): Promise<number> {
  const socket = await openSocket(port);
  try {
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(await ping(socket, Buffer.from(`ping ${i}\n`)));
    return median(times);
  } finally {
    socket.destroy();
  }
}

test('latency 100ms on the downstream adds about 100ms to each round trip', async (t) => {
  const { client, port } = await echoProxy(t);
  const before = await pings(port, 5);
  await client.addToxic('echo', { type: 'latency', stream: 'downstream', attributes: { latency: 100 } });
  const during = await pings(port, 5);
  assert.ok(during - before >= 95, `added ${during - before}ms`);
  assert.ok(during - before < 250, `added ${during - before}ms`);
});

test('a toxic added to a live connection applies to it, and removing it returns the connection to full speed', async (t) => {
  const { client, port } = await echoProxy(t);
  const socket = await openSocket(port);
  t.after(() => socket.destroy());
  await ping(socket, Buffer.from('warm'));
  await client.addToxic('echo', { name: 'slow', type: 'latency', stream: 'upstream', attributes: { latency: 150 } });
  assert.ok((await ping(socket, Buffer.from('slow'))) >= 140);
  await client.removeToxic('echo', 'slow');
  assert.ok((await ping(socket, Buffer.from('fast'))) < 100);
  const big = pattern(300_000);
  const got: Buffer[] = [];
  let size = 0;
  const done = new Promise<void>((resolve) =>
    socket.on('data', (chunk) => {
      got.push(chunk);
      size += chunk.length;
      if (size >= big.length) resolve();
    }),
  );
  socket.write(big);
  await done;
  assert.equal(sha256(Buffer.concat(got)), sha256(big));
});

test('bandwidth limits throughput to the configured rate and keeps bytes intact', async (t) => {
  const { client, port } = await echoProxy(t);
  await client.addToxic('echo', { type: 'bandwidth', stream: 'downstream', attributes: { rate: 100 } });
  const data = pattern(60_000);
  const { received, ms } = await roundTrip(port, data);
  assert.equal(sha256(received), sha256(data));
  // 60 KB at 100 KB/s: 0.6 s, of which the first 100 ms slice goes at once.
  assert.ok(ms >= 450, `took ${ms}ms`);
  assert.ok(ms < 3000, `took ${ms}ms`);
});

test('bandwidth 0 holds everything back until the toxic is removed, then delivers it intact', async (t) => {
  const { client, port } = await echoProxy(t);
  await client.addToxic('echo', { name: 'stop', type: 'bandwidth', stream: 'downstream', attributes: { rate: 0 } });
  const socket = await openSocket(port);
  t.after(() => socket.destroy());
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  const data = pattern(20_000);
  socket.write(data);
  await sleep(400);
  assert.equal(chunks.length, 0);
  await client.removeToxic('echo', 'stop');
  for (let waited = 0; Buffer.concat(chunks).length < data.length && waited < 5000; waited += 20) await sleep(20);
  assert.equal(sha256(Buffer.concat(chunks)), sha256(data));
});

test('timeout 0 swallows data and keeps the connection open, like a black hole', async (t) => {
  const { client, port } = await echoProxy(t);
  await client.addToxic('echo', { name: 'hole', type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } });
  const socket = await openSocket(port);
  t.after(() => socket.destroy());
  let received = 0;
  let closed = false;
  socket.on('data', (chunk) => (received += chunk.length));
  socket.on('close', () => (closed = true));
  socket.write('anyone there?');
  await sleep(700);
  assert.equal(received, 0);
  assert.equal(closed, false);
});

test('timeout 300 closes the connection after about 300ms without passing data', async (t) => {
  const { client, port } = await echoProxy(t);
  await client.addToxic('echo', { type: 'timeout', stream: 'downstream', attributes: { timeout: 300 } });
  // The client keeps its side open: a FIN from either side would close the connection at once (as in Toxiproxy).
  const socket = await openSocket(port);
  let received = 0;
  socket.on('data', (chunk) => (received += chunk.length));
  socket.on('error', () => undefined);
  const started = performance.now();
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now() - started)));
  socket.write('hello');
  const ms = await closed;
  assert.equal(received, 0);
  assert.ok(ms >= 280 && ms < 2000, `closed after ${ms}ms`);
});

test('reset_peer resets the connection and the client sees ECONNRESET', async (t) => {
  const { client, port } = await echoProxy(t);
  await client.addToxic('echo', { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 100 } });
  const socket = await openSocket(port);
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    socket.on('error', (e) => resolve(e));
    socket.on('close', () => resolve(undefined));
    socket.write('trigger');
  });
  assert.equal(error?.code, 'ECONNRESET');
});

test('slicer cuts data into small pieces on both streams and keeps it byte-exact', async (t) => {
  const { client, port } = await echoProxy(t);
  await client.addToxic('echo', { name: 'up', type: 'slicer', stream: 'upstream', attributes: { average_size: 500, size_variation: 300, delay: 50 } });
  await client.addToxic('echo', { name: 'down', type: 'slicer', stream: 'downstream', attributes: { average_size: 64, size_variation: 32 } });
  const data = pattern(200_000);
  const { received } = await roundTrip(port, data);
  assert.equal(received.length, data.length);
  assert.equal(sha256(received), sha256(data));
});

test('limit_data passes exactly the first N bytes, then closes the connection', async (t) => {
  const { client, port } = await echoProxy(t);
  await client.addToxic('echo', { type: 'limit_data', stream: 'downstream', attributes: { bytes: 1000 } });
  const data = pattern(50_000);
  const { received } = await roundTrip(port, data);
  assert.equal(received.length, 1000);
  assert.equal(sha256(received), sha256(data.subarray(0, 1000)));
});

test('slow_close holds the close back by the delay while data passes at once', async (t) => {
  const { client, port } = await echoProxy(t);
  await client.addToxic('echo', { type: 'slow_close', stream: 'downstream', attributes: { delay: 400 } });
  const { received, ms } = await roundTrip(port, Buffer.from('bye'));
  assert.equal(received.toString(), 'bye');
  assert.ok(ms >= 380 && ms < 2500, `closed after ${ms}ms`);
});

test('toxicity is the share of connections that get the toxic', async (t) => {
  const { client, port } = await echoProxy(t);
  await client.addToxic('echo', { type: 'timeout', stream: 'downstream', toxicity: 0.5, attributes: { timeout: 1 } });
  let hit = 0;
  const total = 200;
  for (let i = 0; i < total; i++) {
    const { received } = await roundTrip(port, Buffer.from('x'), 3000);
    if (received.length === 0) hit++;
  }
  // Binomial(200, 0.5): 3 standard deviations is about ±21.
  assert.ok(hit >= 70 && hit <= 130, `${hit} of ${total} connections got the toxic`);
});

test('the fast path keeps a trickle of small writes byte-exact through a slowly reading client', async (t) => {
  // Small upstream writes while the client reads slowly: the proxy's writes to the client queue up below
  // the high-water mark, and a read buffer still referenced by a queued write must not be reused.
  // More than the kernel's socket buffers on loopback hold, so that writes to the paused client queue.
  const data = pattern(24 * 1024 * 1024);
  const service = createServer((socket) => {
    let offset = 0;
    const writeSome = () => {
      while (offset < data.length) {
        const piece = data.subarray(offset, offset + 1500);
        offset += piece.length;
        if (!socket.write(piece)) return void socket.once('drain', writeSome);
        if (offset % (1500 * 8) === 0) return void setImmediate(writeSome);
      }
      socket.end();
    };
    socket.on('error', () => undefined);
    writeSome();
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const proxyServer = await startProxyServer();
  t.after(async () => (await proxyServer.close(), service.close()));
  const proxy = await proxyServer.client.createProxy({
    name: 'trickle',
    listen: '127.0.0.1:0',
    upstream: `127.0.0.1:${(service.address() as { port: number }).port}`,
  });
  const socket = await openSocket(portFromListen(proxy.listen));
  t.after(() => socket.destroy());
  const chunks: Buffer[] = [];
  let reads = 0;
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // Long enough pauses that the kernel buffers fill and the proxy's writes to the client queue up.
      if (++reads % 500 === 1) {
        socket.pause();
        setTimeout(() => socket.resume(), 300);
      }
    });
    socket.on('end', resolve);
  });
  const received = Buffer.concat(chunks);
  assert.equal(received.length, data.length);
  assert.equal(sha256(received), sha256(data));
});

test('connections with and without toxics side by side each get exactly their own bytes back', async (t) => {
  // A toxic holds on to what it read while other connections keep reading: no connection may ever read
  // into memory that another one's held bytes still occupy.
  const echo = await startEcho();
  const proxyServer = await startProxyServer();
  t.after(async () => (await proxyServer.close(), await echo.close()));
  const slow = await proxyServer.client.createProxy({ name: 'slow', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
  const fast = await proxyServer.client.createProxy({ name: 'fast', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
  await proxyServer.client.addToxic('slow', { name: 'lag', type: 'latency', stream: 'downstream', attributes: { latency: 50 } });
  const payload = (i: number) => Buffer.from(Array.from({ length: 3000 }, (_, k) => `${i}:${k};`).join(''));
  const trips = Array.from({ length: 60 }, (_, i) => roundTrip(portFromListen(i % 2 === 0 ? slow.listen : fast.listen), payload(i)));
  const results = await Promise.all(trips);
  const mangled = results.map((r, i) => (r.received.equals(payload(i)) ? -1 : i)).filter((i) => i >= 0);
  assert.deepEqual(mangled, [], `connections whose bytes came back changed: ${mangled.join(', ')}`);
});
