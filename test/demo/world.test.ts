// The world plan's launch data started for real, the way the fleet will start it (command + env +
// PORT/GAMEDAY_* per instance). The fault proxy is not on this branch yet, so the links given to the
// assemblers are the backends' own addresses where the proxies' listen addresses will be.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { assemblerService, gatewayRegions, planWorld, type Located, type ServiceLaunch } from '../../src/demo/world-plan.js';
import { startService, stopAll, type ServiceProcess } from './service-processes.js';

after(stopAll);

async function launch(service: ServiceLaunch): Promise<(ServiceProcess & Located)[]> {
  assert.equal(service.command[0], process.execPath);
  const entry = service.command[1].endsWith('backend.js') ? 'backend' : 'assembler';
  const slots = Object.entries(service.regions).flatMap(([region, count]) => Array.from({ length: count }, (_, index) => ({ region, index })));
  return Promise.all(
    slots.map(async ({ region, index }) => {
      const started = await startService(entry, {
        ...service.env, PORT: '0', GAMEDAY_SERVICE: service.name, GAMEDAY_REGION: region, GAMEDAY_INSTANCE: `${service.name}/${region}/${index}`,
      }, [], 90_000); // twenty cold starts at once on a shared 2-core machine
      return { ...started, service: service.name, region };
    }),
  );
}

test('the planned world starts as twenty real processes and each region assembles pages from its own backends', async (t) => {
  const plan = planWorld();
  const t0 = performance.now();
  const backends = (await Promise.all(plan.backends.map(launch))).flat();
  const links = backends.map((b) => ({ name: `${b.region}.${b.service}`, listen: new URL(b.url).host }));
  const assemblers = await launch(assemblerService(plan, links));
  const startMs = performance.now() - t0;
  assert.equal(backends.length + assemblers.length, plan.processCount);

  for (const [name, region] of Object.entries(gatewayRegions(plan, assemblers))) {
    for (const upstream of region.upstreams) {
      const response = await fetch(`${upstream}/product/1234`);
      const page = (await response.json()) as { outcome: string; region: string; servedBy: Record<string, { region: string }>; degraded: string[] };
      assert.equal(response.status, 200);
      assert.equal(page.region, name);
      assert.ok(Object.values(page.servedBy).every((origin) => origin.region === name), `${name} served only by ${name}`);
    }
  }
  const all = [...backends, ...assemblers];
  const rss = all.map((p) => p.rssMb());
  const backendRss = backends.map((p) => p.rssMb()).sort((a, b) => a - b);
  const assemblerRss = assemblers.map((p) => p.rssMb()).sort((a, b) => a - b);
  const startups = all.map((p) => p.startupMs).sort((a, b) => a - b);
  t.diagnostic(
    `world of ${all.length} processes started in ${startMs.toFixed(0)} ms (concurrently, per process median ${startups[startups.length >> 1].toFixed(0)} ms, max ${startups.at(-1)!.toFixed(0)} ms); ` +
      `RSS total ${rss.reduce((a, b) => a + b, 0).toFixed(0)} MB, backend median ${backendRss[backendRss.length >> 1].toFixed(1)} MB, assembler median ${assemblerRss[assemblerRss.length >> 1].toFixed(1)} MB`,
  );
  assert.ok(startMs < 180_000, `world start took ${startMs} ms`);
});
