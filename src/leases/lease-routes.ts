import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { LeaseView } from './lease-book.js';

// The lease protocol's four routes (docs/leases.md) for every fastify control API, so the fleet, the
// gateway and the lever service cannot drift apart. (The proxy keeps Toxiproxy's own router and maps the
// same routes onto the same LeaseBook.) Errors reach the app's own error handler: LeaseNotFoundError
// means 404, RangeError (a bad body or a TTL out of bounds) 400.
export const LeaseRequestBody = z.strictObject({
  owner: z.string().trim().optional(),
  ttl_ms: z.number(),
});

/** Who holds the leases: an in-memory LeaseBook, or the lever service's leases in the store (async). */
export interface LeaseHolder {
  create(owner: string, ttlMs: number): LeaseView | Promise<LeaseView>;
  renew(id: string): LeaseView | Promise<LeaseView>;
  release(id: string): Promise<LeaseView>;
  list(): LeaseView[] | Promise<LeaseView[]>;
}

export interface LeaseRoutesOptions {
  /** How ending a lease reverts its faults, when the holder needs more than the book's own revert. */
  release?: (id: string) => Promise<unknown>;
}

export function registerLeaseRoutes(app: FastifyInstance, leases: LeaseHolder, options: LeaseRoutesOptions = {}): void {
  const release = options.release ?? ((id: string) => leases.release(id));
  app.post('/leases', async (request, reply) => {
    const parsed = LeaseRequestBody.safeParse(request.body ?? {});
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
      throw new RangeError(`invalid lease request: ${problems.join('; ')}; expected {"owner": "...", "ttl_ms": 5000}`);
    }
    const body = parsed.data;
    return reply.code(201).send(await leases.create(body.owner ?? '', body.ttl_ms));
  });
  app.post<{ Params: { id: string } }>('/leases/:id/renew', async (request): Promise<LeaseView> => await leases.renew(request.params.id));
  app.delete<{ Params: { id: string } }>('/leases/:id', async (request, reply) => {
    await release(request.params.id);
    return reply.code(204).send();
  });
  app.get('/leases', async () => await leases.list());
}
