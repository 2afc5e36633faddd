// Chaos Toolkit experiments from Chaos Toolkit's documentation, its own test suite and public example
// repositories (test/experiment/fixtures/chaostoolkit/README.md names each source), run unchanged with
// `gameday run` against real local services, each reaching the verdict Chaos Toolkit itself gives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChaosToolkitSummary } from '../../src/journal/chaostoolkit.js';
import type { Journal } from '../../src/journal/format.js';
import { eventsOf, journalOf, repoRoot, spawnGameday, tempHome, type GamedayResult } from './world.js';
import { listen, freePort, Supervisor, waitForHttp } from './chaostoolkit-world/services.js';

const fixtures = join(repoRoot, 'test/experiment/fixtures/chaostoolkit');

interface Run {
  result: GamedayResult;
  journal: Journal;
}

async function runFixture(name: string, cwd: string, env: Record<string, string> = {}, args: string[] = []): Promise<Run> {
  const result = await spawnGameday(['run', join(fixtures, name), ...args], cwd, env).done;
  return { result, journal: journalOf(result.stdout) };
}

function assertVerdict(run: Run, exitCode: number, chaos: Partial<ChaosToolkitSummary>): void {
  assert.equal(run.result.code, exitCode, run.result.stdout + run.result.stderr);
  assert.equal(run.journal.exitCode, exitCode);
  for (const [key, value] of Object.entries(chaos)) assert.deepEqual(run.journal.chaostoolkit?.[key as keyof ChaosToolkitSummary], value, `chaostoolkit.${key}`);
}


test('docs: "Hello world!" (a process action) completes, not deviated, and holds', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const run = await runFixture('docs-hello-world.json', home.dir);
  assertVerdict(run, 0, { status: 'completed', deviated: false, chaosExitCode: 0 });
  const action = eventsOf(run.journal, 'action').find((e) => e.message.startsWith('action say-hello'));
  const output = action && 'output' in action.data ? action.data.output : undefined;
  assert.ok(output && 'stdout' in output, JSON.stringify(action));
  assert.equal(output.stdout, 'hello\n');
});

test('chaostoolkit-lib SimpleExperiment: tolerance 0 on `echo` holds before and after, with the pause after', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const run = await runFixture('ctklib-simple-experiment.json', home.dir);
  assertVerdict(run, 0, { status: 'completed', deviated: false, chaosExitCode: 0 });
  assert.deepEqual(run.journal.objectives.map((o) => [o.name, o.phase, o.ok]), [['has-world', 'before', true], ['has-world', 'after', true]]);
  const pause = run.journal.bands.find((b) => b.label === 'pause after action say-hello');
  assert.ok(pause && pause.endMs - pause.startMs >= 990, JSON.stringify(run.journal.bands));
});

test('chaostoolkit-lib SimpleExperimentWithFailingHypothesis: Chaos Toolkit says completed and not deviated; the method never runs', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const run = await runFixture('ctklib-failing-hypothesis.json', home.dir);
  // chaostoolkit-lib's own test asserts status "completed", deviated False; `chaos run` exits 0. GameDay: violated.
  assertVerdict(run, 1, { status: 'completed', deviated: false, chaosExitCode: 0 });
  assert.equal(run.journal.verdict, 'violated');
  assert.equal(eventsOf(run.journal, 'step.start').some((e) => e.message.includes('say-hello')), false, 'the method did not run');
});

test('teinelund baseline: three HTTP probes on 127.0.0.1:5000 and :5001 hold before and after an empty method', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const world = await teinelundWorld(0);
  t.after(() => world.close());
  const run = await runFixture('teinelund-baseline.json', home.dir);
  assertVerdict(run, 0, { status: 'completed', deviated: false });
  assert.equal(run.journal.objectives.filter((o) => o.ok).length, 6);
});

test('teinelund slow backend: the frontend falls back within the probes’ 5 s timeout while the backend takes 2 s', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const world = await teinelundWorld(2000);
  t.after(() => world.close());
  const run = await runFixture('teinelund-slow-backend.json', home.dir);
  assertVerdict(run, 0, { status: 'completed', deviated: false });
  // The method's probes ran (their tolerances are not checked there, as in Chaos Toolkit).
  assert.deepEqual(eventsOf(run.journal, 'probe').filter((e) => 'section' in e.data && e.data.section === 'method').map((e) => e.message), [
    'probe check-frontend-response: status 200',
    'probe verify-frontend-still-serves-users: status 200',
    'probe check-circuit-breaker-state: status 200',
  ]);
  assert.ok(run.journal.chaostoolkit?.warnings.some((w) => w.includes('method[0].tolerance')), 'the unchecked method tolerances are named');
});

test('chrisp777 process kill: `pkill -HUP -F STORAGE.pid` kills the store, pm2 restarts it, the hypothesis holds', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const quotes = await quoteWorld(home.dir);
  t.after(() => quotes.supervisor.close());
  const run = await runFixture('chrisp777-process-kill.json', home.dir, quotes.env);
  assertVerdict(run, 0, { status: 'completed', deviated: false, rollbacksPlayed: true });
  // Started once, again after the kill (pm2's autorestart), and again by the rollback `pm2 restart`.
  assert.ok(quotes.supervisor.starts('STORAGE') >= 3, `storage starts: ${quotes.supervisor.starts('STORAGE')}`);
  assert.match(eventsOf(run.journal, 'action').find((e) => e.message.startsWith('action kill-quote-store'))?.message ?? '', /exit code 0/);
});

test('chrisp777 unresponsive store: `pm2 stop` deviates with a failed probe, so by default the rollbacks do not run', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const quotes = await quoteWorld(home.dir);
  t.after(() => quotes.supervisor.close());
  const run = await runFixture('chrisp777-unresponsive-storage.json', home.dir, quotes.env);
  // The storage probe cannot connect after the method: status "failed", deviated; `chaos run` exits 1.
  assertVerdict(run, 1, { status: 'failed', deviated: true, chaosExitCode: 1, rollbacksPlayed: false });
  assert.equal(eventsOf(run.journal, 'rollbacks.skipped').length, 1);
  await assert.rejects(fetch(quotes.storageUrl), 'the store stays down: no rollback restarted it');

  const always = await runFixture('chrisp777-unresponsive-storage.json', home.dir, quotes.env, ['--rollback-strategy', 'always']);
  // Before the method the store is down already: the steady state fails first, and `always` still rolls back.
  assertVerdict(always, 1, { status: 'failed', deviated: false, rollbacksPlayed: true, rollbackStrategy: 'always' });
  await waitForHttp(quotes.storageUrl);
});

test('TGPSKI hello world: the misspelled "steady - state - hypothesis" is ignored, as Chaos Toolkit ignores it', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  home.write('test.txt', 'burp\n');
  const run = await runFixture('tgpski-hello-world.json', home.dir);
  assertVerdict(run, 0, { status: 'completed', deviated: false, rollbacksPlayed: true });
  assert.equal(run.journal.objectives.length, 0);
  assert.ok(eventsOf(run.journal, 'warning').some((e) => e.message.includes('"steady - state - hypothesis" is not a Chaos Toolkit field')));
  assert.equal(eventsOf(run.journal, 'action').length, 2, 'the sed action and the sed rollback ran');
  assert.equal(readFileSync(join(home.dir, 'test.txt'), 'utf8'), 'burp\n');
});

test('david-damo: a POST with JSON arguments is sent as requests sends it, whatever Content-Length the file claims', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const received: { headers: Record<string, unknown>; body: string }[] = [];
  const server = await listen(8080, (req, body, res) => {
    received.push({ headers: req.headers, body });
    res.writeHead(201, { 'Content-Type': 'application/json' }).end('{"id": 1}');
  });
  t.after(() => server.close());
  const run = await runFixture('daviddamo-post-json.json', home.dir);
  assertVerdict(run, 0, { status: 'completed', deviated: false });
  assert.equal(received.length, 1);
  assert.equal(received[0].body, '{"username": "sanjeev", "email": "abc@example.com"}');
  assert.equal(received[0].headers['content-type'], 'application/json');
  assert.equal(received[0].headers['content-length'], String(Buffer.byteLength(received[0].body)));
  assert.ok(run.journal.chaostoolkit?.warnings.some((w) => w.includes('a key appears twice')), 'the duplicated "method" key is named');
});

test('DevLearnOps dummy and sample (YAML): the configured URL answers 200, `ls -la` runs, the sample rolls back', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const hits: string[] = [];
  const server = await listen(8080, (req, _body, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>up</h1>');
  });
  t.after(() => server.close());
  const dummy = await runFixture('devlearnops-dummy.yaml', home.dir);
  assertVerdict(dummy, 0, { status: 'completed', deviated: false });
  const sample = await runFixture('devlearnops-sample.yaml', home.dir);
  assertVerdict(sample, 0, { status: 'completed', deviated: false, rollbacksPlayed: true });
  assert.equal(eventsOf(sample.journal, 'action').length, 2);
  assert.deepEqual(hits, ['GET /', 'GET /', 'GET /', 'GET /']);
});

/** Their backend serves products (after BACKEND_DELAY ms); their frontend calls it with a short timeout and a fallback. */
async function teinelundWorld(backendDelayMs: number): Promise<{ close(): Promise<void> }> {
  const backend = await listen(5001, async (req, _body, res) => {
    if (req.url === '/health') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status": "healthy"}');
    await new Promise((r) => setTimeout(r, backendDelayMs));
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('[{"id": 1, "name": "widget"}]');
  });
  let open = false;
  const frontend = await listen(5000, async (req, _body, res) => {
    if (req.url === '/health') return void res.writeHead(200).end('ok');
    if (req.url === '/circuit-breaker/status') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ open }));
    try {
      const products = await fetch('http://127.0.0.1:5001/products', { signal: AbortSignal.timeout(1000) });
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<ul>${await products.text()}</ul>`);
    } catch {
      open = true;
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>Products are unavailable right now.</p>');
    }
  });
  return { close: async () => void (await Promise.all([backend.close(), frontend.close()])) };
}

async function quoteWorld(cwd: string): Promise<{ supervisor: Supervisor; env: Record<string, string>; storageUrl: string }> {
  const [storagePort, retrievalPort] = [await freePort(), await freePort()];
  const storageUrl = `http://127.0.0.1:${storagePort}/quote/`;
  const program = join(import.meta.dirname, 'chaostoolkit-world/quote-service.js');
  const supervisor = new Supervisor(cwd);
  supervisor.add('STORAGE', 'storage.js', [program, 'storage'], { PORT: String(storagePort) });
  supervisor.add('RETRIEVAL', 'retrieval.js', [program, 'retrieval'], { PORT: String(retrievalPort), STORAGE_URL: storageUrl });
  const { env } = await supervisor.start();
  const retrievalUrl = `http://127.0.0.1:${retrievalPort}/`;
  await Promise.all([waitForHttp(storageUrl), waitForHttp(retrievalUrl)]);
  return { supervisor, storageUrl, env: { ...env, STORAGE_URL: storageUrl, RETRIEVAL_URL: retrievalUrl } };
}
