// The world plan's launch data started for real, the way the fleet starts it (its command line with the
// V8 flags, its env, and PORT/GAMEDAY_* per instance). No fault proxy here (world-ready.test.ts runs the
// whole world): the links given to the assemblers are the backends' own addresses.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePorts } from '../../src/fleet/fleet.js';
import { BACKEND_SERVICES } from '../../src/demo/services/catalog-of-services.js';
import { assemblerService, gatewayRegions, planWorld, type Located, type ServiceLaunch } from '../../src/demo/world-plan.js';
import { metricValue, startCommand, stopAll, type ServiceProcess } from './service-processes.js';

after(stopAll);

async function launch(service: ServiceLaunch): Promise<(ServiceProcess & Located)[]> {
  assert.equal(service.command[0], process.execPath);
  const slots = Object.entries(service.regions).flatMap(([region, count]) => Array.from({ length: count }, (_, index) => ({ region, index })));
  return Promise.all(
    slots.map(async ({ region, index }) => {
      const started = await startCommand(service.command, {
        ...service.env, PORT: '0', GAMEDAY_SERVICE: service.name, GAMEDAY_REGION: region, GAMEDAY_INSTANCE: `${service.name}/${region}/${index}`,
      }, 90_000); // cold starts at once on a shared 2-core machine
      return { ...started, service: service.name, region };
    }),
  );
}

test('the planned world starts as six real processes: each region one process whose eight backends answer on their own ports, and two assemblers built from them', async (t) => {
  const ports = await freePorts(2 * BACKEND_SERVICES.length);
  const backendPorts = Object.fromEntries(['us-east', 'us-west'].map((region, r) => [region, Object.fromEntries(BACKEND_SERVICES.map((b, i) => [b.name, ports[r * BACKEND_SERVICES.length + i]]))]));
  const plan = planWorld({ backendPorts });
  const t0 = performance.now();
  const hosts = await launch(plan.backends);
  const links = plan.regions.flatMap((region) => Object.entries(plan.backendListen[region]).map(([backend, listen]) => ({ name: `${region}.${backend}`, listen })));
  const assemblers = await launch(assemblerService(plan, links));
  const startMs = performance.now() - t0;
  assert.equal(hosts.length + assemblers.length, plan.processCount);
  assert.equal(plan.processCount, 6);

  // Sharing a process, each backend still is its own service on its own port: it answers as itself,
  // and its metrics count its own requests only.
  for (const host of hosts) {
    assert.deepEqual(host.line.backends, backendPorts[host.region], `${host.region}: the process says where each backend listens`);
    for (const backend of BACKEND_SERVICES) {
      const url = `http://${plan.backendListen[host.region][backend.name]}`;
      const response = await fetch(`${url}/product/42`);
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(response.status, 200);
      assert.deepEqual([body.service, body.region, body.instance], [backend.name, host.region, `backends/${host.region}/0`]);
      assert.ok(body[backend.name], `${backend.name} answers its own section`);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.equal(metricValue(metrics, 'gameday_demo_http_requests_total', { route: '/product/:id', service: backend.name }), 1, `${backend.name} counts only its own request`);
    }
    assert.equal((await fetch(`${host.url}/healthz`)).status, 200);
    assert.ok(metricValue(await (await fetch(`${host.url}/metrics`)).text(), 'process_resident_memory_bytes', { service: 'backends', region: host.region })! > 0, 'the process reports its memory once');
  }

  for (const [name, region] of Object.entries(gatewayRegions(plan, assemblers))) {
    for (const upstream of region.upstreams) {
      const response = await fetch(`${upstream}/product/1234`);
      const page = (await response.json()) as { outcome: string; region: string; servedBy: Record<string, { region: string }>; degraded: string[] };
      assert.equal(response.status, 200);
      assert.equal(page.region, name);
      assert.deepEqual(Object.keys(page.servedBy).sort(), BACKEND_SERVICES.map((b) => b.name).sort(), 'every section came from a backend');
      assert.ok(Object.values(page.servedBy).every((origin) => origin.region === name), `${name} served only by ${name}`);
    }
  }
  const all = [...hosts, ...assemblers];
  const rss = all.map((p) => p.rssMb());
  const hostRss = hosts.map((p) => p.rssMb()).sort((a, b) => a - b);
  const assemblerRss = assemblers.map((p) => p.rssMb()).sort((a, b) => a - b);
  const startups = all.map((p) => p.startupMs).sort((a, b) => a - b);
  t.diagnostic(
    `world of ${all.length} processes started in ${startMs.toFixed(0)} ms (per process median ${startups[startups.length >> 1].toFixed(0)} ms, max ${startups.at(-1)!.toFixed(0)} ms); ` +
      `RSS total ${rss.reduce((a, b) => a + b, 0).toFixed(0)} MB, backend process (8 backends) median ${hostRss[hostRss.length >> 1].toFixed(1)} MB, assembler median ${assemblerRss[assemblerRss.length >> 1].toFixed(1)} MB`,
  );
  assert.ok(startMs < 180_000, `world start took ${startMs} ms`);
});
