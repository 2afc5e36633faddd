// Prometheus metrics every demo service exposes on GET /metrics: requests by route and status, and a
// duration histogram with buckets fine enough for millisecond service times. Labels carry service and
// region so one Prometheus can scrape the whole world and still tell us-east from us-west.
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ServiceIdentity } from './service-env.js';

/** Buckets from 1 ms to 5 s: backend service times live at the bottom, timeouts and hangs at the top. */
export const DURATION_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.08, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * `processMetrics: false` for a backend that shares its process with others (backends.ts): the process's
 * RSS, CPU and event-loop lag are the host's, served once on its own port, not once per backend.
 */
export function createServiceRegistry(identity: ServiceIdentity, options: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: identity.service, region: identity.region, instance: identity.instance });
  // Process metrics (RSS, CPU, event-loop lag) are what an SRE checks first when a demo service is slow.
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Counts and times every request the app answers, and serves the registry on GET /metrics. */
export function instrumentHttp(app: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'gameday_demo_http_requests_total',
    help: 'HTTP requests answered, by route and status code',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gameday_demo_http_request_duration_seconds',
    help: 'Time from request to response, by route',
    labelNames: ['route'],
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    requests.inc({ route, status: String(reply.statusCode) });
    duration.observe({ route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
