// The `gameday load` verb, run as a real process against a real server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { startServer } from './servers.js';

const bin = fileURLToPath(new URL('../../../bin/gameday.js', import.meta.url));

function gameday(args: string[], { interruptAfterMs }: { interruptAfterMs?: number } = {}) {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  if (interruptAfterMs !== undefined) setTimeout(() => child.kill('SIGINT'), interruptAfterMs);
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

const badInputs: [string, string[], RegExp][] = [
  ['a URL that is not one', ['load', 'not a url', '--rate', '10/s'], /url: expected an absolute http/],
  ['an unparsable rate', ['load', 'URL', '--rate', 'fast'], /--rate: expected a rate like 200\/s, got "fast"/],
  ['an unparsable duration', ['load', 'URL', '--rate', '10/s', '--duration', '5 minutes'], /--duration: expected a duration/],
  ['an unparsable stage', ['load', 'URL', '--stages', '10s:100/s,30s'], /--stages\[1\]: expected duration:rate/],
  ['no rate, no stages, not closed', ['load', 'URL'], /--rate: give an arrival rate/],
  ['both a rate and stages', ['load', 'URL', '--rate', '5/s', '--stages', '1s:5/s'], /--stages: give either --rate/],
  ['a header without a colon', ['load', 'URL', '--rate', '5/s', '--header', 'X-Test'], /--header: expected Name:value/],
  ['a --json file that cannot be written', ['load', 'URL', '--rate', '5/s', '--json', '/nonexistent/out.json'], /--json: cannot write \/nonexistent\/out.json: ENOENT/],
  ['a body file that does not exist', ['load', 'URL', '--rate', '5/s', '--body', '@/nonexistent/body.json'], /--body: cannot read \/nonexistent\/body.json: ENOENT/],
  ['a flag that does not exist', ['load', 'URL', '--rate', '10/s', '--rat', '5'], /unknown option/],
];

for (const [what, args, message] of badInputs) {
  test(`gameday load with ${what} exits 3 with a one-line error and sends nothing`, async (t) => {
    let connections = 0;
    const { url, server } = await startServer(t, (_req, res) => res.end('ok'));
    server.on('connection', () => connections++);
    const result = await gameday(args.map((arg) => (arg === 'URL' ? url : arg)));
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(connections, 0);
  });
}

test('gameday load against a port nobody listens on exits 3 before sending anything', async (t) => {
  const { url, server } = await startServer(t, (_req, res) => res.end('ok'));
  await new Promise((resolve) => server.close(resolve));
  const result = await gameday(['load', url, '--rate', '10/s', '--duration', '1s']);
  assert.equal(result.code, 3);
  assert.match(result.stderr, /^gameday load: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED; no requests were sent\n$/);
});

test('gameday load prints progress and a summary, and --json writes every field', async (t) => {
  const { url } = await startServer(t, (_req, res) => res.end('ok'));
  const dir = mkdtempSync(join(tmpdir(), 'gameday-load-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'out.json');
  const result = await gameday(['load', url, '--rate', '100/s', '--duration', '2s', '--header', 'X-Test: yes', '--json', out]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /1s +\d+\/s of \d+\/s +ok \d+ +err 0 +drop 0 +p50 [\d.]+ms/);
  assert.match(result.stdout, /requests \.+: 200 /);
  assert.match(result.stdout, /latency \.+: p50=/);
  const json = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(json.requests, 200);
  assert.equal(json.model, 'open');
  assert.equal(json.targetRate, 100);
  // One sample per second, plus the last partial one closed when the run ends.
  assert.ok(json.samples.length >= 2 && json.samples.length <= 3, `samples at ${json.samples.map((s: { atMs: number }) => s.atMs)}`);
  assert.equal(json.samples.reduce((sum: number, s: { completed: number }) => sum + s.completed, 0), 200);
  assert.equal(typeof json.histograms.latency, 'string');
});

test('Ctrl-C stops gameday load at once, prints the summary so far and exits 130', async (t) => {
  const { url } = await startServer(t, (_req, res) => res.end('ok'));
  const started = Date.now();
  const result = await gameday(['load', url, '--rate', '50/s', '--duration', '60s'], { interruptAfterMs: 1500 });
  assert.ok(Date.now() - started < 10_000);
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stdout, /duration \.+: .*\(cancelled\)/);
  assert.match(result.stdout, /requests \.+: \d+/);
});

test('gameday load sends the given method, headers and @file body on every request', async (t) => {
  const seen: string[] = [];
  const { url } = await startServer(t, (req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push(`${req.method} ${req.headers['x-tenant']} ${req.headers['content-type']} ${body}`);
      res.end('ok');
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'gameday-load-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'order.json'), '{"sku":42}');
  const result = await gameday([
    'load', url, '--closed', '--connections', '2', '--duration', '500ms', '--method', 'post',
    '--header', 'X-Tenant: blue', '--header', 'Content-Type:application/json', '--body', `@${join(dir, 'order.json')}`, '--no-progress',
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(seen.length > 10, `${seen.length} requests`);
  assert.deepEqual(new Set(seen), new Set(['POST blue application/json {"sku":42}']));
});
