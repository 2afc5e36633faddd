import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LeaseBook, LeaseNotFoundError } from '../leases/lease-book.js';
import type { Logger } from '../observe/log.js';
import { formatIssues } from './declaration.js';

// What the fleet's and the gateway's control APIs share: the lease protocol (docs/leases.md), a ledger
// of the faults they hold (each revertible once, by its id or by its lease running out), and one mapping
// from core errors to HTTP statuses so both speak the same error shape: {"error": "..."}.

export const LEASE_HEADER = 'x-gameday-lease';

export interface FaultView {
  id: string;
  description: string;
  lease: string | null;
  createdAt: string;
}

interface Held {
  view: FaultView;
  revert: () => Promise<void>;
  leaseKey: string | null;
}

/** The faults a component holds; each is reverted exactly once: by DELETE /faults/{id}, its lease, or shutdown. */
export class FaultLedger {
  private readonly held = new Map<string, Held>();

  constructor(private readonly leases: LeaseBook) {}

  add(description: string, revert: () => Promise<void> | void, lease: string | null): FaultView {
    const view: FaultView = { id: randomUUID(), description, lease, createdAt: new Date().toISOString() };
    let done: Promise<void> | null = null;
    const once = (): Promise<void> => (done ??= (async () => {
      this.held.delete(view.id);
      await revert();
    })());
    const entry: Held = { view, revert: once, leaseKey: null };
    if (lease !== null) entry.leaseKey = this.leases.hold(lease, { description, revert: once });
    this.held.set(view.id, entry);
    return view;
  }

  list(): FaultView[] {
    return [...this.held.values()].map((h) => h.view);
  }

  async revert(id: string): Promise<boolean> {
    const entry = this.held.get(id);
    if (!entry) return false;
    if (entry.view.lease !== null && entry.leaseKey !== null) this.leases.detach(entry.view.lease, entry.leaseKey);
    await entry.revert();
    return true;
  }

  async revertAll(): Promise<void> {
    for (const id of [...this.held.keys()].reverse()) await this.revert(id);
  }
}

/** An error whose message is meant for the caller, with the HTTP status that says what kind it is. */
export class ControlError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

/** The lease the request names in X-GameDay-Lease, or null; an unknown lease is refused before anything changes. */
export function leaseOf(request: FastifyRequest, leases: LeaseBook): string | null {
  const header = request.headers[LEASE_HEADER];
  const id = Array.isArray(header) ? header[0] : header;
  if (!id) return null;
  if (!leases.has(id)) throw new ControlError(404, `no lease with id "${id}" (it may have expired); create one with POST /leases`);
  return id;
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new ControlError(400, `invalid request body: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

const LeaseRequestSchema = z.object({ owner: z.string().default('unknown'), ttl_ms: z.number() });

export interface ControlServerOptions {
  /** 127.0.0.1 unless told otherwise; any other address requires `token`. */
  host?: string;
  /** Required as `Authorization: Bearer <token>` on every request when set. */
  token?: string;
  /** 0 (the default) lets the OS pick a free port. */
  port?: number;
  log?: Logger;
  /** The longest lease TTL accepted. */
  maxLeaseTtlMs?: number;
}

export interface ControlServer {
  url: string;
  app: FastifyInstance;
  leases: LeaseBook;
  ledger: FaultLedger;
  /** Reverts every held fault (releasing every lease) and closes the API. */
  close(): Promise<void>;
}

export interface ControlPlane {
  app: FastifyInstance;
  leases: LeaseBook;
  ledger: FaultLedger;
  /** Starts listening (127.0.0.1, port 0 unless told otherwise). */
  listen(): Promise<ControlServer>;
}

/**
 * A fastify app with the lease protocol, GET/DELETE /faults and the shared error mapping; the caller
 * adds its own routes, then listens. `statusOf` maps core errors (not found, refused) to statuses.
 */
export function createControlPlane(options: ControlServerOptions, log: Logger, statusOf: (error: Error) => number | undefined): ControlPlane {
  const loopback = ['127.0.0.1', '::1', 'localhost', undefined].includes(options.host);
  if (!loopback && !options.token) {
    throw new ControlError(400, `refusing to bind the control API to ${options.host} without an access token (give token, or bind 127.0.0.1)`);
  }
  const app = Fastify({ logger: false });
  if (options.token) {
    const expected = `Bearer ${options.token}`;
    app.addHook('onRequest', async (request, reply) => {
      if (request.headers.authorization !== expected) return reply.code(401).send({ error: 'missing or wrong access token (Authorization: Bearer <token>)' });
    });
  }
  const leases = new LeaseBook({
    maxTtlMs: options.maxLeaseTtlMs,
    onEnd: (lease, reason, errors) =>
      log.info({ lease: lease.id, owner: lease.owner, reason, faults: lease.faults, errors: errors.map(String) }, `lease ${reason}`),
  });
  const ledger = new FaultLedger(leases);
  registerRoutes(app, leases, ledger, statusOf);
  const listen = async (): Promise<ControlServer> => {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
    const { port } = app.server.address() as { port: number };
    const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
    return {
      url: `http://${host}:${port}`,
      app,
      leases,
      ledger,
      async close() {
        await leases.releaseAll();
        await ledger.revertAll();
        await app.close();
      },
    };
  };
  return { app, leases, ledger, listen };
}

/** Wraps a revert so that its failure is logged where the fault was held, then still reported. */
export function logged(log: Logger, what: string, work: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    try {
      await work();
    } catch (error) {
      log.error({ err: error }, `revert of ${what} failed`);
      throw error;
    }
  };
}

function registerRoutes(
  app: FastifyInstance,
  leases: LeaseBook,
  ledger: FaultLedger,
  statusOf: (error: Error) => number | undefined,
): void {
  // Clients (curl, the orchestrator) often send a JSON content type with an empty body on DELETE/POST.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch {
      done(new ControlError(400, 'request body is not valid JSON'), undefined);
    }
  });
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, _request: FastifyRequest, reply: FastifyReply) => {
    const status =
      error instanceof ControlError ? error.statusCode
      : error instanceof LeaseNotFoundError ? 404
      : error instanceof RangeError ? 400
      : (statusOf(error) ?? (error.statusCode && error.statusCode < 500 ? error.statusCode : 500));
    void reply.code(status).send({ error: error.message });
  });

  app.post('/leases', async (request, reply) => {
    const body = parseBody(LeaseRequestSchema, request.body);
    return reply.code(201).send(leases.create(body.owner, body.ttl_ms));
  });
  app.post<{ Params: { id: string } }>('/leases/:id/renew', async (request) => leases.renew(request.params.id));
  app.delete<{ Params: { id: string } }>('/leases/:id', async (request, reply) => {
    await leases.release(request.params.id);
    return reply.code(204).send();
  });
  app.get('/leases', async () => leases.list());

  app.get('/faults', async () => ledger.list());
  app.delete<{ Params: { id: string } }>('/faults/:id', async (request, reply) => {
    if (!(await ledger.revert(request.params.id))) throw new ControlError(404, `no fault with id "${request.params.id}"`);
    return reply.code(204).send();
  });
}
