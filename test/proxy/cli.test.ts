import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { connectProxy } from '../../src/proxy/client.js';
import { portFromListen, roundTrip, startEcho } from './helpers.js';

const bin = join(process.cwd(), 'bin', 'gameday.js');

function run(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GAMEDAY_LOG_LEVEL: 'silent' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return { child, out: () => stdout, err: () => stderr };
}

test('gameday proxy loads a Toxiproxy config, prints where it listens, and reverts everything on SIGTERM', async (t) => {
  const echo = await startEcho();
  const dir = mkdtempSync(join(tmpdir(), 'gameday-proxy-'));
  const config = join(dir, 'proxies.json');
  writeFileSync(config, JSON.stringify([{ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` }]));
  const { child, out } = run(['proxy', '--listen', '127.0.0.1:0', '--config', config]);
  t.after(async () => (child.kill('SIGKILL'), await echo.close(), rmSync(dir, { recursive: true, force: true })));
  while (!/echo: /.test(out())) await once(child.stdout, 'data');
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
  const bad = run(['proxy', '--listen', '127.0.0.1:0', '--config', config]);
  const [code] = await once(bad.child, 'exit');
  assert.equal(code, 3);
  assert.match(bad.err(), new RegExp(`${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:29: \\[1\\]\\.upstream: expected host:port`));

  writeFileSync(config, '[{"name": "a", "upstream": "127.0.0.1:1"},,]');
  const broken = run(['proxy', '--listen', '127.0.0.1:0', '--config', config]);
  const [brokenCode] = await once(broken.child, 'exit');
  assert.equal(brokenCode, 3);
  assert.match(broken.err(), /proxies\.json:1:\d+: not valid JSON/);
});
