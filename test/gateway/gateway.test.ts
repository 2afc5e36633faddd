import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { Fleet } from '../../src/fleet/fleet.js';
import { Gateway, RegionError } from '../../src/gateway/gateway.js';
import { fixture, quietLog, shopDeclaration, waitFor } from '../fleet/helpers.js';

async function get(url: string, path = '/') {
  const response = await request(`${url}${path}`);
  const body = await response.body.text();
  return { status: response.statusCode, region: response.headers['x-gameday-region'], instance: response.headers['x-gameday-instance'], body };
}

async function fleetAndGateway(t: { after: (fn: () => Promise<void>) => void }, declaration = shopDeclaration(), weights?: Record<string, number>) {
  const fleet = await Fleet.start(declaration, { log: quietLog });
  const gateway = await Gateway.start({ fleet: { fleet, service: 'pricing', weights }, health: { intervalMs: 200, timeoutMs: 500 }, log: quietLog });
  t.after(async () => {
    await gateway.close();
    await fleet.stop();
  });
  return { fleet, gateway };
}

test('the gateway splits requests between regions by weight and round robin within a region', async (t) => {
  const { gateway } = await fleetAndGateway(t, shopDeclaration(), { 'us-east': 300, 'us-west': 100 });
  const served: string[] = [];
  for (let i = 0; i < 40; i++) {
    const r = await get(gateway.url);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).region, r.region, 'the header names the region that answered');
    served.push(r.instance as string);
  }
  const large = await request(`${gateway.url}/?size=${4 * 1024 * 1024}`);
  const bytes = Buffer.from(await large.body.arrayBuffer());
  const region = String(large.headers['x-gameday-region']);
  assert.equal(bytes.length, 4 * 1024 * 1024, 'a 4 MiB body arrives whole');
  assert.ok(bytes.equals(Buffer.alloc(bytes.length, region)), 'and intact');
  const count = (prefix: string) => served.filter((s) => s.startsWith(prefix)).length;
  assert.equal(count('pricing/us-east'), 30);
  assert.equal(count('pricing/us-west'), 10);
  assert.equal(count('pricing/us-east/0'), 15);
  assert.equal(count('pricing/us-east/1'), 15);
});

test('an instance that answers 5xx is ejected by outlier detection and idempotent requests are retried elsewhere', async (t) => {
  const fleet = await Fleet.start(
    { services: [
      { name: 'good', command: [process.execPath, fixture], regions: { 'us-east': 1 } },
      { name: 'bad', command: [process.execPath, fixture], regions: { 'us-west': 1 }, env: { FIXTURE_STATUS: '500' } },
    ] },
    { log: quietLog },
  );
  const [good] = fleet.instances({ service: 'good' });
  const [bad] = fleet.instances({ service: 'bad' });
  const gateway = await Gateway.start({
    regions: { 'us-east': { upstreams: [good.url] }, 'us-west': { upstreams: [bad.url] } },
    outlier: { consecutiveFailures: 2, ejectionMs: 30_000 },
    log: quietLog,
  });
  t.after(async () => {
    await gateway.close();
    await fleet.stop();
  });
  for (let i = 0; i < 10; i++) {
    const r = await get(gateway.url);
    assert.equal(r.status, 200, 'every GET succeeds: a 500 from us-west is retried in us-east');
    assert.equal(r.region, 'us-east');
  }
  const west = gateway.regions().find((r) => r.name === 'us-west')!;
  assert.ok(west.instances[0].ejectedUntil, 'the failing instance is ejected');
  assert.equal(west.instances[0].healthy, true, 'although its active health check passes');
  const post = await request(`${gateway.url}/`, { method: 'POST', body: 'x' });
  await post.body.dump();
  assert.equal(post.statusCode, 200, 'with us-west ejected a POST goes to us-east');
  const metrics = await gateway.metrics.registry.metrics();
  assert.match(metrics, /gameday_gateway_requests_total\{region="us-east",status_class="2xx"\} 11/);
  assert.match(metrics, /gameday_gateway_upstream_errors_total\{region="us-west",kind="status_5xx"\} 2/);
  assert.match(metrics, /gameday_gateway_retries_total\{region="us-west"\} 2/);
  assert.match(metrics, /gameday_gateway_region_weight\{region="us-west"\} 100/);
});

test('evacuating or isolating the last region that could take traffic is refused and nothing changes', async (t) => {
  const { gateway } = await fleetAndGateway(t);
  const { revert } = gateway.evacuate('us-east');
  assert.throws(() => gateway.evacuate('us-west'), (e: Error) => e instanceof RegionError && /refusing to evacuate us-west: it is the last region/.test(e.message));
  assert.throws(() => gateway.isolate('us-west'), /refusing to isolate us-west/);
  assert.throws(() => gateway.setWeight('us-west', 0), /refusing to set the weight of us-west to 0/);
  assert.throws(() => gateway.evacuate('us-east'), /already evacuated/);
  assert.throws(() => gateway.evacuate('eu-west'), /no region "eu-west"; known: us-east, us-west/);
  const west = gateway.regions().find((r) => r.name === 'us-west')!;
  assert.equal(west.weight, 100);
  assert.equal(west.isolated, false);
  await revert();
  assert.equal(gateway.regions().find((r) => r.name === 'us-east')!.weight, 100);
});

test('a gradual evacuation lowers the weight step by step and its revert raises it back', async (t) => {
  const { gateway } = await fleetAndGateway(t);
  const east = gateway.region('us-east');
  // Every weight the gateway applies to us-east, in order: sampling it instead would miss a step
  // whenever the machine stalls the test for longer than a step interval.
  const applied: number[] = [];
  let weight = east.weight;
  Object.defineProperty(east, 'weight', { get: () => weight, set: (value: number) => void applied.push((weight = value)) });
  const { shift, revert } = gateway.evacuate('us-east', { steps: 4, stepIntervalMs: 150 });
  assert.equal(east.weight, 75, 'the first step applies at once');
  await shift.done;
  assert.deepEqual(applied, [75, 50, 25, 0]);
  await revert();
  assert.deepEqual(applied, [75, 50, 25, 0, 25, 50, 75, 100]);
  assert.equal(gateway.regions().find((r) => r.name === 'us-east')!.weight, 100);
});

test('a region whose instances all stop loses its traffic to the others through health checks', async (t) => {
  const { fleet, gateway } = await fleetAndGateway(t, shopDeclaration({ restart: 'never' }));
  fleet.terminate('pricing', { count: 2, region: 'us-west' });
  await waitFor('us-west to have no available instance', () => gateway.regions().find((r) => r.name === 'us-west')!.available === 0);
  for (let i = 0; i < 6; i++) assert.equal((await get(gateway.url)).region, 'us-east');
});

test('a POST is never retried: the failing answer reaches the client, while a GET is retried and succeeds', async (t) => {
  const fleet = await Fleet.start(
    { services: [
      { name: 'good', command: [process.execPath, fixture], regions: { 'us-east': 1 } },
      { name: 'bad', command: [process.execPath, fixture], regions: { 'us-west': 1 }, env: { FIXTURE_STATUS: '503' } },
    ] },
    { log: quietLog },
  );
  const [good] = fleet.instances({ service: 'good' });
  const [bad] = fleet.instances({ service: 'bad' });
  const gateway = await Gateway.start({
    regions: { 'us-east': { weight: 1, upstreams: [good.url] }, 'us-west': { weight: 1, upstreams: [bad.url] } },
    outlier: { consecutiveFailures: 1000 },
    log: quietLog,
  });
  t.after(async () => {
    await gateway.close();
    await fleet.stop();
  });
  const statuses: Record<string, number[]> = { GET: [], POST: [] };
  for (const method of ['GET', 'POST'] as const) {
    for (let i = 0; i < 4; i++) {
      const response = await request(`${gateway.url}/`, { method, body: method === 'POST' ? 'order' : undefined });
      await response.body.dump();
      statuses[method].push(response.statusCode);
    }
  }
  assert.deepEqual(statuses.GET, [200, 200, 200, 200]);
  assert.deepEqual(statuses.POST.sort(), [200, 200, 503, 503], 'the POSTs routed to us-west get its 503');
});

test('a request that names its region is served by that region only, even evacuated, and never elsewhere', async (t) => {
  const { fleet, gateway } = await fleetAndGateway(t, shopDeclaration({ restart: 'never' }));
  const pinned = async (region: string) => {
    const response = await request(`${gateway.url}/`, { headers: { 'x-gameday-region': region } });
    const body = await response.body.text();
    return { status: response.statusCode, region: response.headers['x-gameday-region'], body };
  };
  for (let i = 0; i < 6; i++) assert.equal((await pinned('us-west')).region, 'us-west');
  const { revert } = gateway.evacuate('us-west');
  assert.equal((await get(gateway.url)).region, 'us-east', 'unpinned traffic follows the evacuation');
  assert.equal((await pinned('us-west')).region, 'us-west', 'a pinned request still reaches the evacuated region');
  await revert();

  const unknown = await pinned('eu-west');
  assert.equal(unknown.status, 400);
  assert.match(JSON.parse(unknown.body).error, /no region "eu-west".*known: us-east, us-west/);

  fleet.terminate('pricing', { count: 2, region: 'us-west' });
  await waitFor('us-west to have no available instance', () => gateway.regions().find((r) => r.name === 'us-west')!.available === 0);
  const down = await pinned('us-west');
  assert.equal(down.status, 503, 'no fallback to another region');
  assert.match(JSON.parse(down.body).error, /region us-west has no available instance/);
  assert.equal((await get(gateway.url)).region, 'us-east');
});
