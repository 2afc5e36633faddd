import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, type Logger } from '../observe/log.js';
import {
  FleetDeclarationSchema,
  formatIssues,
  type FleetDeclaration,
  type InstanceView,
  type Selection,
  type ServiceDeclaration,
} from './declaration.js';
import { Instance } from './instance.js';
import { guard, guardedArgv, killGroup } from './process-guard.js';
import { SelectionError, selectInstances } from './selection.js';

export class FleetError extends Error {}
export class NotFoundError extends FleetError {}

export interface FleetOptions {
  log?: Logger;
  /** Random source for FIS-style selection (tests make it deterministic). */
  random?: () => number;
  /** Ports the instances must not be given: the caller has handed them to its own processes. */
  reservedPorts?: readonly number[];
}

/** Called when an instance starts draining; resolves when the caller has no request in flight to it. */
export type DrainHook = (instance: InstanceView) => Promise<void>;

export interface CpuStressView {
  id: string;
  region: string;
  cores: number;
  pids: number[];
  endsAt: string;
}

/**
 * The services of a fleet as real OS processes: started on free loopback ports, restarted by policy,
 * health-checked, terminated, drained and stressed on request. Emits 'change' with an InstanceView.
 */
export class Fleet extends EventEmitter {
  private readonly byId = new Map<string, Instance>();
  private readonly drainHooks = new Set<DrainHook>();
  private readonly stresses = new Map<string, { view: CpuStressView; stop: () => void }>();
  private stressCount = 0;
  private stopped = false;

  private constructor(
    private readonly services: ServiceDeclaration[],
    private readonly log: Logger,
    private readonly random: () => number,
  ) {
    super();
  }

  /** Validates the declaration, starts every instance and resolves once all are healthy (or stops all and throws). */
  static async start(declaration: FleetDeclaration, options: FleetOptions = {}): Promise<Fleet> {
    const parsed = FleetDeclarationSchema.safeParse(declaration);
    if (!parsed.success) throw new FleetError(`invalid fleet declaration: ${formatIssues(parsed.error)}`);
    const log = options.log ?? createLogger('fleet');
    const fleet = new Fleet(parsed.data.services, log, options.random ?? Math.random);
    const slots = parsed.data.services.flatMap((service) =>
      Object.entries(service.regions).flatMap(([region, count]) =>
        Array.from({ length: count }, (_, index) => ({ service, region, index })),
      ),
    );
    const ports = await freePorts(slots.length, new Set(options.reservedPorts));
    for (const [i, { service, region, index }] of slots.entries()) {
      const instance = new Instance(service, region, index, ports[i], log);
      instance.on('change', (view: InstanceView) => fleet.emit('change', view));
      fleet.byId.set(instance.id, instance);
    }
    try {
      await Promise.all([...fleet.byId.values()].map((instance) => instance.start()));
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    log.info({ instances: fleet.byId.size }, 'fleet started');
    return fleet;
  }

  instances(filter: { service?: string; region?: string } = {}): InstanceView[] {
    return [...this.byId.values()]
      .filter((i) => (filter.service === undefined || i.service.name === filter.service) && (filter.region === undefined || i.region === filter.region))
      .map((i) => i.view());
  }

  serviceNames(): string[] {
    return this.services.map((s) => s.name);
  }

  regions(): string[] {
    return [...new Set(this.services.flatMap((s) => Object.keys(s.regions)))];
  }

  instance(id: string): InstanceView {
    return this.get(id).view();
  }

  /** Resolves a selection to instances without touching anything (for preflight and --dry-run). */
  select(service: string, selection: Selection): InstanceView[] {
    if (!this.services.some((s) => s.name === service)) {
      throw new NotFoundError(`no service "${service}" in the fleet; known: ${this.serviceNames().join(', ')}`);
    }
    if (selection.region !== undefined && !this.instances({ service }).some((i) => i.region === selection.region)) {
      throw new NotFoundError(`service "${service}" has no instances in region "${selection.region}"`);
    }
    const candidates = this.instances({ service, region: selection.region }).filter((i) => i.pid !== null && i.state !== 'draining');
    const where = selection.region ? `${service} in ${selection.region}` : service;
    return selectInstances(candidates, selection, where, this.random);
  }

  /** SIGKILLs the selected instances; their restart policy decides whether they come back. */
  terminate(service: string, selection: Selection): InstanceView[] {
    const chosen = this.select(service, selection);
    const killed = chosen.map((view) => ({ ...view, pid: this.get(view.id).kill() }));
    this.log.warn({ service, instances: killed.map((k) => `${k.id} (pid ${k.pid})`) }, 'terminated instances');
    return killed;
  }

  /** Makes sure the instance runs again (the revert of terminate and drain); resolves once it is healthy. */
  async ensureRunning(id: string): Promise<InstanceView> {
    const instance = this.get(id);
    if (!instance.readmit()) await instance.ensureRunning();
    await instance.waitHealthy(instance.service.startTimeoutMs);
    return instance.view();
  }

  /** Gateways register here so a drain waits until they have no request in flight to the instance. */
  onDrain(hook: DrainHook): () => void {
    this.drainHooks.add(hook);
    return () => this.drainHooks.delete(hook);
  }

  /**
   * Drains an instance: gateways stop routing new requests to it at once, in-flight requests finish
   * (drain hooks, then SIGTERM so the process finishes what it holds), then it stops without restart.
   */
  async drain(id: string, options: { graceMs?: number; deregistrationDelayMs?: number } = {}): Promise<InstanceView> {
    const instance = this.get(id);
    if (!instance.running) throw new SelectionError(`instance ${id} is not running; nothing to drain`);
    if (instance.view().state === 'draining') throw new SelectionError(`instance ${id} is already draining`);
    const graceMs = options.graceMs ?? instance.service.stopGraceMs;
    instance.markDraining();
    const view = instance.view();
    const waits = [...this.drainHooks].map((hook) => hook(view).catch(() => undefined));
    await Promise.race([Promise.all(waits), sleep(graceMs, undefined, { ref: false })]);
    if (options.deregistrationDelayMs) await sleep(options.deregistrationDelayMs);
    // Reverted (re-admitted) while waiting: keep it running.
    if (instance.view().state !== 'draining') return instance.view();
    await instance.stop(graceMs);
    this.log.info({ instance: id }, 'instance drained and stopped');
    return instance.view();
  }

  /** Burns `cores` CPU cores for `durationMs` in a region's name; each burner ends by itself, or on stopCpuStress. */
  stressCpu(region: string, durationMs: number, cores = 1): CpuStressView {
    if (!this.regions().includes(region)) throw new NotFoundError(`no region "${region}" in the fleet; known: ${this.regions().join(', ')}`);
    const id = `cpu-stress-${++this.stressCount}`;
    const burn = `const end = Date.now() + ${Math.round(durationMs)}; while (Date.now() < end) {}`;
    const children = Array.from({ length: cores }, () => {
      const [file, ...args] = guardedArgv([process.execPath, '-e', burn]);
      const child = spawn(file, args, { detached: true, stdio: 'ignore', env: { ...process.env, GAMEDAY_REGION: region } });
      guard(child);
      return child;
    });
    const view: CpuStressView = {
      id,
      region,
      cores,
      pids: children.map((c) => c.pid ?? -1),
      endsAt: new Date(Date.now() + durationMs).toISOString(),
    };
    let remaining = children.length;
    const stop = (): void => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null && child.pid) killGroup(child.pid, 'SIGKILL');
    };
    for (const child of children) child.once('exit', () => --remaining === 0 && this.stresses.delete(id));
    this.stresses.set(id, { view, stop });
    this.log.warn({ region, cores, durationMs }, 'cpu stress started');
    return view;
  }

  stopCpuStress(id: string): void {
    this.stresses.get(id)?.stop();
    this.stresses.delete(id);
  }

  cpuStresses(): CpuStressView[] {
    return [...this.stresses.values()].map((s) => s.view);
  }

  /** Kills every instance and burner; safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const id of [...this.stresses.keys()]) this.stopCpuStress(id);
    await Promise.all([...this.byId.values()].map((instance) => instance.stop(0)));
  }

  private get(id: string): Instance {
    const instance = this.byId.get(id);
    if (!instance) throw new NotFoundError(`no instance "${id}"; ids look like service/region/index, e.g. ${this.byId.keys().next().value ?? 'pricing/us-east/0'}`);
    return instance;
  }
}

/**
 * Asks the OS for `count` distinct free loopback ports (all held open at once, so none repeats), none of
 * them `reserved`: ports someone else has picked and will bind soon, which the OS cannot know.
 */
export async function freePorts(count: number, reserved: ReadonlySet<number> = new Set()): Promise<number[]> {
  const servers: Server[] = [];
  const ports: number[] = [];
  try {
    // Each port the OS hands out stays held, so this ends within count + reserved.size attempts.
    while (ports.length < count) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      if (!reserved.has(port)) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
