import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { GoClientError } from './go-client.js';
import { startToxiproxy } from './peers.js';

// Where we differ from Toxiproxy on purpose (docs/proxy.md, "Differences from Toxiproxy"). The other
// deliberate differences are tested where their Toxiproxy case is: 409 for a taken port and populate that
// touches nothing on bad input (api.test.ts), a removed black hole closing only connections it held
// (toxics.test.ts).

test('an attribute the toxic does not have is refused with 400 (Toxiproxy ignores it), naming it and the expected ones', async (t) => {
  const { go } = await startToxiproxy(t);
  await go.createProxy('db', '127.0.0.1:0', '127.0.0.1:5432');
  await assert.rejects(go.addToxic('db', '', 'latency', 'downstream', 1, { latency: 100, jiter: 10 }), (error: GoClientError) => {
    assert.equal(error.status, 400);
    assert.match(error.apiMessage, /unknown attribute "jiter"; expected: latency, jitter/);
    return true;
  });
  assert.deepEqual(await go.toxics('db'), []);
});

test('a request that names the API by a foreign Host, or changes state from another site\'s page, is refused with 403 (Toxiproxy serves both)', async (t) => {
  const { server, go } = await startToxiproxy(t);
  const rebound = await request(`${server.controlUrl}/proxies`, { headers: { host: 'attacker.example:8474' } });
  await rebound.body.dump();
  assert.equal(rebound.statusCode, 403);
  const crossSite = await request(`${server.controlUrl}/proxies`, {
    method: 'POST',
    headers: { origin: 'https://attacker.example', 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'x', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }),
  });
  await crossSite.body.dump();
  assert.equal(crossSite.statusCode, 403);
  assert.deepEqual(await go.proxies(), {});
});
