import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { startHttp, startProxyServer } from './helpers.js';

// Input the proxy does not understand is refused, never dropped or coerced: a dropped key widens the
// blast radius (a toxic meant for one path hits every request), a coerced field flips a proxy on.

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await request(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.statusCode, json: await response.body.json() };
}

test('a toxic with an unknown attribute is refused with 400 naming the key and the expected ones, and nothing is added', async (t) => {
  const upstream = await startHttp();
  const { server, close } = await startProxyServer();
  t.after(async () => (await close(), await upstream.close()));
  const base = server.controlUrl;
  assert.equal((await post(`${base}/proxies`, { name: 'web', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream.port}`, protocol: 'http' })).status, 201);
  const refused = await post(`${base}/proxies/web/toxics`, { type: 'http_error', attributes: { status: 503, match: { path: '/x' } } });
  assert.equal(refused.status, 400);
  assert.equal(refused.json.status, 400);
  assert.match(refused.json.error, /unknown attribute "match"; expected: status, body, content_type, method, path_prefix, header, percentage/);
  const typo = await post(`${base}/proxies/web/toxics`, { type: 'latency', attributes: { latency: 100, jiter: 10 } });
  assert.equal(typo.status, 400);
  assert.match(typo.json.error, /unknown attribute "jiter"; expected: latency, jitter/);
  const list = await request(`${base}/proxies/web/toxics`);
  assert.deepEqual(await list.body.json(), []);
  const update = await post(`${base}/proxies/web/toxics`, { type: 'http_error', name: 'e', attributes: { path_prefix: '/x' } });
  assert.equal(update.status, 200);
  const patched = await post(`${base}/proxies/web/toxics/e`, { attributes: { pathprefix: '/y' } });
  assert.equal(patched.status, 400);
  assert.match(patched.json.error, /unknown attribute "pathprefix"/);
});

test('proxy and toxic fields of the wrong type are refused with 400 instead of being coerced', async (t) => {
  const { server, close } = await startProxyServer();
  t.after(close);
  const base = server.controlUrl;
  const enabled = await post(`${base}/proxies`, { name: 'a', listen: '127.0.0.1:0', upstream: '127.0.0.1:9', enabled: 'no' });
  assert.equal(enabled.status, 400);
  assert.equal(enabled.json.error, 'enabled must be true or false, got "no"');
  assert.equal((await post(`${base}/proxies`, { name: 'a', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' })).status, 201);
  const patch = await post(`${base}/proxies/a`, { enabled: 'no' });
  assert.equal(patch.status, 400);
  assert.match(patch.json.error, /enabled must be true or false/);
  const name = await post(`${base}/proxies/a/toxics`, { type: 'latency', name: 42 });
  assert.equal(name.status, 400);
  assert.equal(name.json.error, 'name must be a string, got 42');
  const proxy = await request(`${base}/proxies/a`);
  const view = (await proxy.body.json()) as { enabled: boolean; toxics: unknown[] };
  assert.equal(view.enabled, true);
  assert.deepEqual(view.toxics, []);
});

test('a proxy may listen on a non-loopback address only when the control API requires a token', async (t) => {
  const open = await startProxyServer();
  t.after(open.close);
  const refused = await post(`${open.server.controlUrl}/proxies`, { name: 'wide', listen: '0.0.0.0:0', upstream: '127.0.0.1:9' });
  assert.equal(refused.status, 400);
  assert.match(refused.json.error, /only when the control API requires an access token/);
  assert.equal((await post(`${open.server.controlUrl}/proxies`, { name: 'wide', listen: ':0', upstream: '127.0.0.1:9' })).status, 400);
  assert.equal((await post(`${open.server.controlUrl}/proxies`, { name: 'narrow', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' })).status, 201);
  const move = await post(`${open.server.controlUrl}/proxies/narrow`, { listen: '0.0.0.0:0' });
  assert.equal(move.status, 400);
  const guarded = await startProxyServer({ token: 's3cret' });
  t.after(guarded.close);
  const allowed = await request(`${guarded.server.controlUrl}/proxies`, {
    method: 'POST',
    headers: { authorization: 'Bearer s3cret' },
    body: JSON.stringify({ name: 'wide', listen: '0.0.0.0:0', upstream: '127.0.0.1:9' }),
  });
  assert.equal(allowed.statusCode, 201);
  await allowed.body.dump();
});
