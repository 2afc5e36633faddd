// Incidents declared by the status page's measurements: a real shop behind the real fault proxy, measured
// by the control room; status.yaml says a partial outage or worse on the shop opens a SEV2. Broken, the shop
// opens one incident, commanded by the on-call until a person takes over, whose first status update is the
// system's; it shows on the status page. Healed and broken again while it is open: the same incident. Once a
// person resolved it, the next outage is a new one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { incidentOf, listOf, post, startIncidentRoom, startShop, waitFor } from './helpers.js';

const yaml = (shopUrl: string) => `
page: { name: Test shop }
monitors:
  shop:
    http: { url: ${shopUrl}/product/42, every: 250ms, timeout: 250ms, expect: { status: 200 } }
components:
  - id: shop
    name: Shop
    incident: { at: partial_outage, severity: SEV2 }
    slis:
      - { monitor: shop, sli: availability, window: 2s, operational: 99%, degraded_performance: 95%, partial_outage: 50% }
`;

test('a component reaching the level status.yaml sets opens one incident; the next crossing while it is open joins it; after its resolution another opens', { timeout: 120_000 }, async (t) => {
  const shop = await startShop();
  let heal: (() => Promise<void>) | undefined;
  const healNow = async () => {
    const healing = heal;
    heal = undefined;
    await healing?.();
  };
  // Hooks run in the order they were added: the fault comes off before the shop closes.
  t.after(healNow);
  t.after(() => shop.close());
  const room = await startIncidentRoom(yaml(shop.url), { onCall: 'pat' });
  t.after(() => room.close());
  // The status as recorded, change by change (the page's view is computed now and then, and may lag).
  const recorded = async () => ((await (await fetch(`${room.url}/api/status/changes?component=shop`)).json()) as Array<{ to: string }>).at(-1)?.to;
  const statusIs = (wanted: (s: string | undefined) => boolean, what: string) => waitFor(what, recorded, wanted, 20_000);
  await statusIs((s) => s === 'operational', 'the shop measured operational');
  assert.deepEqual((await listOf(room.url)).open, [], 'nothing declared while all is well');

  heal = await shop.breakIt();
  await waitFor('an incident declared by the status', async () => (await listOf(room.url)).open, (list) => list.length === 1, 20_000);
  let incident = await incidentOf(room.url, (await listOf(room.url)).open[0].id);
  assert.match(incident.title, /^Shop: (partial|major) outage$/);
  assert.deepEqual([incident.severity, incident.components, incident.roles.commander, incident.drill, incident.causes], ['SEV2', ['shop'], 'pat', false, ['status shop']]);
  const [declared] = incident.timeline.filter((e) => e.kind === 'declared');
  assert.match(declared.text, /the level status\.yaml declares a SEV2 at$/);
  assert.equal(declared.source, 'monitor shop', 'declared by the monitor that measured it');
  const [first] = incident.timeline.filter((e) => e.kind === 'update');
  assert.deepEqual([first.words, first.text], [false, incident.title.replace(/^Shop: (.*)$/, 'Shop shows $1. We are investigating.')], "the first update is the system's, not a person's words");
  assert.ok(incident.timeline.some((e) => e.kind === 'status' && e.source === 'monitor shop' && /→ (partial|major) outage/.test(e.text)), 'the crossing is on its timeline');
  const unresolved = (await (await fetch(`${room.url}/api/v2/incidents/unresolved.json`)).json()) as { incidents: Array<{ name: string; status: string }> };
  assert.deepEqual(unresolved.incidents.map((i) => [i.name, i.status]), [[incident.title, 'investigating']], 'on the status page');

  await healNow();
  await statusIs((s) => s === 'operational', 'the shop operational again');
  assert.equal((await incidentOf(room.url, incident.id)).state, 'investigating', 'the status healing does not resolve it: a person does');
  heal = await shop.breakIt();
  await waitFor('the second crossing on its timeline', async () => (await incidentOf(room.url, incident.id)).timeline.filter((e) => e.kind === 'status' && /operational → (partial|major) outage/.test(e.text)).length, (n) => n >= 2, 20_000);
  assert.equal((await listOf(room.url)).open.length, 1, 'the same cause joins the open incident');

  await healNow();
  await statusIs((s) => s === 'operational', 'the shop operational again');
  assert.equal((await post(room.url, `/api/incidents/${incident.id}/resolve`, { by: 'alice', message: 'The proxy is fixed.' })).status, 200);
  heal = await shop.breakIt();
  await waitFor('a new incident for new trouble', async () => (await listOf(room.url)).open, (list) => list.length === 1, 20_000);
  const [next] = (await listOf(room.url)).open;
  assert.notEqual(next.id, incident.id);
  incident = await incidentOf(room.url, next.id);
  assert.deepEqual(incident.causes, ['status shop']);
});
