// The demo world, started for real: the lever service, the fault proxy (one HTTP link per backend per region),
// the fleet of service processes, and the region gateway in front of the assemblers, each with its control
// API on a fixed loopback port so that an experiment file can name it. The fault proxy and the gateway (the
// busiest hops, sidecars) and the service instances are processes of their own, started under the fleet's
// process guard (they die with us, even on SIGKILL); the lever service and the fleet's control run here. stop() reverts every fault first and then stops every process; it is safe to call twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFleetControl } from '../fleet/control-api.js';
import { Fleet, freePorts } from '../fleet/fleet.js';
import { InstanceStartError } from '../fleet/instance.js';
import { startControlRoom } from '../control-room/control-room.js';
import { coeModule } from '../coe/coe-module.js';
import { dashboardModule } from '../dashboard/dashboard-module.js';
import { incidentsModule } from '../incidents/incidents-module.js';
import { leverModule, type LeverModule } from '../levers/lever-module.js';
import type { LoadedStatusFile } from '../status/config.js';
import { statusModule, type StatusModule } from '../status/status-module.js';
import type { Logger } from '../observe/log.js';
import { connectProxy } from '../proxy/client.js';
import { startSidecar } from './sidecar.js';
import { describePortOwner, portIsFree } from './port-owner.js';
import { waitUntilReady, WorldNotReadyError } from './readiness.js';
import { BACKENDS_SERVICE, fleetServices, planWorld, proxySpecs, SERVICE_NODE_FLAGS, type WorldPlan } from './world-plan.js';

/** The world's fixed loopback ports (docs/demo.md). The proxy's and the levers' are their own defaults. */
export const DEMO_PORTS = {
  /** The shop's front door: the region gateway's data plane. */
  shop: 8080,
  proxy: 8474,
  levers: 8475,
  fleet: 8476,
  gateway: 8477,
} as const;
export type DemoPorts = Record<keyof typeof DEMO_PORTS, number>;

/** Every service process carries this variable (the demo's pid), so a person or a test can find them all. */
export const WORLD_MARKER = 'GAMEDAY_DEMO_WORLD';

export interface WorldStartOptions {
  /** The naive assembler: no timeouts, no circuit breakers (the failing example). */
  naiveAssembler?: boolean;
  ports?: Partial<DemoPorts>;
  log: Logger;
  /** Called as each part comes up, for the progress view. */
  onStage?: (message: string) => void;
  /** How long every region may take to serve full pages on its own once the processes are up (WorldNotReadyError). */
  readyLimitMs?: number;
  /** Called once the world's processes exist, with a way to list them (they change as instances restart). */
  onProcesses?: (pids: () => number[]) => void;
  /** Ctrl-C while the world starts: stop waiting for readiness; the caller sees the signal and stops the world. */
  signal?: AbortSignal;
  /**
   * The store the run is recorded in (a SQLite file or a postgres:// URL): the world's control room serves
   * the dashboard and the levers on it, so the run shows there live. Without it the levers get a store of
   * their own and the dashboard shows no run.
   */
  store?: string;
  /**
   * The shop's status page (examples/status/shop.yaml): the control room measures it and serves it at
   * /status while the world runs. Without it the world has no status page (the world's own tests).
   */
  status?: LoadedStatusFile;
}

/** Time for every region to serve on its own after the processes are up: seconds on a quiet machine. */
export const READY_LIMIT_MS = 60_000;

export interface WorldUrls {
  shop: string;
  page: string;
  proxy: string;
  levers: string;
  /** The control room's dashboard (the world's levers are served by the same control room). */
  dashboard: string;
  /** The shop's status page, when the world runs one. */
  status?: string;
  /** The control room's incidents (the drill a GameDay opens shows at incidents/<id>). */
  incidents: string;
  fleet: string;
  gateway: string;
  metrics: string[];
}

export interface World {
  plan: WorldPlan;
  urls: WorldUrls;
  fleet: Fleet;
  /** The assemblers' /metrics, as they are now (restarted instances keep their port). */
  assemblerMetricsUrls(): string[];
  /** Every process the world runs: this one and each live service instance. */
  pids(): number[];
  /** Writes the status page as it is now, with its API and feeds, into `dir` (it outlives the world); false without a status page. */
  exportStatus(dir: string): Promise<boolean>;
  stop(): Promise<void>;
}

/** A fixed port is taken: exit 3, nothing was started. */
export class PortInUseError extends Error {}

const PROXY_ENTRY = fileURLToPath(new URL('./proxy-sidecar.js', import.meta.url));
const GATEWAY_ENTRY = fileURLToPath(new URL('./gateway-sidecar.js', import.meta.url));

/** A closed port (the discard service): links point here until their backend has a port, so nothing leaks upstream. */
const NOWHERE = '127.0.0.1:9';

export async function startWorld(options: WorldStartOptions): Promise<World> {
  const ports: DemoPorts = { ...DEMO_PORTS, ...options.ports };
  await refuseTakenPorts(ports);
  const stage = options.onStage ?? (() => undefined);
  const undo: (() => Promise<unknown>)[] = [];
  const storeDir = mkdtempSync(join(tmpdir(), 'gameday-demo-'));
  // The status page measures the shop from the moment every region serves on its own, not while it starts.
  let shopIsReady!: (ready: boolean) => void;
  const shopReady = new Promise<void>((resolve, reject) => (shopIsReady = (ready) => (ready ? resolve() : reject(new Error('the world did not start')))));
  shopReady.catch(() => undefined);
  undo.push(async () => rmSync(storeDir, { recursive: true, force: true }));
  try {
    const incidents = incidentsModule();
    const levers = await startControlRoom({
      listen: `127.0.0.1:${ports.levers}`,
      store: options.store ?? join(storeDir, 'levers.db'),
      modules: [
        leverModule({ levers: planWorld().levers }),
        // The drill the flagship opens is kept, shown and closed here, and its COE served beside it.
        incidents,
        coeModule(),
        ...(options.status ? [statusModule({ loaded: options.status, measureFrom: shopReady, incidents: incidents.status.incidents, exclude: incidents.status.exclude })] : []),
        dashboardModule(),
      ],
      logger: options.log,
    });
    undo.push(() => levers.close());
    await resetWorldLevers(levers.module<LeverModule>('levers')!);
    const statusPage = options.status ? ` and the shop's status page ${levers.url}/status,` : ',';
    stage(`control room on ${levers.url}: the levers${statusPage} and the dashboard ${levers.url}/ where the run shows live`);

    // The links listen before anything else starts, so the assemblers can be told where they are and no
    // port picked for a link can be handed to a backend or an instance in the meantime.
    const sidecar = await startSidecar(PROXY_ENTRY, { GAMEDAY_PROXY_LISTEN: `127.0.0.1:${ports.proxy}`, [WORLD_MARKER]: String(process.pid) });
    undo.push(() => sidecar.stop());
    const proxy = Object.assign(connectProxy(`http://127.0.0.1:${ports.proxy}`), { controlUrl: `http://127.0.0.1:${ports.proxy}` });
    undo.push(() => proxy.close());
    const draft = planWorld({ naiveAssembler: options.naiveAssembler, leversUrl: levers.url });
    const links = await Promise.all(
      Object.keys(draft.proxyListen).map((name) => proxy.createProxy({ name, listen: '127.0.0.1:0', upstream: NOWHERE, protocol: 'http', enabled: true })),
    );
    // The backends' ports are picked while the links hold theirs, and the fleet is told to keep away from
    // them: nothing else of the world can take a backend's port before its process binds it.
    const picked = await freePorts(Object.values(draft.backendListen).reduce((sum, backends) => sum + Object.keys(backends).length, 0));
    const plan = planWorld({
      naiveAssembler: options.naiveAssembler,
      leversUrl: levers.url,
      proxyPorts: Object.fromEntries(links.map((link) => [link.name, Number(link.listen.split(':').at(-1))])),
      backendPorts: pickPorts(draft.backendListen, picked),
    });
    for (const spec of proxySpecs(plan)) await proxy.updateProxy(spec.name, { upstream: spec.upstream });
    stage(`fault proxy on ${proxy.controlUrl} with ${links.length} links`);

    const marker = { [WORLD_MARKER]: String(process.pid), GAMEDAY_LOG_LEVEL: process.env.GAMEDAY_LOG_LEVEL ?? 'warn' };
    const services = fleetServices(plan).map((service) => ({ ...service, env: { ...service.env, ...marker } }));
    const fleet = await Fleet.start({ services }, { log: options.log, reservedPorts: picked });
    undo.push(() => fleet.stop());
    stage(`fleet of ${fleet.instances().length} service processes (${plan.regions.map((r) => `${r}: ${describeRegion(plan, fleet, r)}`).join('; ')})`);
    const fleetControl = await startFleetControl(fleet, { port: ports.fleet, log: options.log });
    undo.push(() => fleetControl.close());

    // Under the peak the gateway's heap grew to about 140 MB with V8's defaults and stays near 110 MB with
    // the services' flags; the fault proxy's does not grow, so it keeps V8's defaults (and its speed).
    const gateway = await startSidecar(GATEWAY_ENTRY, {
      GAMEDAY_GATEWAY_FLEET: fleetControl.url,
      GAMEDAY_GATEWAY_SERVICE: plan.assembler.name,
      GAMEDAY_GATEWAY_PORT: String(ports.shop),
      GAMEDAY_GATEWAY_CONTROL_PORT: String(ports.gateway),
      [WORLD_MARKER]: String(process.pid),
    }, { nodeFlags: SERVICE_NODE_FLAGS });
    undo.push(() => gateway.stop());
    const shopUrl = `http://127.0.0.1:${ports.shop}`;
    const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
    const pids = () => [process.pid, sidecar.pid, gateway.pid, ...fleet.instances().flatMap((i) => (i.pid === null ? [] : [i.pid]))];
    options.onProcesses?.(pids);
    stage(`region gateway on ${shopUrl} (${plan.regions.join(', ')})`);

    // Cold JIT, empty connection pools and processes still settling on two cores make the first
    // seconds slower than the steady state the run measures, and a region the gateway does not route to
    // yet cannot take the other's traffic: the run starts only when each region serves on its own.
    await waitUntilReady({
      shopUrl,
      gatewayUrl,
      regions: plan.regions,
      limitMs: options.readyLimitMs ?? READY_LIMIT_MS,
      onStatus: stage,
      signal: options.signal,
    });
    shopIsReady(true);
    const assemblerMetricsUrls = () => fleet.instances({ service: plan.assembler.name }).map((i) => `${i.url}/metrics`);
    let stopped: Promise<void> | undefined;
    return {
      plan,
      fleet,
      urls: {
        shop: shopUrl,
        page: `${shopUrl}/product/42`,
        proxy: proxy.controlUrl,
        levers: levers.url,
        dashboard: `${levers.url}/`,
        status: options.status ? `${levers.url}/status` : undefined,
        incidents: `${levers.url}/incidents`,
        fleet: fleetControl.url,
        gateway: gatewayUrl,
        metrics: [`${proxy.controlUrl}/metrics`, `${levers.url}/metrics`, `${gatewayUrl}/metrics`, ...assemblerMetricsUrls()],
      },
      assemblerMetricsUrls,
      pids,
      exportStatus: async (dir) => {
        const status = levers.module<StatusModule>('status');
        if (!status) return false;
        await status.exportNow(dir);
        return true;
      },
      stop: () => (stopped ??= unwind(undo)),
    };
  } catch (error) {
    shopIsReady(false);
    await unwind(undo);
    // A process of the world that does not come up (too slow on a busy machine, or crashed) is the same
    // failure as a world that does not serve: nothing was touched, and the message says which one.
    if (error instanceof InstanceStartError) throw new WorldNotReadyError(`the demo world did not start: ${error.message}. Nothing was injected; the world is stopped.`);
    throw error;
  }
}

/** Hands the picked ports out to the backends of every region, in plan order. */
function pickPorts(listen: WorldPlan['backendListen'], ports: number[]): Record<string, Record<string, number>> {
  let next = 0;
  return Object.fromEntries(Object.entries(listen).map(([region, backends]) => [region, Object.fromEntries(Object.keys(backends).map((name) => [name, ports[next++]]))]));
}

/** "1 process for 8 backends, 2 assemblers": what a region runs, for the progress line. */
function describeRegion(plan: WorldPlan, fleet: Fleet, region: string): string {
  const backends = Object.keys(plan.backendListen[region]).length;
  const hosts = fleet.instances({ service: BACKENDS_SERVICE, region }).length;
  const assemblers = fleet.instances({ service: plan.assembler.name, region }).length;
  return `${hosts} process${hosts === 1 ? '' : 'es'} for ${backends} backends, ${assemblers} assemblers`;
}

/** A lever pulled in an earlier demo on the same store must not shape this one: the world starts with its levers reset, said in the audit trail. */
async function resetWorldLevers(levers: LeverModule): Promise<void> {
  const declared = new Set(planWorld().levers.map((lever) => lever.name));
  for (const lever of await levers.board.list()) {
    if (declared.has(lever.name) && lever.state === 'pulled') {
      await levers.board.reset(lever.name, { by: 'gameday demo', reason: 'the demo world starts with every lever of the shop reset' });
    }
  }
}

async function refuseTakenPorts(ports: DemoPorts): Promise<void> {
  const taken: string[] = [];
  for (const [role, port] of Object.entries(ports)) {
    if (!(await portIsFree(port))) taken.push(`  127.0.0.1:${port} (${role}) is in use by ${await describePortOwner(port)}`);
  }
  if (taken.length > 0) {
    throw new PortInUseError(
      `the demo world needs these ports, but they are taken:\n${taken.join('\n')}\n` +
        'If a world is still running from `gameday demo --keep`, stop it with Ctrl-C in its terminal (or kill its pid); nothing was started.',
    );
  }
}

/**
 * Reverse start order, so each control API is closed (which reverts every fault it holds) before the
 * processes behind it stop; every step is attempted even when one fails: a half-stopped world is the worst outcome.
 */
async function unwind(undo: (() => Promise<unknown>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of [...undo].reverse()) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `stopping the demo world: ${errors.map((e) => (e as Error).message).join('; ')}`);
}
