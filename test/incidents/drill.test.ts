// A drill end to end: a real `gameday run` whose method declares a drill incident (a step `incident:
// { declare }` with the experiment's roles) and then breaks the shop behind the real fault proxy while the
// status page measures it. The incident is marked as a drill, carries the run's roles, is closed when the
// run ends, and the outage it caused is kept out of the shop's uptime on the status page and out of the
// response figures — while the outage itself was measured and recorded.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { uptimeDays } from '../../src/status/uptime.js';
import { spawnGameday, tempHome } from '../cli-process.js';
import { component, httpStatusYaml, incidentOf, listOf, startIncidentRoom, startShop, waitFor } from './helpers.js';

test('a run that declares a drill and breaks the shop: the drill is marked, closed by the run, and kept out of uptime and the response figures', { timeout: 150_000 }, async (t) => {
  const shop = await startShop();
  t.after(() => shop.close());
  const home = tempHome('gameday-incident-drill-');
  t.after(() => home.remove());
  const store = join(home.dir, 'store.db');
  const room = await startIncidentRoom(httpStatusYaml(shop.url), { store });
  t.after(() => room.close());
  await waitFor('the shop measured operational', async () => (await component(room.url, 'shop'))?.gameday_status, (s) => s === 'operational');

  const experiment = home.write(
    'drill.yaml',
    `title: Practise a checkout outage
targets:
  svc: { kind: proxy, control: "${shop.proxyControl}", proxy: shop }
method:
  - incident:
      declare: { title: "Practice: the shop answers 503", severity: SEV2, components: [shop], commander: alice, communications_lead: bob, scribe: carol }
  - fault: { kind: http-error, target: svc, status: 503, duration: 4s }
  # Long enough for the 2 s window of the shop's SLI to see it answer again before the run (and the drill) ends.
  - wait: 6s
`,
  );
  const ran = await spawnGameday(['run', experiment, '--store', store], home.dir).done;
  assert.equal(ran.code, 0, `${ran.stdout}\n${ran.stderr}`);
  assert.match(ran.stdout + ran.stderr, /drill incident INC-1 declared/);

  const { resolved } = await listOf(room.url);
  assert.deepEqual(resolved.map((i) => [i.title, i.drill]), [['Practice: the shop answers 503', true]]);
  const drill = await incidentOf(room.url, resolved[0].id);
  assert.deepEqual([drill.severity, drill.roles.commander, drill.roles.communications_lead, drill.roles.scribe, drill.components], ['SEV2', 'alice', 'bob', 'carol', ['shop']]);
  const closed = drill.timeline.find((e) => e.kind === 'resolved');
  assert.ok(closed, `resolved: ${drill.timeline.map((e) => e.kind).join(', ')}`);
  assert.match(closed.source, /^run \d{8}-\d{6}-[0-9a-f]{6}$/, 'by the run');
  assert.match(closed.text, /^resolved: Drill closed: run \S+ ended, held: /);
  assert.ok(drill.timeline.some((e) => e.kind === 'fault.injected' && e.source === closed.source), 'the run’s fault is on its timeline');

  // The outage was measured and recorded, inside the drill.
  const direct = await openStore(store);
  t.after(() => direct.close());
  const changes = await direct.all<{ to_status: string; at_ms: number }>("SELECT to_status, at_ms FROM status_changes WHERE component = 'shop' ORDER BY seq");
  const red = changes.filter((c) => c.to_status !== 'operational');
  assert.ok(red.length > 0, 'the fault turned the shop red');
  assert.ok(
    changes.every((c) => c.to_status !== 'operational' || c === changes[0] || (Number(c.at_ms) > drill.moments.declaredMs && Number(c.at_ms) <= drill.moments.resolvedMs!)) &&
      red.every((c) => Number(c.at_ms) >= drill.moments.declaredMs),
    `the outage began and ended within the drill: ${JSON.stringify(changes)} in [${drill.moments.declaredMs}, ${drill.moments.resolvedMs}]`,
  );
  const now = Date.now();
  const counted = (await uptimeDays(direct, ['shop'], 1, now)).get('shop')!.at(-1)!.uptime!;
  assert.ok(counted < 1, `counted, the outage lowers the uptime (${counted})`);

  // The status page leaves the drill's time out: the shop kept its 100%.
  const page = await (await fetch(`${room.url}/status`)).text();
  assert.match(page, /100% uptime over the last \d+ days/);
  const incidents = (await (await fetch(`${room.url}/api/v2/incidents.json`)).json()) as { incidents: Array<{ name: string; drill?: boolean }> };
  assert.deepEqual(incidents.incidents.map((i) => [i.name, i.drill]), [['Practice: the shop answers 503', true]], 'shown on the status page, as a drill');

  // And the response figures leave it out.
  const stats = (await (await fetch(`${room.url}/api/incidents/stats`)).json()) as { incidents: unknown[]; drills: number; periods: Array<{ incidents: number; drills: number }> };
  assert.deepEqual([stats.incidents.length, stats.drills, stats.periods.map((p) => [p.incidents, p.drills])], [0, 1, [[0, 1]]]);
  const listed = await spawnGameday(['incident', 'list', '--stats', '--store', store], home.dir).done;
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^response figures, measured from when the trouble began \(1 drill left out\):\n {2}no incident yet$/m);
});
