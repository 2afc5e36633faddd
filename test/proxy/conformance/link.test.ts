import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pattern, sha256 } from '../helpers.js';
import { echo, ending, establishedProxy, readBytes } from './peers.js';

// Toxiproxy's link_test.go and toxics/toxic_test.go (see README.md): toxics come and go on live
// connections without losing, reordering or stalling a byte.

test('adding and removing a latency toxic over and over on a live stream loses and reorders nothing, and the end still arrives', async (t) => {
  const { go, client, server } = await establishedProxy(t);
  const counters = Buffer.alloc(65535 * 2);
  for (let i = 0; i < 65535; i++) counters.writeUInt16BE(i, i * 2);
  let writing = true;
  const toggles = (async () => {
    let cycles = 0;
    while (writing) {
      await go.addToxic('test', 'lag', 'latency', 'downstream', 1, { latency: 1000 });
      await go.removeToxic('test', 'lag');
      cycles++;
    }
    return cycles;
  })();
  const received = readBytes(client, counters.length, 30_000);
  const ended = ending(client, 30_000);
  // Written in small pieces over time, so that pieces land before, inside and after the toxic.
  for (let offset = 0; offset < counters.length; offset += 512) {
    server.write(counters.subarray(offset, offset + 512));
    await new Promise((resolve) => setImmediate(resolve));
  }
  server.end();
  const { data } = await received;
  writing = false;
  const cycles = await toggles;
  const firstWrong = data.findIndex((byte, i) => byte !== counters[i]);
  assert.equal(firstWrong, -1, `byte ${firstWrong} differs (counter ${Math.floor(firstWrong / 2)})`);
  assert.equal((await ended).how, 'end');
  assert.ok(cycles > 0);
});

test('a toxic of toxicity 0 lets data pass; updated to toxicity 1 and timeout 100 it closes the connection', async (t) => {
  const { go, client, server } = await establishedProxy(t);
  await go.addToxic('test', 'timeout1', 'timeout', 'downstream', 0, null);
  server.write(Buffer.from([42]));
  assert.deepEqual((await readBytes(client, 1)).data, Buffer.from([42]));
  await go.updateToxic('test', 'timeout1', 1, { timeout: 100 });
  const closed = ending(client, 5000);
  server.write(Buffer.from([42]));
  const { how, bytes } = await closed;
  assert.equal(how, 'end');
  assert.equal(bytes, 0);
});

test('removing bandwidth-0 toxics from both streams of a busy connection returns at once and lets everything through', async (t) => {
  const { go, client, server } = await establishedProxy(t);
  await go.addToxic('test', 'down', 'bandwidth', 'downstream', 1, { rate: 0 });
  await go.addToxic('test', 'up', 'bandwidth', 'upstream', 1, { rate: 0 });
  const data = pattern(200_000);
  const [atServer, atClient] = [readBytes(server, data.length), readBytes(client, data.length)];
  client.write(data);
  server.write(data);
  const started = performance.now();
  await go.removeToxic('test', 'down');
  await go.removeToxic('test', 'up');
  assert.ok(performance.now() - started < 5000, 'removing the toxics hung');
  assert.equal(sha256((await atServer).data), sha256(data));
  assert.equal(sha256((await atClient).data), sha256(data));
});

test('noop toxics added to a live connection, and reset twice, leave its echo working', async (t) => {
  const { go, client, server } = await establishedProxy(t);
  await go.addToxic('test', 'noop_up', 'noop', 'upstream', 1, null);
  await go.addToxic('test', 'noop_down', 'noop', 'downstream', 1, null);
  await echo(client, server);
  await go.resetState();
  await echo(client, server);
  await go.resetState();
  await echo(client, server);
});

test('100 echoes pass while noop toxics are added to and removed from both streams without pause', async (t) => {
  const { go, client, server } = await establishedProxy(t);
  let running = true;
  const toggles = (async () => {
    for (let enabled = false; running; enabled = !enabled) {
      if (enabled) {
        await go.addToxic('test', 'noop_up', 'noop', 'upstream', 1, null);
        await go.removeToxic('test', 'noop_down').catch(() => undefined);
      } else {
        await go.removeToxic('test', 'noop_up').catch(() => undefined);
        await go.addToxic('test', 'noop_down', 'noop', 'downstream', 1, null);
      }
    }
  })();
  for (let i = 0; i < 100; i++) await echo(client, server);
  running = false;
  await toggles;
});
