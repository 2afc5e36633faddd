// The gateway's routing table: regions with weights, each with upstream instances whose availability is
// the product of active health checks, passive outlier ejection, isolation and what the fleet reports.
// Pure state and choice, no I/O, so the routing rules are tested without sockets.

export interface UpstreamView {
  id: string;
  url: string;
  healthy: boolean;
  ejectedUntil: string | null;
  draining: boolean;
  /** The fleet's word on the process (stopped or starting means unroutable); null for static upstreams. */
  fleetState: string | null;
  inFlight: number;
  available: boolean;
}

export interface RegionView {
  name: string;
  /** The weight in effect now. */
  weight: number;
  /** The weight the region was declared (or last set) with; reverts return to it. */
  baseWeight: number;
  isolated: boolean;
  evacuating: boolean;
  available: number;
  instances: UpstreamView[];
}

export class Upstream {
  healthy = true;
  ejectedUntil = 0;
  draining = false;
  fleetState: string | null = null;
  inFlight = 0;
  /** Passive: consecutive failed requests (outlier ejection). */
  consecutiveFailures = 0;
  /** Active: consecutive failed health checks. */
  failedChecks = 0;

  constructor(readonly id: string, readonly region: string, readonly url: string) {}

  available(now: number): boolean {
    return this.healthy && !this.draining && this.ejectedUntil <= now && (this.fleetState === null || this.fleetState === 'healthy' || this.fleetState === 'unhealthy');
  }

  view(now: number): UpstreamView {
    return {
      id: this.id,
      url: this.url,
      healthy: this.healthy,
      ejectedUntil: this.ejectedUntil > now ? new Date(this.ejectedUntil).toISOString() : null,
      draining: this.draining,
      fleetState: this.fleetState,
      inFlight: this.inFlight,
      available: this.available(now),
    };
  }
}

export class Region {
  weight: number;
  isolated = false;
  evacuating = false;
  /** Smooth weighted round robin state (nginx's algorithm): even spread, exact proportions. */
  currentWeight = 0;
  private next = 0;
  readonly upstreams: Upstream[] = [];

  constructor(readonly name: string, public baseWeight: number) {
    this.weight = baseWeight;
  }

  availableUpstreams(now: number): Upstream[] {
    return this.upstreams.filter((u) => u.available(now));
  }

  /** Round robin across available upstreams, skipping `exclude`. */
  pick(now: number, exclude: ReadonlySet<Upstream>): Upstream | null {
    const candidates = this.availableUpstreams(now).filter((u) => !exclude.has(u));
    if (candidates.length === 0) return null;
    return candidates[this.next++ % candidates.length];
  }

  view(now: number): RegionView {
    return {
      name: this.name,
      weight: this.weight,
      baseWeight: this.baseWeight,
      isolated: this.isolated,
      evacuating: this.evacuating,
      available: this.availableUpstreams(now).length,
      instances: this.upstreams.map((u) => u.view(now)),
    };
  }
}

export class RegionTable {
  readonly regions = new Map<string, Region>();

  region(name: string): Region | undefined {
    return this.regions.get(name);
  }

  ensure(name: string, weight: number): Region {
    let region = this.regions.get(name);
    if (!region) this.regions.set(name, (region = new Region(name, weight)));
    return region;
  }

  upstream(id: string): Upstream | undefined {
    for (const region of this.regions.values()) {
      const found = region.upstreams.find((u) => u.id === id);
      if (found) return found;
    }
    return undefined;
  }

  /** Regions that can take traffic: positive weight and at least one available upstream. */
  eligible(now: number, exclude: ReadonlySet<Region> = new Set()): Region[] {
    return [...this.regions.values()].filter((r) => r.weight > 0 && !exclude.has(r) && r.availableUpstreams(now).length > 0);
  }

  /**
   * Smooth weighted round robin across eligible regions. When every weighted region is down, traffic
   * falls back to any region with available instances (weight 0 means "prefer not", not "never"),
   * except isolated ones — a gateway that routes by health does not black-hole a request it can serve.
   */
  pickRegion(now: number, exclude: ReadonlySet<Region> = new Set()): Region | null {
    const eligible = this.eligible(now, exclude);
    if (eligible.length === 0) {
      return [...this.regions.values()].find((r) => !exclude.has(r) && !r.isolated && !r.evacuating && r.availableUpstreams(now).length > 0) ?? null;
    }
    let total = 0;
    let best: Region | null = null;
    for (const region of eligible) {
      region.currentWeight += region.weight;
      total += region.weight;
      if (!best || region.currentWeight > best.currentWeight) best = region;
    }
    best!.currentWeight -= total;
    return best;
  }

  views(now: number): RegionView[] {
    return [...this.regions.values()].map((r) => r.view(now));
  }
}
