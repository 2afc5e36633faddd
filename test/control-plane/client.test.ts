import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { ControlPlaneError, components, controlPlaneClient } from '../../src/control-plane/client.js';
import { connectLevers } from '../../src/levers/client.js';
import { connectProxy } from '../../src/proxy/client.js';

// The one control-plane client: every call has a deadline, honours an AbortSignal, and fails with one
// error type that names the component, the URL and what to do. Real sockets on loopback.

async function serve(t: TestContext, handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function failure(call: Promise<unknown>): Promise<ControlPlaneError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof ControlPlaneError, `expected a ControlPlaneError, got ${String(error)}`);
    return error;
  }
  throw new Error('expected the call to fail');
}

test('a component that never answers fails the call at its deadline, naming the component and the URL', async (t) => {
  const url = await serve(t, () => undefined);
  const started = performance.now();
  const error = await failure(controlPlaneClient(components.fleet, url, { timeoutMs: 300 }).call('GET', '/instances'));
  const waited = performance.now() - started;
  assert.ok(waited >= 250 && waited < 5000, `failed after ${waited}ms`);
  assert.equal(error.reason, 'deadline');
  assert.equal(error.status, 0);
  assert.equal(error.component, 'fleet');
  assert.equal(error.url, `${url}/instances`);
  assert.equal(error.message, `the fleet at ${url} did not answer GET /instances within 300ms; is it overloaded or stopped?`);
  // A call may give its own deadline.
  const own = await failure(controlPlaneClient(components.fleet, url, { timeoutMs: 60_000 }).call('GET', '/x', { timeoutMs: 200 }));
  assert.equal(own.reason, 'deadline');
});

test("the caller's AbortSignal cancels a call in flight", async (t) => {
  const url = await serve(t, () => undefined);
  const controller = new AbortController();
  const pending = failure(controlPlaneClient(components.gateway, url).call('POST', '/regions/us-east/isolate', { signal: controller.signal }));
  setTimeout(() => controller.abort(), 100);
  const error = await pending;
  assert.equal(error.reason, 'cancelled');
  assert.match(error.message, /^POST \/regions\/us-east\/isolate on the gateway at http:\/\/127\.0\.0\.1:\d+ was cancelled$/);
});

test('an unreachable component is named with its URL and how it is started', async () => {
  const url = await closedPort();
  const proxy = connectProxy(url);
  const error = await failure(proxy.listProxies());
  await proxy.close();
  assert.equal(error.reason, 'unreachable');
  assert.equal(error.component, 'fault proxy');
  assert.equal(error.message, `the fault proxy at ${url} is unreachable (ECONNREFUSED); is \`gameday proxy\` running?`);
  const levers = await failure(connectLevers(url).list());
  assert.equal(levers.message, `the lever service at ${url} is unreachable (ECONNREFUSED); is \`gameday serve\` running? (--url or GAMEDAY_LEVERS_URL)`);
});

test("a refusal carries the component's own words and status; a wrong token and a server failure say what to do", async (t) => {
  const url = await serve(t, (request, response) => {
    const status = Number(request.url!.slice(1));
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: status === 401 ? 'missing or wrong access token' : `answer ${status}`, status }));
  });
  const client = controlPlaneClient(components.levers, url, { label: 'target shop' });
  const conflict = await failure(client.call('POST', '/409', { body: {} }));
  assert.deepEqual([conflict.status, conflict.reason, conflict.message], [409, 'refused', 'target shop: answer 409']);
  assert.deepEqual(conflict.body, { error: 'answer 409', status: 409 });
  const token = await failure(client.call('GET', '/401'));
  assert.equal(token.message, `target shop: the lever service at ${url} refused the call (401): missing or wrong access token; give the token it was started with (--token or GAMEDAY_LEVERS_TOKEN)`);
  const broken = await failure(client.call('GET', '/500'));
  assert.deepEqual([broken.status, broken.reason, broken.message], [500, 'failed', `target shop: the lever service at ${url} failed (HTTP 500): answer 500`]);
});

test('a call sends its token, its lease and its JSON body, and reads JSON back', async (t) => {
  let seen: { method?: string; authorization?: string; lease?: string; type?: string; body?: string } = {};
  const url = await serve(t, (request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk));
    request.on('end', () => {
      seen = { method: request.method, authorization: request.headers.authorization, lease: request.headers['x-gameday-lease'] as string, type: request.headers['content-type'], body };
      response.writeHead(request.method === 'DELETE' ? 204 : 200, { 'content-type': 'application/json' });
      response.end(request.method === 'DELETE' ? undefined : '{"ok":true}');
    });
  });
  const client = controlPlaneClient(components.fleet, `${url}/`, { token: 's3cret' });
  assert.equal(client.url, url);
  assert.deepEqual(await client.call('POST', '/services/pricing/terminate', { body: { count: 1 }, lease: 'L1' }), { ok: true });
  assert.deepEqual(seen, { method: 'POST', authorization: 'Bearer s3cret', lease: 'L1', type: 'application/json', body: '{"count":1}' });
  assert.equal(await client.call('DELETE', '/faults/1'), undefined);
  assert.deepEqual(seen, { method: 'DELETE', authorization: 'Bearer s3cret', lease: undefined, type: undefined, body: '' });
});
