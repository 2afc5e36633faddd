import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { request } from 'undici';
import { tempHome } from '../cli-process.js';
import { startServe, stopServe } from '../control-room-browser.js';
import { SHOP_STATUS_YAML } from '../incidents/helpers.js';
import { beyondLoopback, serverKinds } from './servers.js';

// Safe from the browser next door (issue 15): every server of ours refuses a request that names it by a
// foreign name (DNS rebinding), a state change from another site's page, and — bound beyond loopback —
// any request without the token; and every one of them speaks the same lease protocol from one table.

interface Answer {
  status: number;
  json: any;
}

async function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const response = await request(url, {
    method: (options.method ?? 'GET') as 'GET',
    headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: text ? JSON.parse(text) : undefined };
}

const lease = { owner: 'edge test', ttl_ms: 5000 };

for (const kind of serverKinds) {
  test(`${kind.name} refuses a foreign Host and a state change from another site's page, and lets command-line clients through`, async (t) => {
    const port = await kind.start(t, { host: '127.0.0.1' });
    const base = `http://127.0.0.1:${port}`;

    const rebound = await send(`${base}/leases`, { headers: { host: `evil.example:${port}` } });
    assert.equal(rebound.status, 403);
    assert.match(rebound.json.error, /not to "evil\.example:\d+" \(Host header\).*--allow-host evil\.example/);
    // Toxiproxy's clients name it by address or as localhost.
    assert.equal((await send(`${base}/leases`, { headers: { host: `localhost:${port}` } })).status, 200);
    assert.equal((await send(`${base}/leases`)).status, 200);

    const crossSite = await send(`${base}/leases`, { method: 'POST', body: lease, headers: { origin: 'http://evil.example', 'user-agent': 'curl/8.5.0' } });
    assert.equal(crossSite.status, 403);
    assert.match(crossSite.json.error, /a POST from another site's page \(Origin http:\/\/evil\.example/);
    const fetchMetadata = await send(`${base}/leases`, { method: 'POST', body: lease, headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(fetchMetadata.status, 403);
    // A page served by another port of this machine is another origin too.
    const otherPort = await send(`${base}/leases`, { method: 'POST', body: lease, headers: { origin: `http://127.0.0.1:${port + 1}` } });
    assert.equal(otherPort.status, 403);
    assert.deepEqual((await send(`${base}/leases`)).json, [], 'nothing was created by the refused requests');

    // The server's own pages (same origin) and clients that send no Origin may act.
    assert.equal((await send(`${base}/leases`, { method: 'POST', body: lease, headers: { origin: base, 'sec-fetch-site': 'same-origin' } })).status, 201);
    assert.equal((await send(`${base}/leases`, { method: 'POST', body: lease })).status, 201);
  });

  test(`${kind.name} bound beyond loopback answers 401 to a request without its token`, async (t) => {
    const { bind, reach } = beyondLoopback();
    const port = await kind.start(t, { host: bind, token: 's3cret', allowedHosts: ['gameday.example'] });
    const base = `http://${reach}:${port}`;
    const bearer = { authorization: 'Bearer s3cret' };

    const anonymous = await send(`${base}/leases`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.json.error, /missing or wrong access token/);
    assert.equal((await send(`${base}/leases`, { headers: { authorization: 'Bearer s3cre' } })).status, 401);
    assert.equal((await send(`${base}/leases`, { method: 'POST', body: lease })).status, 401);
    assert.equal((await send(`${base}/leases`, { headers: bearer })).status, 200);
    // The token does not make a foreign name acceptable; a configured one is.
    assert.equal((await send(`${base}/leases`, { headers: { ...bearer, host: `evil.example:${port}` } })).status, 403);
    assert.equal((await send(`${base}/leases`, { headers: { ...bearer, host: `gameday.example:${port}` } })).status, 200);
  });

  test(`${kind.name} speaks the shared lease protocol from the one route table`, async (t) => {
    const base = `http://127.0.0.1:${await kind.start(t, { host: '127.0.0.1' })}`;
    const created = await send(`${base}/leases`, { method: 'POST', body: { owner: 'run 1', ttl_ms: 5000 } });
    assert.equal(created.status, 201);
    assert.deepEqual(Object.keys(created.json).sort(), ['expires_at', 'faults', 'id', 'owner', 'ttl_ms']);
    assert.equal(created.json.owner, 'run 1');

    for (const bad of [{ ttl_ms: '5000' }, { ttl_ms: 5000, ttl: 1 }, {}]) {
      const refused = await send(`${base}/leases`, { method: 'POST', body: bad });
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.match(refused.json.error, /^invalid lease request: .*; expected \{"owner": "\.\.\.", "ttl_ms": 5000\}$/);
    }
    const tooLong = await send(`${base}/leases`, { method: 'POST', body: { ttl_ms: 24 * 3600_000 } });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.json.error, /ttl_ms must be between 100 and \d+/);

    assert.equal((await send(`${base}/leases/nope/renew`, { method: 'POST' })).status, 404);
    assert.equal((await send(`${base}/leases/${created.json.id}/renew`, { method: 'POST' })).status, 200);
    assert.deepEqual((await send(`${base}/leases`)).json.map((l: { id: string }) => l.id), [created.json.id]);
    assert.equal((await send(`${base}/leases/${created.json.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await send(`${base}/leases/${created.json.id}`, { method: 'DELETE' })).status, 404);
    assert.deepEqual((await send(`${base}/leases`)).json, []);
  });
}

test('the lever from issue 15 is not pulled by a page that rebinds its name to the lever service', async (t) => {
  const levers = serverKinds[0];
  const port = await levers.start(t, { host: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  const browser = { origin: 'http://evil.example', 'user-agent': 'Mozilla/5.0 Chrome/120' };
  const pull = { method: 'POST', body: { reason: 'csrf', by: 'evil' } };
  // The request of the issue, as `curl -H 'Host: evil.example' …` sends it.
  const rebound = await send(`${base}/levers/disable-ads/pull`, { ...pull, headers: { ...browser, host: 'evil.example' } });
  assert.equal(rebound.status, 403);
  // The same page without rebinding (a form posted across sites to 127.0.0.1).
  const crossSite = await send(`${base}/levers/disable-ads/pull`, { ...pull, headers: browser });
  assert.equal(crossSite.status, 403);
  assert.equal((await send(`${base}/levers/disable-ads`)).json.state, 'reset');
  assert.deepEqual((await send(`${base}/audit`)).json.filter((entry: { action: string }) => entry.action !== 'declare'), []);
  // From the command line the same pull works.
  assert.equal((await send(`${base}/levers/disable-ads/pull`, pull)).status, 200);
  assert.equal((await send(`${base}/levers/disable-ads`)).json.state, 'pulled');
});

test("the proxy keeps refusing browsers as Toxiproxy does, before it looks at anything else", async (t) => {
  const port = await serverKinds[1].start(t, { host: '127.0.0.1' });
  const refused = await send(`http://127.0.0.1:${port}/proxies`, {
    method: 'POST',
    body: { name: 'x', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' },
    headers: { host: 'evil.example', origin: 'http://evil.example', 'user-agent': 'Mozilla/5.0 Chrome/120' },
  });
  assert.deepEqual(refused, { status: 403, json: { error: 'User agent not allowed', status: 403 } });
  assert.deepEqual((await send(`http://127.0.0.1:${port}/proxies`)).json, {});
});

// The control room as `gameday serve` runs it: beside the levers it serves pages with forms (so a browser's
// change must also carry the form token), the status page, incidents, COEs and the dashboard. The guard runs
// before every module, so each module's pages, APIs and forms are refused alike; the requests a foreign page
// could make (a rebound name, a cross-site form or fetch) change nothing, and the command line still acts.
const SERVE_READS = ['/', '/levers', '/status', '/incidents', '/coes', '/api/v2/summary.json', '/api/incidents', '/api/coes', '/metrics'];
const SERVE_CHANGES: Array<{ path: string; body: unknown }> = [
  { path: '/api/incidents', body: { title: 'forged', severity: 'SEV1', by: 'mallory' } },
  { path: '/incidents', body: { title: 'forged', severity: 'SEV1', by: 'mallory' } },
  { path: '/api/alertmanager', body: { status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'forged' } }] } },
  { path: '/api/status/components/checkout/declarations', body: { message: 'forged', author: 'mallory' } },
  { path: '/levers/disable-ads/pull', body: { by: 'mallory', reason: 'forged' } },
  { path: '/levers/disable-ads/change', body: { action: 'pull', by: 'mallory', reason: 'forged' } },
  { path: '/runs/none/halt', body: {} },
];

async function servedHome(t: TestContext, args: string[], reach = '127.0.0.1'): Promise<string> {
  const home = tempHome('gameday-edge-serve-');
  t.after(() => home.remove());
  home.write('levers.yaml', 'levers:\n  - { name: disable-ads, description: stop calling the ad service }\n');
  home.write('status.yaml', SHOP_STATUS_YAML);
  // A later --listen wins over the helper's loopback one.
  const { serve, base } = await startServe(home.dir, ['--status', 'status.yaml', ...args]);
  t.after(() => stopServe(serve));
  return `http://${reach}:${new URL(base).port}`;
}

/** Nothing a refused request could have written: no incident, the lever as declared, no declaration on the status page. */
async function assertUntouched(base: string): Promise<void> {
  assert.deepEqual((await send(`${base}/api/incidents`)).json.open, []);
  assert.equal((await send(`${base}/levers/disable-ads`)).json.state, 'reset');
  assert.doesNotMatch(await (await request(`${base}/status`)).body.text(), /forged|mallory/);
}

test('the control room of `gameday serve` (pages, levers, status page, incidents, COEs) refuses a foreign Host and a cross-site change on every module; the command line still acts', { timeout: 60_000 }, async (t) => {
  const base = await servedHome(t, []);
  const port = new URL(base).port;
  for (const path of SERVE_READS) {
    assert.equal((await request(`${base}${path}`)).statusCode, 200, path);
    const rebound = await send(`${base}${path}`, { headers: { host: `evil.example:${port}` } });
    assert.equal(rebound.status, 403, path);
    assert.match(rebound.json.error, /not to "evil\.example:\d+" \(Host header\)/, path);
  }
  for (const { path, body } of SERVE_CHANGES) {
    assert.equal((await send(`${base}${path}`, { method: 'POST', body, headers: { host: `evil.example:${port}` } })).status, 403, `${path} by a rebound name`);
    const crossSite = await send(`${base}${path}`, { method: 'POST', body, headers: { origin: 'http://evil.example', 'user-agent': 'Mozilla/5.0 Chrome/120' } });
    assert.equal(crossSite.status, 403, `${path} from another site`);
    assert.match(crossSite.json.error, /from another site's page/, path);
    assert.equal((await send(`${base}${path}`, { method: 'POST', body, headers: { 'sec-fetch-site': 'cross-site' } })).status, 403, `${path} said cross-site`);
    // Our own origin without the form token: a page that copied our markup, or a script injected into one.
    assert.equal((await send(`${base}${path}`, { method: 'POST', body, headers: { origin: base, 'sec-fetch-site': 'same-origin' } })).status, 403, `${path} without the form token`);
  }
  await assertUntouched(base);
  const cli = await send(`${base}/api/incidents`, { method: 'POST', body: { title: 'Checkout is slow', severity: 'SEV3', by: 'alice' } });
  assert.equal(cli.status, 201, 'a client that sends no Origin (the CLI, curl, a script) declares');
});

test('the control room of `gameday serve` bound beyond loopback answers 401 on every module without its token', { timeout: 60_000 }, async (t) => {
  const { bind, reach } = beyondLoopback();
  const base = await servedHome(t, ['--listen', `${bind}:0`, '--token', 's3cret'], reach);
  const bearer = { authorization: 'Bearer s3cret' };
  for (const path of SERVE_READS) {
    const anonymous = await send(`${base}${path}`);
    assert.equal(anonymous.status, 401, path);
    assert.match(anonymous.json.error, /missing or wrong access token/);
    assert.equal((await request(`${base}${path}`, { headers: bearer })).statusCode, 200, `${path} with the token`);
  }
  for (const { path, body } of SERVE_CHANGES) assert.equal((await send(`${base}${path}`, { method: 'POST', body })).status, 401, path);
  assert.deepEqual((await send(`${base}/api/incidents`, { headers: bearer })).json.open, []);
  assert.equal((await send(`${base}/levers/disable-ads`, { headers: bearer })).json.state, 'reset');
});
