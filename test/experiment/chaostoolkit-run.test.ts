// Chaos Toolkit runs end to end through `gameday run`, on what the public fixtures do not cover: secrets
// (never in a record of the run), rollback strategies, every kind of tolerance against a real HTTP
// service, request arguments, background activities, timeouts, interruption and the dry run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Journal } from '../../src/journal/format.js';
import { journalOf, spawnGameday, tempHome, waitFor } from './world.js';
import type { TempHome } from '../cli-process.js';
import { listen, type Listening } from './chaostoolkit-world/services.js';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, unknown>;
  body: string;
}

/** A JSON service: /whoami echoes the Authorization header, /inventory serves a document, /slow is slow. */
async function service(): Promise<Listening & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = await listen(0, async (req, body, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    if (req.url === '/whoami') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ auth: req.headers.authorization ?? null }));
    if (req.url === '/inventory') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ items: [{ sku: 'a', stock: 3 }, { sku: 'b', stock: 0 }], count: 2 }));
    if (req.url === '/old') return void res.writeHead(302, { Location: '/' }).end();
    if (req.url === '/slow') await new Promise((r) => setTimeout(r, 1500));
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('in stock: 42\n');
  });
  return Object.assign(server, { seen });
}

function experiment(extra: Record<string, unknown>): string {
  return JSON.stringify({ title: 'ctk run', description: 'written for this test', method: [], ...extra }, null, 2);
}

async function run(home: TempHome, doc: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; journal: Journal }> {
  const file = home.write(`ctk-${Math.random().toString(36).slice(2)}.json`, doc);
  const result = await spawnGameday(['run', file, ...args], home.dir, env).done;
  return { ...result, journal: journalOf(result.stdout) };
}

const process_ = (cmd: string, extra: Record<string, unknown> = {}) => ({ type: 'process', path: 'sh', arguments: ['-c', cmd], ...extra });

test('secrets reach the service and the process, and never journal.json, report.html, report.md or the store', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const svc = await service();
  t.after(() => svc.close());
  const token = 'Tk+9/=zq 7&x!';
  const result = await run(home, experiment({
    configuration: { service: { type: 'env', key: 'SERVICE_URL' } },
    secrets: { api: { token: { type: 'env', key: 'CTK_TEST_TOKEN' } } },
    'steady-state-hypothesis': {
      title: 'the service knows us',
      probes: [{
        type: 'probe', name: 'whoami', provider: { type: 'http', url: '${service}/whoami', headers: { Authorization: 'Bearer ${token}' }, secrets: ['api'] },
        tolerance: { type: 'jsonpath', target: 'body', path: '$.auth', expect: 'Bearer ${token}' },
      }],
    },
    method: [
      { type: 'action', name: 'form', provider: { type: 'http', url: '${service}/login', method: 'POST', arguments: { token: '${token}', user: 'me' } } },
      { type: 'action', name: 'query', provider: { type: 'http', url: '${service}/search', arguments: { q: '${token}' } } },
      { type: 'action', name: 'print', provider: { type: 'process', path: 'echo', arguments: 'token=${token}' } },
    ],
  }), [], { SERVICE_URL: svc.url, CTK_TEST_TOKEN: token });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  // The secret was really used: in the header, the form body and the query string, encoded as `requests` does.
  assert.equal(svc.seen[0].headers.authorization, `Bearer ${token}`);
  assert.equal(svc.seen.find((s) => s.url === '/login')?.body, 'token=Tk%2B9%2F%3Dzq+7%26x%21&user=me');
  assert.equal(svc.seen.find((s) => s.url.startsWith('/search'))?.url, '/search?q=Tk%2B9%2F%3Dzq+7%26x%21');
  const folder = /run folder: (.+)/.exec(result.stdout)![1];
  const forms = [token, encodeURIComponent(token), 'Tk%2B9%2F%3Dzq+7%26x%21'];
  const records = {
    'journal.json': readFileSync(join(folder, 'journal.json'), 'utf8'),
    'report.html': readFileSync(join(folder, 'report.html'), 'utf8'),
    'report.md': readFileSync(join(folder, 'report.md'), 'utf8'),
    // Every file of the store, its write-ahead log included.
    'the store': readdirSync(join(home.dir, '.gameday'), { withFileTypes: true }).filter((f) => f.isFile()).map((f) => readFileSync(join(home.dir, '.gameday', f.name)).toString('latin1')).join(''),
    'the console': result.stdout + result.stderr,
  };
  assert.ok(records['the store'].includes('token=[secret]'), 'the store holds the journal that was checked');
  for (const [where, text] of Object.entries(records)) for (const form of forms) assert.ok(!text.includes(form), `${where} contains the secret (${form})`);
  assert.match(records['journal.json'], /token=\[secret\]/, 'the process output is kept, with the secret hidden');
});

test('rollback strategies decide as chaos run decides: default, never, deviated and always', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  // The method breaks the steady state; each rollback leaves a marker.
  const deviating = (runtime?: string) => experiment({
    ...(runtime ? { runtime: { rollbacks: { strategy: runtime } } } : {}),
    'steady-state-hypothesis': { title: 'not broken', probes: [{ type: 'probe', name: 'intact', tolerance: 1, provider: process_('test -e broken') }] },
    method: [{ type: 'action', name: 'break', provider: process_('touch broken') }],
    rollbacks: [{ type: 'action', name: 'repair', provider: process_('rm -f broken; echo x >> rolled-back') }],
  });
  const rollbacks = () => (existsSync(join(home.dir, 'rolled-back')) ? readFileSync(join(home.dir, 'rolled-back'), 'utf8').length / 2 : 0);
  const cases: [string[], string | undefined, boolean][] = [
    [[], undefined, true], // default: a deviated but completed run rolls back
    [['--rollback-strategy', 'never'], undefined, false],
    [['--rollback-strategy', 'deviated'], undefined, true],
    [[], 'never', false], // the experiment's runtime block
    [['--rollback-strategy', 'always'], 'never', true], // the command line wins over the experiment
  ];
  for (const [args, runtime, played] of cases) {
    const before = rollbacks();
    const result = await run(home, deviating(runtime), args);
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual([result.journal.chaostoolkit?.status, result.journal.chaostoolkit?.deviated, result.journal.chaostoolkit?.rollbacksPlayed], ['completed', true, played], `${args} ${runtime}`);
    assert.equal(rollbacks() - before, played ? 1 : 0, `${args} ${runtime}`);
    execFileSync('rm', ['-f', join(home.dir, 'broken')]);
  }
  // `deviated` does not roll back a run that held.
  const held = await run(home, experiment({ rollbacks: [{ type: 'action', name: 'repair', provider: process_('echo x >> rolled-back') }] }), ['--rollback-strategy', 'deviated']);
  assert.equal(held.code, 0);
  assert.equal(held.journal.chaostoolkit?.rollbacksPlayed, false);
  assert.equal(held.journal.events.filter((e) => e.type === 'rollbacks.skipped').length, 1);
});

test('every tolerance kind judged against a real HTTP service and real processes', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const svc = await service();
  t.after(() => svc.close());
  const http = (path: string) => ({ type: 'http', url: `${svc.url}${path}`, timeout: 3 });
  const probes = [
    { name: 'status-int', tolerance: 200, provider: http('/') },
    { name: 'status-list', tolerance: [200, 503], provider: http('/') },
    { name: 'body-regex', tolerance: { type: 'regex', target: 'body', pattern: '^in stock: \\d+$' }, provider: http('/') },
    { name: 'body-range', tolerance: { type: 'range', target: 'status', range: [200, 299] }, provider: http('/') },
    { name: 'json-expect', tolerance: { type: 'jsonpath', target: 'body', path: '$.items.*[?(@.stock > 0)].sku', expect: 'a' }, provider: http('/inventory') },
    { name: 'json-count', tolerance: { type: 'jsonpath', target: 'body', path: '$.items[*]', count: 2 }, provider: http('/inventory') },
    { name: 'json-found', tolerance: { type: 'jsonpath', path: '$.headers["Content-Type"]' }, provider: http('/inventory') },
    { name: 'exit-code', tolerance: 3, provider: process_('exit 3') },
    { name: 'stdout-regex', tolerance: { type: 'regex', target: 'stdout', pattern: 'ready' }, provider: process_('echo ready') },
    { name: 'stdout-range', tolerance: { type: 'range', target: 'stdout', range: [1, 10] }, provider: process_('echo 7') },
    { name: 'probe-tolerance', tolerance: { type: 'probe', name: 'judge', provider: { type: 'process', path: 'true', arguments: {} } }, provider: http('/') },
    { name: 'env-tolerance', tolerance: '${expected}', provider: http('/') },
    // A redirect is followed (a POST becomes a GET after a 302, as `requests` does).
    { name: 'redirected', tolerance: { type: 'regex', target: 'body', pattern: 'in stock' }, provider: { ...http('/old'), method: 'POST' } },
  ].map((p) => ({ type: 'probe', ...p }));
  const result = await run(home, experiment({ configuration: { expected: 200 }, 'steady-state-hypothesis': { title: 'all within', probes } }));
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.deepEqual(result.journal.objectives.filter((o) => o.ok).map((o) => `${o.phase} ${o.name}`), [
    ...probes.map((p) => `before ${p.name}`),
    ...probes.map((p) => `after ${p.name}`),
  ]);
  const redirect = svc.seen.findIndex((r) => r.method === 'POST' && r.url === '/old');
  assert.deepEqual([svc.seen[redirect + 1].method, svc.seen[redirect + 1].url], ['GET', '/']);
  // The first miss stops the check, as in Chaos Toolkit: the probes after it are not run.
  const missing = await run(home, experiment({ 'steady-state-hypothesis': { title: 'x', probes: [probes[0], { ...probes[5], tolerance: { type: 'jsonpath', target: 'body', path: '$.items[*]', count: 3 } }, probes[1]] } }));
  assert.equal(missing.code, 1);
  assert.deepEqual(missing.journal.objectives.map((o) => [o.name, o.ok]), [['status-int', true], ['json-count', false]]);
});

test('verify_tls: false accepts a self-signed certificate; by default it is refused and the probe fails to run', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(home.dir, 'key.pem'), '-out', join(home.dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  const server = createHttpsServer({ key: readFileSync(join(home.dir, 'key.pem')), cert: readFileSync(join(home.dir, 'cert.pem')) }, (_req, res) => res.end('secure'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const probe = (extra: Record<string, unknown>) => experiment({ 'steady-state-hypothesis': { title: 'tls', probes: [{ type: 'probe', name: 'tls', tolerance: 200, provider: { type: 'http', url, timeout: 3, ...extra } }] } });
  const lenient = await run(home, probe({ verify_tls: false }));
  assert.equal(lenient.code, 0, lenient.stdout + lenient.stderr);
  const strict = await run(home, probe({}));
  assert.equal(strict.code, 1);
  assert.equal(strict.journal.chaostoolkit?.status, 'failed');
  assert.match(strict.journal.objectives[0].measured, /failed: failed to connect to https:\/\/127\.0\.0\.1:\d+\/: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/);
});

test('a probe that times out fails to run: the steady state fails with status "failed"; a timeout pair is [connect, read]', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const svc = await service();
  t.after(() => svc.close());
  const result = await run(home, experiment({
    'steady-state-hypothesis': { title: 'fast', probes: [{ type: 'probe', name: 'slow', tolerance: 200, provider: { type: 'http', url: `${svc.url}/slow`, timeout: [1, 0.5] } }] },
  }));
  assert.equal(result.code, 1, result.stderr);
  assert.deepEqual([result.journal.chaostoolkit?.status, result.journal.chaostoolkit?.deviated, result.journal.chaostoolkit?.chaosExitCode], ['failed', false, 1]);
  assert.match(result.journal.objectives[0].measured, /failed: activity took too long to complete/);
});

test('a background activity starts and the method goes on at once; the method ends when it has finished', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const started = await run(home, experiment({
    // Checked only after the method (the file does not exist before it): the method waited for the background.
    'steady-state-hypothesis': { title: 'after only', probes: [{ type: 'probe', name: 'bg-done', tolerance: 0, provider: process_('test -e bg-done2') }] },
    runtime: { hypothesis: { strategy: 'after-method-only' } },
    method: [
      { type: 'action', name: 'slow-in-background', background: true, provider: process_('sleep 1; date +%s%N > bg-done2') },
      { type: 'action', name: 'right-away', provider: process_('date +%s%N > fg-done2') },
    ],
  }));
  assert.equal(started.code, 0, started.stdout + started.stderr);
  const bg = BigInt(readFileSync(join(home.dir, 'bg-done2'), 'utf8').trim());
  const fg = BigInt(readFileSync(join(home.dir, 'fg-done2'), 'utf8').trim());
  assert.ok(fg < bg, 'the foreground action ran while the background one was still sleeping');
  assert.deepEqual(started.journal.objectives.map((o) => [o.phase, o.ok]), [['after', true]]);
});

test('runtime hypothesis strategy "continuously" checks the steady state before, every second during, and after', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const svc = await service();
  t.after(() => svc.close());
  const result = await run(home, experiment({
    runtime: { hypothesis: { strategy: 'continuously' } },
    'steady-state-hypothesis': { title: 'up', probes: [{ type: 'probe', name: 'up', tolerance: 200, provider: { type: 'http', url: `${svc.url}/`, timeout: 2 } }] },
    method: [{ type: 'action', name: 'wait', provider: { type: 'process', path: 'true' }, pauses: { after: 2.5 } }],
  }));
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const phases = result.journal.objectives.map((o) => o.phase);
  assert.deepEqual(phases, ['before', 'during', 'after']);
  const during = result.journal.objectives[1];
  const [met, total] = /^(\d+) of (\d+) checks met/.exec(during.measured)!.slice(1).map(Number);
  assert.ok(total >= 2 && met === total, during.measured);
});

test('a process timeout kills the process and everything it started', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const marker = `sleep 29.${process.pid}`;
  const result = await run(home, experiment({
    method: [{ type: 'action', name: 'hangs', provider: { type: 'process', path: 'sh', arguments: `-c '${marker} & ${marker}'`, timeout: 0.5 } }],
  }));
  assert.equal(result.code, 0, 'a failed action does not change the verdict');
  assert.match(result.journal.events.find((e) => e.type === 'action.failed')?.message ?? '', /process activity took too long to complete/);
  await waitFor('no sleep left behind', () => !execFileSync('ps', ['-eo', 'args']).toString().includes(marker), 5000);
});

test('Ctrl-C interrupts the method: status "interrupted", exit 2, and by default no rollbacks', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const file = home.write('interrupt.json', experiment({
    method: [{ type: 'action', name: 'long', provider: { type: 'process', path: 'sleep', arguments: '30' } }],
    rollbacks: [{ type: 'action', name: 'repair', provider: process_('touch rolled-back') }],
  }));
  const child = spawnGameday(['run', file], home.dir);
  await waitFor('the long action runs', () => child.stderr().includes('step.start        action long'), 10_000);
  child.child.kill('SIGINT');
  const result = await child.done;
  assert.equal(result.code, 2, result.stdout + result.stderr);
  const journal = journalOf(result.stdout);
  assert.deepEqual([journal.verdict, journal.chaostoolkit?.status, journal.chaostoolkit?.rollbacksPlayed], ['aborted', 'interrupted', false]);
  assert.equal(existsSync(join(home.dir, 'rolled-back')), false);
});

test('--dry-run prints what would run, in order, and touches nothing', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const file = home.write('dry.json', experiment({
    configuration: { target: 'http://127.0.0.1:9/health' },
    secrets: { s: { password: 'p4ssw0rd-dry' } },
    'steady-state-hypothesis': { title: 'x', probes: [{ type: 'probe', name: 'up', tolerance: 200, provider: { type: 'http', url: '${target}' } }] },
    method: [{ type: 'action', name: 'mark', provider: process_('touch touched'), pauses: { before: 2 } }, { type: 'action', name: 'login', provider: { type: 'process', path: 'echo', arguments: '${password}' } }],
    rollbacks: [{ type: 'action', name: 'unmark', provider: process_('rm touched') }],
  }));
  const result = await spawnGameday(['run', file, '--dry-run'], home.dir).done;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /method: action mark: run sh -c touch touched/);
  assert.match(result.stdout, /\+0ms +steady state before: probe up: GET http:\/\/127\.0\.0\.1:9\/health/);
  assert.match(result.stdout, /\+2s +method: action mark/);
  assert.match(result.stdout, /rollbacks \(unless the run failed or was interrupted\)/);
  assert.match(result.stdout, /run echo \[secret\]/);
  assert.ok(!result.stdout.includes('p4ssw0rd-dry'));
  assert.equal(existsSync(join(home.dir, 'touched')), false);
  assert.equal(existsSync(join(home.dir, '.gameday', 'runs')), false);
});

test('--dry-run shows the command that runs: without configuration or secrets nothing is substituted, so $$ stays $$', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const file = home.write('plain.json', experiment({ method: [{ type: 'action', name: 'pid', provider: { type: 'process', path: 'sh', arguments: ['-c', 'echo $$ > pid'] } }] }));
  const plain = await spawnGameday(['run', file, '--dry-run'], home.dir).done;
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /method: action pid: run sh -c echo \$\$ > pid/);
  const run = await spawnGameday(['run', file], home.dir).done;
  assert.equal(run.code, 0, run.stderr);
  assert.match(readFileSync(join(home.dir, 'pid'), 'utf8'), /^\d+\n$/, 'the shell got $$, its own pid, as the plan said');
  const configured = home.write('configured.json', experiment({ configuration: { x: 1 }, method: [{ type: 'action', name: 'pid', provider: { type: 'process', path: 'sh', arguments: ['-c', 'echo $$ > pid'] } }] }));
  const withConfiguration = await spawnGameday(['run', configured, '--dry-run'], home.dir).done;
  assert.match(withConfiguration.stdout, /method: action pid: run sh -c echo \$ > pid\n/, 'with configuration, $$ is an escaped $, as in Chaos Toolkit');
});

test('--rollback-strategy is refused for a GameDay experiment, with nothing touched', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const file = home.write('gameday.yaml', 'title: plain\nmethod:\n  - wait: 10ms\n');
  const result = await spawnGameday(['run', file, '--rollback-strategy', 'never'], home.dir).done;
  assert.equal(result.code, 3);
  assert.match(result.stderr, /--rollback-strategy applies to Chaos Toolkit experiments/);
});
