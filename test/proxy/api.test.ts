import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServer } from 'node:net';
import { request } from 'undici';
import { ProxyApiError } from '../../src/proxy/types.js';
import { ProxyServer } from '../../src/proxy/server.js';
import { metricsOf, openSocket, portFromListen, quietLog, roundTrip, startEcho, startProxyServer, waitUntil } from './helpers.js';

test('a proxy created with port 0 reports its bound port and relays bytes both ways', async (t) => {
  const echo = await startEcho();
  const { client, close } = await startProxyServer();
  t.after(async () => (await close(), await echo.close()));
  const proxy = await client.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
  assert.notEqual(portFromListen(proxy.listen), 0);
  assert.equal(proxy.enabled, true);
  assert.deepEqual(proxy.toxics, []);
  const { received } = await roundTrip(portFromListen(proxy.listen), Buffer.from('hello through the proxy'));
  assert.equal(received.toString(), 'hello through the proxy');
});

test('the control API answers with Toxiproxy status codes and error bodies', async (t) => {
  const { server, client, close } = await startProxyServer();
  t.after(close);
  const base = server.controlUrl;
  const created = await request(`${base}/proxies`, {
    method: 'POST',
    body: JSON.stringify({ name: 'a', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }),
  });
  assert.equal(created.statusCode, 201);
  await created.body.dump();
  const missing = await request(`${base}/proxies/nope`);
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(await missing.body.json(), { error: 'proxy not found', status: 404 });
  await assert.rejects(client.createProxy({ name: 'a', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }), {
    message: 'proxy already exists',
    status: 409,
  });
  const toxic = await request(`${base}/proxies/a/toxics`, {
    method: 'POST',
    body: JSON.stringify({ type: 'latency', attributes: { latency: 10 } }),
  });
  assert.equal(toxic.statusCode, 200);
  assert.deepEqual(await toxic.body.json(), {
    name: 'latency_downstream',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 10, jitter: 0 },
  });
  await assert.rejects(client.addToxic('a', { type: 'latency' }), { message: 'toxic already exists', status: 409 });
  await assert.rejects(client.addToxic('a', { type: 'frobnicate' }), (error: ProxyApiError) => {
    assert.equal(error.status, 400);
    assert.match(error.message, /invalid toxic type: "frobnicate"/);
    return true;
  });
  await assert.rejects(client.addToxic('a', { name: 'x', type: 'latency', attributes: { latency: 'slow' } }), (error: ProxyApiError) => {
    assert.equal(error.status, 400);
    assert.match(error.message, /attributes\.latency/);
    return true;
  });
  await assert.rejects(client.addToxic('a', { name: 'y', type: 'latency', stream: 'sideways' as 'upstream' }), {
    message: 'stream was invalid, can be either upstream or downstream',
    status: 400,
  });
  await assert.rejects(client.removeToxic('a', 'nope'), { message: 'toxic not found', status: 404 });
  await assert.rejects(client.createProxy({ name: '', listen: '127.0.0.1:0', upstream: 'x:1' }), {
    message: 'missing required field: name',
    status: 400,
  });
  const version = await request(`${base}/version`);
  assert.equal(typeof ((await version.body.json()) as { version: string }).version, 'string');
});

test('a listen address in use is refused with 409 and existing proxies keep working', async (t) => {
  const echo = await startEcho();
  const { client, close } = await startProxyServer();
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(async () => (await close(), await echo.close(), blocker.close()));
  const good = await client.createProxy({ name: 'good', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
  const port = (blocker.address() as { port: number }).port;
  await assert.rejects(client.createProxy({ name: 'clash', listen: `127.0.0.1:${port}`, upstream: `127.0.0.1:${echo.port}` }), {
    status: 409,
    message: `listen address 127.0.0.1:${port} is already in use`,
  });
  assert.deepEqual(Object.keys(await client.listProxies()), ['good']);
  const { received } = await roundTrip(portFromListen(good.listen), Buffer.from('still here'));
  assert.equal(received.toString(), 'still here');
});

test('disabling a proxy closes its connections and stops listening; enabling brings it back on the same port', async (t) => {
  const echo = await startEcho();
  const { server, client, close } = await startProxyServer();
  t.after(async () => (await close(), await echo.close()));
  const proxy = await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
  const port = portFromListen(proxy.listen);
  const open = await openSocket(port);
  open.on('error', () => undefined);
  const closed = new Promise((resolve) => open.once('close', resolve));
  // The client's connect callback can run before the proxy has accepted: wait until the proxy holds it.
  await waitUntil(async () => /gameday_proxy_connections_active\{proxy="p"\} 1/.test(await metricsOf(server)));
  const disabled = await client.updateProxy('p', { enabled: false });
  assert.equal(disabled.enabled, false);
  await closed;
  const refused = await roundTrip(port, Buffer.from('x'), 2000);
  assert.equal(refused.error?.code, 'ECONNREFUSED');
  const enabled = await client.updateProxy('p', { enabled: true });
  assert.equal(enabled.listen, proxy.listen);
  assert.equal((await roundTrip(port, Buffer.from('back'))).received.toString(), 'back');
});

test('a control API bound beyond loopback requires a token, and then every request must carry it', async (t) => {
  await assert.rejects(ProxyServer.start({ listen: '0.0.0.0:0', logger: quietLog() }), /only with an access token/);
  const server = await ProxyServer.start({ listen: '0.0.0.0:0', token: 's3cret', logger: quietLog() });
  t.after(() => server.close());
  const denied = await request(`${server.controlUrl}/proxies`);
  assert.equal(denied.statusCode, 401);
  assert.equal(((await denied.body.json()) as { status: number }).status, 401);
  const allowed = await request(`${server.controlUrl}/proxies`, { headers: { authorization: 'Bearer s3cret' } });
  assert.equal(allowed.statusCode, 200);
  await allowed.body.dump();
});

test('populate creates proxies from Toxiproxy config and keeps identical ones', async (t) => {
  const echo = await startEcho();
  const { client, close } = await startProxyServer();
  t.after(async () => (await close(), await echo.close()));
  const first = await client.populate([
    { name: 'one', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` },
    { name: 'two', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` },
  ]);
  assert.deepEqual(first.map((p) => p.name), ['one', 'two']);
  const again = await client.populate([{ name: 'one', listen: first[0].listen, upstream: `127.0.0.1:${echo.port}` }]);
  assert.equal(again[0].listen, first[0].listen);
  await assert.rejects(client.populate([{ name: 'three', listen: '127.0.0.1:0' } as never]), {
    status: 400,
    message: 'missing required field: upstream at proxy 1',
  });
  await client.reset();
  assert.equal(Object.keys(await client.listProxies()).length, 2);
});

test('/metrics reports connections, bytes per direction and active toxics in Prometheus format', async (t) => {
  const echo = await startEcho();
  const { server, client, close } = await startProxyServer();
  t.after(async () => (await close(), await echo.close()));
  const proxy = await client.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
  await roundTrip(portFromListen(proxy.listen), Buffer.alloc(5000, 1));
  await client.addToxic('echo', { type: 'latency', attributes: { latency: 1 } });
  const response = await request(`${server.controlUrl}/metrics`);
  assert.equal(response.statusCode, 200);
  await response.body.dump();
  // The proxy counts a connection's bytes when it sees the close, which may come after the client's.
  const expected = /gameday_proxy_bytes_total\{proxy="echo",direction="downstream"\} 5000/;
  await waitUntil(async () => expected.test(await metricsOf(server)));
  const text = await metricsOf(server);
  assert.match(text, /gameday_proxy_connections_total\{proxy="echo"\} 1/);
  assert.match(text, /gameday_proxy_bytes_total\{proxy="echo",direction="upstream"\} 5000/);
  assert.match(text, /gameday_proxy_bytes_total\{proxy="echo",direction="downstream"\} 5000/);
  assert.match(text, /gameday_proxy_toxics_active\{proxy="echo",type="latency",leased="no"\} 1/);
});

test('bad requests to the control API never disturb an open connection', async (t) => {
  const echo = await startEcho();
  const { server, client, close } = await startProxyServer();
  t.after(async () => (await close(), await echo.close()));
  const proxy = await client.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
  const socket = await openSocket(portFromListen(proxy.listen));
  t.after(() => socket.destroy());
  const garbage = await request(`${server.controlUrl}/proxies/echo/toxics`, { method: 'POST', body: '{not json' });
  assert.equal(garbage.statusCode, 400);
  assert.match(((await garbage.body.json()) as { error: string }).error, /^bad request body/);
  await assert.rejects(client.addToxic('echo', { type: 'latency', toxicity: 7 }), { status: 400 });
  await assert.rejects(client.updateProxy('echo', { upstream: 'nonsense' }), { status: 400 });
  const echoed = await new Promise<string>((resolve) => {
    socket.once('data', (chunk) => resolve(chunk.toString()));
    socket.write('still connected');
  });
  assert.equal(echoed, 'still connected');
});
