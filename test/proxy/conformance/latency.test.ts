import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portFromListen, roundTrip, startEcho } from '../helpers.js';
import { echo, establish, establishedProxy, openClient, readBytes, startToxiproxy } from './peers.js';

// Toxiproxy's toxics/latency_test.go (see README.md). Toxiproxy asserts each delay to ±10 ms; on a shared,
// loaded machine a test may only promise the lower bound and a generous upper one, so the precision
// itself is measured by `npm run bench -- proxy` (latency toxic accuracy).

const SLACK_MS = 400;
const message = Buffer.from(`hello world ${'a'.repeat(32 * 1024)}\n`);

async function roundTripWithLatency(t: Parameters<typeof establish>[0], up: number | null, down: number | null) {
  const { go, client, server } = await establishedProxy(t);
  if (up !== null) await go.addToxic('test', 'latency_up', 'latency', 'upstream', 1, { latency: up });
  if (down !== null) await go.addToxic('test', 'latency_down', 'latency', 'downstream', 1, { latency: down });
  const { started, atServer, atClient } = await echo(client, server, message);
  return { serverRead: atServer - started, clientRead: atClient - atServer, roundTrip: atClient - started };
}

function within(label: string, measured: number, expected: number): void {
  // A chunk may be delivered up to a timer tick (1 ms) before its due time as the OS counts it.
  assert.ok(measured >= expected - 1, `${label}: ${measured.toFixed(1)} ms, expected at least ${expected} ms`);
  assert.ok(measured < expected + SLACK_MS, `${label}: ${measured.toFixed(1)} ms, expected about ${expected} ms`);
}

for (const [name, up, down] of [
  ['upstream 100 ms', 100, null],
  ['downstream 100 ms', null, 100],
  ['both streams 100 ms', 100, 100],
  ['upstream 1000 ms and downstream 100 ms', 1000, 100],
  ['upstream 100 ms and downstream 1000 ms', 100, 1000],
  ['zero on both streams', 0, 0],
] as const) {
  test(`latency ${name} delays a 32 KiB message by that much each way, byte for byte`, async (t) => {
    const { serverRead, clientRead, roundTrip } = await roundTripWithLatency(t, up, down);
    within('server read', serverRead, up ?? 0);
    within('client read', clientRead, down ?? 0);
    within('round trip', roundTrip, (up ?? 0) + (down ?? 0));
  });
}

test('two latency toxics of 500 ms on the same stream add up to 1000 ms', async (t) => {
  const { go, client, server } = await establishedProxy(t);
  await go.addToxic('test', 'latency_0', 'latency', 'upstream', 1, { latency: 500 });
  await go.addToxic('test', 'latency_1', 'latency', 'upstream', 1, { latency: 500 });
  const started = performance.now();
  client.write(message);
  const atServer = await readBytes(server, message.length);
  assert.deepEqual(atServer.data, message);
  within('upstream with two latency toxics', atServer.at - started, 1000);
});

test('connections that write and close at once under a latency toxic, a thousand times, leave the proxy working', async (t) => {
  const { go } = await startToxiproxy(t);
  const echo = await startEcho();
  t.after(() => echo.close());
  const proxy = await go.createProxy('test', '127.0.0.1:0', `127.0.0.1:${echo.port}`);
  await go.addToxic('test', '', 'latency', 'upstream', 1, { latency: 10 });
  const port = portFromListen(proxy.listen);
  for (let i = 0; i < 1000; i++) {
    const socket = await openClient(port);
    socket.on('error', () => undefined);
    socket.write('hello');
    socket.destroy();
  }
  await go.removeToxic('test', 'latency_upstream');
  assert.equal((await roundTrip(port, Buffer.from('still working'))).received.toString(), 'still working');
});

test('a latency toxic delays data but does not cap throughput: once the first period passed, 10 MB arrive within one more', async (t) => {
  const { go, client, server } = await establishedProxy(t);
  await go.addToxic('test', '', 'latency', '', 1, { latency: 1000 });
  const payload = Buffer.from('hello world '.repeat(1000));
  let writing = true;
  const write = () => {
    while (writing && server.write(payload));
    if (writing) server.once('drain', write);
  };
  t.after(() => (writing = false));
  // Every byte from here on waits its 1000 ms; the sender keeps the line full meanwhile.
  write();
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const started = performance.now();
  const { at } = await readBytes(client, 10_000_000, 30_000);
  writing = false;
  const seconds = (at - started) / 1000;
  // Capped at 1 MiB held per period (the old limit), 10 MB would take 10 periods.
  assert.ok(seconds < 1, `10 MB took ${seconds.toFixed(2)} s, more than the 1 s latency period: throughput is capped`);
});
