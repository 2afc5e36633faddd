import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND_SERVICES } from './services/catalog-of-services.js';
import { assemblerService, fleetServices, gatewayRegions, planWorld, proxySpecs, type Located } from './world-plan.js';

const backendsOf = (plan: ReturnType<typeof planWorld>): Located[] =>
  plan.regions.flatMap((region, r) => plan.backends.map((b, i) => ({ service: b.name, region, url: `http://127.0.0.1:${4000 + r * 100 + i}` })));

test('the default world is two regions of eight backends and two assemblers each: twenty service processes', () => {
  const plan = planWorld({ node: '/usr/bin/node', entries: { backend: '/b.js', assembler: '/a.js' } });
  assert.deepEqual(plan.regions, ['us-east', 'us-west']);
  assert.equal(plan.processCount, 20);
  assert.equal(plan.backends.length, BACKEND_SERVICES.length);
  assert.deepEqual(plan.backends[0], {
    name: 'catalog', command: ['/usr/bin/node', '/b.js'], env: {}, regions: { 'us-east': 1, 'us-west': 1 },
    health: { path: '/healthz' }, restart: 'on-failure', startTimeoutMs: 30_000, stopGraceMs: 6_000,
  });
  assert.deepEqual(plan.assembler.regions, { 'us-east': 2, 'us-west': 2 });
  assert.equal(Object.keys(plan.proxyListen).length, 16);
  assert.equal(plan.proxyListen['us-west.recommendations'], '127.0.0.1:0');
  assert.deepEqual(plan.levers.map((l) => l.name), ['disable-recommendations', 'disable-non-critical']);
});

test('each backend of each region gets its own HTTP proxy named region.backend in front of that region\'s instance', () => {
  const plan = planWorld({ proxyPorts: { 'us-east.pricing': 9002 } });
  const specs = proxySpecs(plan, backendsOf(plan));
  assert.equal(specs.length, 16);
  assert.deepEqual(specs.find((s) => s.name === 'us-east.pricing'), { name: 'us-east.pricing', listen: '127.0.0.1:9002', upstream: '127.0.0.1:4001', enabled: true, protocol: 'http' });
  assert.equal(specs.find((s) => s.name === 'us-west.recommendations')?.upstream, '127.0.0.1:4105');
  assert.throws(() => proxySpecs(plan, backendsOf(plan).slice(1)), /expected one running catalog instance in us-east, found 0/);
});

test('assemblers of each region are pointed at their own region\'s proxies, and the gateway at the assemblers', () => {
  const plan = planWorld({ leversUrl: 'http://127.0.0.1:8475' });
  const proxies = proxySpecs(plan, backendsOf(plan)).map((spec, i) => ({ name: spec.name, listen: `127.0.0.1:${7000 + i}` }));
  const assembler = assemblerService(plan, proxies);
  const deps = JSON.parse(assembler.env.GAMEDAY_DEPS) as Record<string, Record<string, string>>;
  assert.equal(deps['us-east'].catalog, 'http://127.0.0.1:7000');
  assert.equal(deps['us-west'].catalog, 'http://127.0.0.1:7008');
  assert.equal(assembler.env.GAMEDAY_LEVERS_URL, 'http://127.0.0.1:8475');
  assert.equal(assembler.env.GAMEDAY_ASSEMBLER_TIMEOUTS, undefined);
  assert.throws(() => assemblerService(plan, proxies.slice(1)), /no listening proxy "us-east.catalog"/);

  const gateway = gatewayRegions(plan, [
    { service: 'assembler', region: 'us-east', url: 'http://127.0.0.1:6001' },
    { service: 'assembler', region: 'us-east', url: 'http://127.0.0.1:6002' },
    { service: 'assembler', region: 'us-west', url: 'http://127.0.0.1:6003' },
  ]);
  assert.deepEqual(gateway, {
    'us-east': { weight: 100, upstreams: ['http://127.0.0.1:6001', 'http://127.0.0.1:6002'] },
    'us-west': { weight: 100, upstreams: ['http://127.0.0.1:6003'] },
  });
  assert.throws(() => gatewayRegions(plan, []), /no assembler instance in us-east/);
});

test('the naive world differs only in its assemblers running without timeouts', () => {
  const plan = planWorld({ naiveAssembler: true });
  assert.equal(plan.assembler.env.GAMEDAY_ASSEMBLER_TIMEOUTS, 'off');
});

test('a plan with bad regions or counts is refused naming the field', () => {
  assert.throws(() => planWorld({ regions: [] }), /regions: give at least one region/);
  assert.throws(() => planWorld({ regions: ['us-east', 'US West'] }), /regions\[1\]: "US West" is not a region name/);
  assert.throws(() => planWorld({ regions: ['a', 'a'] }), /must be unique/);
  assert.throws(() => planWorld({ assemblersPerRegion: 0 }), /assemblersPerRegion: expected an integer >= 1/);
  assert.throws(() => planWorld({ regions: ['a', 'b', 'c', 'd'], assemblersPerRegion: 3 }), /would start 44 service processes/);
});

test('with every proxy port allocated up front the whole world is one fleet declaration', () => {
  const names = Object.keys(planWorld().proxyListen);
  const proxyPorts = Object.fromEntries(names.map((name, i) => [name, 7100 + i]));
  const services = fleetServices(planWorld({ proxyPorts }));
  assert.deepEqual(services.map((s) => s.name), [...BACKEND_SERVICES.map((s) => s.name), 'assembler']);
  const deps = JSON.parse(services.at(-1)!.env.GAMEDAY_DEPS) as Record<string, Record<string, string>>;
  assert.equal(deps['us-west'].delivery, `http://127.0.0.1:${proxyPorts['us-west.delivery']}`);
  assert.throws(() => fleetServices(planWorld({ proxyPorts: { 'us-east.catalog': 7000 } })), /proxyPorts: no port for us-east.pricing/);
});
