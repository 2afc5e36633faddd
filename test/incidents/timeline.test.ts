// The timeline that fills itself, end to end: a real shop behind the real fault proxy, measured by the
// status page; a real `gameday run` in another process injects http-error on it; a person declares an
// incident from the command line while the fault is in; the operations lead pulls a lever through the
// control room. The incident's timeline holds the fault's injection and revert, the lever change and the
// status changes — each once, in order, with their sources — and nothing from before its window or after
// its resolution (lever changes made then are left out).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { spawnGameday, tempHome } from '../cli-process.js';
import { component, httpStatusYaml, incidentOf, post, startIncidentRoom, startShop, waitFor } from './helpers.js';

const LOOKBACK_MS = 10_000;

test('an incident declared while a real run injects a fault and a lever is pulled gets each of those facts once, in order, with its source, and nothing outside its window', { timeout: 150_000 }, async (t) => {
  const shop = await startShop();
  t.after(() => shop.close());
  const home = tempHome('gameday-incident-timeline-');
  t.after(() => home.remove());
  const store = join(home.dir, 'store.db');
  const room = await startIncidentRoom(httpStatusYaml(shop.url), { store });
  t.after(() => room.close());
  await waitFor('the shop measured operational', async () => (await component(room.url, 'shop'))?.gameday_status, (s) => s === 'operational');

  // Before the window: a lever pulled and reset by someone, long enough before the declaration.
  assert.equal((await post(room.url, '/levers/disable-ads/pull', { by: 'grace', reason: 'an earlier test' })).status, 200);
  assert.equal((await post(room.url, '/levers/disable-ads/reset', { by: 'grace', reason: 'done' })).status, 200);
  await new Promise((resolve) => setTimeout(resolve, LOOKBACK_MS + 1500));

  const experiment = home.write(
    'errors.yaml',
    `title: The shop answers 503 for a while
targets:
  svc: { kind: proxy, control: "${shop.proxyControl}", proxy: shop }
method:
  - wait: 500ms
  - fault: { kind: http-error, target: svc, status: 503, duration: 6s }
  - wait: 500ms
`,
  );
  const run = spawnGameday(['run', experiment, '--store', store], home.dir);
  t.after(() => void run.child.kill('SIGKILL'));
  const direct = await openStore(store);
  t.after(() => direct.close());
  await waitFor('the fault injected, in the store', () => direct.get<{ run_id: string }>("SELECT run_id FROM journal_events WHERE type = 'fault.injected'"), (row) => row !== undefined, 30_000);
  const runId = (await direct.get<{ run_id: string }>("SELECT run_id FROM journal_events WHERE type = 'fault.injected'"))!.run_id;

  // The person declares on seeing the shop red: the order asserted below (red, then the declaration) is the
  // scenario's, not how long a gameday process takes to start.
  await waitFor('the shop red, recorded', () => direct.get<{ to_status: string }>("SELECT to_status FROM status_changes WHERE component = 'shop' ORDER BY seq DESC LIMIT 1"), (row) => row !== undefined && row.to_status !== 'operational', 30_000);
  const declared = await spawnGameday(['incident', 'declare', 'The shop answers 503', '--severity', 'SEV2', '--component', 'shop', '--by', 'alice', '--comms', 'bob', '--lookback', '10s', '--store', store], home.dir).done;
  assert.equal(declared.code, 0, declared.stderr);
  const id = Number(/declared INC-(\d+)/.exec(declared.stdout)?.[1]);
  assert.ok(id > 0, declared.stdout);
  // The operations lead sheds work through the control room while the fault is in.
  assert.equal((await post(room.url, '/levers/disable-recommendations/pull', { by: 'olga', reason: 'shed recommendations while the shop fails' })).status, 200);

  const ran = await run.done;
  assert.equal(ran.code, 0, `${ran.stdout}\n${ran.stderr}`);
  await waitFor('the shop operational again, recorded', () => direct.get<{ to_status: string }>("SELECT to_status FROM status_changes WHERE component = 'shop' ORDER BY seq DESC LIMIT 1"), (row) => row?.to_status === 'operational', 30_000);
  const resolved = await spawnGameday(['incident', 'resolve', String(id), 'The fault is gone; the shop answers again.', '--by', 'alice', '--store', store], home.dir).done;
  assert.equal(resolved.code, 0, resolved.stderr);
  // After the window: another lever change, which is not the incident's.
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal((await post(room.url, '/levers/disable-ads/pull', { by: 'grace', reason: 'after the incident' })).status, 200);

  const incident = await incidentOf(room.url, id);
  const fromMs = Date.parse(incident.window.from);
  const toMs = Date.parse(incident.window.to);
  assert.equal(toMs, incident.moments.resolvedMs! + 1, 'the window closes at the resolution');
  assert.equal(fromMs, incident.moments.declaredMs - LOOKBACK_MS, 'and opens the lookback before the declaration');
  const timeline = incident.timeline;
  const only = (kind: string, source?: string) => timeline.filter((e) => e.kind === kind && (source === undefined || e.source === source));

  const [injected] = only('fault.injected');
  const [reverted] = only('fault.reverted');
  assert.equal(only('fault.injected').length, 1, 'the injection once');
  assert.equal(only('fault.reverted').length, 1, 'the revert once');
  assert.equal(injected.source, `run ${runId}`);
  assert.deepEqual(injected.run, { id: runId, experiment: 'The shop answers 503 for a while' });
  assert.match(injected.text, /^fault injected: HTTP 503 .*\(experiment "The shop answers 503 for a while"\)$/);
  assert.equal(injected.beforeDeclaration, true, 'the fault came before the declaration: it is part of what changed');
  assert.deepEqual(incident.what_changed.faults.map((f) => f.ref), [injected.ref]);
  assert.deepEqual(incident.what_changed.runs.map((r) => r.id), [runId]);

  const levers = timeline.filter((e) => e.kind.startsWith('lever.'));
  assert.deepEqual(levers.map((e) => [e.kind, e.source, e.text]), [['lever.pull', 'olga', 'lever disable-recommendations pulled: shed recommendations while the shop fails']], 'the lever change once, and none from outside the window');

  const statusChanges = only('status');
  const recorded = await direct.all<{ seq: number; to_status: string }>("SELECT seq, to_status FROM status_changes WHERE component = 'shop' AND at_ms >= ? AND at_ms < ? ORDER BY seq", [fromMs, toMs]);
  assert.deepEqual(statusChanges.map((e) => e.ref), recorded.map((r) => `status change ${r.seq}`), 'every status change of the window, each once');
  assert.ok(recorded.some((r) => r.to_status !== 'operational'), 'the fault turned the shop red');
  assert.ok(statusChanges.every((e) => e.source === 'monitor shop'));

  const red = statusChanges.find((e) => !/→ operational/.test(e.text))!;
  const declaredEntry = only('declared')[0];
  const pulled = levers[0];
  const resolution = only('resolved')[0];
  const order = [injected, red, declaredEntry, pulled, reverted, resolution].map((e) => e.atMs);
  assert.deepEqual([...order].sort((a, b) => a - b), order, 'injection, red, declaration, lever, revert, resolution: in the order they happened');
  assert.deepEqual(timeline.map((e) => e.atMs), [...timeline.map((e) => e.atMs)].sort((a, b) => a - b), 'the whole timeline is in time order');
  assert.equal(new Set(timeline.map((e) => e.ref)).size, timeline.length, 'no entry twice');
  assert.ok(timeline.every((e) => e.atMs >= fromMs && e.atMs < toMs), 'nothing outside the window');
  assert.ok(timeline.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.at) && e.source.length > 0), 'every entry says when, to the millisecond, and who or what');

  const shown = await spawnGameday(['incident', 'show', String(id), '--store', store], home.dir).done;
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /fact +fault\.injected +run \d{8}-\d{6}-[0-9a-f]{6} +fault injected: HTTP 503/);
  assert.match(shown.stdout, /fact +lever\.pull +olga +lever disable-recommendations pulled/);
  assert.match(shown.stdout, /fact +resolved +alice +resolved: The fault is gone/);
  const page = await (await fetch(`${room.url}/incidents/${id}`)).text();
  assert.match(page, /fault injected: HTTP 503/);
  assert.match(page, /Before the declaration/);
});
