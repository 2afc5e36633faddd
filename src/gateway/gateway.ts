import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, request } from 'undici';
import type { Fleet } from '../fleet/fleet.js';
import type { InstanceView } from '../fleet/declaration.js';
import { callControl } from '../fleet/control-client.js';
import { createLogger, type Logger } from '../observe/log.js';
import { forward, type FailureKind } from './forward.js';
import { GatewayMetrics } from './metrics.js';
import { Region, RegionTable, Upstream, type RegionView } from './regions.js';

// The region gateway: an HTTP reverse proxy that routes each request to a region by weight and health.
// Evacuating and isolating a region are operations here; the control API and the fault kinds call them.

export class RegionError extends Error {}
export class UnknownRegionError extends RegionError {}

export interface GatewayOptions {
  /** Static upstreams by region: { "us-east": { weight: 100, upstreams: ["http://127.0.0.1:8081"] } }. */
  regions?: Record<string, { weight?: number; upstreams: string[] }>;
  /**
   * Or the instances of one service of a fleet, followed as they restart, drain and stop: in this process
   * (`fleet`: changes apply at once, drains wait for in-flight requests) or in another one (`controlUrl`:
   * polled every `pollIntervalMs`, so drain it with a `deregistrationDelayMs` longer than that).
   */
  fleet?: FleetSource;
  /** Loopback only (127.0.0.1, the default, or ::1). */
  host?: string;
  /** 0 (the default) lets the OS pick. */
  port?: number;
  health?: { path?: string; intervalMs?: number; timeoutMs?: number; unhealthyThreshold?: number };
  /** Passive outlier ejection: this many consecutive failures eject an instance for `ejectionMs`. */
  outlier?: { consecutiveFailures?: number; ejectionMs?: number };
  upstreamTimeoutMs?: number;
  maxBodyBytes?: number;
  connectionsPerUpstream?: number;
  log?: Logger;
}

export type FleetSource = { service: string; weights?: Record<string, number> } & (
  | { fleet: Fleet }
  | { controlUrl: string; token?: string; pollIntervalMs?: number }
);

export interface WeightShift {
  /** Resolves when the last step has been applied. */
  done: Promise<void>;
  cancel(): void;
}

const DEFAULT_WEIGHT = 100;

export class Gateway {
  readonly table = new RegionTable();
  readonly metrics: GatewayMetrics;
  private readonly pools = new Map<Upstream, Pool>();
  private readonly shifts = new Map<Region, WeightShift>();
  private readonly log: Logger;
  private server!: Server;
  private healthTimer: NodeJS.Timeout | null = null;
  private readonly checking = new Set<Upstream>();
  private unsubscribe: Array<() => void> = [];
  url = '';

  private constructor(private readonly options: GatewayOptions) {
    this.log = options.log ?? createLogger('gateway');
    this.metrics = new GatewayMetrics(this.table);
  }

  static async start(options: GatewayOptions): Promise<Gateway> {
    if (!['127.0.0.1', '::1', 'localhost', undefined].includes(options.host)) {
      // Every server binds loopback unless an access token guards it; the data plane has no token yet.
      throw new RegionError(`the gateway listens on loopback only (127.0.0.1 or ::1), got host "${options.host}"`);
    }
    const gateway = new Gateway(options);
    await gateway.populate();
    if (gateway.table.regions.size === 0) throw new RegionError('a gateway needs at least one region with upstreams (regions or fleet)');
    await gateway.checkAll();
    gateway.healthTimer = setInterval(() => void gateway.checkAll(), options.health?.intervalMs ?? 500);
    gateway.healthTimer.unref();
    const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 10_000;
    const context = {
      table: gateway.table,
      metrics: gateway.metrics,
      pool: (upstream: Upstream) => gateway.pool(upstream),
      upstreamTimeoutMs,
      maxBodyBytes: options.maxBodyBytes ?? 8 * 1024 * 1024,
      onFailure: (upstream: Upstream, kind: FailureKind) => gateway.onFailure(upstream, kind),
      onSuccess: (upstream: Upstream) => void (upstream.consecutiveFailures = 0),
    };
    gateway.server = createServer((req, res) => void forward(context, req, res));
    gateway.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      gateway.server.once('error', reject).listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
    gateway.url = `http://127.0.0.1:${(gateway.server.address() as { port: number }).port}`;
    return gateway;
  }

  regions(): RegionView[] {
    return this.table.views(Date.now());
  }

  region(name: string): Region {
    const region = this.table.region(name);
    if (!region) throw new UnknownRegionError(`no region "${name}"; known: ${[...this.table.regions.keys()].join(', ')}`);
    return region;
  }

  /** Sets a region's weight now (and as the weight reverts return to), cancelling any shift in progress. */
  setWeight(name: string, weight: number): RegionView {
    const region = this.region(name);
    if (weight === 0) this.refuseIfLast(region, `set the weight of ${name} to 0`);
    this.shifts.get(region)?.cancel();
    region.baseWeight = weight;
    this.applyWeight(region, weight);
    return region.view(Date.now());
  }

  /**
   * Shifts traffic out of a region: its weight goes to 0 in `steps` equal steps, `stepIntervalMs` apart.
   * Refused (nothing changes) when no other region could take the traffic. The returned revert shifts
   * the traffic back the same way.
   */
  evacuate(name: string, options: { steps?: number; stepIntervalMs?: number } = {}): { shift: WeightShift; revert: () => Promise<void> } {
    const region = this.region(name);
    if (region.evacuating) throw new RegionError(`region ${name} is already evacuated; revert that evacuation first`);
    this.refuseIfLast(region, `evacuate ${name}`);
    const steps = options.steps ?? 1;
    const interval = options.stepIntervalMs ?? 1000;
    const original = region.baseWeight;
    region.evacuating = true;
    const shift = this.shiftWeight(region, 0, steps, interval);
    this.log.warn({ region: name, steps, stepIntervalMs: interval }, 'evacuating region');
    let reverted: Promise<void> | null = null;
    const revert = () =>
      (reverted ??= (async () => {
        shift.cancel();
        region.evacuating = false;
        await this.shiftWeight(region, original, steps, interval).done;
        this.log.info({ region: name }, 'region evacuation reverted');
      })());
    return { shift, revert };
  }

  /** Black-holes a region: requests and health checks sent there get no answer. Returns the revert. */
  isolate(name: string): () => Promise<void> {
    const region = this.region(name);
    if (region.isolated) throw new RegionError(`region ${name} is already isolated`);
    this.refuseIfLast(region, `isolate ${name}`);
    region.isolated = true;
    this.log.warn({ region: name }, 'region isolated');
    let reverted = false;
    return async () => {
      if (reverted) return;
      reverted = true;
      region.isolated = false;
      await Promise.all(region.upstreams.map((u) => this.check(u)));
      this.log.info({ region: name }, 'region isolation reverted');
    };
  }

  async close(): Promise<void> {
    if (this.healthTimer) clearInterval(this.healthTimer);
    for (const shift of this.shifts.values()) shift.cancel();
    for (const off of this.unsubscribe) off();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }

  private refuseIfLast(region: Region, what: string): void {
    const others = this.table.eligible(Date.now(), new Set([region])).filter((r) => !r.evacuating && !r.isolated);
    if (others.length === 0) {
      throw new RegionError(
        `refusing to ${what}: it is the last region with weight > 0 and healthy instances, so traffic would have nowhere to go`,
      );
    }
  }

  private applyWeight(region: Region, weight: number): void {
    region.weight = weight;
    // Smooth weighted round robin restarts from an even state, so a new weight takes effect at once.
    for (const r of this.table.regions.values()) r.currentWeight = 0;
  }

  private shiftWeight(region: Region, to: number, steps: number, intervalMs: number): WeightShift {
    this.shifts.get(region)?.cancel();
    const from = region.weight;
    let cancelled = false;
    let timer: NodeJS.Timeout | null = null;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const step = (k: number): void => {
      if (cancelled) return finish();
      this.applyWeight(region, k === steps ? to : Math.round(from + ((to - from) * k) / steps));
      if (k === steps) {
        this.shifts.delete(region);
        return finish();
      }
      timer = setTimeout(() => step(k + 1), intervalMs);
    };
    const shift: WeightShift = {
      done,
      cancel: () => {
        cancelled = true;
        if (timer) clearTimeout(timer);
        finish();
      },
    };
    this.shifts.set(region, shift);
    step(1);
    return shift;
  }

  private async populate(): Promise<void> {
    for (const [name, spec] of Object.entries(this.options.regions ?? {})) {
      const region = this.table.ensure(name, spec.weight ?? DEFAULT_WEIGHT);
      spec.upstreams.forEach((url, i) => region.upstreams.push(new Upstream(`${name}/${i}`, name, url)));
    }
    const bound = this.options.fleet;
    if (!bound) return;
    const follow = (view: InstanceView): void => {
      if (view.service !== bound.service) return;
      let upstream = this.table.upstream(view.id);
      if (!upstream) {
        const region = this.table.ensure(view.region, bound.weights?.[view.region] ?? DEFAULT_WEIGHT);
        region.upstreams.push((upstream = new Upstream(view.id, view.region, view.url)));
      }
      upstream.fleetState = view.state;
      upstream.draining = view.state === 'draining';
      // The fleet has just seen it answer its health check: routable again without waiting for ours.
      if (view.state === 'healthy' && !this.table.region(view.region)?.isolated) upstream.healthy = true;
    };
    if ('controlUrl' in bound) return this.poll(bound, follow);
    const fleet = bound.fleet;
    for (const view of fleet.instances({ service: bound.service })) follow(view);
    fleet.on('change', follow);
    this.unsubscribe.push(() => fleet.off('change', follow));
    this.unsubscribe.push(
      fleet.onDrain(async (view) => {
        const upstream = this.table.upstream(view.id);
        while (upstream && upstream.inFlight > 0) await sleep(10);
      }),
    );
  }

  /** Follows a fleet in another process through its control API; only state transitions are applied. */
  private async poll(source: { service: string; controlUrl: string; token?: string; pollIntervalMs?: number }, follow: (view: InstanceView) => void): Promise<void> {
    const target = { name: 'fleet', controlUrl: source.controlUrl, token: source.token };
    const path = `/instances?service=${encodeURIComponent(source.service)}`;
    const apply = (views: InstanceView[]) => {
      for (const view of views) if (this.table.upstream(view.id)?.fleetState !== view.state) follow(view);
    };
    apply(await callControl<InstanceView[]>(target, 'GET', path));
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      callControl<InstanceView[]>(target, 'GET', path)
        .then(apply, (error: Error) => this.log.warn({ err: error.message }, 'cannot read the fleet; keeping the last known instances'))
        .finally(() => (busy = false));
    }, source.pollIntervalMs ?? 250);
    timer.unref();
    this.unsubscribe.push(() => clearInterval(timer));
  }

  private pool(upstream: Upstream): Pool {
    let pool = this.pools.get(upstream);
    if (!pool) {
      pool = new Pool(upstream.url, { connections: this.options.connectionsPerUpstream ?? 64, keepAliveTimeout: 4000 });
      this.pools.set(upstream, pool);
    }
    return pool;
  }

  private onFailure(upstream: Upstream, kind: FailureKind): void {
    const threshold = this.options.outlier?.consecutiveFailures ?? 3;
    if (++upstream.consecutiveFailures < threshold) return;
    upstream.consecutiveFailures = 0;
    upstream.ejectedUntil = Date.now() + (this.options.outlier?.ejectionMs ?? 5000);
    this.metrics.ejections.inc({ region: upstream.region });
    this.log.warn({ instance: upstream.id, kind, threshold }, 'instance ejected after consecutive failures');
  }

  private async checkAll(): Promise<void> {
    await Promise.all([...this.table.regions.values()].flatMap((r) => r.upstreams.map((u) => this.check(u))));
  }

  private async check(upstream: Upstream): Promise<void> {
    if (this.checking.has(upstream) || upstream.fleetState === 'stopped') return;
    this.checking.add(upstream);
    const { path = '/healthz', timeoutMs = 1000, unhealthyThreshold = 2 } = this.options.health ?? {};
    let ok = false;
    try {
      if (this.table.region(upstream.region)?.isolated) {
        await sleep(timeoutMs); // a black-holed check times out, it is never refused
      } else {
        const response = await request(`${upstream.url}${path}`, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, reset: true });
        await response.body.dump();
        ok = response.statusCode >= 200 && response.statusCode < 400;
      }
    } catch {
      ok = false;
    } finally {
      this.checking.delete(upstream);
    }
    if (ok) {
      upstream.healthy = true;
      upstream.failedChecks = 0;
    } else if (++upstream.failedChecks >= unhealthyThreshold) {
      upstream.healthy = false;
    }
  }
}
