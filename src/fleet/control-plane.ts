import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { edgeGuard, guardFastify, isLoopbackAddress } from '../control-plane/guard.js';
import { LeaseBook, LeaseNotFoundError } from '../leases/lease-book.js';
import { leaseHeaderOf, registerLeaseRoutes } from '../leases/lease-routes.js';
import type { Logger } from '../observe/log.js';
import { formatIssues } from './declaration.js';

// What the fleet's and the gateway's control APIs share: the lease protocol (docs/leases.md), a ledger
// of the faults they hold (each revertible once, by its id or by its lease running out), and one mapping
// from core errors to HTTP statuses so both speak the same error shape: {"error": "..."}.

export interface FaultView {
  id: string;
  description: string;
  lease: string | null;
  createdAt: string;
  /** Set while the last attempt to revert it failed: why (the fault is still held and retried). */
  revertError?: string;
}

interface Held {
  view: FaultView;
  revert: () => Promise<void>;
  leaseKey: string | null;
  retry: NodeJS.Timeout | null;
}

/** Why a revert failed; the fault is still held (listed, retried), so the caller must not treat it as done. */
export class RevertFailedError extends Error {
  constructor(readonly faultId: string, description: string, cause: unknown) {
    super(`revert of ${description} failed, the fault is still held (DELETE /faults/${faultId} retries it): ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** How long the ledger waits before it tries again a revert that failed when its lease ran out. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;

/**
 * The faults a component holds; each is reverted exactly once: by DELETE /faults/{id}, its lease, or
 * shutdown. A fault leaves the ledger (and its lease) only once its revert has succeeded: a failed revert
 * keeps it held and listed, so a later DELETE retries it instead of answering 404 ("already reverted"),
 * and a fault whose lease ran out is retried by the ledger itself with a growing delay.
 */
export class FaultLedger {
  private readonly held = new Map<string, Held>();
  private closed = false;

  constructor(private readonly leases: LeaseBook, private readonly log?: Logger) {}

  add(description: string, revert: () => Promise<void> | void, lease: string | null): FaultView {
    const view: FaultView = { id: randomUUID(), description, lease, createdAt: new Date().toISOString() };
    let inFlight: Promise<void> | null = null;
    let reverted = false;
    // Concurrent callers share one attempt; a failed attempt is forgotten so the next call tries again.
    const attempt = (): Promise<void> => {
      if (reverted) return Promise.resolve();
      return (inFlight ??= (async () => {
        try {
          await revert();
        } catch (error) {
          inFlight = null;
          view.revertError = (error as Error)?.message ?? String(error);
          throw new RevertFailedError(view.id, description, error);
        }
        reverted = true;
        this.forget(view.id);
      })());
    };
    const entry: Held = { view, revert: attempt, leaseKey: null, retry: null };
    if (lease !== null) {
      // The lease ends whether or not the revert succeeds, so on failure the ledger takes over the retries.
      entry.leaseKey = this.leases.hold(lease, {
        description,
        revert: () => attempt().catch((error: unknown) => {
          entry.leaseKey = null;
          this.retryLater(entry, RETRY_FIRST_MS);
          throw error;
        }),
      });
    }
    this.held.set(view.id, entry);
    return view;
  }

  list(): FaultView[] {
    return [...this.held.values()].map((h) => h.view);
  }

  /** False if no such fault is held (never was, or already reverted); throws RevertFailedError if the revert fails. */
  async revert(id: string): Promise<boolean> {
    const entry = this.held.get(id);
    if (!entry) return false;
    await entry.revert();
    return true;
  }

  /** Tries every held fault (last in, first out) even when some fail; throws an AggregateError naming the failures. */
  async revertAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const id of [...this.held.keys()].reverse()) await this.revert(id).catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw new AggregateError(errors, errors.map((e) => (e as Error).message).join('; '));
  }

  /** Stops background retries (the holder is shutting down and has made its last attempt). */
  close(): void {
    this.closed = true;
    for (const entry of this.held.values()) if (entry.retry) clearTimeout(entry.retry);
  }

  private forget(id: string): void {
    const entry = this.held.get(id);
    if (!entry) return;
    this.held.delete(id);
    if (entry.retry) clearTimeout(entry.retry);
    if (entry.view.lease !== null && entry.leaseKey !== null) this.leases.detach(entry.view.lease, entry.leaseKey);
  }

  private retryLater(entry: Held, delayMs: number): void {
    if (this.closed || entry.retry || !this.held.has(entry.view.id)) return;
    entry.retry = setTimeout(() => {
      entry.retry = null;
      entry.revert().catch((error: unknown) => {
        this.log?.error({ err: error, fault: entry.view.id }, `revert of ${entry.view.description} failed again; retrying`);
        this.retryLater(entry, Math.min(delayMs * 2, RETRY_MAX_MS));
      });
    }, delayMs);
    // Like the lease timers: the holder's server keeps the process alive; a retry alone must not.
    entry.retry.unref();
  }
}

/** An error whose message is meant for the caller, with the HTTP status that says what kind it is. */
export class ControlError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

/**
 * The lease the request names in X-GameDay-Lease. Safety rule 2: these APIs are not Toxiproxy-compatible,
 * so there is no reason to accept a permanent fault: a request without a lease, or with an unknown one,
 * is refused before anything changes.
 */
export function leaseOf(request: FastifyRequest, leases: LeaseBook, holder: 'fleet' | 'gateway' = 'fleet'): string {
  const id = leaseHeaderOf(request.headers);
  if (!id) throw new ControlError(400, `faults on the ${holder} are always held under a lease: send X-GameDay-Lease (see docs/leases.md)`);
  if (!leases.has(id)) throw new ControlError(404, `no lease with id "${id}" (it may have expired); create one with POST /leases`);
  return id;
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new ControlError(400, `invalid request body: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

export interface ControlServerOptions {
  /** 127.0.0.1 unless told otherwise; any other address requires `token`. */
  host?: string;
  /** Required as `Authorization: Bearer <token>` on every request when set. */
  token?: string;
  /** More names the API is reached by, beyond loopback and its own address (see src/control-plane/guard.ts). */
  allowedHosts?: readonly string[];
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
  const loopback = options.host === undefined || isLoopbackAddress(options.host);
  if (!loopback && !options.token) {
    throw new ControlError(400, `refusing to bind the control API to ${options.host} without an access token (give token, or bind 127.0.0.1)`);
  }
  const app = Fastify({ logger: false });
  guardFastify(app, edgeGuard({ host: options.host ?? '127.0.0.1', token: options.token, allowedHosts: options.allowedHosts }));
  const leases = new LeaseBook({
    maxTtlMs: options.maxLeaseTtlMs,
    onEnd: (lease, reason, errors) =>
      log.info({ lease: lease.id, owner: lease.owner, reason, faults: lease.faults, errors: errors.map(String) }, `lease ${reason}`),
  });
  const ledger = new FaultLedger(leases, log);
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
        // Every fault gets its last attempt, the server closes even if some fail, and the failures are reported.
        await leases.releaseAll();
        const reverted = ledger.revertAll();
        await reverted.catch(() => undefined);
        ledger.close();
        await app.close();
        await reverted;
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
      : error instanceof RevertFailedError ? 500
      : error instanceof LeaseNotFoundError ? 404
      : error instanceof RangeError ? 400
      : (statusOf(error) ?? (error.statusCode && error.statusCode < 500 ? error.statusCode : 500));
    void reply.code(status).send({ error: error.message });
  });

  registerLeaseRoutes(app, leases);

  app.get('/faults', async () => ledger.list());
  app.delete<{ Params: { id: string } }>('/faults/:id', async (request, reply) => {
    if (!(await ledger.revert(request.params.id))) throw new ControlError(404, `no fault with id "${request.params.id}"`);
    return reply.code(204).send();
  });
}
