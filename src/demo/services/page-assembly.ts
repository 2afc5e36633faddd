// The product page of the shop, assembled from every backend in parallel. The rules of graceful
// degradation live here and nowhere else:
//   - a critical section (title, price, stock, buy-box) that fails fails the page (HTTP 503);
//   - a non-critical section that fails, times out or has its circuit open is dropped and the page is
//     served "degraded", naming what is missing;
//   - a pulled lever skips the calls it sheds before they are made, which also degrades the page.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { BACKEND_SERVICES, SHOP_LEVERS, type BackendService } from './catalog-of-services.js';
import { Dependency, DependencyConfigError, DEPENDENCY_OUTCOMES, type DependencyPolicy, type DependencyResult } from './dependency.js';
import { DURATION_BUCKETS_SECONDS } from './http-metrics.js';

/** How a page turned out; also the `outcome` label of gameday_demo_pages_total. */
export type PageOutcome = 'full' | 'degraded' | 'failed';

export interface Page {
  outcome: PageOutcome;
  productId: string;
  /** The assembler that built the page. */
  region: string;
  instance: string;
  /** One entry per section that made it onto the page, keyed by backend name. */
  sections: Record<string, unknown>;
  /** Sections left off the page, in catalog order. Empty on a full page. */
  degraded: string[];
  /** Why each section is missing: timeout, error, circuit-open or skipped-by-lever. */
  reasons: Record<string, string>;
  /** Critical sections whose failure failed the page, with the cause in words. */
  failures: { dependency: string; outcome: string; detail?: string }[];
  /** Where each section's answer came from (region and instance of the backend). */
  servedBy: Record<string, { region: string; instance: string }>;
  timingsMs: Record<string, number>;
}

/** The part of an OpenFeature client the assembler needs; OpenFeature's Client satisfies it. */
export interface LeverReader {
  getBooleanValue(flagKey: string, defaultValue: boolean): Promise<boolean>;
}

export interface Resilience {
  /** false = the naive assembler of the failing example: no timeouts, no circuit breakers. */
  enabled: boolean;
  criticalTimeoutMs: number;
  nonCriticalTimeoutMs: number;
  breakerConsecutiveFailures: number;
  breakerOpenMs: number;
}

export const DEFAULT_RESILIENCE: Resilience = {
  enabled: true,
  criticalTimeoutMs: 250,
  nonCriticalTimeoutMs: 80,
  breakerConsecutiveFailures: 5,
  breakerOpenMs: 2_000,
};

export interface PageAssemblerOptions {
  region: string;
  instance: string;
  /** Base URL of every backend in catalog-of-services.ts, by name. */
  dependencies: Record<string, string>;
  resilience: Resilience;
  levers: LeverReader;
  registry: Registry;
}

export class PageAssembler {
  private readonly dependencies: { service: BackendService; client: Dependency }[];
  private readonly pages: Counter<'outcome'>;
  private readonly pageDuration: Histogram<'outcome'>;
  private readonly calls: Counter<'dependency' | 'outcome'>;
  private readonly callDuration: Histogram<'dependency' | 'outcome'>;
  private readonly leverPulled: Gauge<'lever'>;

  constructor(private readonly options: PageAssemblerOptions) {
    checkDependencies(options.dependencies);
    this.dependencies = BACKEND_SERVICES.map((service) => ({
      service,
      client: new Dependency(service.name, service.criticality, options.dependencies[service.name], policyFor(service, options.resilience)),
    }));
    const registers = [options.registry];
    this.pages = new Counter({ name: 'gameday_demo_pages_total', help: 'Product pages by outcome (full, degraded, failed)', labelNames: ['outcome'], registers });
    this.pageDuration = new Histogram({
      name: 'gameday_demo_page_duration_seconds', help: 'Time to assemble a product page, by outcome',
      labelNames: ['outcome'], buckets: DURATION_BUCKETS_SECONDS, registers,
    });
    this.calls = new Counter({
      name: 'gameday_demo_dependency_calls_total',
      help: 'Backend calls by dependency and outcome (ok, timeout, error, circuit-open, skipped-by-lever)',
      labelNames: ['dependency', 'outcome'], registers,
    });
    this.callDuration = new Histogram({
      name: 'gameday_demo_dependency_duration_seconds', help: 'Time spent on each backend call, by dependency and outcome',
      labelNames: ['dependency', 'outcome'], buckets: DURATION_BUCKETS_SECONDS, registers,
    });
    const dependencies = this.dependencies;
    new Gauge({
      name: 'gameday_demo_circuit_open',
      help: 'Circuit breaker state per dependency: 0 closed, 1 open, 0.5 half-open (absent without breakers)',
      labelNames: ['dependency'], registers,
      collect() {
        for (const { client } of dependencies) {
          const state = client.circuit();
          if (state !== 'none') this.set({ dependency: client.name }, state === 'closed' ? 0 : state === 'half-open' ? 0.5 : 1);
        }
      },
    });
    this.leverPulled = new Gauge({ name: 'gameday_demo_lever_pulled', help: 'Levers as last read through OpenFeature: 1 pulled, 0 reset', labelNames: ['lever'], registers });
    for (const { service } of this.dependencies) for (const outcome of DEPENDENCY_OUTCOMES) {
      // Zero-valued series from the start, so a rate() over "timeout" exists before the first timeout.
      this.calls.inc({ dependency: service.name, outcome }, 0);
    }
  }

  async assemble(productId: string): Promise<Page> {
    const started = performance.now();
    const shed = await this.shedServices();
    const results = await Promise.all(
      this.dependencies.map(({ service, client }): Promise<DependencyResult> =>
        shed.has(service.name)
          ? Promise.resolve({ dependency: service.name, outcome: 'skipped-by-lever', durationMs: 0 })
          : client.call(productId),
      ),
    );
    const page = this.pageFrom(productId, results);
    for (const result of results) {
      this.calls.inc({ dependency: result.dependency, outcome: result.outcome });
      if (result.outcome !== 'skipped-by-lever') this.callDuration.observe({ dependency: result.dependency, outcome: result.outcome }, result.durationMs / 1000);
    }
    this.pages.inc({ outcome: page.outcome });
    this.pageDuration.observe({ outcome: page.outcome }, (performance.now() - started) / 1000);
    return page;
  }

  /** Circuit state per dependency, for the health endpoint and tests. */
  circuits(): Record<string, string> {
    return Object.fromEntries(this.dependencies.map(({ client }) => [client.name, client.circuit()]));
  }

  /** Best effort, bounded: a dependency that is down or black-holed at start must not delay serving. */
  async warmUp(limitMs: number): Promise<string[]> {
    const signal = AbortSignal.timeout(limitMs);
    const ready = await Promise.all(this.dependencies.map(({ client }) => client.warmUp(signal)));
    return this.dependencies.filter((_, i) => !ready[i]).map(({ client }) => client.name);
  }

  async close(): Promise<void> {
    await Promise.all(this.dependencies.map(({ client }) => client.close()));
  }

  /** Reads every shop lever once per page; a lever that cannot be read counts as reset (OpenFeature's default). */
  private async shedServices(): Promise<Set<string>> {
    const pulled = await Promise.all(SHOP_LEVERS.map((lever) => this.options.levers.getBooleanValue(lever.name, false)));
    const shed = new Set<string>();
    SHOP_LEVERS.forEach((lever, i) => {
      this.leverPulled.set({ lever: lever.name }, pulled[i] ? 1 : 0);
      if (!pulled[i]) return;
      for (const service of BACKEND_SERVICES) if (service.criticality === 'non-critical' && lever.sheds(service)) shed.add(service.name);
    });
    return shed;
  }

  private pageFrom(productId: string, results: DependencyResult[]): Page {
    const page: Page = {
      outcome: 'full', productId, region: this.options.region, instance: this.options.instance,
      sections: {}, degraded: [], reasons: {}, failures: [], servedBy: {}, timingsMs: {},
    };
    results.forEach((result, i) => {
      const { service } = this.dependencies[i];
      page.timingsMs[service.name] = Math.round(result.durationMs * 10) / 10;
      if (result.outcome === 'ok' && result.body) {
        page.sections[service.name] = result.body[service.name];
        page.servedBy[service.name] = { region: String(result.body.region), instance: String(result.body.instance) };
      } else if (service.criticality === 'critical') {
        page.failures.push({ dependency: service.name, outcome: result.outcome, detail: result.detail });
      } else {
        page.degraded.push(service.name);
        page.reasons[service.name] = result.outcome;
      }
    });
    page.outcome = page.failures.length > 0 ? 'failed' : page.degraded.length > 0 ? 'degraded' : 'full';
    return page;
  }
}

function policyFor(service: BackendService, resilience: Resilience): DependencyPolicy {
  if (!resilience.enabled) return {};
  return {
    timeoutMs: service.criticality === 'critical' ? resilience.criticalTimeoutMs : resilience.nonCriticalTimeoutMs,
    breaker: { consecutiveFailures: resilience.breakerConsecutiveFailures, openMs: resilience.breakerOpenMs },
  };
}

function checkDependencies(dependencies: Record<string, string>): void {
  const known = BACKEND_SERVICES.map((service) => service.name);
  const missing = known.filter((name) => !dependencies[name]);
  const unknown = Object.keys(dependencies).filter((name) => !known.includes(name));
  if (missing.length > 0 || unknown.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.join(', ')}` : '',
      unknown.length > 0 ? `unknown ${unknown.join(', ')}` : '',
    ].filter(Boolean);
    throw new DependencyConfigError(`dependencies: ${parts.join('; ')}; expected exactly these backends: ${known.join(', ')}`);
  }
}
