// The incidents' tables and rules on every engine (incident-store-sqlite.test.ts, incident-store-postgres.test.ts):
// declarations and refusals that change nothing, roles and updates on the record, the timeline assembled
// from the facts other capabilities keep (each once, in order, nothing outside its window), one incident per
// cause however many connections trigger it at once, nothing lost when two connections write at once,
// status changes that cross a component's level, and drills kept out of uptime and response figures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IncidentConflictError, IncidentInputError, type Incident } from '../../src/incidents/incident.js';
import { Incidents } from '../../src/incidents/incidents.js';
import { figuresOverTime } from '../../src/incidents/response.js';
import { drillIntervals, statusFeed } from '../../src/incidents/status-feed.js';
import { assembleTimeline } from '../../src/incidents/timeline.js';
import { IncidentTriggers } from '../../src/incidents/triggers.js';
import { LeverBoard } from '../../src/levers/lever-board.js';
import type { StatusConfig } from '../../src/status/config.js';
import { StatusFacts } from '../../src/status/facts.js';
import { StatusHistory } from '../../src/status/history.js';
import { quiet } from '../status/helpers.js';
import { uptimeDays } from '../../src/status/uptime.js';
import { openStore } from '../../src/store/database.js';
import type { Store } from '../../src/store/engine.js';
import { JournalEventStore } from '../../src/store/journal-events.js';
import { RunStore } from '../../src/store/runs.js';


const config: StatusConfig = {
  page: { name: 'Shop' },
  monitors: { page: { http: { url: 'http://127.0.0.1:9/', method: 'GET', timeout: 1000, every: 1000, expect: { status: '200-399' } } } },
  components: [
    { id: 'checkout', name: 'Checkout', slis: [{ sli: 'availability', monitor: 'page', window: 60_000, operational: 0.99 }], incident: { at: 'partial_outage', severity: 'SEV2' } },
    { id: 'search', name: 'Search', slis: [{ sli: 'availability', monitor: 'page', window: 60_000, operational: 0.99 }] },
  ],
};

const T = Date.UTC(2026, 10, 30, 12, 0, 0, 0);
const at = (ms: number) => new Date(ms).toISOString();

export function incidentStoreSuite(engine: 'sqlite' | 'postgres', fresh: () => Promise<string>): void {
  const opened = async (t: { after(fn: () => unknown): void }, location?: string): Promise<Store> => {
    const store = await openStore(location ?? (await fresh()));
    t.after(() => store.close());
    return store;
  };
  const withPage = async (t: { after(fn: () => unknown): void }, location?: string) => {
    const store = await opened(t, location);
    await new StatusHistory(store).publish(config, 'status.yaml');
    return store;
  };
  const everything = async (store: Store) => ({
    incidents: await store.all('SELECT * FROM incidents ORDER BY id'),
    entries: await store.all('SELECT * FROM incident_entries ORDER BY seq'),
    causes: await store.all('SELECT * FROM incident_causes ORDER BY cause'),
  });

  test(`${engine}: a declaration keeps its title, severity, components, commander and moments, and opens the timeline with its first status update`, async (t) => {
    const store = await withPage(t);
    const incidents = new Incidents(store, () => T);
    const declared = await incidents.declare({ title: 'Card payments fail', severity: 'SEV2', components: ['checkout'], by: 'alice', communications_lead: 'bob', startedMs: T - 60_000, lookbackMs: 600_000 });
    assert.equal(declared.ref, `INC-${declared.id}`);
    assert.deepEqual(
      [declared.title, declared.severity, declared.state, declared.components, declared.roles, declared.declaredBy, declared.drill],
      ['Card payments fail', 'SEV2', 'investigating', ['checkout'], { commander: 'alice', operations_lead: null, communications_lead: 'bob', scribe: null }, 'alice', false],
    );
    assert.deepEqual(declared.moments, { startedMs: T - 60_000, detectedMs: T, declaredMs: T, mitigatedMs: null, resolvedMs: null });
    assert.equal(declared.updateEveryMs, 3_600_000, "a SEV2's rhythm");
    const entries = await store.all<{ kind: string; source: string; text: string }>('SELECT kind, source, text FROM incident_entries ORDER BY seq');
    assert.deepEqual(entries.map((e) => [e.kind, e.source]), [['declared', 'alice'], ['update', 'alice']]);
    assert.match(entries[0].text, /^SEV2 declared by alice: "Card payments fail" on checkout; incident commander alice, communications lead bob$/);
    assert.equal(entries[1].text, 'Card payments fail', 'the first update says the title unless told otherwise');
  });

  test(`${engine}: no commander, an unknown severity or component, moments out of order, and resolving a resolved incident are refused with what to fix, and change nothing`, async (t) => {
    const store = await withPage(t);
    const incidents = new Incidents(store, () => T);
    const resolved = await incidents.declare({ title: 'Search is slow', severity: 'SEV3', by: 'alice' });
    await incidents.resolve(resolved.id, { by: 'alice' });
    const before = await everything(store);
    const refusals: Array<[string, () => Promise<unknown>, RegExp]> = [
      ['no commander', () => incidents.declare({ title: 'x', severity: 'SEV2' }), /an incident needs an incident commander/],
      ['unknown severity', () => incidents.declare({ title: 'x', severity: 'SEV5', by: 'alice' }), /unknown severity "SEV5": one of SEV1 \(critical\), SEV2 \(major\), SEV3 \(minor\), SEV4 \(no user impact\)/],
      ['unknown component', () => incidents.declare({ title: 'x', severity: 'SEV2', by: 'alice', components: ['checkout', 'payments'] }), /unknown component "payments": the status page has checkout, search/],
      ['moments out of order', () => incidents.declare({ title: 'x', severity: 'SEV2', by: 'alice', startedMs: T + 60_000 }), /the moments must come in order/],
      ['resolve a resolved one', () => incidents.resolve(resolved.id, { by: 'bob' }), new RegExp(`^${resolved.ref} was resolved at .*: nothing was changed`)],
      ['update a resolved one', () => incidents.update(resolved.id, { message: 'x', by: 'bob', state: 'identified' }), /nothing was changed/],
    ];
    for (const [what, attempt, message] of refusals) {
      await assert.rejects(attempt, (error: Error) => (error instanceof IncidentInputError || error instanceof IncidentConflictError) && message.test(error.message), what);
    }
    assert.deepEqual(await everything(store), before, 'nothing was written');
  });

  test(`${engine}: a handover, notes, decisions and status updates land on the record; the first monitoring marks it mitigated; the status page gets its updates newest first`, async (t) => {
    const store = await withPage(t);
    let now = T;
    const incidents = new Incidents(store, () => now);
    const incident = await incidents.declare({ title: 'Checkout errors', severity: 'SEV1', components: ['checkout'], by: 'alice' });
    now += 1000;
    assert.equal((await incidents.assign(incident.id, 'commander', 'bob', 'alice')).changed, true);
    assert.equal((await incidents.assign(incident.id, 'commander', 'bob', 'alice')).changed, false, 'the same person again changes nothing');
    now += 1000;
    await incidents.note(incident.id, 'rolled back deploy 42', 'carol', { decision: true });
    now += 1000;
    await incidents.update(incident.id, { message: 'A bad deploy; rolled back.', by: 'dave', state: 'monitoring', severity: 'SEV2' });
    now += 1000;
    const resolved = await incidents.resolve(incident.id, { by: 'bob', message: 'Fixed.' });
    assert.deepEqual(resolved.moments, { startedMs: T, detectedMs: T, declaredMs: T, mitigatedMs: T + 3000, resolvedMs: T + 4000 });
    assert.deepEqual([resolved.roles.commander, resolved.severity, resolved.state, resolved.updateEveryMs], ['bob', 'SEV2', 'resolved', 3_600_000]);
    const timeline = await assembleTimeline(store, resolved, { nowMs: now });
    assert.deepEqual(
      timeline.entries.map((e) => [e.kind, e.source, e.words, e.text]),
      [
        ['declared', 'alice', false, 'SEV1 declared by alice: "Checkout errors" on checkout; incident commander alice'],
        ['update', 'alice', true, 'Checkout errors'],
        ['role', 'alice', false, 'incident commander: alice → bob'],
        ['decision', 'carol', true, 'rolled back deploy 42'],
        ['severity', 'dave', false, 'severity SEV1 → SEV2'],
        ['update', 'dave', true, 'A bad deploy; rolled back.'],
        ['mitigated', 'dave', false, 'mitigated: a fix is in place and being watched'],
        ['resolved', 'bob', false, 'resolved: Fixed.'],
      ],
    );
    const [shown] = await statusFeed(store, () => 'http://room').incidents.recent(14);
    assert.deepEqual(shown.incident_updates.map((u) => [u.status, u.body]), [['resolved', 'Fixed.'], ['monitoring', 'A bad deploy; rolled back.'], ['investigating', 'Checkout errors']]);
    assert.deepEqual([shown.status, shown.impact, shown.severity, shown.drill, shown.component_ids, shown.shortlink], ['resolved', 'major', 'SEV2', false, ['checkout'], `http://room/incidents/${incident.id}`]);
    assert.deepEqual(await statusFeed(store, () => '').incidents.unresolved(), []);
  });

  test(`${engine}: the timeline reads status changes, runs and the lever audit in its window — each once, in order, with sources — and nothing outside it`, async (t) => {
    const store = await withPage(t);
    const runs = new RunStore(store);
    const journal = new JournalEventStore(store);
    const event = (ms: number, type: string, message: string, data: Record<string, unknown>) => ({ atMs: ms - T, at: at(ms), type, message, data });
    // Long before the window: a run that injected and reverted a fault; within it: a run with a fault and a lever step.
    await runs.recordStart({ id: 'old-run', title: 'Old drill', file: 'old.yaml', folder: '/tmp/o', startedAt: at(T - 3_600_000), pid: 1 });
    await journal.append('old-run', 1, [event(T - 3_500_000, 'fault.injected', 'latency 300ms on svc', { faultId: 1, kind: 'latency', target: 'svc', selector: 'svc', controlUrl: 'x' }), event(T - 3_400_000, 'fault.reverted', 'latency 300ms on svc', { faultId: 1 })]);
    await runs.recordEnd('old-run', { endedAt: at(T - 3_300_000), verdict: 'held', exitCode: 0, journal: {} });
    await runs.recordStart({ id: 'the-run', title: 'Checkout tolerates errors', file: 'errors.yaml', folder: '/tmp/r', startedAt: at(T - 120_000), pid: 1 });
    await journal.append('the-run', 1, [
      event(T - 120_000, 'run.start', 'run the-run', { blastRadius: [], format: 'gameday' }),
      event(T - 119_000, 'step.start', 'wait 1s', { path: 'method[0]' }),
      event(T - 90_000, 'fault.injected', 'HTTP 503 for every request on proxy svc', { faultId: 1, kind: 'http-error', target: 'svc', selector: 'svc', controlUrl: 'x' }),
      event(T - 80_000, 'fault.injected', 'pull lever disable-ads on the lever service', { faultId: 2, kind: 'lever', target: 'switches', selector: 'switches', controlUrl: 'x' }),
      event(T - 80_000, 'lever.pulled', 'pull lever disable-ads', { lever: 'disable-ads', lease: 'l', changed: true, rollback: false }),
      event(T + 30_000, 'fault.reverted', 'pull lever disable-ads on the lever service', { faultId: 2 }),
      event(T + 30_001, 'fault.reverted', 'HTTP 503 for every request on proxy svc', { faultId: 1 }),
      event(T + 31_000, 'verdict', 'violated: availability 12%', { verdict: 'violated', exitCode: 1 }),
    ]);
    await runs.recordEnd('the-run', { endedAt: at(T + 31_000), verdict: 'violated', exitCode: 1, journal: {} });
    const facts = new StatusFacts(store);
    await facts.append(
      [
        { component: 'checkout', from: null, to: 'operational', atMs: T - 3_600_000, source: 'monitor page', sli: 'availability 100% over 1m' },
        { component: 'checkout', from: 'operational', to: 'major_outage', atMs: T - 85_000, source: 'monitor page', sli: 'availability 12% over 1m' },
        { component: 'search', from: null, to: 'major_outage', atMs: T - 84_000, source: 'monitor page', sli: 'availability 1% over 1m' },
        { component: 'checkout', from: 'major_outage', to: 'operational', atMs: T + 40_000, source: 'monitor page', sli: 'availability 100% over 1m' },
        { component: 'checkout', from: 'operational', to: 'major_outage', atMs: T + 200_000, source: 'monitor page', sli: 'availability 0% over 1m' },
      ],
      [],
    );
    let leverNow = T - 3_000_000;
    const board = await LeverBoard.open(store, quiet, () => new Date(leverNow));
    await board.declare({ name: 'disable-ads', description: 'stop calling the ad service' });
    await board.pull('disable-ads', { by: 'grace', reason: 'an old test' });
    leverNow = T - 80_000;
    await board.reset('disable-ads', { by: 'grace', reason: 'done' }).catch(() => undefined);
    await board.pull('disable-ads', { by: 'run the-run', reason: 'experiment step: pull disable-ads' });
    leverNow = T + 30_000;
    await board.reset('disable-ads', { by: 'run the-run', reason: 'rollback of experiment step: pull disable-ads' });
    leverNow = T + 300_000;
    await board.pull('disable-ads', { by: 'grace', reason: 'after the incident' });
    await board.close({ releaseLeases: true });

    let now = T;
    const incidents = new Incidents(store, () => now);
    const incident = await incidents.declare({ title: 'Checkout fails', severity: 'SEV2', components: ['checkout'], by: 'alice', lookbackMs: 300_000 });
    assert.deepEqual([incident.moments.startedMs, incident.moments.detectedMs], [T - 85_000, T - 85_000], 'started and detected when the monitor saw checkout fail');
    now = T + 60_000;
    const resolved = await incidents.resolve(incident.id, { by: 'alice' });
    const timeline = await assembleTimeline(store, resolved, { nowMs: T + 500_000, names: new Map([['checkout', 'Checkout']]) });
    assert.deepEqual(
      timeline.entries.map((e) => [e.at, e.kind, e.source, e.beforeDeclaration]),
      [
        [at(T - 120_000), 'run.start', 'run the-run', true],
        [at(T - 90_000), 'fault.injected', 'run the-run', true],
        [at(T - 85_000), 'status', 'monitor page', true],
        [at(T - 80_000), 'lever.reset', 'grace', true],
        [at(T - 80_000), 'lever.pull', 'run the-run', true],
        [at(T), 'declared', 'alice', false],
        [at(T), 'update', 'alice', false],
        [at(T + 30_000), 'lever.reset', 'run the-run', false],
        [at(T + 30_001), 'fault.reverted', 'run the-run', false],
        [at(T + 31_000), 'verdict', 'run the-run', false],
        [at(T + 40_000), 'status', 'monitor page', false],
        [at(T + 60_000), 'resolved', 'alice', false],
      ],
    );
    const injected = timeline.entries.find((e) => e.kind === 'fault.injected')!;
    assert.equal(injected.text, 'fault injected: HTTP 503 for every request on proxy svc (experiment "Checkout tolerates errors")');
    assert.deepEqual(injected.run, { id: 'the-run', experiment: 'Checkout tolerates errors' });
    assert.equal(timeline.entries.find((e) => e.kind === 'status')!.text, 'Checkout: operational → major outage (availability 12% over 1m)');
    assert.deepEqual(timeline.whatChanged.runs.map((r) => r.id), ['the-run']);
    assert.deepEqual(timeline.whatChanged.faults.map((f) => f.kind), ['fault.injected']);
    assert.deepEqual(timeline.whatChanged.levers.map((l) => l.kind), ['lever.reset', 'lever.pull']);
  });

  test(`${engine}: one cause opens one incident however many connections trigger it at once, and a fact key is appended once`, async (t) => {
    const location = await fresh();
    const stores = [await withPage(t, location), await opened(t, location), await opened(t, location)];
    const trigger = (store: Store, i: number) =>
      new Incidents(store).trigger({
        cause: 'alertmanager {}:{alertname="Errors"}',
        declare: { title: 'Errors', severity: 'SEV2', commander: 'on-call', by: 'alertmanager group x' },
        entries: [
          { atMs: T, kind: 'alert', source: 'alertmanager group x', text: 'firing: Errors {instance="a"}', data: null, factKey: 'alert a firing' },
          { atMs: T + i, kind: 'alert', source: 'alertmanager group x', text: `firing: Errors {instance="b${i}"}`, data: null, factKey: `alert b${i} firing` },
        ],
      });
    const results = await Promise.all(stores.flatMap((store, s) => [0, 1, 2].map((k) => trigger(store, s * 3 + k))));
    assert.equal(new Set(results.map((r) => r.incident.id)).size, 1, 'one incident');
    assert.equal(results.filter((r) => r.created).length, 1, 'declared once, joined eight times');
    const alerts = await stores[0].all<{ text: string }>("SELECT text FROM incident_entries WHERE kind = 'alert' ORDER BY seq");
    assert.equal(alerts.filter((a) => a.text === 'firing: Errors {instance="a"}').length, 1, 'the same alert once');
    assert.equal(alerts.length, 10, 'and every other alert');
    assert.equal(results.reduce((sum, r) => sum + r.appended, 0), 10);
  });

  test(`${engine}: notes written from two connections while a third appends alerts: nothing is lost`, async (t) => {
    const location = await fresh();
    const [a, b, c] = [await withPage(t, location), await opened(t, location), await opened(t, location)];
    const incident = await new Incidents(a).declare({ title: 'Busy', severity: 'SEV3', by: 'alice' });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 25; i++) {
      writes.push(new Incidents(a).note(incident.id, `note a${i}`, 'alice'));
      writes.push(new Incidents(b).note(incident.id, `note b${i}`, 'bob'));
      writes.push(new Incidents(c).trigger({ cause: 'alertmanager g', declare: { title: 'g', severity: 'SEV3', commander: 'on-call' }, alsoJoin: async () => incident, entries: [{ atMs: Date.now(), kind: 'alert', source: 'alertmanager group g', text: `alert ${i}`, data: null, factKey: `a${i}` }] }));
    }
    await Promise.all(writes);
    const kinds = await a.all<{ kind: string; n: number }>('SELECT kind, COUNT(*) AS n FROM incident_entries WHERE incident = ? GROUP BY kind ORDER BY kind', [incident.id]);
    assert.deepEqual(kinds.map((k) => [k.kind, Number(k.n)]), [['alert', 25], ['declared', 1], ['note', 50], ['update', 1]]);
    assert.equal(Number((await a.get<{ n: number }>('SELECT COUNT(*) AS n FROM incidents'))!.n), 1);
  });

  test(`${engine}: a component reaching its status.yaml level opens an incident once; the next crossing joins it while it is open; a later one opens another`, async (t) => {
    const store = await withPage(t);
    const facts = new StatusFacts(store);
    await facts.append([{ component: 'checkout', from: null, to: 'operational', atMs: Date.now() - 10_000, source: 'monitor page', sli: null }], []);
    const incidents = new Incidents(store);
    const triggers = new IncidentTriggers(incidents, { onCall: 'pat', log: quiet });
    await triggers.tick();
    assert.equal((await incidents.list()).length, 0, 'the past is not declared when the first room starts');
    const now = Date.now();
    await facts.append(
      [
        { component: 'checkout', from: 'operational', to: 'degraded_performance', atMs: now - 3000, source: 'monitor page', sli: 'availability 98% over 1m' },
        { component: 'search', from: null, to: 'major_outage', atMs: now - 2900, source: 'monitor page', sli: 'availability 0% over 1m' },
        { component: 'checkout', from: 'degraded_performance', to: 'partial_outage', atMs: now - 2000, source: 'monitor page', sli: 'availability 80% over 1m' },
        { component: 'checkout', from: 'partial_outage', to: 'operational', atMs: now - 1500, source: 'monitor page', sli: 'availability 100% over 1m' },
        { component: 'checkout', from: 'operational', to: 'major_outage', atMs: now - 1000, source: 'monitor page', sli: 'availability 5% over 1m' },
      ],
      [],
    );
    await triggers.tick();
    await triggers.tick();
    let all = await incidents.list();
    assert.equal(all.length, 1, `one incident: ${all.map((i) => i.title).join(', ')}`);
    const [first] = all;
    assert.deepEqual([first.title, first.severity, first.components, first.roles.commander, first.declaredBy, first.moments.startedMs], ['Checkout: partial outage', 'SEV2', ['checkout'], 'pat', 'monitor page', now - 2000]);
    assert.deepEqual(await new Incidents(store).store.all<{ cause: string }>('SELECT cause FROM incident_causes').then((rows) => rows.map((r) => r.cause)), ['status checkout']);
    await incidents.resolve(first.id, { by: 'pat' });
    await facts.append([{ component: 'checkout', from: 'major_outage', to: 'operational', atMs: Date.now(), source: 'monitor page', sli: null }, { component: 'checkout', from: 'operational', to: 'partial_outage', atMs: Date.now(), source: 'monitor page', sli: null }], []);
    await triggers.tick();
    all = await incidents.list();
    assert.equal(all.length, 2, 'trouble after the resolution is a new incident');
  });

  test(`${engine}: a crossing on a component with both a drill and a real incident open joins the real one`, async (t) => {
    const store = await withPage(t);
    const facts = new StatusFacts(store);
    const incidents = new Incidents(store);
    const triggers = new IncidentTriggers(incidents, { onCall: 'pat', log: quiet });
    await facts.append([{ component: 'checkout', from: null, to: 'operational', atMs: Date.now() - 10_000, source: 'monitor page', sli: null }], []);
    await triggers.tick();
    const crossing = async (to: 'major_outage' | 'operational') => {
      await facts.append([{ component: 'checkout', from: to === 'major_outage' ? 'operational' : 'major_outage', to, atMs: Date.now(), source: 'monitor page', sli: null }], []);
      await triggers.tick();
    };
    const joined = async () => (await store.all<{ incident: number }>("SELECT incident FROM incident_causes WHERE cause = 'status checkout' ORDER BY incident")).map((row) => Number(row.incident));
    const drill = await incidents.declare({ title: 'Practice', severity: 'SEV3', components: ['checkout'], by: 'bob', drillRun: 'run-1' });
    await crossing('major_outage');
    assert.deepEqual(await joined(), [drill.id], 'with only the drill open, the crossing is the drill\'s');
    const real = await incidents.declare({ title: 'Checkout errors', severity: 'SEV2', components: ['checkout'], by: 'alice' });
    await crossing('operational');
    await crossing('major_outage');
    assert.deepEqual(await joined(), [drill.id, real.id], 'once a real incident is open on it, the next crossing joins that one');
    assert.equal((await incidents.list()).length, 2, 'no third incident');
  });

  test(`${engine}: the red a drill leaves in its SLI windows after it closed is the drill's too`, async (t) => {
    const store = await withPage(t);
    let now = T;
    const incidents = new Incidents(store, () => now);
    const drill = await incidents.declare({ title: 'Practice', severity: 'SEV1', components: ['checkout'], by: 'bob', drillRun: 'run-1' });
    now = T + 600_000;
    await incidents.resolve(drill.id, { by: 'run run-1', kind: 'drill.closed' });
    // Broken during the drill; the 10 s windows still hold its failures for 8 s after it closed.
    await new StatusFacts(store).append(
      [
        { component: 'checkout', from: null, to: 'operational', atMs: T - 3_600_000, source: 'monitor page', sli: null },
        { component: 'checkout', from: 'operational', to: 'major_outage', atMs: T + 300_000, source: 'monitor page', sli: null },
        { component: 'checkout', from: 'major_outage', to: 'operational', atMs: T + 608_000, source: 'monitor page', sli: null },
      ],
      [],
    );
    const feed = statusFeed(store, () => '');
    const uptimeOf = async (exclude: typeof feed.exclude) => (await uptimeDays(store, ['checkout'], 1, T + 3_600_000, exclude)).get('checkout')![0].uptime;
    assert.ok((await uptimeOf(feed.exclude))! < 1, 'up to the drill\'s close only, the 8 s after it count as downtime');
    assert.equal((await uptimeDays(store, ['checkout'], 1, T + 3_600_000, feed.exclude, () => 10_000)).get('checkout')![0].uptime, 1, 'carried on by the 10 s window, the drill leaves no downtime');
  });

  test(`${engine}: a drill's tail stops where a real incident starts, overlapping drills count once, and a tail crosses midnight`, async (t) => {
    const store = await withPage(t);
    let now = T;
    const incidents = new Incidents(store, () => now);
    const open = async (drill: boolean, atMs: number) => {
      now = atMs;
      return drill
        ? incidents.declare({ title: 'Practice', severity: 'SEV3', components: ['checkout'], by: 'bob', drillRun: `run-${atMs}` })
        : incidents.declare({ title: 'Real', severity: 'SEV2', components: ['checkout'], by: 'alice' });
    };
    const close = async (id: number, atMs: number) => {
      now = atMs;
      await incidents.resolve(id, { by: 'someone' });
    };
    const first = await open(true, T);
    const second = await open(true, T + 300_000);
    await close(first.id, T + 600_000);
    await close(second.id, T + 900_000);
    const real = await open(false, T + 905_000);
    await close(real.id, T + 1_000_000);
    assert.deepEqual(await drillIntervals(store, 'checkout', T - 3_600_000, T + 3_600_000, 10_000), [{ fromMs: T, toMs: T + 905_000 }], 'two drills joined; the tail ends where the real incident began');
    const midnight = Math.ceil((T + 1) / 86_400_000) * 86_400_000;
    const late = await open(true, midnight - 600_000);
    await close(late.id, midnight - 5_000);
    assert.deepEqual(await drillIntervals(store, 'checkout', midnight, midnight + 86_400_000, 10_000), [{ fromMs: midnight, toMs: midnight + 5_000 }], 'the next day gets the rest of the tail');
  });

  test(`${engine}: drills are kept out of uptime and out of the response figures, but not while a real incident is open on the component`, async (t) => {
    const store = await withPage(t);
    let now = T;
    const incidents = new Incidents(store, () => now);
    const real = await incidents.declare({ title: 'Real', severity: 'SEV2', components: ['checkout'], by: 'alice', startedMs: T - 600_000 });
    const drill = await incidents.declare({ title: 'Practice', severity: 'SEV1', components: ['checkout'], by: 'bob', drillRun: 'run-1' });
    now = T + 600_000;
    await incidents.resolve(real.id, { by: 'alice' });
    now = T + 1_800_000;
    await incidents.resolve(drill.id, { by: 'run run-1', kind: 'drill.closed' });
    // Until the real incident was resolved, trouble on checkout was real, drill or not: only the rest is the drill's.
    assert.deepEqual(await drillIntervals(store, 'checkout', T - 86_400_000, T + 86_400_000), [{ fromMs: T + 600_000, toMs: T + 1_800_000 }]);
    assert.deepEqual(await drillIntervals(store, 'search', T - 86_400_000, T + 86_400_000), []);
    const all: Incident[] = await incidents.list();
    const [month] = figuresOverTime(all);
    assert.deepEqual([month.incidents, month.drills, month.median.toResolveMs, month.median.toDeclareMs], [1, 1, 1_200_000, 600_000], 'the drill is counted apart and in no figure');
    const feed = statusFeed(store, () => '');
    assert.deepEqual((await feed.incidents.recent(10_000)).map((i) => [i.name, i.drill]).sort(), [['Practice', true], ['Real', false]]);
    const facts = new StatusFacts(store);
    await facts.append([{ component: 'checkout', from: null, to: 'operational', atMs: T - 3_600_000, source: 'monitor page', sli: null }], []);
    const outage = (fromMs: number) =>
      facts.append(
        [
          { component: 'checkout', from: 'operational', to: 'major_outage', atMs: fromMs, source: 'monitor page', sli: null },
          { component: 'checkout', from: 'major_outage', to: 'operational', atMs: fromMs + 60_000, source: 'monitor page', sli: null },
        ],
        [],
      );
    const uptimeOf = async (exclude?: typeof feed.exclude) => (await uptimeDays(store, ['checkout'], 1, T + 3_600_000, exclude)).get('checkout')![0].uptime;
    // An outage measured while only the drill was open is the drill's doing: left out of the component's uptime.
    await outage(T + 900_000);
    assert.ok((await uptimeOf())! < 1, 'counted, the outage lowers the uptime');
    assert.equal(await uptimeOf(feed.exclude), 1, 'the drill is left out');
    // One measured while the real incident was open counts, although the drill was open too.
    await outage(T + 60_000);
    const withBoth = await uptimeOf(feed.exclude);
    assert.ok(withBoth! < 1, `the outage during the real incident counts (uptime ${withBoth})`);
  });
}
