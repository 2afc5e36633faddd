import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RegionTable } from './regions.js';

/** Per-region Prometheus metrics of one gateway, on its own registry (several gateways may share a process). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'gameday_gateway_requests_total',
    help: 'Requests answered by the gateway, by the region that served them ("none" when no region could) and status class.',
    labelNames: ['region', 'status_class'] as const,
    registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'gameday_gateway_upstream_errors_total',
    help: 'Failed attempts to an upstream instance, by region and kind (connect, timeout, status_5xx, blackhole).',
    labelNames: ['region', 'kind'] as const,
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'gameday_gateway_retries_total',
    help: 'Idempotent requests retried after a failed attempt, by the region that failed.',
    labelNames: ['region'] as const,
    registers: [this.registry],
  });
  readonly ejections = new Counter({
    name: 'gameday_gateway_ejections_total',
    help: 'Upstream instances ejected by passive outlier detection.',
    labelNames: ['region'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'gameday_gateway_request_duration_seconds',
    help: 'Time from receiving a request to the end of its response, by serving region.',
    labelNames: ['region'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(table: RegionTable) {
    const registry = this.registry;
    new Gauge({
      name: 'gameday_gateway_region_weight',
      help: 'The routing weight in effect for each region.',
      labelNames: ['region'] as const,
      registers: [registry],
      collect() {
        for (const region of table.regions.values()) this.set({ region: region.name }, region.weight);
      },
    });
    new Gauge({
      name: 'gameday_gateway_region_available_instances',
      help: 'Instances of each region that are healthy, not ejected and not draining.',
      labelNames: ['region'] as const,
      registers: [registry],
      collect() {
        const now = Date.now();
        for (const region of table.regions.values()) this.set({ region: region.name }, region.availableUpstreams(now).length);
      },
    });
  }
}
