import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portFromListen, sleep } from '../helpers.js';
import { GoClientError } from './go-client.js';
import { ending, establish, establishedProxy, freePort, isUp, openClient, readBytes, startToxiproxy, startUpstream } from './peers.js';

// Toxiproxy's proxy_test.go (see README.md): bytes through a proxy, and a proxy's life (start, stop, move).

async function sentThrough(t: Parameters<typeof establish>[0], writes: Buffer[]): Promise<Buffer> {
  const { go, client, server } = await establishedProxy(t, 'localhost:0');
  const total = writes.reduce((sum, w) => sum + w.length, 0);
  const received = readBytes(server, total);
  for (const write of writes) client.write(write);
  client.end();
  return (await received).data;
}

test('a message reaches the upstream intact: one write, two writes, and 64 KiB of hex', async (t) => {
  const hello = Buffer.from('hello world');
  assert.deepEqual(await sentThrough(t, [hello]), hello);
  assert.deepEqual(await sentThrough(t, [hello, hello]), Buffer.concat([hello, hello]));
  const big = Buffer.from(Buffer.alloc(32 * 1024).toString('hex'));
  assert.deepEqual(await sentThrough(t, [big]), big);
});

test('a client of a proxy whose upstream is down is closed promptly with a FIN', async (t) => {
  const { go } = await startToxiproxy(t);
  const proxy = await go.createProxy('test', 'localhost:0', `localhost:${await freePort()}`);
  const client = await openClient(portFromListen(proxy.listen));
  t.after(() => client.destroy());
  const { how } = await ending(client, 5000);
  assert.equal(how, 'end');
});

test('disabling a proxy several times is harmless, and a disabled proxy can be enabled again', async (t) => {
  const { go } = await startToxiproxy(t);
  const upstream = await startUpstream(t);
  const proxy = await go.createProxy('test', 'localhost:0', upstream.address);
  for (let i = 0; i < 3; i++) await go.save({ ...proxy, enabled: false }, true);
  assert.equal(await isUp(proxy.listen), false);
  await go.save({ ...proxy, enabled: true }, true);
  await go.save({ ...proxy, enabled: true }, true);
  assert.equal(await isUp(proxy.listen), true);
});

test('moving a proxy to localhost:0 gets it a new port; saving the address it has keeps it; disabling stops it', async (t) => {
  const { go } = await startToxiproxy(t);
  const upstream = await startUpstream(t);
  const before = await go.createProxy('test', 'localhost:0', upstream.address);
  const moved = await go.save({ ...before, listen: 'localhost:0' }, true);
  assert.notEqual(moved.listen, before.listen);
  assert.notEqual(moved.listen, 'localhost:0');
  assert.equal(await isUp(moved.listen), true);
  const same = await go.save(moved, true);
  assert.equal(same.listen, moved.listen);
  assert.equal(await isUp(same.listen), true);
  await go.save({ ...same, enabled: false }, true);
  assert.equal(await isUp(same.listen), false);
});

test('saving a proxy with its own address spelled "localhost" keeps its open connections', async (t) => {
  const { go, proxy, client, server } = await establishedProxy(t, 'localhost:0');
  let lost = false;
  client.on('close', () => (lost = true));
  const saved = await go.save({ ...proxy, listen: `localhost:${portFromListen(proxy.listen)}` }, true);
  assert.equal(saved.listen, proxy.listen);
  await sleep(300);
  assert.equal(lost, false, 'the connection was lost during the update');
  server.write('still here');
  assert.equal((await readBytes(client, 10)).data.toString(), 'still here');
  assert.equal(await isUp(saved.listen), true);
});

test('a proxy that could not start because its port was taken starts once the port is free', async (t) => {
  const { go } = await startToxiproxy(t);
  const upstream = await startUpstream(t);
  const conflict = await go.createProxy('test2', 'localhost:0', upstream.address);
  await go.save({ name: 'test', listen: conflict.listen, upstream: upstream.address, enabled: false, toxics: null }, false);
  await assert.rejects(go.save({ ...(await go.proxy('test')), enabled: true }, true), (error: GoClientError) => error.status === 409);
  assert.equal((await go.proxy('test')).enabled, false);
  await go.save({ ...conflict, enabled: false }, true);
  assert.equal(await isUp(conflict.listen), false);
  const started = await go.save({ ...(await go.proxy('test')), enabled: true }, true);
  assert.equal(started.enabled, true);
  assert.equal(await isUp(started.listen), true);
  await go.save({ ...started, enabled: false }, true);
  assert.equal(await isUp(started.listen), false);
});
