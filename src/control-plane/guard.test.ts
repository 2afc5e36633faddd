import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearerMatches, edgeGuard, isLoopbackAddress, type EdgeRequest } from './guard.js';

const post = (headers: Record<string, string>): EdgeRequest => ({ method: 'POST', headers });
const get = (headers: Record<string, string>): EdgeRequest => ({ method: 'GET', headers });

test('the bearer check accepts exactly the token, whatever the length of a wrong one', () => {
  assert.equal(bearerMatches('Bearer s3cret', 's3cret'), true);
  for (const wrong of [undefined, '', 'Bearer', 'Bearer s3cre', 'Bearer s3crets', 'bearer s3cret', 's3cret', `Bearer ${'x'.repeat(10_000)}`]) {
    assert.equal(bearerMatches(wrong, 's3cret'), false, String(wrong));
  }
});

test('a server on loopback answers to loopback names in every spelling of a Host header, and to nothing else', () => {
  const guard = edgeGuard({ host: '127.0.0.1' });
  for (const host of ['127.0.0.1:8474', '127.0.0.1', 'localhost:8475', 'LOCALHOST:8475', 'localhost.:8475', '[::1]:8474', '127.0.0.2:8474']) {
    assert.equal(guard(get({ host })), null, host);
  }
  for (const host of ['evil.example', 'evil.example:8474', 'localhost.evil.example:8474', '127.0.0.1.nip.io:8474', '[::2]:8474', '10.0.0.1:8474']) {
    assert.equal(guard(get({ host }))?.status, 403, host);
  }
  // HTTP/1.0 callers send no Host; no browser does that.
  assert.equal(guard(get({})), null);
});

test('a server answers to its bound address and the configured names', () => {
  const guard = edgeGuard({ host: '10.1.2.3', token: 't', allowedHosts: ['gameday.internal', 'Ops.Example.'] });
  const bearer = { authorization: 'Bearer t' };
  for (const host of ['10.1.2.3:8474', 'gameday.internal', 'ops.example:80', 'localhost:8474']) assert.equal(guard(get({ ...bearer, host })), null, host);
  assert.equal(guard(get({ ...bearer, host: '10.1.2.4:8474' }))?.status, 403);
});

test('the Host check comes first, then the token, then where a state change comes from', () => {
  const guard = edgeGuard({ host: '127.0.0.1', token: 't' });
  assert.equal(guard(post({ host: 'evil.example', origin: 'http://evil.example' }))?.status, 403);
  assert.equal(guard(post({ host: '127.0.0.1:1', origin: 'http://evil.example' }))?.status, 401);
  const refusal = guard(post({ host: '127.0.0.1:1', origin: 'http://evil.example', authorization: 'Bearer t' }));
  assert.equal(refusal?.status, 403);
  assert.match(refusal!.message, /another site's page/);
});

test('a state change is refused when the browser says it comes from another origin, and allowed from the same origin or without a browser', () => {
  const guard = edgeGuard({ host: '127.0.0.1' });
  const host = '127.0.0.1:8475';
  for (const headers of [
    { origin: 'http://evil.example' },
    { origin: 'null' },
    { origin: 'http://127.0.0.1:3000' },
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    { origin: 'http://127.0.0.1:8475', 'sec-fetch-site': 'same-site' },
  ]) {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'post']) assert.equal(guard({ method, headers: { host, ...headers } })?.status, 403, `${method} ${JSON.stringify(headers)}`);
  }
  for (const headers of [{}, { origin: 'http://127.0.0.1:8475' }, { origin: 'http://127.0.0.1:8475', 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }] as Record<string, string>[]) {
    assert.equal(guard(post({ host, ...headers })), null, JSON.stringify(headers));
  }
  // A read from another site cannot be read back by that site's page (no CORS), so it changes nothing.
  assert.equal(guard(get({ host, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' })), null);
});

test("a browser's same-origin state change also passes the server's own proof (the seam for the dashboard's form token)", () => {
  const guard = edgeGuard({
    host: '127.0.0.1',
    browserStateChange: (request) => (request.headers['x-form-token'] === 'ok' ? null : { status: 403, message: 'form token missing' }),
  });
  const host = '127.0.0.1:8475';
  assert.deepEqual(guard(post({ host, origin: 'http://127.0.0.1:8475' })), { status: 403, message: 'form token missing' });
  assert.equal(guard(post({ host, origin: 'http://127.0.0.1:8475', 'x-form-token': 'ok' })), null);
  assert.equal(guard(post({ host })), null, 'a client that is not a browser is not asked for it');
});

test('loopback addresses are 127.0.0.0/8, ::1 and localhost', () => {
  for (const host of ['127.0.0.1', '127.9.9.9', '::1', '[::1]', 'localhost']) assert.equal(isLoopbackAddress(host), true, host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'localhost.example']) assert.equal(isLoopbackAddress(host), false, host);
});
