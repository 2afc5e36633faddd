import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { contentSecurityPolicy, pageHeaders, renderPage } from './page.js';

test('a control-room page escapes its title, marks the current section, and allows only its own scripts', () => {
  const script = 'document.body.dataset.live = "yes";';
  const html = renderPage({ title: '<b>checkout</b> & co', body: '<h1>x</h1>', current: '/status', inlineScripts: [script], connect: true });
  assert.match(html, /<title>&lt;b&gt;checkout&lt;\/b&gt; &amp; co · GameDay<\/title>/);
  assert.match(html, /<a href="\/status" aria-current="page">Status<\/a>/);
  assert.match(html, /<main id="content"><h1>x<\/h1><\/main>/);
  const hash = createHash('sha256').update(script).digest('base64');
  assert.ok(html.includes(`script-src 'sha256-${hash}'`), 'the inline script is allowed by its hash');
  assert.ok(html.includes("connect-src 'self'"));
});

test('without scripts, forms or connections the policy forbids all three, and never allows another host', () => {
  const policy = contentSecurityPolicy({});
  assert.match(policy, /script-src 'none'/);
  assert.match(policy, /connect-src 'none'/);
  assert.match(policy, /form-action 'none'/);
  assert.doesNotMatch(policy, /https?:|\*/);
});

test('frame-ancestors goes in the header only: a <meta> policy with it makes browsers log an error', () => {
  const options = { inlineScripts: ['1'], forms: true };
  assert.doesNotMatch(renderPage({ title: 't', body: '', ...options }), /frame-ancestors/);
  const headers = pageHeaders(options);
  assert.equal(headers['content-security-policy'], `${contentSecurityPolicy(options)}; frame-ancestors 'none'`);
  assert.equal(headers['x-frame-options'], 'DENY');
});
