import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { createLogger } from '../../../src/observe/log.js';
import { toxicKinds } from '../../../src/proxy/toxics/registry.js';
import type { Sink } from '../../../src/proxy/toxics/toxic.js';
import { sleep, waitUntil } from '../helpers.js';
import { ending, establish, establishedProxy, readBytes } from './peers.js';

// Toxiproxy's toxics/bandwidth_test.go, limit_data_test.go, reset_peer_test.go, slicer_test.go and
// timeout_test.go (see README.md).

test('bandwidth 1000 KB/s carries 480 KB upstream in about 480 ms, intact', async (t) => {
  const { go, client, server } = await establishedProxy(t);
  await go.addToxic('test', '', 'bandwidth', 'upstream', 1, { rate: 1000 });
  const payload = Buffer.from('hello world '.repeat(40_000));
  const started = performance.now();
  const received = readBytes(server, payload.length);
  client.end(payload);
  const { data, at } = await received;
  assert.ok(data.equals(payload), 'the server did not read what the client wrote');
  const ms = at - started;
  assert.ok(ms >= 470 && ms < 1500, `480 KB at 1000 KB/s took ${ms.toFixed(0)} ms`);
});

// limit_data: Toxiproxy cuts chunks it is handed; through a socket, chunks are whatever the kernel makes of
// the writes, so each case writes its chunks apart and checks the bytes that come out and the close.
async function limitCase(t: Parameters<typeof establish>[0], bytes: number, writes: number[]) {
  const { go, client, server } = await establishedProxy(t);
  await go.addToxic('test', 'limit', 'limit_data', 'downstream', 1, { bytes });
  const sent: Buffer[] = [];
  const received: Buffer[] = [];
  client.on('data', (chunk: Buffer) => received.push(chunk));
  const end = ending(client);
  for (const size of writes) {
    const chunk = Buffer.alloc(size, sent.length + 1);
    sent.push(chunk);
    server.write(chunk);
    await sleep(30);
  }
  return { go, client, server, sent: Buffer.concat(sent), received: () => Buffer.concat(received), end };
}

for (const [name, bytes, writes] of [
  ['a chunk as long as the limit passes whole', 100, [100]],
  ['a chunk longer than the limit is cut at the limit', 100, [150]],
  ['four chunks that add up to the limit pass whole', 100, [25, 25, 25, 25]],
  ['a second chunk that would overflow the limit is cut', 100, [90, 20]],
  ['a limit of 0 lets nothing through', 0, [100]],
] as const) {
  test(`limit_data: ${name}, then the connection is closed`, async (t) => {
    const { sent, received, end } = await limitCase(t, bytes, [...writes]);
    assert.equal((await end).how, 'end');
    assert.deepEqual(received(), sent.subarray(0, bytes));
  });
}

test('limit_data: a chunk under the limit passes and the connection stays open until the limit is reached', async (t) => {
  const { server, sent, received, end } = await limitCase(t, 100, [50]);
  await waitUntil(async () => received().length === 50);
  let ended = false;
  void end.then(() => (ended = true));
  await sleep(200);
  assert.equal(ended, false, 'closed before the limit was reached');
  server.write(Buffer.alloc(60, 9));
  assert.equal((await end).how, 'end');
  assert.deepEqual(received(), Buffer.concat([sent, Buffer.alloc(50, 9)]));
});

test('limit_data updated on a live connection keeps the count of what already passed there', async (t) => {
  const { go, server, received, end } = await limitCase(t, 100, [90]);
  await waitUntil(async () => received().length === 90);
  await go.updateToxic('test', 'limit', -1, { bytes: 100 });
  server.write(Buffer.alloc(20, 7));
  assert.equal((await end).how, 'end');
  assert.equal(received().length, 100, 'the update restarted the count');
  assert.deepEqual(received().subarray(90), Buffer.alloc(10, 7));
});

test('limit_data raised before the limit is reached lets the new total through', async (t) => {
  const { go, server, received, end } = await limitCase(t, 100, [90]);
  await waitUntil(async () => received().length === 90);
  await go.updateToxic('test', 'limit', -1, { bytes: 200 });
  server.write(Buffer.alloc(150, 7));
  assert.equal((await end).how, 'end');
  assert.equal(received().length, 200);
});

test('limit_data: a sender that closes before the limit closes the other side', async (t) => {
  const { server, received, end } = await limitCase(t, 100, [10]);
  server.end();
  assert.equal((await end).how, 'end');
  assert.equal(received().length, 10);
});

async function resetCase(t: Parameters<typeof establish>[0], stream: string, timeout: number) {
  const { go, client, server } = await establishedProxy(t);
  await go.addToxic('test', 'resettcp', 'reset_peer', stream, 1, { timeout });
  // The upstream answers each line it reads, so a downstream toxic sees data too.
  server.on('data', (chunk: Buffer) => server.write(chunk));
  const started = performance.now();
  const end = ending(client);
  client.write('reset toxic payload\n');
  const { how, at } = await end;
  return { how, ms: at - started, client };
}

test('reset_peer without a timeout resets the connection at the first data: the client reads ECONNRESET', async (t) => {
  const { how } = await resetCase(t, 'upstream', 0);
  assert.equal(how, 'ECONNRESET');
});

for (const stream of ['upstream', 'downstream']) {
  test(`reset_peer with a timeout of 100 ms on the ${stream} resets the connection 100 ms after the first data`, async (t) => {
    const { how, ms } = await resetCase(t, stream, 100);
    assert.equal(how, 'ECONNRESET');
    assert.ok(ms >= 99 && ms < 1000, `reset after ${ms.toFixed(0)} ms`);
  });
}

// slicer: as in Toxiproxy, at the stage, where slices can be counted (a socket would merge them again).
async function slices(attributes: Record<string, number>, data: Buffer): Promise<Buffer[]> {
  const kind = toxicKinds.get('slicer')!;
  const out: Buffer[] = [];
  const sink: Sink = { push: (chunk) => void out.push(chunk), end: () => undefined };
  const stage = kind.stage!({
    attributes: kind.attributes.parse(attributes),
    state: {},
    context: {
      stream: 'downstream',
      log: createLogger('conformance', 'silent'),
      close: () => undefined,
      reset: () => undefined,
      discard: () => undefined,
      respond: () => undefined,
    },
  });
  stage.next = sink;
  stage.push(data);
  await waitUntil(async () => out.reduce((sum, chunk) => sum + chunk.length, 0) === data.length);
  return out;
}

test('slicer cuts 480 KB into about 480 slices of 1024 ± 512 bytes, in order', async () => {
  const data = Buffer.from('hello world '.repeat(40_000));
  const out = await slices({ average_size: 1024, size_variation: 512, delay: 10 }, data);
  assert.ok(out.length >= 240 && out.length <= 720, `${out.length} slices`);
  assert.ok(Buffer.concat(out).equals(data));
});

test('slicer without size variation cuts 24 bytes into 24 slices of 1 byte', async () => {
  const data = Buffer.from('hello world '.repeat(2));
  const out = await slices({ average_size: 1, delay: 10 }, data);
  assert.equal(out.length, 24);
  assert.ok(Buffer.concat(out).equals(data));
});

test('timeout: removing a latency toxic in front of a black hole returns at once', async (t) => {
  const { go, client } = await establishedProxy(t);
  await go.addToxic('test', 'might_block', 'latency', 'upstream', 1, { latency: 10 });
  await go.addToxic('test', 'timeout', 'timeout', 'upstream', 1, { timeout: 0 });
  for (let i = 0; i < 5; i++) {
    client.write('hello');
    await sleep(50);
  }
  const started = performance.now();
  await go.removeToxic('test', 'might_block');
  assert.ok(performance.now() - started < 5000, 'removing the latency toxic hung');
});

test('timeout: removing a black hole closes the connection it held, on both sides', async (t) => {
  const { go, client, server } = await establishedProxy(t);
  await go.addToxic('test', 'to_delete', 'timeout', 'upstream', 1, { timeout: 0 });
  const ends = [ending(client, 5000), ending(server, 5000)];
  await go.removeToxic('test', 'to_delete');
  const [atClient, atServer] = await Promise.all(ends);
  assert.equal(atClient.how, 'end');
  assert.equal(atServer.how, 'end');
});

test('timeout: a connection that did not draw the black hole (toxicity 0) stays open when it is removed', async (t) => {
  const { go, client, server } = await establishedProxy(t);
  await go.addToxic('test', 'spared', 'timeout', 'upstream', 0, { timeout: 0 });
  await go.removeToxic('test', 'spared');
  client.write('still open');
  assert.equal((await readBytes(server as Socket, 10)).data.toString(), 'still open');
});
