// The shop as data: which processes run where, which fault-proxy links sit between them, what the gateway
// routes to. Pure functions only, so the wiring step (fleet + proxy + gateway + levers) is short, and the
// plan can be printed for --dry-run before anything starts.
//
// The fleet picks each instance's port when it starts it, so the wiring runs in stages:
//   1. start `plan.backends` (Fleet)             → backend instances with their URLs
//   2. create `proxySpecs(plan, backends)`        → proxies, with their listen addresses
//   3. start `assemblerService(plan, proxies)`    → assembler instances → `gatewayRegions(plan, assemblers)`
// Or, with every proxy port allocated up front (`proxyPorts`), one fleet for everything:
//   `fleetServices(plan)` → start the fleet → `proxySpecs(plan, fleet.instances())` → create the proxies.
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
  /** node and the compiled service entries; defaults are this installation's. */
  node?: string;
  entries?: { backend: string; assembler: string };
}

export interface WorldPlan {
  regions: string[];
  backends: ServiceLaunch[];
  /** The assembler service before its links are known; assemblerService() completes it. */
  assembler: Omit<ServiceLaunch, 'env'> & { env: Record<string, string> };
  /** Every fault-proxy link, `<region>.<backend>`, with its listen address (port 0: the proxy picks). */
  proxyListen: Record<string, string>;
  levers: { name: string; description: string }[];
  /** Service processes the plan starts (backends and assemblers; not proxy, gateway or lever service). */
  processCount: number;
}

export class WorldPlanError extends Error {}

const REGION = /^[a-z0-9][a-z0-9-]{0,30}$/;
/** Two cores: about twenty service processes is what the demo can run beside load and the proxy. */
const MAX_PROCESSES = 40;

export const DEFAULT_ENTRIES = {
  backend: fileURLToPath(new URL('./services/backend.js', import.meta.url)),
  assembler: fileURLToPath(new URL('./services/assembler.js', import.meta.url)),
};

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
  const processCount = regions.length * (BACKEND_SERVICES.length + assemblersPerRegion);
  if (processCount > MAX_PROCESSES) {
    throw new WorldPlanError(`the plan would start ${processCount} service processes; at most ${MAX_PROCESSES} fit on a small machine (fewer regions or assemblers)`);
  }
  const node = options.node ?? process.execPath;
  const entries = options.entries ?? DEFAULT_ENTRIES;
  const everywhere = (count: number) => Object.fromEntries(regions.map((region) => [region, count]));
  // Twenty cold starts at once on two cores shared with other programs can take well over 15 s.
  const common = { health: { path: '/healthz' }, restart: 'on-failure' as const, startTimeoutMs: 30_000, stopGraceMs: 6_000 };

  const assemblerEnv: Record<string, string> = {};
  if (options.naiveAssembler) assemblerEnv.GAMEDAY_ASSEMBLER_TIMEOUTS = 'off';
  if (options.leversUrl) assemblerEnv.GAMEDAY_LEVERS_URL = options.leversUrl;
  if (options.leversToken) assemblerEnv.GAMEDAY_LEVERS_TOKEN = options.leversToken;

  return {
    regions,
    // One process per backend per region: a fault-proxy link has exactly one upstream.
    backends: BACKEND_SERVICES.map((service) => ({ name: service.name, command: [node, entries.backend], env: {}, regions: everywhere(1), ...common })),
    assembler: { name: 'assembler', command: [node, entries.assembler], env: assemblerEnv, regions: everywhere(assemblersPerRegion), ...common },
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

/** One HTTP-aware proxy per backend per region, in front of that region's backend instance. */
export function proxySpecs(plan: WorldPlan, backends: Located[]): ProxySpec[] {
  return plan.regions.flatMap((region) =>
    plan.backends.map((backend): ProxySpec => {
      const instances = backends.filter((b) => b.service === backend.name && b.region === region);
      if (instances.length !== 1) {
        throw new WorldPlanError(`expected one running ${backend.name} instance in ${region}, found ${instances.length}`);
      }
      const name = proxyName(region, backend.name);
      return { name, listen: plan.proxyListen[name], upstream: new URL(instances[0].url).host, enabled: true, protocol: 'http' };
    }),
  );
}

/** The assembler service with GAMEDAY_DEPS pointing every region's assemblers at that region's proxies. */
export function assemblerService(plan: WorldPlan, proxies: { name: string; listen: string }[]): ServiceLaunch {
  const byName = new Map(proxies.map((proxy) => [proxy.name, proxy.listen]));
  const deps: Record<string, Record<string, string>> = {};
  for (const region of plan.regions) {
    deps[region] = {};
    for (const backend of plan.backends) {
      const listen = byName.get(proxyName(region, backend.name));
      if (!listen || listen.endsWith(':0')) throw new WorldPlanError(`no listening proxy "${proxyName(region, backend.name)}" (create the proxies first)`);
      deps[region][backend.name] = `http://${listen}`;
    }
  }
  return { ...plan.assembler, env: { ...plan.assembler.env, GAMEDAY_DEPS: JSON.stringify(deps) } };
}

/**
 * Every service of the world as one fleet declaration; possible when each proxy's listen port was fixed
 * in advance (planWorld's `proxyPorts`), because then the assemblers' links are known before anything runs.
 */
export function fleetServices(plan: WorldPlan): ServiceLaunch[] {
  const unallocated = Object.entries(plan.proxyListen).filter(([, listen]) => listen.endsWith(':0')).map(([name]) => name);
  if (unallocated.length > 0) {
    throw new WorldPlanError(`proxyPorts: no port for ${unallocated.join(', ')}; allocate every proxy port first, or start in stages (see world-plan.ts)`);
  }
  const links = Object.entries(plan.proxyListen).map(([name, listen]) => ({ name, listen }));
  return [...plan.backends, assemblerService(plan, links)];
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
