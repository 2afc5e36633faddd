// Prometheus Alertmanager's webhook (payload version 4) at POST /api/alertmanager: a firing group of two
// alerts opens one incident with both alerts on its timeline; the same group sent again adds nothing; its
// resolution is noted; the group firing again joins the open incident; two control rooms of one store that
// receive the same group at once open one incident. And a real Alertmanager (Debian's package), given
// alerts on its own API, notifies the control room, which opens the incident and notes the resolution.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePorts } from '../../src/fleet/fleet.js';
import { incidentOf, listOf, post, SHOP_STATUS_YAML, startIncidentRoom, waitFor, type IncidentRoom } from './helpers.js';


const GROUP = '{}:{alertname="CheckoutErrors"}';

/** A webhook payload as Alertmanager 0.25 sends it (version 4), for the group of two checkout instances. */
function payload(status: 'firing' | 'resolved', startsAt: string, options: { endsAt?: string; groupKey?: string } = {}) {
  const alert = (instance: string, fingerprint: string) => ({
    status,
    labels: { alertname: 'CheckoutErrors', instance, job: 'checkout', severity: 'critical', component: 'checkout' },
    annotations: { summary: 'Checkout answers 5xx', description: `${instance} answered 5xx to more than 5% of requests for 1m` },
    startsAt,
    endsAt: options.endsAt ?? '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example:9090/graph?g0.expr=rate%28http_requests_total%7Bcode%3D~%225..%22%7D%5B1m%5D%29&g0.tab=1',
    fingerprint,
  });
  return {
    receiver: 'gameday',
    status,
    alerts: [alert('checkout-1:8080', '3f1c9a0b7e21d4c5'), alert('checkout-2:8080', '8a7b6c5d4e3f2a1b')],
    groupLabels: { alertname: 'CheckoutErrors' },
    commonLabels: { alertname: 'CheckoutErrors', job: 'checkout', severity: 'critical', component: 'checkout' },
    commonAnnotations: { summary: 'Checkout answers 5xx' },
    externalURL: 'http://alertmanager.example:9093',
    version: '4',
    groupKey: options.groupKey ?? GROUP,
    truncatedAlerts: 0,
  };
}

async function room(t: { after(fn: () => unknown): void }, store?: string): Promise<IncidentRoom> {
  const started = await startIncidentRoom(SHOP_STATUS_YAML, { store, onCall: 'pat' });
  t.after(() => started.close());
  return started;
}

test('a firing group opens one incident with both alerts; sent again it adds nothing; resolved it is noted; firing again it joins; a bad payload is refused', async (t) => {
  const { url, server } = await room(t);
  const firstStart = new Date(Date.now() - 60_000).toISOString();
  const opened = await post(url, '/api/alertmanager', payload('firing', firstStart));
  assert.equal(opened.status, 200, JSON.stringify(opened.json));
  assert.deepEqual([opened.json.created, opened.json.noted], [true, 2]);
  const id = (opened.json.incident as { id: number }).id;
  let incident = await incidentOf(url, id);
  assert.deepEqual([incident.title, incident.severity, incident.components, incident.roles.commander, incident.state], ['Checkout answers 5xx', 'SEV2', ['checkout'], 'pat', 'investigating']);
  assert.equal(incident.moments.startedMs, Date.parse(firstStart), 'the trouble began when the alerts did');
  assert.deepEqual(incident.causes, [`alertmanager ${GROUP}`]);
  const alerts = () => incident.timeline.filter((e) => e.kind.startsWith('alert'));
  assert.deepEqual(
    alerts().map((e) => [e.kind, e.source, e.text]),
    [
      ['alert', `alertmanager group ${GROUP}`, 'firing: CheckoutErrors {component="checkout", instance="checkout-1:8080", job="checkout", severity="critical"} — checkout-1:8080 answered 5xx to more than 5% of requests for 1m'],
      ['alert', `alertmanager group ${GROUP}`, 'firing: CheckoutErrors {component="checkout", instance="checkout-2:8080", job="checkout", severity="critical"} — checkout-2:8080 answered 5xx to more than 5% of requests for 1m'],
    ],
  );

  const again = await post(url, '/api/alertmanager', payload('firing', firstStart));
  assert.deepEqual([again.json.created, again.json.noted, (again.json.incident as { id: number }).id], [false, 0, id], 'a repeat notification adds nothing');

  const resolvedAt = new Date().toISOString();
  const resolved = await post(url, '/api/alertmanager', payload('resolved', firstStart, { endsAt: resolvedAt }));
  assert.deepEqual([resolved.json.created, resolved.json.noted, (resolved.json.incident as { id: number }).id], [false, 2, id]);
  incident = await incidentOf(url, id);
  assert.deepEqual(alerts().map((e) => e.kind), ['alert', 'alert', 'alert.resolved', 'alert.resolved']);
  assert.equal(incident.state, 'investigating', 'alerts resolving is noted; a person resolves the incident');

  const refiring = await post(url, '/api/alertmanager', payload('firing', new Date().toISOString()));
  assert.deepEqual([refiring.json.created, refiring.json.noted, (refiring.json.incident as { id: number }).id], [false, 2, id], 'the same group firing again joins the open incident');
  assert.equal((await listOf(url)).open.length, 1);

  const before = await server.store.all('SELECT * FROM incident_entries ORDER BY seq');
  const wrongVersion = await post(url, '/api/alertmanager', { ...payload('firing', firstStart), version: '3' });
  assert.equal(wrongVersion.status, 400);
  assert.match(String(wrongVersion.json.error), /version "4"/);
  const noAlerts = await post(url, '/api/alertmanager', { ...payload('firing', firstStart), alerts: [] });
  assert.equal(noAlerts.status, 400);
  assert.deepEqual(await server.store.all('SELECT * FROM incident_entries ORDER BY seq'), before, 'a refused payload changes nothing');

  // After a person resolves it, the group firing again is new trouble: a new incident.
  assert.equal((await post(url, `/api/incidents/${id}/resolve`, { by: 'pat' })).status, 200);
  const recurrence = await post(url, '/api/alertmanager', payload('firing', new Date().toISOString()));
  assert.equal(recurrence.json.created, true);
  assert.notEqual((recurrence.json.incident as { id: number }).id, id);
});

test('two control rooms of one store that receive the same firing group at once open one incident', async (t) => {
  const first = await room(t);
  const second = await room(t, first.store);
  const startsAt = new Date(Date.now() - 5000).toISOString();
  const body = payload('firing', startsAt, { groupKey: '{}:{alertname="CheckoutErrors", region="us-east"}' });
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => post(i % 2 === 0 ? first.url : second.url, '/api/alertmanager', body)));
  assert.ok(answers.every((a) => a.status === 200), JSON.stringify(answers.map((a) => a.json)));
  assert.equal(new Set(answers.map((a) => (a.json.incident as { id: number }).id)).size, 1, 'one incident');
  assert.equal(answers.filter((a) => a.json.created === true).length, 1);
  assert.equal(answers.reduce((sum, a) => sum + Number(a.json.noted), 0), 2, 'each alert noted once');
  const incident = await incidentOf(first.url, (answers[0].json.incident as { id: number }).id);
  assert.equal(incident.timeline.filter((e) => e.kind === 'alert').length, 2);
});

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

test('a real Alertmanager notifies the control room: its firing group of two alerts opens one incident, and their resolution is noted on it', { timeout: 90_000 }, async (t) => {
  assert.ok(existsSync(ALERTMANAGER), `${ALERTMANAGER} is not installed: apt-get install prometheus-alertmanager (.ci/run does)`);
  const { url } = await room(t);
  const dir = mkdtempSync(join(tmpdir(), 'gameday-alertmanager-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [port] = await freePorts(1);
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `route:
  receiver: gameday
  group_by: [alertname]
  group_wait: 200ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: gameday
    webhook_configs:
      - url: ${url}/api/alertmanager
        send_resolved: true
`,
  );
  const child = spawn(ALERTMANAGER, [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk));
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
  const am = `http://127.0.0.1:${port}`;
  await waitFor('Alertmanager ready', async () => (await fetch(`${am}/-/ready`)).status, (s) => s === 200, 30_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${log}`);
  });
  const send = async (endsAt?: string) => {
    const alerts = ['checkout-1:8080', 'checkout-2:8080'].map((instance) => ({
      labels: { alertname: 'ShopDown', instance, job: 'checkout', severity: 'warning', component: 'checkout' },
      annotations: { summary: 'The shop is down' },
      startsAt: new Date(Date.now() - 30_000).toISOString(),
      ...(endsAt ? { endsAt } : {}),
      generatorURL: 'http://prometheus.example:9090/graph',
    }));
    const response = await fetch(`${am}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    assert.equal(response.status, 200, await response.text());
  };
  await send();
  const opened = await waitFor('the incident opened by Alertmanager', async () => (await listOf(url)).open, (open) => open.length === 1, 30_000).then(async () => (await listOf(url)).open[0]);
  assert.deepEqual([opened.title, opened.severity, opened.components, opened.roles.commander], ['The shop is down', 'SEV3', ['checkout'], 'pat']);
  const alertsOf = async () => (await incidentOf(url, opened.id)).timeline.filter((e) => e.kind.startsWith('alert'));
  await waitFor('both alerts on its timeline', alertsOf, (entries) => entries.filter((e) => e.kind === 'alert').length === 2, 15_000);
  const entries = await alertsOf();
  assert.ok(entries.every((e) => e.source === 'alertmanager group {}:{alertname="ShopDown"}'), entries.map((e) => e.source).join(', '));
  assert.deepEqual(entries.map((e) => /instance="([^"]+)"/.exec(e.text)?.[1]).sort(), ['checkout-1:8080', 'checkout-2:8080']);

  await send(new Date().toISOString());
  await waitFor('the resolution noted', alertsOf, (all) => all.filter((e) => e.kind === 'alert.resolved').length === 2, 30_000);
  const after = await listOf(url);
  assert.deepEqual([after.open.length, after.open[0].id], [1, opened.id], 'still one incident, open until a person resolves it');
});
