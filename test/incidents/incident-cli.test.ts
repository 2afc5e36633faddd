// Incident command from the terminal, the way people type it: refusals that name what to fix and change
// nothing; a handover, notes and status updates; an overdue update shown to the communications lead in
// `list` and `show`, on the incident page and on the dashboard's front page; and CLI notes written by
// separate processes while the control room appends alerts to the same incident — nothing is lost.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { spawnGameday, tempHome } from '../cli-process.js';
import { incidentOf, post, SHOP_STATUS_YAML, startIncidentRoom, waitFor } from './helpers.js';


async function setUp(t: { after(fn: () => unknown): void }) {
  const home = tempHome('gameday-incident-cli-');
  t.after(() => home.remove());
  const store = join(home.dir, 'store.db');
  const room = await startIncidentRoom(SHOP_STATUS_YAML, { store });
  t.after(() => room.close());
  const gameday = async (...args: string[]) => spawnGameday(['incident', ...args, '--store', store], home.dir).done;
  return { home, store, room, gameday };
}

test('declaring without a commander, with an unknown severity or component, and resolving a resolved incident are refused with a clear message, exit 3, and change nothing', async (t) => {
  const { store, gameday } = await setUp(t);
  const declared = await gameday('declare', 'Search is slow', '--severity', 'SEV3', '--by', 'alice', '--component', 'search');
  assert.equal(declared.code, 0, declared.stderr);
  assert.match(declared.stdout, /^declared INC-1: SEV3 "Search is slow" on search; incident commander alice$/m);
  assert.equal((await gameday('resolve', '1', '--by', 'alice')).code, 0);
  const direct = await openStore(store);
  t.after(() => direct.close());
  const everything = async () => [await direct.all('SELECT * FROM incidents'), await direct.all('SELECT * FROM incident_entries'), await direct.all('SELECT * FROM incident_causes')];
  const before = await everything();
  const refusals: Array<[string[], RegExp]> = [
    [['declare', 'Checkout fails', '--severity', 'SEV2'], /^gameday incident declare: an incident needs an incident commander: name one \(commander\), or say who declares it \(by\)/],
    [['declare', 'Checkout fails', '--severity', 'SEV0', '--by', 'alice'], /^gameday incident declare: unknown severity "SEV0": one of SEV1 \(critical\), SEV2 \(major\), SEV3 \(minor\), SEV4 \(no user impact\)/],
    [['declare', 'Checkout fails', '--severity', 'SEV2', '--by', 'alice', '--component', 'payments'], /^gameday incident declare: unknown component "payments": the status page has checkout, search$/m],
    [['resolve', '1', '--by', 'bob'], /^gameday incident resolve: INC-1 was resolved at \d{4}-.*Z: nothing was changed\./],
    [['note', '7', 'hello', '--by', 'bob'], /^gameday incident note: no incident INC-7 in this store/],
    [['role', '1', 'captain', 'bob'], /^gameday incident role: unknown role "captain": one of commander \(ic\), operations-lead \(ops\), communications-lead \(comms\), scribe/],
  ];
  for (const [args, message] of refusals) {
    const result = await gameday(...args);
    assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(result.stdout, '');
  }
  assert.deepEqual(await everything(), before, 'nothing was written');
});

test('a handover and status updates land on the timeline; an overdue update is shown to the communications lead in list, show and on the incident page', async (t) => {
  const { room, gameday } = await setUp(t);
  assert.equal((await gameday('declare', 'Checkout fails', '--severity', 'SEV1', '--by', 'alice', '--component', 'checkout', '--update-every', '2s')).code, 0);
  const handed = await gameday('role', 'INC-1', 'ic', 'bob', '--by', 'alice');
  assert.match(handed.stdout, /^INC-1: incident commander is now bob$/m);
  assert.equal((await gameday('role', '1', 'comms', 'carol', '--by', 'bob')).code, 0);
  assert.equal((await gameday('note', '1', 'we roll back deploy 42', '--decision', '--by', 'bob')).code, 0);
  const updated = await gameday('update', '1', 'We found the cause and are rolling back.', '--state', 'identified', '--by', 'carol');
  assert.equal(updated.code, 0, updated.stderr);
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const listed = await gameday('list');
  assert.match(listed.stdout, /INC-1 +SEV1 identified +"Checkout fails" on checkout; commander bob/);
  assert.match(listed.stdout, /OVERDUE Status update overdue by \d+s: carol \(communications lead\) owes one; SEV1 updates every 2s\./);
  const shown = await gameday('show', '1');
  assert.match(shown.stdout, /OVERDUE: Status update overdue by \d+s: carol \(communications lead\)/);
  assert.match(shown.stdout, /fact +role +alice +incident commander: alice → bob/);
  assert.match(shown.stdout, /words +decision +bob +we roll back deploy 42/);
  assert.match(shown.stdout, /words +update +carol +We found the cause and are rolling back\./);
  const page = await (await fetch(`${room.url}/incidents/1`)).text();
  assert.match(page, /<p class="inc-due late" role="status">Status update overdue by \d+s: carol \(communications lead\) owes one/);
  const front = await (await fetch(`${room.url}/`)).text();
  assert.match(front, /<li><a href="\/incidents\/1">INC-1 SEV1 &quot;Checkout fails&quot;: Status update overdue by \d+s: carol \(communications lead\) owes one/, "and on the dashboard's front page");
  const api = await incidentOf(room.url, 1);
  assert.equal(api.next_update?.owed_by.person, 'carol');
  assert.ok(api.next_update!.overdue_ms > 0);
  // The status page and its feed carry the update.
  const unresolved = (await (await fetch(`${room.url}/api/v2/incidents/unresolved.json`)).json()) as { incidents: Array<{ name: string; status: string; severity: string; incident_updates: Array<{ body: string }> }> };
  assert.deepEqual(unresolved.incidents.map((i) => [i.name, i.status, i.severity, i.incident_updates[0].body]), [['Checkout fails', 'identified', 'SEV1', 'We found the cause and are rolling back.']]);
  assert.match(await (await fetch(`${room.url}/history.atom`)).text(), /<title>Checkout fails \(identified\)<\/title>/);
  // A posted update is no longer overdue; lowered to SEV2 it takes SEV2's rhythm (60m), so a slow machine cannot make it late again.
  assert.equal((await gameday('update', '1', 'Rolled back; watching.', '--state', 'monitoring', '--severity', 'SEV2', '--by', 'carol')).code, 0);
  const relaxed = (await gameday('list')).stdout;
  assert.doesNotMatch(relaxed, /OVERDUE/);
  assert.doesNotMatch(await (await fetch(`${room.url}/`)).text(), /overdue/, 'nothing needs a person on the front page');
  assert.match(relaxed, /Next status update due \d\d:\d\d UTC, from carol \(communications lead\); SEV2 updates every 60m\./);
});

test('CLI notes written by separate processes while the control room appends alerts to the same incident: nothing is lost', { timeout: 90_000 }, async (t) => {
  const { room, home, store } = await setUp(t);
  const group = '{}:{alertname="Busy"}';
  const alert = (i: number) => ({
    version: '4', groupKey: group, status: 'firing', receiver: 'gameday', groupLabels: { alertname: 'Busy' }, commonLabels: { alertname: 'Busy' }, commonAnnotations: { summary: 'Busy' }, externalURL: '', truncatedAlerts: 0,
    alerts: [{ status: 'firing', labels: { alertname: 'Busy', instance: `i-${i}` }, annotations: {}, startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: `f${i}` }],
  });
  const first = await post(room.url, '/api/alertmanager', alert(0));
  const id = (first.json.incident as { id: number }).id;
  let sent = 1;
  let stop = false;
  const hub = (async () => {
    while (!stop) {
      const answer = await post(room.url, '/api/alertmanager', alert(sent));
      assert.equal(answer.status, 200);
      sent++;
    }
  })();
  const notes = Array.from({ length: 8 }, (_, i) => spawnGameday(['incident', 'note', String(id), `note ${i} from process ${i}`, '--by', `scribe-${i}`, '--store', store], home.dir).done);
  const results = await Promise.all(notes);
  stop = true;
  await hub;
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const incident = await incidentOf(room.url, id);
  const written = incident.timeline.filter((e) => e.kind === 'note').map((e) => e.text).sort();
  assert.deepEqual(written, Array.from({ length: 8 }, (_, i) => `note ${i} from process ${i}`).sort(), 'every note');
  assert.equal(incident.timeline.filter((e) => e.kind === 'alert').length, sent, `every alert the hub appended meanwhile (${sent})`);
  assert.ok(sent > 8, `the hub kept appending while the notes were written (${sent} alerts)`);
  await waitFor('one incident', async () => (await (await fetch(`${room.url}/api/incidents`)).json()) as { open: unknown[] }, (list) => list.open.length === 1, 5000);
});
