import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { once } from 'node:events';
import { Pool } from 'undici';
import { portFromListen, sleep, startHttp, startProxyServer } from './helpers.js';

async function waitUntil(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if (await check()) return performance.now() - started;
    await sleep(25);
  }
  throw new Error(`condition not met within ${limitMs}ms`);
}

test('a toxic under a lease is reported with it and removed by the proxy when renewals stop, while traffic keeps flowing', async (t) => {
  const service = await startHttp();
  const { client, close } = await startProxyServer();
  const proxy = await client.createProxy({ name: 'web', listen: '127.0.0.1:0', upstream: `127.0.0.1:${service.port}`, protocol: 'http' });
  const pool = new Pool(`http://127.0.0.1:${portFromListen(proxy.listen)}`, { connections: 1 });
  t.after(async () => (await pool.close(), await close(), await service.close()));
  const lease = await client.createLease({ owner: 'test run', ttlMs: 600 });
  assert.equal(lease.ttl_ms, 600);
  const toxic = await client.addToxic('web', { name: 'boom', type: 'http_error', attributes: { status: 503 } }, { lease: lease.id });
  assert.equal(toxic.lease, lease.id);
  const permanent = await client.addToxic('web', { name: 'plain', type: 'http_delay', attributes: { delay: 1, path_prefix: '/never' } });
  assert.equal(permanent.lease, undefined);
  assert.deepEqual((await client.listLeases())[0].faults, ['proxy web: toxic boom (http_error upstream)']);
  const statuses: number[] = [];
  const started = performance.now();
  let goneAfter = 0;
  while (performance.now() - started < 3000) {
    const response = await pool.request({ path: '/', method: 'GET' });
    statuses.push(response.statusCode);
    await response.body.dump();
    if (response.statusCode === 200 && goneAfter === 0) goneAfter = performance.now() - started;
    if (goneAfter && performance.now() - started > goneAfter + 200) break;
    await sleep(10);
  }
  assert.equal(statuses[0], 503);
  assert.ok(goneAfter > 0 && goneAfter < 600 + 500, `fault gone after ${goneAfter}ms`);
  assert.equal(statuses.at(-1), 200);
  assert.deepEqual((await client.listToxics('web')).map((t) => t.name), ['plain']);
  assert.deepEqual(await client.listLeases(), []);
  await assert.rejects(client.renewLease(lease.id), { status: 404 });
});

test('killing the process that holds a lease removes its faults within the TTL', async (t) => {
  const { server, client, close } = await startProxyServer();
  t.after(close);
  await client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
  const script = `
    const base = process.argv[1];
    const post = (path, body, headers = {}) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then((r) => r.json());
    const lease = await post('/leases', { owner: 'doomed orchestrator', ttl_ms: 800 });
    await post('/proxies/db/toxics', { name: 'slow', type: 'latency', attributes: { latency: 500 } }, { 'x-gameday-lease': lease.id });
    setInterval(() => post('/leases/' + lease.id + '/renew', {}), 250);
    console.log('ready');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, server.controlUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  await once(child.stdout!, 'data');
  await sleep(1200); // longer than the TTL: only renewals keep the toxic alive now
  assert.deepEqual((await client.listToxics('db')).map((toxic) => toxic.name), ['slow']);
  child.kill('SIGKILL');
  const killedAt = performance.now();
  await once(child, 'exit');
  const gone = await waitUntil(async () => (await client.listToxics('db')).length === 0, 3000);
  assert.ok(performance.now() - killedAt < 800 + 700, `toxic removed ${gone}ms after the kill`);
  const metrics = await (await fetch(`${server.controlUrl}/metrics`)).text();
  assert.match(metrics, /gameday_proxy_lease_expiries_total 1/);
});

test('removing a leased toxic by hand detaches it, so the lease no longer lists or reverts it', async (t) => {
  const { client, close } = await startProxyServer();
  t.after(close);
  await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
  const lease = await client.createLease({ owner: 'me', ttlMs: 400 });
  await client.addToxic('p', { name: 't', type: 'latency', attributes: { latency: 5 } }, { lease: lease.id });
  await client.removeToxic('p', 't');
  assert.deepEqual((await client.listLeases())[0].faults, []);
  // A permanent toxic with the same name must survive the old lease's expiry.
  await client.addToxic('p', { name: 't', type: 'latency', attributes: { latency: 5 } });
  await sleep(700);
  assert.deepEqual((await client.listToxics('p')).map((toxic) => [toxic.name, toxic.lease]), [['t', undefined]]);
});

test('releasing a lease reverts its toxics at once; a toxic under an unknown lease is refused', async (t) => {
  const { client, close } = await startProxyServer();
  t.after(close);
  await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
  const lease = await client.createLease({ owner: 'me', ttlMs: 60_000 });
  await client.addToxic('p', { name: 'a', type: 'latency' }, { lease: lease.id });
  await client.addToxic('p', { name: 'b', type: 'bandwidth', attributes: { rate: 10 } }, { lease: lease.id });
  const renewed = await client.renewLease(lease.id);
  assert.ok(Date.parse(renewed.expires_at) >= Date.parse(lease.expires_at));
  await client.releaseLease(lease.id);
  assert.deepEqual(await client.listToxics('p'), []);
  await assert.rejects(client.addToxic('p', { type: 'latency' }, { lease: 'no-such-lease' }), { status: 404 });
  assert.deepEqual(await client.listToxics('p'), []);
  await assert.rejects(client.createLease({ owner: 'me', ttlMs: 5 }), { status: 400 });
});
