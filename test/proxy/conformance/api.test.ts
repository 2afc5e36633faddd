import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from 'undici';
import { GoClientError } from './go-client.js';
import { freePort, isUp, startToxiproxy, startUpstream } from './peers.js';

// Toxiproxy's api_test.go and client/client_test.go, case by case (see README.md), against our control API
// with requests encoded as the official Go client encodes them.

const rejectsWith = (promise: Promise<unknown>, status: number, message: string | RegExp) =>
  assert.rejects(promise, (error: GoClientError) => {
    assert.equal(error.status, status);
    if (typeof message === 'string') assert.equal(error.apiMessage, message);
    else assert.match(error.apiMessage, message);
    return true;
  });

test('every answer carries an X-Toxiproxy-Request-Id header', async (t) => {
  const { server } = await startToxiproxy(t);
  const response = await request(`${server.controlUrl}/version`, { headers: { 'user-agent': 'curl' } });
  await response.body.dump();
  const id = response.headers['x-toxiproxy-request-id'];
  assert.equal(typeof id, 'string', 'no X-Toxiproxy-Request-Id header');
  assert.match(id as string, /^\w{8,}$/);
});

test('a browser user agent is refused with 403 and a command-line one is served', async (t) => {
  const { server } = await startToxiproxy(t);
  const browser = await request(`${server.controlUrl}/proxies`, {
    headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 4.4.2); Nexus 5 Build/KOT49H) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/33.0' },
  });
  await browser.body.dump();
  assert.equal(browser.statusCode, 403);
  const wget = await request(`${server.controlUrl}/proxies`, { headers: { 'user-agent': 'Wget/2.1' } });
  await wget.body.dump();
  assert.equal(wget.statusCode, 200);
});

test('a new server lists no proxies, and /version answers with Toxiproxy\'s exact body', async (t) => {
  const { go } = await startToxiproxy(t);
  assert.deepEqual(await go.proxies(), {});
  assert.match(await go.version(), /^\{"version": "[^"]+"\}\n$/);
});

test('creating a proxy without a name or without an upstream answers 400 naming the missing field', async (t) => {
  const { go } = await startToxiproxy(t);
  await rejectsWith(go.createProxy('', '', ''), 400, 'missing required field: name');
  await rejectsWith(go.createProxy('test', '', ''), 400, 'missing required field: upstream');
  assert.deepEqual(await go.proxies(), {});
});

test('populate creates every proxy, enabled unless the entry says enabled: false, and a raw entry without enabled is enabled', async (t) => {
  const { server, go } = await startToxiproxy(t);
  const [a, b] = [await freePort(), await freePort()];
  const created = await go.populate([
    { name: 'one', listen: `localhost:${a}`, upstream: 'localhost:7171', enabled: false },
    { name: 'two', listen: `localhost:${b}`, upstream: 'localhost:7474', enabled: true },
  ]);
  assert.deepEqual(
    created.map((p) => [p.name, p.enabled]),
    [
      ['one', false],
      ['two', true],
    ],
  );
  assert.equal(await isUp(`localhost:${a}`), false);
  assert.equal(await isUp(created[1].listen), true);
  const raw = await request(`${server.controlUrl}/populate`, {
    method: 'POST',
    body: '[{"name": "test", "listen": "127.0.0.1:0", "upstream": "localhost:7171"}]',
  });
  assert.equal(raw.statusCode, 201);
  const { proxies } = (await raw.body.json()) as { proxies: Array<{ listen: string; enabled: boolean }> };
  assert.equal(proxies[0].enabled, true);
  assert.equal(await isUp(proxies[0].listen), true);
});

test('populate keeps a proxy whose listen address names the same socket (with its toxics) and replaces one that changed', async (t) => {
  const { go } = await startToxiproxy(t);
  const [a, b, c] = [await freePort(), await freePort(), await freePort()];
  await go.createProxy('one', `localhost:${a}`, 'localhost:7171');
  await go.createProxy('two', `localhost:${b}`, 'localhost:7474');
  await go.addToxic('one', '', 'latency', 'downstream', 1, null);
  const populated = await go.populate([
    { name: 'one', listen: `localhost:${a}`, upstream: 'localhost:7171', enabled: true },
    { name: 'two', listen: `127.0.0.1:${c}`, upstream: 'localhost:7676', enabled: true },
  ]);
  assert.deepEqual(
    populated.map((p) => p.listen),
    [`127.0.0.1:${a}`, `127.0.0.1:${c}`],
  );
  const toxics = await go.toxics('one');
  assert.deepEqual(
    toxics.map((toxic) => toxic.type),
    ['latency'],
    'populate did not replace the unchanged proxy',
  );
  assert.equal(await isUp(`127.0.0.1:${a}`), true);
  assert.equal(await isUp(`127.0.0.1:${c}`), true);
  assert.equal(await isUp(`127.0.0.1:${b}`), false);
});

test('populate with a nameless entry answers 400 naming the entry, and creates nothing', async (t) => {
  const { go } = await startToxiproxy(t);
  await rejectsWith(
    go.populate([
      { name: 'one', listen: `localhost:${await freePort()}`, upstream: 'localhost:7171', enabled: true },
      { name: '', listen: '', enabled: true },
    ]),
    400,
    'missing required field: name at proxy 2',
  );
  assert.deepEqual(await go.proxies(), {});
});

test('populate with a bad listen address creates none of the proxies (a deliberate difference: Toxiproxy keeps those before it)', async (t) => {
  const { go } = await startToxiproxy(t);
  await rejectsWith(
    go.populate([
      { name: 'one', listen: `localhost:${await freePort()}`, upstream: 'localhost:7171', enabled: true },
      { name: 'two', listen: 'local373', upstream: 'localhost:7474', enabled: true },
      { name: 'three', listen: `localhost:${await freePort()}`, upstream: 'localhost:7676', enabled: true },
    ]),
    400,
    /^listen must be host:port .* at proxy 2$/,
  );
  assert.deepEqual(await go.proxies(), {});
});

test('a populated proxy takes a toxic sent with "attributes": null, which means the defaults', async (t) => {
  const { go } = await startToxiproxy(t);
  const [proxy] = await go.populate([{ name: 'one', listen: '127.0.0.1:0', upstream: 'localhost:7171', enabled: true }]);
  const toxic = await go.addToxic(proxy.name, '', 'latency', 'downstream', 1, null);
  assert.deepEqual(toxic, { name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 0, jitter: 0 } });
});

test('a proxy created on localhost is listed and fetched with the address it is bound to, its upstream as given', async (t) => {
  const { go } = await startToxiproxy(t);
  const port = await freePort();
  await go.createProxy('mysql_master', `localhost:${port}`, 'localhost:20001');
  const listed = (await go.proxies()).mysql_master;
  const fetched = await go.proxy('mysql_master');
  for (const proxy of [listed, fetched]) {
    assert.equal(proxy.name, 'mysql_master');
    assert.equal(proxy.listen, `127.0.0.1:${port}`);
    assert.equal(proxy.upstream, 'localhost:20001');
    assert.equal(proxy.enabled, true);
    assert.deepEqual(proxy.toxics, []);
  }
  assert.equal(await isUp(fetched.listen), true);
});

test('a proxy saved disabled does not listen, keeps its address as given, listens once saved enabled, and stops when saved disabled', async (t) => {
  const { go } = await startToxiproxy(t);
  const listen = `localhost:${await freePort()}`;
  const saved = await go.save({ name: 'mysql_master', listen, upstream: 'localhost:20001', enabled: false, toxics: null }, false);
  assert.equal(saved.listen, listen);
  assert.equal(saved.enabled, false);
  assert.equal(await isUp(listen), false);
  const enabled = await go.save({ ...(await go.proxy('mysql_master')), enabled: true }, true);
  assert.equal(enabled.enabled, true);
  assert.equal(await isUp(listen), true);
  await go.save({ ...enabled, enabled: false }, true);
  assert.equal(await isUp(listen), false);
});

test('a deleted proxy stops listening and leaves the list; deleting it again answers 404', async (t) => {
  const { go } = await startToxiproxy(t);
  const proxy = await go.createProxy('mysql_master', `localhost:${await freePort()}`, 'localhost:20001');
  assert.equal(await isUp(proxy.listen), true);
  await go.deleteProxy('mysql_master');
  assert.equal(await isUp(proxy.listen), false);
  assert.deepEqual(await go.proxies(), {});
  await rejectsWith(go.deleteProxy('mysql_master'), 404, 'proxy not found');
});

test('a proxy on a taken port is refused with 409 (a deliberate difference: Toxiproxy answers 500); once the first is deleted, the port is free', async (t) => {
  const { go } = await startToxiproxy(t);
  const port = await freePort();
  await go.createProxy('mysql_master', `localhost:${port}`, 'localhost:20001');
  await rejectsWith(go.createProxy('test', `localhost:${port}`, 'localhost:20001'), 409, `listen address localhost:${port} is already in use`);
  await go.deleteProxy('mysql_master');
  await go.createProxy('test', `localhost:${port}`, 'localhost:20001');
});

test('a second proxy with a taken name answers 409; once the first is deleted, the name is free', async (t) => {
  const { go } = await startToxiproxy(t);
  await go.createProxy('mysql_master', '127.0.0.1:0', 'localhost:20001');
  await rejectsWith(go.createProxy('mysql_master', '127.0.0.1:0', 'localhost:20001'), 409, 'proxy already exists');
  await go.deleteProxy('mysql_master');
  await go.createProxy('mysql_master', '127.0.0.1:0', 'localhost:20001');
});

test('reset removes every toxic and enables every proxy again', async (t) => {
  const { go } = await startToxiproxy(t);
  const proxy = await go.createProxy('mysql_master', '127.0.0.1:0', 'localhost:20001');
  const latency = await go.addToxic('mysql_master', '', 'latency', 'downstream', 1, { latency: 100, jitter: 10 });
  assert.deepEqual(latency.attributes, { latency: 100, jitter: 10 });
  await go.save({ ...proxy, enabled: false }, true);
  await go.resetState();
  const after = await go.proxy('mysql_master');
  assert.equal(after.enabled, true);
  assert.deepEqual(after.toxics, []);
  assert.equal(await isUp(after.listen), true);
});

test('toxics are added with their name, type, stream, toxicity and attributes, and read back the same', async (t) => {
  const { go } = await startToxiproxy(t);
  await go.createProxy('mysql_master', '127.0.0.1:0', 'localhost:20001');
  assert.deepEqual(await go.toxics('mysql_master'), []);
  const added = await go.addToxic('mysql_master', 'foobar', 'latency', 'downstream', 1, { latency: 100, jitter: 10 });
  const expected = { name: 'foobar', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 100, jitter: 10 } };
  assert.deepEqual(added, expected);
  assert.deepEqual(await go.toxics('mysql_master'), [expected]);
  await go.addToxic('mysql_master', 'latency1', 'latency', 'downstream', 1, null);
  await go.addToxic('mysql_master', 'latency2', 'latency', 'downstream', 1, null);
  const all = await go.toxics('mysql_master');
  assert.deepEqual(
    all.map((toxic) => [toxic.name, toxic.stream, toxic.attributes]),
    [
      ['foobar', 'downstream', { latency: 100, jitter: 10 }],
      ['latency1', 'downstream', { latency: 0, jitter: 0 }],
      ['latency2', 'downstream', { latency: 0, jitter: 0 }],
    ],
  );
  const slow = await go.addToxic('mysql_master', '', 'latency', 'downstream', 0.2, { latency: 100, jitter: 10 });
  assert.equal(slow.name, 'latency_downstream');
  assert.equal(slow.toxicity, 0.2);
});

test('a toxic name already taken answers 409, with "attributes": null, of another type or on the other stream, and the first toxic stays', async (t) => {
  const { go } = await startToxiproxy(t);
  await go.createProxy('mysql_master', '127.0.0.1:0', 'localhost:20001');
  await go.addToxic('mysql_master', 'foobar', 'latency', 'upstream', 1, null);
  await rejectsWith(go.addToxic('mysql_master', 'foobar', 'slow_close', 'upstream', 1, null), 409, 'toxic already exists');
  await rejectsWith(go.addToxic('mysql_master', 'foobar', 'latency', 'downstream', 1, null), 409, 'toxic already exists');
  assert.deepEqual(await go.toxics('mysql_master'), [
    { name: 'foobar', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 0, jitter: 0 } },
  ]);
});

test('default names carry the stream, so the same type on both streams does not conflict', async (t) => {
  const { go } = await startToxiproxy(t);
  await go.createProxy('mysql_master', '127.0.0.1:0', 'localhost:20001');
  await go.addToxic('mysql_master', '', 'latency', 'upstream', 1, null);
  await go.addToxic('mysql_master', '', 'latency', 'downstream', 1, null);
  assert.deepEqual(
    (await go.toxics('mysql_master')).map((toxic) => [toxic.name, toxic.type, toxic.stream]),
    [
      ['latency_upstream', 'latency', 'upstream'],
      ['latency_downstream', 'latency', 'downstream'],
    ],
  );
});

test('a noop toxic without a stream is added on the downstream', async (t) => {
  const { go } = await startToxiproxy(t);
  await go.createProxy('mysql_master', '127.0.0.1:0', 'localhost:20001');
  const noop = await go.addToxic('mysql_master', 'foobar', 'noop', '', 1, null);
  assert.deepEqual(noop, { name: 'foobar', type: 'noop', stream: 'downstream', toxicity: 1, attributes: {} });
  assert.deepEqual((await go.toxics('mysql_master')).map((toxic) => toxic.name), ['foobar']);
});

test('updating a toxic merges the attributes sent, and keeps its toxicity unless one is sent', async (t) => {
  const { go } = await startToxiproxy(t);
  await go.createProxy('mysql_master', '127.0.0.1:0', 'localhost:20001');
  const added = await go.addToxic('mysql_master', '', 'latency', 'downstream', -1, { latency: 100, jitter: 10 });
  assert.equal(added.toxicity, 1);
  const first = await go.updateToxic('mysql_master', 'latency_downstream', 0.5, { latency: 1000 });
  assert.deepEqual([first.toxicity, first.attributes], [0.5, { latency: 1000, jitter: 10 }]);
  const second = await go.updateToxic('mysql_master', 'latency_downstream', -1, { latency: 500 });
  assert.deepEqual([second.toxicity, second.attributes], [0.5, { latency: 500, jitter: 10 }]);
  const third = await go.updateToxic('mysql_master', 'latency_downstream', -1, null);
  assert.deepEqual([third.toxicity, third.attributes], [0.5, { latency: 500, jitter: 10 }]);
  const [read] = await go.toxics('mysql_master');
  assert.deepEqual([read.name, read.type, read.stream, read.toxicity, read.attributes], ['latency_downstream', 'latency', 'downstream', 0.5, { latency: 500, jitter: 10 }]);
});

test('a removed toxic leaves the list; removing it again answers 404', async (t) => {
  const { go } = await startToxiproxy(t);
  await go.createProxy('mysql_master', '127.0.0.1:0', 'localhost:20001');
  await go.addToxic('mysql_master', '', 'latency', 'downstream', 1, null);
  await go.removeToxic('mysql_master', 'latency_downstream');
  assert.deepEqual(await go.toxics('mysql_master'), []);
  await rejectsWith(go.removeToxic('mysql_master', 'latency_downstream'), 404, 'toxic not found');
});

test('a toxic on a stream that is neither upstream nor downstream is refused with 400', async (t) => {
  const { go } = await startToxiproxy(t);
  await go.createProxy('mysql_master', '127.0.0.1:0', 'localhost:20001');
  await rejectsWith(go.addToxic('mysql_master', '', 'latency', 'walrustream', 1, null), 400, 'stream was invalid, can be either upstream or downstream');
});

test('a stream named in any case is read as that stream, and a nameless toxic is named with it as sent', async (t) => {
  const { go } = await startToxiproxy(t);
  await go.createProxy('mysql_master', '127.0.0.1:0', 'localhost:20001');
  const up = await go.addToxic('mysql_master', '', 'latency', 'UpStream', 1, null);
  const down = await go.addToxic('mysql_master', 'down', 'latency', 'DOWNSTREAM', 1, null);
  assert.deepEqual([up.name, up.stream, down.name, down.stream], ['latency_UpStream', 'upstream', 'down', 'downstream']);
  await rejectsWith(go.addToxic('mysql_master', '', 'latency', '-123', 1, null), 400, 'stream was invalid, can be either upstream or downstream');
});

test('every call of the Go client, with its User-Agent and JSON Content-Type, is answered', async (t) => {
  const { go } = await startToxiproxy(t);
  const upstream = await startUpstream(t);
  go.userAgent = 'toxiproxy-cli/v1.25.0 (darwin/arm64)';
  await go.version();
  await go.createProxy('foo', '127.0.0.1:0', upstream.address);
  await go.proxies();
  await go.proxy('foo');
  await go.populate([{ name: 'bar', listen: '127.0.0.1:0', upstream: upstream.address, enabled: true }]);
  await go.addToxic('foo', 'lat', 'latency', '', -1, { latency: 1 });
  await go.updateToxic('foo', 'lat', -1, { latency: 2 });
  await go.removeToxic('foo', 'lat');
  await go.resetState();
  await go.deleteProxy('bar');
  assert.deepEqual(Object.keys(await go.proxies()), ['foo']);
});
