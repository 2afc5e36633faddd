// The status page's API against a real service behind the real fault proxy: red within seconds of
// http_error on every request and back after, declarations that may only make a component look worse,
// "no data" when the monitors stop, and Statuspage's v2 shapes as a real Statuspage page has them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { StatusIncidents, StatuspageIncident } from '../../src/status/incidents.js';
import { openStore } from '../../src/store/database.js';
import { repoRoot } from '../cli-process.js';
import { component, faultTrial, httpStatusYaml, startShop, startStatusRoom, waitFor, type Room, type Shop } from './helpers.js';

let shop: Shop;
before(async () => {
  shop = await startShop();
});
after(() => shop?.close());

async function room(t: { after(fn: () => unknown): void }, ...args: Parameters<typeof startStatusRoom>): Promise<Room> {
  const started = await startStatusRoom(...args);
  t.after(() => started.close());
  return started;
}

test('http_error on 100% of requests turns the component non-operational in components.json within seconds, and removing it brings it back', async (t) => {
  const { url } = await room(t, httpStatusYaml(shop.url));
  const trial = await faultTrial(shop, url, 'shop');
  assert.ok(trial.toRedMs < 15_000, `red after ${Math.round(trial.toRedMs)}ms`);
  assert.match(trial.red, /^(degraded_performance|partial_outage|major_outage)$/);
  type Change = { to: string; source: string; sli: string | null };
  const recorded = async () => (await (await fetch(`${url}/api/status/changes`)).json()) as Change[];
  // The page is computed on every read; the measuring room appends the facts on its next tick.
  await waitFor('the return recorded', recorded, (changes) => changes.at(-1)?.to === 'operational' && changes.length >= 3);
  const changes = await recorded();
  const red = changes.find((c) => c.to === trial.red)!;
  assert.equal(red.source, 'monitor shop');
  assert.match(red.sli!, /^availability \d+(\.\d+)?% over 2s$/, 'the change names the SLI that caused it');
  assert.equal(changes.at(-1)!.to, 'operational');
  const atom = await (await fetch(`${url}/history.atom`)).text();
  assert.match(atom, /<title>Shop: (Degraded performance|Partial outage|Major outage)<\/title>/, 'the feed tells of the change');
});

test('a declaration better than measured is refused with the SLI that disagrees and changes nothing; a worse one is shown with its words', async (t) => {
  const { url, server } = await room(t, httpStatusYaml(shop.url));
  await waitFor('operational', async () => (await component(url, 'shop'))?.gameday_status, (s) => s === 'operational');
  const unbreak = await shop.breakIt();
  try {
    await waitFor('major outage', async () => (await component(url, 'shop'))?.gameday_status, (s) => s === 'major_outage');
    const before = await component(url, 'shop');
    const declarationsBefore = await server.store.all('SELECT * FROM status_declarations');
    const refused = await fetch(`${url}/api/status/components/shop/declarations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'operational', message: 'all good, trust me', author: 'vp' }),
    });
    assert.equal(refused.status, 409);
    const answer = (await refused.json()) as { error: string; sli: string };
    assert.match(answer.error, /^Shop cannot be shown operational: its SLI from monitor shop measures major outage: availability \d+(\.\d+)?% over 2s/);
    assert.match(answer.sli, /^availability/);
    assert.deepEqual(await server.store.all('SELECT * FROM status_declarations'), declarationsBefore, 'nothing was written');
    const after = await component(url, 'shop');
    assert.equal(after?.gameday_status, 'major_outage');
    assert.equal(after?.declaration, null);
    assert.equal(before?.declaration, null);
  } finally {
    await unbreak();
  }
  await waitFor('operational again', async () => (await component(url, 'shop'))?.gameday_status, (s) => s === 'operational');
  const declared = await fetch(`${url}/api/status/components/shop/declarations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'partial_outage', message: 'card payments fail for some customers; we are on it', author: 'alice' }),
  });
  assert.equal(declared.status, 201);
  const shown = await component(url, 'shop');
  assert.equal(shown?.gameday_status, 'partial_outage', 'worse than measured is shown');
  assert.equal(shown?.status, 'partial_outage');
  assert.deepEqual(shown?.declaration, { status: 'partial_outage', message: 'card payments fail for some customers; we are on it', author: 'alice', at: shown!.declaration!.at });
  const page = await (await fetch(`${url}/status`)).text();
  assert.match(page, /Declared partial outage by alice/);
  assert.equal((await fetch(`${url}/api/status/components/shop/clear`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"author":"alice"}' })).status, 201);
  assert.equal((await component(url, 'shop'))?.gameday_status, 'operational');
  const unknown = await fetch(`${url}/api/status/components/nope/declarations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"message":"x","author":"y"}' });
  assert.equal(unknown.status, 404);
});

test('when the room that measures stops, another room on the store shows "no data" within two intervals (never operational)', async (t) => {
  const measuring = await room(t, httpStatusYaml(shop.url));
  const store = join(measuring.dir, 'store.db');
  const reading = await room(t, undefined, { store });
  await waitFor('operational on the reading room', async () => (await component(reading.url, 'shop'))?.gameday_status, (s) => s === 'operational');
  const stopped = performance.now();
  await measuring.server.close();
  const took = await waitFor('no data', async () => (await component(reading.url, 'shop'))?.gameday_status, (s) => s === 'no_data', 10_000);
  assert.ok(performance.now() - stopped < 5000, `no data ${Math.round(took)}ms after the monitors stopped (two intervals are 500ms)`);
  const shown = (await component(reading.url, 'shop'))!;
  assert.equal(shown.status, 'degraded_performance', "Statuspage's status for no data is never operational");
  assert.match(shown.slis[0].text, /^availability: no data \(last sample/);
});

test('two control rooms on one store measure once; when the measuring one stops the other takes over', async (t) => {
  const first = await room(t, httpStatusYaml(shop.url));
  const store = join(first.dir, 'store.db');
  const second = await room(t, httpStatusYaml(shop.url), { store });
  assert.deepEqual([first.status.monitorsHeld, second.status.monitorsHeld], [true, false]);
  await waitFor('operational on both', async () => [(await component(first.url, 'shop'))?.gameday_status, (await component(second.url, 'shop'))?.gameday_status], (s) => s.every((x) => x === 'operational'));
  const since = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const { n } = (await second.server.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM status_samples WHERE at_ms > ?', [since]))!;
  assert.ok(n >= 4 && n <= 10, `${n} checks in 2 s at one every 250 ms: one room measures`);
  await first.server.close();
  await waitFor('the second room measures', async () => second.status.monitorsHeld, Boolean, 10_000);
  const taken = Date.now();
  await waitFor('operational, measured by the second room', async () => (await component(second.url, 'shop'))?.gameday_status, (s) => s === 'operational');
  await waitFor('its checks in the store', async () => (await second.server.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM status_samples WHERE at_ms > ?', [taken]))!.n, (count) => count >= 4, 10_000);
});

test('a room that starts after nobody measured for a while records that time as no data, from when the last room evaluated', async (t) => {
  const first = await room(t, httpStatusYaml(shop.url));
  const store = join(first.dir, 'store.db');
  type Change = { to: string; source: string; atMs: number };
  const recorded = async (url: string) => (await (await fetch(`${url}/api/status/changes`)).json()) as Change[];
  await waitFor('operational, recorded', () => recorded(first.url), (changes) => changes.at(-1)?.to === 'operational');
  await first.server.close();
  const direct = await openStore(store);
  const lastEvaluated = Number((await direct.get<{ evaluated_until: number }>('SELECT evaluated_until FROM status_pages'))!.evaluated_until);
  await direct.close();
  // Nobody measures for longer than a takeover takes (5 s): that time is a gap in the history.
  await new Promise((resolve) => setTimeout(resolve, 6000));
  const second = await room(t, httpStatusYaml(shop.url), { store });
  await waitFor('operational again, recorded', () => recorded(second.url), (changes) => changes.at(-1)?.to === 'operational' && changes.length >= 3);
  const changes = await recorded(second.url);
  const gap = changes.find((c) => c.to === 'no_data' && c.source === 'control room (no monitors ran)');
  assert.ok(gap, `changes: ${changes.map((c) => `${c.to} (${c.source})`).join(', ')}`);
  assert.equal(gap.atMs, lastEvaluated);
});

test("summary.json has every field of a real Statuspage summary.json, with the same types, and ours only beside them", async (t) => {
  const recorded = JSON.parse(readFileSync(join(repoRoot, 'test/status/fixtures/statuspage-summary-shape.json'), 'utf8')) as { shape: Record<string, unknown>; values: Record<string, string[]> };
  const now = new Date().toISOString();
  const incident: StatuspageIncident = {
    id: 'inc-1', name: 'Checkout errors', status: 'identified', created_at: now, updated_at: now, monitoring_at: null, resolved_at: null, impact: 'major',
    shortlink: 'http://127.0.0.1/incidents/inc-1', started_at: now, page_id: 'gameday', component_ids: ['shop'], drill: true, severity: 'SEV2',
    incident_updates: [{ id: 'u-1', status: 'identified', body: 'found it', incident_id: 'inc-1', created_at: now, updated_at: now, display_at: now, affected_components: null, deliver_notifications: true, custom_tweet: null, tweet_id: null }],
  };
  const incidents: StatusIncidents = { unresolved: async () => [incident], recent: async () => [incident] };
  const { url } = await room(t, `${httpStatusYaml(shop.url)}\n  - { id: cart, name: Cart, group: Buying, slis: [{ monitor: shop, sli: latency, percentile: p99, window: 2s, operational: 1s }] }\n`, { incidents });
  await waitFor('measured', async () => (await component(url, 'shop'))?.gameday_status, (s) => s === 'operational');
  const summary = (await (await fetch(`${url}/api/v2/summary.json`)).json()) as Record<string, unknown>;
  const problems: string[] = [];
  const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
  const check = (where: string, object: Record<string, unknown>, shape: Record<string, string[]>) => {
    for (const [field, types] of Object.entries(shape)) {
      if (!(field in object)) problems.push(`${where}.${field} is missing`);
      else if (!types.includes(typeOf(object[field]))) problems.push(`${where}.${field} is ${typeOf(object[field])}, Statuspage has ${types.join(' or ')}`);
    }
  };
  const shape = recorded.shape as Record<string, Record<string, string[]>> & { scheduled_maintenances: string[] };
  check('page', summary.page as Record<string, unknown>, shape.page);
  check('status', summary.status as Record<string, unknown>, shape.status);
  assert.equal(typeOf(summary.scheduled_maintenances), 'array');
  const components = summary.components as Array<Record<string, unknown>>;
  assert.ok(components.length >= 3, 'two components and their group');
  components.forEach((c, i) => check(`components[${i}]`, c, shape['components[]']));
  const incidentsOut = summary.incidents as Array<Record<string, unknown>>;
  assert.equal(incidentsOut.length, 1);
  check('incidents[0]', incidentsOut[0], shape['incidents[]']);
  (incidentsOut[0].incident_updates as Array<Record<string, unknown>>).forEach((u, i) => check(`incidents[0].incident_updates[${i}]`, u, shape['incidents[].incident_updates[]']));
  for (const c of components) if (!recorded.values['components[].status'].includes(c.status as string)) problems.push(`component status ${String(c.status)}`);
  if (!recorded.values['status.indicator'].includes((summary.status as { indicator: string }).indicator)) problems.push('status.indicator');
  assert.deepEqual(problems, []);
  assert.equal(incidentsOut[0].drill, true, 'drill is an additive field');
  assert.deepEqual((incidentsOut[0].components as Array<{ id: string }>).map((c) => c.id), ['shop']);
  const group = components.find((c) => c.group === true)!;
  assert.deepEqual([group.name, group.components], ['Buying', ['cart']]);
  for (const path of ['status.json', 'components.json', 'incidents.json', 'incidents/unresolved.json']) {
    const document = (await (await fetch(`${url}/api/v2/${path}`)).json()) as Record<string, unknown>;
    check(path, document.page as Record<string, unknown>, shape.page);
  }
});
