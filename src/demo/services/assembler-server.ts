// The page assembler's HTTP edge: GET /product/:id answers the assembled page (200 full or degraded,
// 503 when a critical section failed), with the missing sections in `x-gameday-degraded` as well so a
// load generator can count degraded pages without parsing bodies.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { PRODUCT_ID } from './catalog-of-services.js';
import { instrumentHttp } from './http-metrics.js';
import type { PageAssembler } from './page-assembly.js';
import type { Lifecycle } from './process-lifecycle.js';

export const DEGRADED_HEADER = 'x-gameday-degraded';

export function createAssemblerServer(assembler: PageAssembler, registry: Registry, lifecycle: Lifecycle): FastifyInstance {
  const app = Fastify({ logger: false, keepAliveTimeout: 10_000, forceCloseConnections: 'idle' });
  instrumentHttp(app, registry);
  app.addHook('onClose', async () => assembler.close());

  // Shallow on purpose: a gateway that drops a region because a backend is down would turn a degraded
  // page into no page. Circuits are shown for people, not used for the verdict.
  app.get('/healthz', async (_request, reply) => {
    reply.code(lifecycle.draining ? 503 : 200);
    return { status: lifecycle.draining ? 'draining' : 'ok', circuits: assembler.circuits() };
  });

  app.get<{ Params: { id: string } }>('/product/:id', async (request, reply) => {
    const { id } = request.params;
    if (!PRODUCT_ID.test(id)) {
      reply.code(400);
      return { error: `product id "${id.slice(0, 80)}" is invalid; expected 1-64 letters, digits or "-"` };
    }
    const page = await assembler.assemble(id);
    if (page.degraded.length > 0) reply.header(DEGRADED_HEADER, page.degraded.join(','));
    if (page.outcome === 'failed') {
      reply.code(503);
      const reason = page.failures.map((f) => `${f.dependency} ${f.outcome}${f.detail ? ` (${f.detail})` : ''}`).join('; ');
      return { error: `product page unavailable: critical ${reason}`, ...page };
    }
    return page;
  });
  return app;
}
