// One backend service of the shop as an HTTP app: GET /product/:id answers after a sampled service time
// with that service's part of the product page, stamped with the region and instance that answered.
import Fastify, { type FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { PRODUCT_ID, type BackendService } from './catalog-of-services.js';
import { createServiceRegistry, instrumentHttp } from './http-metrics.js';
import type { Lifecycle } from './process-lifecycle.js';
import type { ServiceIdentity } from './service-env.js';
import { serviceTimeSampler } from './service-time.js';

export interface BackendServerOptions {
  definition: BackendService;
  identity: ServiceIdentity;
  lifecycle?: Lifecycle;
  /** Multiplies sampled service times; tests use 0 to answer at once. */
  serviceTimeScale?: number;
  /** false when the process hosts several backends: its process metrics are served once, by the host. */
  processMetrics?: boolean;
}

export function createBackendServer(options: BackendServerOptions): FastifyInstance {
  const { definition, identity } = options;
  const lifecycle = options.lifecycle ?? { draining: false };
  const scale = options.serviceTimeScale ?? 1;
  const sampleServiceTime = serviceTimeSampler(definition.serviceTime);
  const app = createServiceApp(identity, lifecycle, { processMetrics: options.processMetrics });
  const origin = { service: identity.service, region: identity.region, instance: identity.instance };

  app.get<{ Params: { id: string } }>('/product/:id', async (request, reply) => {
    const { id } = request.params;
    if (!PRODUCT_ID.test(id)) {
      reply.code(400);
      return { error: `product id "${id.slice(0, 80)}" is invalid; expected 1-64 letters, digits or "-"` };
    }
    const serviceTimeMs = sampleServiceTime() * scale;
    if (serviceTimeMs >= 0.5) await sleep(serviceTimeMs);
    return { ...origin, productId: id, [definition.name]: definition.answer(id, origin) };
  });
  return app;
}

/**
 * What every demo service process answers besides its own routes: /healthz (503 while draining, so
 * gateways move away) and /metrics. Alone it is the own port of a process that hosts several backends.
 */
export function createServiceApp(identity: ServiceIdentity, lifecycle: Lifecycle, options: { processMetrics?: boolean } = {}): FastifyInstance {
  // Keep-alive longer than the assembler's pool keeps idle sockets, so the server never closes a socket
  // the client is about to reuse (which would surface as a spurious reset).
  const app = Fastify({ logger: false, keepAliveTimeout: 10_000, forceCloseConnections: 'idle' });
  instrumentHttp(app, createServiceRegistry(identity, options));
  const origin = { service: identity.service, region: identity.region, instance: identity.instance };
  app.get('/healthz', async (_request, reply) => {
    reply.code(lifecycle.draining ? 503 : 200);
    return { status: lifecycle.draining ? 'draining' : 'ok', ...origin };
  });
  return app;
}
