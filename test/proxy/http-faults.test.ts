import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Readable } from 'node:stream';
import { Pool } from 'undici';
import { pattern, portFromListen, sha256, startHttp, startProxyServer } from './helpers.js';

async function httpProxy(t: { after: (fn: () => Promise<void>) => void }) {
  const service = await startHttp();
  const proxyServer = await startProxyServer();
  const proxy = await proxyServer.client.createProxy({
    name: 'web',
    listen: '127.0.0.1:0',
    upstream: `127.0.0.1:${service.port}`,
    protocol: 'http',
  });
  // One keep-alive connection, so every request below travels on the same TCP connection.
  const pool = new Pool(`http://127.0.0.1:${portFromListen(proxy.listen)}`, { connections: 1, pipelining: 1 });
  t.after(async () => (await pool.close(), await proxyServer.close(), await service.close()));
  return { ...proxyServer, service, pool };
}

test('http_error at 30% hits between 24% and 36% of 1000 keep-alive requests, and the rest pass untouched', async (t) => {
  const { client, pool, service } = await httpProxy(t);
  await client.addToxic('web', { type: 'http_error', attributes: { status: 503, body: 'injected', percentage: 30 } });
  let errors = 0;
  const expected = sha256(pattern(2048));
  for (let i = 0; i < 1000; i++) {
    const response = await pool.request({ path: '/bytes/2048', method: 'GET' });
    const body = Buffer.from(await response.body.arrayBuffer());
    if (response.statusCode === 503) {
      assert.equal(body.toString(), 'injected');
      assert.equal(response.headers['x-gameday-fault'], 'http_error');
      errors++;
    } else {
      assert.equal(response.statusCode, 200);
      assert.equal(sha256(body), expected);
    }
  }
  assert.ok(errors >= 240 && errors <= 360, `${errors} of 1000 requests got the error`);
  assert.equal(service.requests(), 1000 - errors, 'errored requests never reached the service');
});

test('requests that do not match method, path prefix or header pass untouched on the same connection', async (t) => {
  const { client, pool } = await httpProxy(t);
  await client.addToxic('web', {
    name: 'checkout-down',
    type: 'http_error',
    attributes: { status: 500, method: 'POST', path_prefix: '/checkout', header: 'x-tenant: blue' },
  });
  const hit = await pool.request({ path: '/checkout/pay', method: 'POST', body: 'card', headers: { 'x-tenant': 'blue' } });
  assert.equal(hit.statusCode, 500);
  await hit.body.dump();
  const misses = [
    { path: '/checkout/pay', method: 'POST' as const, body: 'x'.repeat(10_000), headers: { 'x-tenant': 'green' } },
    { path: '/checkout/pay', method: 'PUT' as const, body: 'card', headers: { 'x-tenant': 'blue' } },
    { path: '/catalog', method: 'POST' as const, body: 'card', headers: { 'x-tenant': 'blue' } },
  ];
  for (const request of misses) {
    const response = await pool.request(request);
    assert.equal(response.statusCode, 200);
    assert.equal(await response.body.text(), `ok ${request.method} ${request.path} ${request.body.length}`);
  }
});

test('chunked request bodies keep request boundaries so the next request is judged on its own', async (t) => {
  const { client, pool } = await httpProxy(t);
  await client.addToxic('web', { type: 'http_error', attributes: { status: 418, path_prefix: '/teapot' } });
  async function* chunks() {
    yield Buffer.from('a'.repeat(3000));
    yield Buffer.from('GET /teapot HTTP/1.1\r\n\r\n');
    yield Buffer.from('b'.repeat(5000));
  }
  const upload = await pool.request({ path: '/upload', method: 'POST', body: Readable.from(chunks()) });
  assert.equal(await upload.body.text(), 'ok POST /upload 8024');
  const teapot = await pool.request({ path: '/teapot', method: 'GET' });
  assert.equal(teapot.statusCode, 418);
  await teapot.body.dump();
  const after = await pool.request({ path: '/after', method: 'GET' });
  assert.equal(await after.body.text(), 'ok GET /after 0');
});

test('http_delay delays only matching requests', async (t) => {
  const { client, pool } = await httpProxy(t);
  await client.addToxic('web', { type: 'http_delay', attributes: { delay: 200, path_prefix: '/slow' } });
  const time = async (path: string) => {
    const started = performance.now();
    const response = await pool.request({ path, method: 'GET' });
    await response.body.text();
    return performance.now() - started;
  };
  const slow = await time('/slow/page');
  const fast = await time('/fast/page');
  assert.ok(slow >= 190 && slow < 1000, `slow request took ${slow}ms`);
  assert.ok(fast < 150, `fast request took ${fast}ms`);
});

test('http_abort cuts a response off mid-way and later requests work on a new connection', async (t) => {
  const { client, pool } = await httpProxy(t);
  await client.addToxic('web', { name: 'abort', type: 'http_abort', attributes: { path_prefix: '/big' } });
  await assert.rejects(async () => {
    const response = await pool.request({ path: '/big/bytes', method: 'GET' });
    await response.body.arrayBuffer();
  });
  const ok = await pool.request({ path: '/small', method: 'GET' });
  assert.equal(await ok.body.text(), 'ok GET /small 0');
});

test('a fault added while a keep-alive connection is open applies to its next requests', async (t) => {
  const { client, pool } = await httpProxy(t);
  const first = await pool.request({ path: '/before', method: 'GET' });
  assert.equal(await first.body.text(), 'ok GET /before 0');
  await client.addToxic('web', { name: 'err', type: 'http_error', attributes: { status: 502 } });
  const during = await pool.request({ path: '/during', method: 'GET' });
  assert.equal(during.statusCode, 502);
  await during.body.dump();
  await client.removeToxic('web', 'err');
  const after = await pool.request({ path: '/after', method: 'GET' });
  assert.equal(await after.body.text(), 'ok GET /after 0');
});

test('HTTP faults are refused on a TCP proxy with a clear error', async (t) => {
  const { client } = await httpProxy(t);
  await client.createProxy({ name: 'raw', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
  await assert.rejects(client.addToxic('raw', { type: 'http_error' }), {
    status: 400,
    message: 'http_error acts on HTTP requests: create proxy "raw" with "protocol": "http"',
  });
  await assert.rejects(client.addToxic('web', { type: 'http_error', attributes: { percentage: '130%' } }), { status: 400 });
});

test('an unreachable upstream gets an HTTP caller a 502 that names it', async (t) => {
  const { client } = await httpProxy(t);
  const proxy = await client.createProxy({ name: 'gone', listen: '127.0.0.1:0', upstream: '127.0.0.1:1', protocol: 'http' });
  const pool = new Pool(`http://127.0.0.1:${portFromListen(proxy.listen)}`);
  t.after(() => pool.close());
  const response = await pool.request({ path: '/', method: 'GET' });
  assert.equal(response.statusCode, 502);
  assert.match(await response.body.text(), /upstream 127\.0\.0\.1:1 unreachable \(ECONNREFUSED\)/);
});
