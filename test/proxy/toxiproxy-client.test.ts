import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Toxiproxy, type ICreateToxicBody, type Latency } from 'toxiproxy-node-client';
import { openSocket, ping, portFromListen, startEcho, startProxyServer } from './helpers.js';

// The real toxiproxy-node-client package, unchanged, against our control API.
test('toxiproxy-node-client drives the proxy unchanged: proxies, toxics, populate, reset, version', async (t) => {
  const echo = await startEcho();
  const { server, close } = await startProxyServer();
  t.after(async () => (await close(), await echo.close()));
  const toxiproxy = new Toxiproxy(server.controlUrl);

  assert.match(await toxiproxy.getVersion(), /"version"/);
  const proxy = await toxiproxy.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
  assert.equal(proxy.name, 'redis');
  assert.equal(proxy.enabled, true);
  const port = portFromListen(proxy.listen);

  const body: ICreateToxicBody<Latency> = {
    name: 'slow',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 120, jitter: 0 },
  };
  const toxic = await proxy.addToxic(body);
  assert.deepEqual(toxic.toJson(), body);
  const socket = await openSocket(port);
  t.after(() => socket.destroy());
  assert.ok((await ping(socket, Buffer.from('x'))) >= 110);

  const fetched = await proxy.getToxic('slow');
  assert.equal(fetched.type, 'latency');
  const updated = await fetched.update({ ...body, attributes: { latency: 5, jitter: 0 } });
  assert.deepEqual(updated.attributes, { latency: 5, jitter: 0 });
  assert.ok((await ping(socket, Buffer.from('y'))) < 100);
  await updated.remove();
  await assert.rejects(proxy.getToxic('slow'), /status code 404/);

  const all = await toxiproxy.getAll();
  assert.deepEqual(Object.keys(all), ['redis']);
  const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
  assert.equal(disabled.enabled, false);
  await toxiproxy.reset();
  assert.equal((await toxiproxy.get('redis')).enabled, true);

  const populated = await toxiproxy.populate([
    { name: 'pg', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` },
  ]);
  assert.ok(portFromListen(populated.pg.listen) > 0);
  await assert.rejects(toxiproxy.createProxy({ name: 'pg', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` }), /409/);
  await populated.pg.remove();
  await assert.rejects(toxiproxy.get('pg'), /404/);
});
