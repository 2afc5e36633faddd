// The shop as data: which processes run where, which fault-proxy links sit between them, what the gateway
// routes to. Pure functions only, so the wiring step (fleet + proxy + gateway + levers) is short, and the
// plan can be printed for --dry-run before anything starts.
//
// Each region's eight backends share one process (backends.ts), each on a port of its own that the world
// picks in advance (`backendPorts`), so every backend keeps its own fault-proxy link. The wiring:
//   1. create the proxy links (`plan.proxyListen`, port 0: the proxy picks) → their listen addresses
//   2. pick the backends' ports → `planWorld({ backendPorts, proxyPorts })`
//   3. point the links at `proxySpecs(plan)`, start `fleetServices(plan)` (backends and assemblers) in one fleet
//      (reserving the backends' ports), and the gateway at `gatewayRegions(plan, assemblers)` or the fleet.
import { fileURLToPath } from 'node:url';
import type { ProxySpec } from '../proxy/types.js';
import { BACKEND_SERVICES, SHOP_LEVERS } from './services/catalog-of-services.js';

/** A service the fleet starts; structurally the input of the fleet's ServiceDeclaration. */
export interface ServiceLaunch {
  name: string;
  command: string[];
  env: Record<string, string>;
  regions: Record<string, number>;
  health: { path: string };
  restart: 'always' | 'on-failure' | 'never';
  startTimeoutMs: number;
  /** A little above the services' own 5 s drain limit, so SIGKILL never cuts a drain short. */
  stopGraceMs: number;
}

/** Where a running instance or proxy is; the fleet's InstanceView and the proxy's Proxy both fit. */
export interface Located {
  service: string;
  region: string;
  url: string;
}

/** One region as the gateway's static `regions` option takes it (GatewayOptions.regions on branch gateway). */
export interface GatewayRegion {
  /** Equal weights: an evacuation experiment moves them, not the plan. */
  weight: number;
  /** Assembler instances of the region, e.g. http://127.0.0.1:41234. */
  upstreams: string[];
}

export interface WorldOptions {
  regions?: string[];
  assemblersPerRegion?: number;
  /** The naive assembler (no timeouts, no breakers) of the failing example. */
  naiveAssembler?: boolean;
  leversUrl?: string;
  leversToken?: string;
  /** Fixed proxy listen ports by proxy name; absent names get port 0 (the proxy picks one). */
  proxyPorts?: Record<string, number>;
  /** Every backend's port, by region and backend name; absent ones get port 0 (the process picks one). */
  backendPorts?: Record<string, Record<string, number>>;
  /** node and the compiled service entries; defaults are this installation's. */
  node?: string;
  entries?: { backends: string; assembler: string };
}

export interface WorldPlan {
  regions: string[];
  /** The backends of a region in one process per region (backends.ts), each on its own port. */
  backends: ServiceLaunch;
  /** Where each backend listens, by region and backend name (port 0: not picked yet). */
  backendListen: Record<string, Record<string, string>>;
  /** The assembler service before its links are known; assemblerService() completes it. */
  assembler: Omit<ServiceLaunch, 'env'> & { env: Record<string, string> };
  /** Every fault-proxy link, `<region>.<backend>`, with its listen address (port 0: the proxy picks). */
  proxyListen: Record<string, string>;
  levers: { name: string; description: string }[];
  /** Service processes the plan starts (backend processes and assemblers; not proxy, gateway or lever service). */
  processCount: number;
}

export class WorldPlanError extends Error {}

const REGION = /^[a-z0-9][a-z0-9-]{0,30}$/;
/** Two cores: about twenty service processes is what the demo can run beside load and the proxy. */
const MAX_PROCESSES = 40;

export const DEFAULT_ENTRIES = {
  backends: fileURLToPath(new URL('./services/backends.js', import.meta.url)),
  assembler: fileURLToPath(new URL('./services/assembler.js', import.meta.url)),
};

/**
 * V8 flags of every service process. --optimize-for-size keeps the young generation small and grows the
 * heap slowly: under the flagship's peak an assembler stays near 95 MB instead of 135 MB, and the world
 * within a gigabyte, for a little more CPU spent collecting garbage (docs/demo.md, "What it costs").
 */
export const SERVICE_NODE_FLAGS = ['--optimize-for-size'];

/** The name of the fleet service that runs each region's backends. */
export const BACKENDS_SERVICE = 'backends';

export function planWorld(options: WorldOptions = {}): WorldPlan {
  const regions = options.regions ?? ['us-east', 'us-west'];
  const assemblersPerRegion = options.assemblersPerRegion ?? 2;
  if (regions.length === 0) throw new WorldPlanError('regions: give at least one region');
  for (const [i, region] of regions.entries()) {
    if (!REGION.test(region)) throw new WorldPlanError(`regions[${i}]: "${region}" is not a region name; expected lowercase letters, digits and "-", e.g. "us-east"`);
  }
  if (new Set(regions).size !== regions.length) throw new WorldPlanError(`regions: names must be unique, got ${regions.join(', ')}`);
  if (!Number.isInteger(assemblersPerRegion) || assemblersPerRegion < 1) {
    throw new WorldPlanError(`assemblersPerRegion: expected an integer >= 1, got ${assemblersPerRegion}`);
  }
  const processCount = regions.length * (1 + assemblersPerRegion);
  if (processCount > MAX_PROCESSES) {
    throw new WorldPlanError(`the plan would start ${processCount} service processes; at most ${MAX_PROCESSES} fit on a small machine (fewer regions or assemblers)`);
  }
  const node = options.node ?? process.execPath;
  const entries = options.entries ?? DEFAULT_ENTRIES;
  const everywhere = (count: number) => Object.fromEntries(regions.map((region) => [region, count]));
  // Cold starts at once on two cores shared with other programs can take well over 15 s.
  const common = { health: { path: '/healthz' }, restart: 'on-failure' as const, startTimeoutMs: 30_000, stopGraceMs: 6_000 };

  const assemblerEnv: Record<string, string> = {};
  if (options.naiveAssembler) assemblerEnv.GAMEDAY_ASSEMBLER_TIMEOUTS = 'off';
  if (options.leversUrl) assemblerEnv.GAMEDAY_LEVERS_URL = options.leversUrl;
  if (options.leversToken) assemblerEnv.GAMEDAY_LEVERS_TOKEN = options.leversToken;

  const backendPorts = Object.fromEntries(
    regions.map((region) => [region, Object.fromEntries(BACKEND_SERVICES.map((b) => [b.name, options.backendPorts?.[region]?.[b.name] ?? 0]))]),
  );
  return {
    regions,
    backends: {
      name: BACKENDS_SERVICE,
      command: [node, ...SERVICE_NODE_FLAGS, entries.backends],
      env: { GAMEDAY_BACKENDS: JSON.stringify(backendPorts) },
      regions: everywhere(1),
      ...common,
    },
    backendListen: Object.fromEntries(
      Object.entries(backendPorts).map(([region, ports]) => [region, Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, `127.0.0.1:${port}`]))]),
    ),
    assembler: { name: 'assembler', command: [node, ...SERVICE_NODE_FLAGS, entries.assembler], env: assemblerEnv, regions: everywhere(assemblersPerRegion), ...common },
    proxyListen: Object.fromEntries(
      regions.flatMap((region) => BACKEND_SERVICES.map((service) => proxyName(region, service.name)))
        .map((name) => [name, `127.0.0.1:${options.proxyPorts?.[name] ?? 0}`]),
    ),
    levers: SHOP_LEVERS.map((lever) => ({ name: lever.name, description: lever.description })),
    processCount,
  };
}

export function proxyName(region: string, backend: string): string {
  return `${region}.${backend}`;
}

/** One HTTP-aware proxy per backend per region, in front of that backend's own port. */
export function proxySpecs(plan: WorldPlan): ProxySpec[] {
  return plan.regions.flatMap((region) =>
    Object.entries(plan.backendListen[region]).map(([backend, upstream]): ProxySpec => {
      if (upstream.endsWith(':0')) throw new WorldPlanError(`backendPorts: no port for ${backend} in ${region}; pick every backend's port first`);
      const name = proxyName(region, backend);
      return { name, listen: plan.proxyListen[name], upstream, enabled: true, protocol: 'http' };
    }),
  );
}

/** The assembler service with GAMEDAY_DEPS pointing every region's assemblers at that region's proxies. */
export function assemblerService(plan: WorldPlan, proxies: { name: string; listen: string }[]): ServiceLaunch {
  const byName = new Map(proxies.map((proxy) => [proxy.name, proxy.listen]));
  const deps: Record<string, Record<string, string>> = {};
  for (const region of plan.regions) {
    deps[region] = {};
    for (const backend of Object.keys(plan.backendListen[region])) {
      const listen = byName.get(proxyName(region, backend));
      if (!listen || listen.endsWith(':0')) throw new WorldPlanError(`no listening proxy "${proxyName(region, backend)}" (create the proxies first)`);
      deps[region][backend] = `http://${listen}`;
    }
  }
  return { ...plan.assembler, env: { ...plan.assembler.env, GAMEDAY_DEPS: JSON.stringify(deps) } };
}

/**
 * Every service of the world as one fleet declaration, once each proxy's listen port is known
 * (planWorld's `proxyPorts`): the assemblers are told their links before anything runs.
 */
export function fleetServices(plan: WorldPlan): ServiceLaunch[] {
  const unallocated = Object.entries(plan.proxyListen).filter(([, listen]) => listen.endsWith(':0')).map(([name]) => name);
  if (unallocated.length > 0) {
    throw new WorldPlanError(`proxyPorts: no port for ${unallocated.join(', ')}; allocate every proxy port first, or start in stages (see world-plan.ts)`);
  }
  const links = Object.entries(plan.proxyListen).map(([name, listen]) => ({ name, listen }));
  return [plan.backends, assemblerService(plan, links)];
}

/**
 * What the region gateway routes to, as a static snapshot: each region's assembler instances, equal
 * weights. A gateway that follows the fleet (`{ fleet, service: plan.assembler.name }`) needs no snapshot
 * and sees restarts; this form is for --dry-run and for gateways started without a fleet.
 */
export function gatewayRegions(plan: WorldPlan, assemblers: Located[]): Record<string, GatewayRegion> {
  return Object.fromEntries(
    plan.regions.map((region) => {
      const upstreams = assemblers.filter((a) => a.service === plan.assembler.name && a.region === region).map((a) => a.url);
      if (upstreams.length === 0) throw new WorldPlanError(`no assembler instance in ${region}`);
      return [region, { weight: GATEWAY_WEIGHT, upstreams }];
    }),
  );
}

/** The gateway's default weight, so a planned region looks like any other until an experiment moves it. */
const GATEWAY_WEIGHT = 100;
