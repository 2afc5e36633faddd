import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { connectProxy } from '../../src/proxy/client.js';
import { spawnGameday } from '../cli-process.js';
import { echoBehindConfig, portFromListen, roundTrip } from './helpers.js';


test('gameday proxy loads a Toxiproxy config, prints where it listens, and reverts everything on SIGTERM', async (t) => {
  const { dir, config } = await echoBehindConfig(t);
  const { child, stdout: out } = spawnGameday(['proxy', '--listen', '127.0.0.1:0', '--config', config], dir);
  t.after(() => child.kill('SIGKILL'));
  while (!/echo: /.test(out())) await once(child.stdout!, 'data');
  const url = /control API on (http:\/\/\S+)/.exec(out())![1];
  const client = connectProxy(url);
  const proxy = await client.getProxy('echo');
  assert.equal((await roundTrip(portFromListen(proxy.listen), Buffer.from('via cli'))).received.toString(), 'via cli');
  await client.addToxic('echo', { type: 'latency', attributes: { latency: 50 } });
  await client.close();
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  assert.match(out(), /SIGTERM: reverted 1 toxic\(s\)/);
});

test('gameday proxy refuses a bad config with the file, line, column and field, and exits 3', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-proxy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'proxies.json');
  writeFileSync(config, '[\n  {"name": "a", "upstream": "127.0.0.1:1"},\n  {"name": "b", "upstream": 6379}\n]\n');
  const bad = spawnGameday(['proxy', '--listen', '127.0.0.1:0', '--config', config], dir);
  const [code] = await once(bad.child, 'exit');
  assert.equal(code, 3);
  assert.match(bad.stderr(), new RegExp(`${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:29: \\[1\\]\\.upstream: expected host:port`));

  writeFileSync(config, '[{"name": "a", "upstream": "127.0.0.1:1"},,]');
  const broken = spawnGameday(['proxy', '--listen', '127.0.0.1:0', '--config', config], dir);
  const [brokenCode] = await once(broken.child, 'exit');
  assert.equal(brokenCode, 3);
  assert.match(broken.stderr(), /proxies\.json:1:\d+: not valid JSON/);
});

/** The accept queue length the kernel gave the socket listening on `port` (ss: Send-Q of a listener). */
function acceptQueue(port: number): number {
  const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
  return Number(line.split(/\s+/)[2]);
}

test('gameday proxy listens with the longest accept queue the system allows, or the one --backlog asks for', async (t) => {
  const { dir, config } = await echoBehindConfig(t);
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  for (const [args, expected] of [
    [[], somaxconn],
    [['--backlog', '7'], 7],
  ] as const) {
    const { child, stdout: out } = spawnGameday(['proxy', '--listen', '127.0.0.1:0', '--config', config, ...args], dir);
    t.after(() => child.kill('SIGKILL'));
    while (!/echo: /.test(out())) await once(child.stdout!, 'data');
    assert.equal(acceptQueue(Number(/echo: 127\.0\.0\.1:(\d+)/.exec(out())![1])), expected);
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  const bad = spawnGameday(['proxy', '--listen', '127.0.0.1:0', '--backlog', 'lots'], dir);
  const [code] = await once(bad.child, 'exit');
  assert.equal(code, 3);
  assert.match(bad.stderr(), /--backlog must be a positive whole number, got "lots"/);
});
