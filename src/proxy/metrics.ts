import { Counter, Gauge, Registry } from 'prom-client';

// One registry per ProxyServer (not prom-client's global one), so that several servers in one process
// (tests, the demo) each report only their own traffic.
export class ProxyMetrics {
  readonly registry = new Registry();
  /** Runs at each scrape, before anything is read out: folds in what the data path counts by itself. */
  private readonly sample: (metrics: ProxyMetrics) => void;
  // Registered first, so that its collect() runs before any other metric of the scrape is read.
  readonly connections = new Counter({
    name: 'gameday_proxy_connections_total',
    help: 'Client connections accepted, per proxy',
    labelNames: ['proxy'] as const,
    registers: [this.registry],
    collect: () => this.sample(this),
  });
  readonly activeConnections = new Gauge({
    name: 'gameday_proxy_connections_active',
    help: 'Client connections open now, per proxy',
    labelNames: ['proxy'] as const,
    registers: [this.registry],
  });
  readonly bytes = new Counter({
    name: 'gameday_proxy_bytes_total',
    help: 'Bytes received per proxy and direction (upstream: client to service; downstream: service to client)',
    labelNames: ['proxy', 'direction'] as const,
    registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'gameday_proxy_upstream_errors_total',
    help: 'Connections the upstream refused or broke, per proxy',
    labelNames: ['proxy'] as const,
    registers: [this.registry],
  });
  readonly httpFaults = new Counter({
    name: 'gameday_proxy_http_faults_total',
    help: 'HTTP requests that got a fault, per proxy and fault type',
    labelNames: ['proxy', 'type'] as const,
    registers: [this.registry],
  });
  readonly leaseExpiries = new Counter({
    name: 'gameday_proxy_lease_expiries_total',
    help: 'Leases that ran out without renewal (their toxics were removed by the proxy)',
    registers: [this.registry],
  });
  readonly activeToxics = new Gauge({
    name: 'gameday_proxy_toxics_active',
    help: 'Toxics in place now, per proxy, type and whether a lease holds them',
    labelNames: ['proxy', 'type', 'leased'] as const,
    registers: [this.registry],
  });

  /**
   * `sample` runs at each scrape: it refreshes the gauges and folds in connections and bytes, which the
   * data path counts in plain numbers (a labelled counter per accept or chunk costs a burst dearly).
   */
  constructor(sample: (metrics: ProxyMetrics) => void) {
    this.sample = sample;
  }
}
