import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { once } from 'node:events';
import { Pool } from 'undici';
import { portFromListen, sleep, startHttp, startProxyServer, waitUntil } from './helpers.js';

test('a toxic under a lease is reported with it and removed by the proxy when renewals stop, while traffic keeps flowing', async (t) => {
  const service = await startHttp();
  const { client, close } = await startProxyServer();
  const proxy = await client.createProxy({ name: 'web', listen: '127.0.0.1:0', upstream: `127.0.0.1:${service.port}`, protocol: 'http' });
  const pool = new Pool(`http://127.0.0.1:${portFromListen(proxy.listen)}`, { connections: 1 });
  t.after(async () => (await pool.close(), await close(), await service.close()));
  // Long enough that a loaded machine gets through the setup below before the lease runs out.
  const lease = await client.createLease({ owner: 'test run', ttlMs: 2000 });
  assert.equal(lease.ttl_ms, 2000);
  const toxic = await client.addToxic('web', { name: 'boom', type: 'http_error', attributes: { status: 503 } }, { lease: lease.id });
  assert.equal(toxic.lease, lease.id);
  const permanent = await client.addToxic('web', { name: 'plain', type: 'http_delay', attributes: { delay: 1, path_prefix: '/never' } });
  assert.equal(permanent.lease, undefined);
  assert.deepEqual((await client.listLeases())[0].faults, ['proxy web: toxic boom (http_error upstream)']);
  // The last renewal: from here on, nothing keeps the lease alive.
  const renewed = await client.renewLease(lease.id);
  const statuses: number[] = [];
  // Until the fault is gone and then a little longer (it must stay gone); the bound only stops a broken build.
  let goneAt = 0;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline && !(goneAt && Date.now() > goneAt + 200);) {
    const response = await pool.request({ path: '/', method: 'GET' });
    statuses.push(response.statusCode);
    await response.body.dump();
    if (response.statusCode === 200 && goneAt === 0) goneAt = Date.now();
    await sleep(10);
  }
  assert.equal(statuses[0], 503);
  assert.ok(goneAt > 0, 'the proxy removed the fault by itself');
  const expiresAt = Date.parse(renewed.expires_at);
  assert.ok(goneAt >= expiresAt, `the fault was gone ${expiresAt - goneAt} ms before its lease expired`);
  // Generous for a loaded machine, where the expiry timer and this loop both wait for the CPU.
  assert.ok(goneAt - expiresAt < 2000, `the fault outlived its lease by ${goneAt - expiresAt} ms`);
  assert.equal(statuses.at(-1), 200);
  assert.deepEqual((await client.listToxics('web')).map((t) => t.name), ['plain']);
  assert.deepEqual(await client.listLeases(), []);
  await assert.rejects(client.renewLease(lease.id), { status: 404 });
});

test('killing the process that holds a lease removes its faults within the TTL', async (t) => {
  const { server, client, close } = await startProxyServer();
  t.after(close);
  await client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
  // Renewals at a tenth of the TTL, so a child the machine starves for a second still renews in time:
  // only its death may end the lease.
  const ttlMs = 2000;
  const script = `
    const base = process.argv[1];
    const post = (path, body, headers = {}) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then((r) => r.json());
    const lease = await post('/leases', { owner: 'doomed orchestrator', ttl_ms: ${ttlMs} });
    await post('/proxies/db/toxics', { name: 'slow', type: 'latency', attributes: { latency: 500 } }, { 'x-gameday-lease': lease.id });
    setInterval(() => post('/leases/' + lease.id + '/renew', {}), ${ttlMs / 10});
    console.log('ready');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, server.controlUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  await once(child.stdout!, 'data');
  const [lease] = await client.listLeases();
  // Past the lease's first expiry: only renewals keep the toxic alive now.
  await waitUntil(async () => Date.parse((await client.listLeases())[0]?.expires_at ?? '0') > Date.parse(lease.expires_at) + ttlMs, 10_000);
  assert.deepEqual((await client.listToxics('db')).map((toxic) => toxic.name), ['slow']);
  child.kill('SIGKILL');
  const killedAt = Date.now();
  await once(child, 'exit');
  const [last] = await client.listLeases();
  await waitUntil(async () => (await client.listToxics('db')).length === 0, 10_000);
  const late = Date.now() - Date.parse(last.expires_at);
  assert.ok(late >= 0, `removed ${-late} ms before the lease ran out`);
  assert.ok(late < 2000, `the toxic outlived its lease by ${late} ms`);
  t.diagnostic(`toxic removed ${Date.now() - killedAt} ms after the kill, with a ${ttlMs} ms TTL`);
  const metrics = await (await fetch(`${server.controlUrl}/metrics`)).text();
  assert.match(metrics, /gameday_proxy_lease_expiries_total 1/);
});

test('removing a leased toxic by hand detaches it, so the lease no longer lists or reverts it', async (t) => {
  const { client, close } = await startProxyServer();
  t.after(close);
  await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
  const lease = await client.createLease({ owner: 'me', ttlMs: 1500 });
  await client.addToxic('p', { name: 't', type: 'latency', attributes: { latency: 5 } }, { lease: lease.id });
  await client.removeToxic('p', 't');
  assert.deepEqual((await client.listLeases())[0].faults, []);
  // A permanent toxic with the same name must survive the old lease's expiry.
  await client.addToxic('p', { name: 't', type: 'latency', attributes: { latency: 5 } });
  await waitUntil(async () => (await client.listLeases()).length === 0, 10_000);
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
