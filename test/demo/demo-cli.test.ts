// `gameday demo` end to end with real processes: the whole world (about twenty-three processes), the engine,
// real load, and the reports, on the demo's fixed ports. Each test leaves nothing behind, and checks it.
// Every journal.json read here (readJournal) is validated against the published journal schema,
// examples/journal.schema.json, by a JSON Schema validator.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import {
  assertDemoPortsFree,
  eventually,
  isAlive,
  journaledPids,
  openPorts,
  readJournal,
  segments,
  spawnDemo,
  tempHome,
  worldProcesses,
  type DemoProcess,
} from './demo-helpers.js';
import { spawnGameday } from '../cli-process.js';
import { assertDraftMatchesJournal } from '../coe/draft-expectations.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let home: ReturnType<typeof tempHome>;
const started: DemoProcess[] = [];

before(async () => {
  await assertDemoPortsFree();
  home = tempHome();
});

after(async () => {
  for (const demo of started) if (demo.child.exitCode === null && demo.child.signalCode === null) demo.child.kill('SIGKILL');
  home?.remove();
});

function demo(args: string[]): DemoProcess {
  const process = spawnDemo(args, home.dir);
  started.push(process);
  return process;
}

/** Nothing of the world is left: no marked process, no journaled pid alive, every fixed port closed. */
async function assertWorldGone(demoPid: number, pids: number[]): Promise<void> {
  // The kernel delivers the parent-death signal at once, but a process takes a moment to die (and its
  // listening sockets to close) on a busy machine.
  const waited = await eventually('every world process to exit and every port to close', async () => worldProcesses(demoPid).length === 0 && pids.every((pid) => !isAlive(pid)) && (await openPorts()).length === 0, 10_000).catch(() => -1);
  assert.deepEqual(worldProcesses(demoPid), [], 'no process carries the world marker');
  assert.deepEqual(pids.filter(isAlive), [], 'no journaled pid of the world is alive');
  assert.deepEqual(await openPorts(), [], 'every port of the world is closed');
  assert.ok(waited >= 0);
}

test('the flagship GameDay holds: degraded pages but no failed ones under slow recommendations, no failed request during the evacuation, a report that renders, and nothing left', { timeout: 240_000 }, async (t) => {
  const out = join(home.dir, 'flagship');
  const run = demo(['demo', '--quick', '--out', out]);
  const result = await run.done;
  t.diagnostic(`gameday demo --quick took ${(result.wallMs / 1000).toFixed(1)} s`);
  assert.equal(result.code, 0, `exit code\n${result.stdout}\n${result.stderr.slice(-4000)}`);
  assert.match(result.stdout, /verdict: HELD \(exit 0\)/);
  assert.match(result.stdout, /what the shop did, step by step/);

  const journal = readJournal(out);
  assert.equal(journal.verdict, 'held');
  const steps = segments(journal);
  const slowRecommendations = steps.find((s) => s.label === 'slow recommendations in us-east');
  assert.ok(slowRecommendations, `a tally for the recommendations step: ${steps.map((s) => s.label).join(', ')}`);
  t.diagnostic(`slow recommendations: ${JSON.stringify(slowRecommendations)}`);
  assert.ok(slowRecommendations.pages.degraded > 0, 'pages dropped the slow recommendations');
  assert.equal(slowRecommendations.pages.failed, 0, 'no page failed');
  assert.equal(slowRecommendations.failedRequests, 0, 'no request failed');
  assert.ok(Object.keys(slowRecommendations.pages.shed).every((dependency) => dependency !== 'catalog' && dependency !== 'pricing'), 'critical sections were never dropped');

  const evacuation = steps.find((s) => s.label === 'evacuate us-east under load')!;
  t.diagnostic(`evacuation: ${JSON.stringify(evacuation)}`);
  assert.ok(evacuation.requests > 50, 'load flowed during the evacuation');
  assert.equal(evacuation.failedRequests, 0, 'no request failed during the evacuation');

  const peak = steps.find((s) => s.label === '3.5× peak with non-critical work shed')!;
  assert.ok(peak.pages.shed.recommendations?.['skipped-by-lever'] > 0, 'the lever shed non-critical calls at the peak');
  assert.equal(peak.failedRequests, 0, 'no request failed at the peak');

  const injected = journal.events.filter((e) => e.type === 'fault.injected').length;
  assert.ok(injected >= 4, `faults and the lever were injected (${injected})`);
  assert.equal(journal.events.filter((e) => e.type === 'fault.reverted').length, injected, 'every fault was reverted');

  const pids = journaledPids(journal);
  assert.ok(pids.length >= 23, `the journal names the world's processes (${pids.length})`);
  await assertWorldGone(run.child.pid!, pids);

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  const html = join(out, 'report.html');
  assert.ok(existsSync(html));
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load', timeout: 30_000 });
  assert.match(await page.locator('.verdict-word').innerText(), /HELD/);
  assert.ok((await page.locator('svg.gd-chart').count()) >= 3, 'charts of rate, errors and latency');
  assert.ok((await page.locator('rect.gd-band-fault').count()) > 0, 'the faults are shaded on the charts');
  assert.match(await page.locator('body').innerText(), /evacuate us-east under load: \d+ requests, 0 failed/);
  assert.deepEqual(problems, [], 'the report renders without errors');
  // Issue 4 asks for a picture of a real run's report in its run folder, written by the test.
  const screenshot = join(out, 'report.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  assert.ok(statSync(screenshot).size > 20_000, 'the screenshot of the report has content');
});

test('the no-timeouts example trips its guardrail: exit 2, aborted, every fault reverted, nothing left', { timeout: 180_000 }, async (t) => {
  const out = join(home.dir, 'no-timeouts');
  const run = demo(['demo', 'examples/no-timeouts.yaml', '--quick', '--out', out]);
  const result = await run.done;
  t.diagnostic(`gameday demo examples/no-timeouts.yaml --quick took ${(result.wallMs / 1000).toFixed(1)} s`);
  assert.equal(result.code, 2, `exit code\n${result.stdout}\n${result.stderr.slice(-4000)}`);
  assert.match(result.stdout, /verdict: ABORTED \(exit 2\)/);
  assert.match(result.stdout, /naive assembler/);
  const journal = readJournal(out);
  assert.equal(journal.verdict, 'aborted');
  assert.ok(journal.events.some((e) => e.type === 'guardrail.breach'), 'the guardrail breach is journaled');
  const injected = journal.events.filter((e) => e.type === 'fault.injected').length;
  assert.equal(injected, 2, 'a black hole on reviews in each region');
  assert.equal(journal.events.filter((e) => e.type === 'fault.reverted').length, injected);
  await assertWorldGone(run.child.pid!, journaledPids(journal));

  // Issue 14: the COE of this run, drafted through the store by its run id, states the journal's numbers,
  // and the check lists what people still have to write.
  const coeFile = join(home.dir, 'coe-no-timeouts.md');
  const drafted = await spawnGameday(['coe', 'new', '--run', journal.runId, '--out', coeFile], home.dir).done;
  assert.equal(drafted.code, 0, drafted.stderr);
  assert.deepEqual(assertDraftMatchesJournal(readFileSync(coeFile, 'utf8'), journal), ['shoppers']);
  const check = await spawnGameday(['coe', 'check', coeFile, '--json'], home.dir).done;
  assert.equal(check.code, 1);
  const toWrite = (JSON.parse(check.stdout) as Array<{ rule: string; message: string }>).filter((f) => f.rule === 'structure/empty-section').map((f) => f.message);
  assert.deepEqual(toWrite, ['Summary', 'Five whys', 'What went well', 'Lessons', 'Action items'].map((section) => `section "${section}" is not written yet`));
});

test('the flagship against the naive assembler violates its hypothesis: exit 1, slow pages named in the verdict', { timeout: 180_000 }, async (t) => {
  const out = join(home.dir, 'naive-flagship');
  const run = demo(['demo', '--quick', '--assembler-timeouts', 'off', '--out', out]);
  const result = await run.done;
  t.diagnostic(`gameday demo --quick --assembler-timeouts off took ${(result.wallMs / 1000).toFixed(1)} s`);
  assert.equal(result.code, 1, `exit code\n${result.stdout}\n${result.stderr.slice(-4000)}`);
  const journal = readJournal(out);
  assert.equal(journal.verdict, 'violated');
  assert.match(journal.verdictReason, /product page p99 \(during\)/);
  const slowRecommendations = segments(journal).find((s) => s.label === 'slow recommendations in us-east')!;
  assert.equal(slowRecommendations.pages.degraded, 0, 'the naive assembler never drops the slow section: it waits for it');
  await assertWorldGone(run.child.pid!, journaledPids(journal));
});

test('a SIGKILL of the demo mid-fault leaves no process and no open port behind', { timeout: 120_000 }, async () => {
  const run = demo(['demo']);
  await run.waitFor(/fault\.injected/, 90_000);
  const pid = run.child.pid!;
  assert.ok(worldProcesses(pid).length >= 22, 'the world runs: the fault proxy, the gateway and twenty services');
  run.child.kill('SIGKILL');
  const result = await run.done;
  assert.equal(result.signal, 'SIGKILL');
  await assertWorldGone(pid, []);
});

test('Ctrl-C mid-run reverts every fault, writes the journal, exits 2 and stops the world', { timeout: 120_000 }, async () => {
  const out = join(home.dir, 'interrupted');
  const run = demo(['demo', '--out', out]);
  await run.waitFor(/fault\.injected/, 90_000);
  run.child.kill('SIGINT');
  const result = await run.done;
  assert.equal(result.code, 2, `${result.stdout}\n${result.stderr.slice(-3000)}`);
  const journal = readJournal(out);
  assert.equal(journal.verdict, 'aborted');
  assert.match(journal.verdictReason, /interrupt/);
  const injected = journal.events.filter((e) => e.type === 'fault.injected').length;
  assert.ok(injected >= 1);
  assert.equal(journal.events.filter((e) => e.type === 'fault.reverted').length, injected, 'every fault was reverted');
  await assertWorldGone(run.child.pid!, journaledPids(journal));
});

test('--keep leaves the world running for `gameday run`, with no fault left on it, until Ctrl-C stops it', { timeout: 180_000 }, async () => {
  const experiment = home.write(
    'my-experiment.yaml',
    `title: Ads may be slow in us-west
targets:
  ads: { kind: proxy, control: http://127.0.0.1:8474, proxy: us-west.ads }
loads:
  shoppers: { url: http://127.0.0.1:8080/product/42, rate: 20/s, timeout: 2s }
hypothesis:
  window: 2s
  objectives:
    - { sli: availability, source: shoppers, min: 99% }
method:
  - fault: { kind: latency, target: ads, latency: 500ms, duration: 2s }
`,
  );
  const run = demo(['demo', experiment, '--keep']);
  await run.waitFor(/Ctrl-C stops it/, 120_000);
  assert.match(run.stdout(), /verdict: HELD \(exit 0\)/);
  assert.match(run.stdout(), /shop page \(via the region gateway\)\s+http:\/\/127\.0\.0\.1:8080\/product\/42/);

  const proxies = (await (await fetch('http://127.0.0.1:8474/proxies')).json()) as Record<string, { toxics: unknown[] }>;
  assert.equal(Object.keys(proxies).length, 16, 'one link per backend per region');
  assert.deepEqual(Object.values(proxies).flatMap((p) => p.toxics), [], 'no toxic is left after the run');
  const page = await fetch('http://127.0.0.1:8080/product/42');
  assert.equal(page.status, 200);

  const again = spawnDemo(['run', experiment], home.dir);
  started.push(again);
  const second = await again.done;
  assert.equal(second.code, 0, `gameday run against the kept world\n${second.stdout}\n${second.stderr.slice(-3000)}`);

  run.child.kill('SIGINT');
  const result = await run.done;
  assert.equal(result.code, 0, result.stderr.slice(-3000));
  assert.match(result.stdout, /the demo world is stopped/);
  await assertWorldGone(run.child.pid!, []);
});

test('a taken port stops the demo before anything starts, with exit 3 and what holds the port', { timeout: 60_000 }, async () => {
  // Hangs up on whoever connects, like many a program that is not HTTP.
  const squatter = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => squatter.listen(8477, '127.0.0.1', resolve));
  try {
    const result = await demo(['demo']).done;
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /127\.0\.0\.1:8477 \(gateway\) is in use by .*pid \d+/);
    assert.match(result.stderr, /nothing was started/);
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
  assert.deepEqual(await openPorts(), []);
});
