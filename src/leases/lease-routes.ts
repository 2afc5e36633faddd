import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { LeaseView } from './lease-book.js';

// The lease protocol (docs/leases.md) as one table of routes that every component holding faults mounts
// (the fleet, the gateway and the lever service through fastify, the fault proxy through its own
// Toxiproxy router), so they cannot drift apart. Handlers throw LeaseNotFoundError (404) and RangeError
// (a bad body or a TTL out of bounds: 400); each server maps them to its own error shape.

/** The request header that puts a fault under a lease. */
export const LEASE_HEADER = 'x-gameday-lease';

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

export interface LeaseRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** With `:id` where the lease id goes. */
  path: string;
  handle(call: { id: string; body: unknown }): Promise<{ status: number; body?: unknown }>;
}

export function leaseRoutes(leases: LeaseHolder, options: LeaseRoutesOptions = {}): LeaseRoute[] {
  const release = options.release ?? ((id: string) => leases.release(id));
  return [
    {
      method: 'POST',
      path: '/leases',
      async handle({ body }) {
        const parsed = LeaseRequestBody.safeParse(body ?? {});
        if (!parsed.success) {
          const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
          throw new RangeError(`invalid lease request: ${problems.join('; ')}; expected {"owner": "...", "ttl_ms": 5000}`);
        }
        return { status: 201, body: await leases.create(parsed.data.owner ?? '', parsed.data.ttl_ms) };
      },
    },
    { method: 'POST', path: '/leases/:id/renew', handle: async ({ id }) => ({ status: 200, body: await leases.renew(id) }) },
    { method: 'DELETE', path: '/leases/:id', handle: async ({ id }) => (await release(id), { status: 204 }) },
    { method: 'GET', path: '/leases', handle: async () => ({ status: 200, body: await leases.list() }) },
  ];
}

/** Mounts the lease routes on a fastify control API; errors reach the app's own error handler. */
export function registerLeaseRoutes(app: FastifyInstance, leases: LeaseHolder, options: LeaseRoutesOptions = {}): void {
  for (const route of leaseRoutes(leases, options)) {
    app.route<{ Params: { id?: string } }>({
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        const { status, body } = await route.handle({ id: request.params.id ?? '', body: request.body });
        return reply.code(status).send(body);
      },
    });
  }
}

/** The lease a request names in X-GameDay-Lease, if any. */
export function leaseHeaderOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers[LEASE_HEADER];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}
