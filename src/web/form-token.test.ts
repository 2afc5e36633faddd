import assert from 'node:assert/strict';
import { test } from 'node:test';
import { edgeGuard } from '../control-plane/guard.js';
import { FORM_TOKEN_HEADER, formAction, FormTokens } from './form-token.js';

const cookieOf = (setCookie: string) => setCookie.split(';')[0];

test('a page gets a session cookie that no other site sends, and a token bound to that session', () => {
  const forms = new FormTokens();
  const first = forms.issue({});
  assert.match(first.setCookie!, /^gameday_session=[A-Za-z0-9_-]{24}; Path=\/; HttpOnly; SameSite=Strict$/);
  const again = forms.issue({ cookie: `theme=dark; ${cookieOf(first.setCookie!)}` });
  assert.equal(again.setCookie, undefined, 'a browser with a session keeps it');
  assert.equal(again.token, first.token, 'and its token');
  assert.notEqual(forms.issue({}).token, first.token, 'another session has another token');
  assert.notEqual(new FormTokens().issue({ cookie: cookieOf(first.setCookie!) }).token, first.token, 'another control room has another secret');
});

test("the guard lets a browser's same-origin change through only with its session's token, in the header or the form's action", () => {
  const forms = new FormTokens();
  const { token, setCookie } = forms.issue({});
  const guard = edgeGuard({ host: '127.0.0.1', browserStateChange: forms.check });
  const browser = { host: '127.0.0.1:8475', origin: 'http://127.0.0.1:8475', 'sec-fetch-site': 'same-origin', cookie: cookieOf(setCookie!) };
  assert.equal(guard({ method: 'POST', url: '/levers/x/pull', headers: { ...browser, [FORM_TOKEN_HEADER]: token } }), null);
  assert.equal(guard({ method: 'POST', url: formAction('/runs/r/halt', token), headers: browser }), null);
  for (const [what, request] of [
    ['no token', { method: 'POST', url: '/runs/r/halt', headers: browser }],
    ['a wrong token', { method: 'POST', url: formAction('/runs/r/halt', `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`), headers: browser }],
    ['a token of another session', { method: 'POST', url: formAction('/runs/r/halt', forms.issue({}).token), headers: browser }],
    ['no session cookie', { method: 'POST', url: formAction('/runs/r/halt', token), headers: { ...browser, cookie: '' } }],
  ] as const) {
    const refusal = guard(request);
    assert.equal(refusal?.status, 403, what);
    assert.match(refusal!.message, /form token|session cookie/, what);
  }
  // Reads need no token, and neither does a command-line client, which sends no Origin.
  assert.equal(guard({ method: 'GET', url: '/', headers: { host: '127.0.0.1:8475' } }), null);
  assert.equal(guard({ method: 'POST', url: '/levers/x/pull', headers: { host: '127.0.0.1:8475' } }), null);
  // Another site is refused before the token is even looked at.
  assert.match(guard({ method: 'POST', url: formAction('/runs/r/halt', token), headers: { ...browser, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } })!.message, /another site's page/);
});
