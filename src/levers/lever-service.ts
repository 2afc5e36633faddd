import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LeaseNotFoundError } from '../leases/lease-book.js';
import { edgeGuard, guardFastify, isLoopbackAddress } from '../control-plane/guard.js';
import { leaseHeaderOf, registerLeaseRoutes } from '../leases/lease-routes.js';
import { createLogger, type Logger } from '../observe/log.js';
import { ControlRoom } from '../store/control-room.js';
import { openStore } from '../store/database.js';
import type { Store } from '../store/engine.js';
import { LeverBoard } from './lever-board.js';
import { leverMetrics } from './lever-metrics.js';
import { LeverStream } from './lever-stream.js';
import { UnknownLeverError, leverChangeBody, leverDeclarationBody, leverName, type LeverDeclaration } from './lever.js';

// The lever service's HTTP edge: every handler parses (zod), calls the board, and formats. The API is
// in docs/levers.md; the lease routes are the shared protocol of docs/leases.md.

export const DEFAULT_LEVERS_LISTEN = '127.0.0.1:8475';

export interface LeverServiceOptions {
  /** host:port; port 0 picks a free port. Default 127.0.0.1:8475. */
  listen?: string;
  /** Required to bind anything but loopback; then every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** The store: a SQLite file or a postgres:// URL (default: GAMEDAY_STORE, else the SQLite file under GAMEDAY_HOME). */
  store?: string;
  /** More names the service is reached by, beyond loopback and its own address (see src/control-plane/guard.ts). */
  allowedHosts?: readonly string[];
  levers?: LeverDeclaration[];
  logger?: Logger;
  /** Told when this control room takes (`held`) or loses the lease-expiry work; `atStart` as in WorkHandlers. */
  onExpiryWork?: (held: boolean, atStart: boolean) => void;
}

export interface LeverService {
  url: string;
  board: LeverBoard;
  /** This service as one control room of its store: it holds the lease-expiry work, or stands by for it. */
  room: ControlRoom;
  /** Whether this control room holds the lease-expiry work now. */
  readonly expiryHeld: boolean;
  close(): Promise<void>;
}

export class LeverServiceError extends Error {}

export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen.trim()) ?? /^()()(\d+)$/.exec(listen.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new LeverServiceError(`--listen: expected host:port like 127.0.0.1:8475, got "${listen}"`);
  }
  return { host: match[1] || match[2] || '127.0.0.1', port };
}

export async function startLeverService(options: LeverServiceOptions = {}): Promise<LeverService> {
  const { host, port } = parseListen(options.listen ?? DEFAULT_LEVERS_LISTEN);
  if (!isLoopbackAddress(host) && !options.token) {
    throw new LeverServiceError(`refusing to bind ${host}: binding anything but 127.0.0.1 requires an access token (--token)`);
  }
  const log = options.logger ?? createLogger('levers');
  const db = await openStore(options.store);
  let room: ControlRoom;
  let board: LeverBoard;
  let held: { readonly held: boolean };
  try {
    room = await ControlRoom.join(db);
    board = await LeverBoard.open(db, log);
    // Lease expiry must happen once per store, however many control rooms serve it (lever-board.ts).
    const expiry = room.hold(LEASE_EXPIRY_WORK, {
      acquired: async (atStart) => {
        log.info({ atStart }, 'this control room holds the lease-expiry work');
        await board.startExpiry(atStart);
        options.onExpiryWork?.(true, atStart);
      },
      lost: () => {
        board.stopExpiry();
        options.onExpiryWork?.(false, false);
      },
    });
    await expiry.ready;
    held = expiry;
    for (const declaration of options.levers ?? []) await board.declare(declaration);
  } catch (error) {
    await db.close();
    throw error;
  }
  const stream = new LeverStream(board);
  const metrics = leverMetrics(board, stream);

  const app = Fastify({ logger: false, forceCloseConnections: true });
  guardFastify(app, edgeGuard({ host, token: options.token, allowedHosts: options.allowedHosts }));
  app.setErrorHandler((error, _request, reply) => sendError(reply, error, log));
  routes(app, board, stream);
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));

  try {
    await app.listen({ host, port });
  } catch (error) {
    stream.close();
    await shutDown(room, board, db);
    throw new LeverServiceError(`the lever service cannot listen on ${host}:${port}: ${(error as Error).message}`);
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  await room.serving(url);
  log.info({ url, levers: (await board.list()).length }, `lever service listening on ${url}`);

  let closed: Promise<void> | undefined;
  return {
    url,
    board,
    room,
    get expiryHeld() {
      return held.held;
    },
    close: () =>
      (closed ??= (async () => {
        await shutDown(room, board, db, () => {
          stream.close();
          return app.close();
        });
      })()),
  };
}

/** The name of the work only one control room of a store does: undoing the changes of lapsed lever leases. */
export const LEASE_EXPIRY_WORK = 'lever-lease-expiry';

/**
 * The last control room on a store undoes every leased change before it stops, so nothing a run did
 * outlives the service; while another room is alive, the leases stay with it (it can serve their renewals).
 * Leased changes are undone first, while readers are still connected to see them.
 */
async function shutDown(room: ControlRoom, board: LeverBoard, db: Store, stopServing?: () => Promise<unknown>): Promise<void> {
  const alone = (await room.others().catch(() => 0)) === 0;
  await room.leave();
  await board.close({ releaseLeases: alone });
  await stopServing?.();
  await db.close();
}

function routes(app: FastifyInstance, board: LeverBoard, stream: LeverStream): void {
  const named = (request: FastifyRequest) => leverName.parse((request.params as { name: string }).name);
  const leaseOf = (request: FastifyRequest) => leaseHeaderOf(request.headers);
  const limit = (request: FastifyRequest) => z.coerce.number().int().positive().optional().parse((request.query as { limit?: string }).limit);

  app.get('/levers', () => board.list());
  app.get('/levers/:name', (request) => board.get(named(request)));
  app.put('/levers/:name', async (request, reply) => {
    const body = leverDeclarationBody.parse(request.body ?? {});
    const by = z.string().optional().parse(request.headers['x-gameday-actor']) ?? 'api';
    const { lever, created } = await board.declare({ name: named(request), ...body }, by);
    return reply.code(created ? 201 : 200).send(lever);
  });
  app.post('/levers/:name/pull', (request) => board.pull(named(request), leverChangeBody.parse(request.body ?? {}), leaseOf(request)));
  app.post('/levers/:name/reset', (request) => board.reset(named(request), leverChangeBody.parse(request.body ?? {}), leaseOf(request)));
  app.get('/levers/:name/audit', (request) => board.audit({ lever: named(request), limit: limit(request) }));
  app.get('/audit', (request) => board.audit({ limit: limit(request) }));
  app.get('/events', (request, reply) => {
    reply.hijack();
    void stream.attach(reply.raw);
  });

  // The shared lease protocol (docs/leases.md); ending a lease restores the levers it changed.
  registerLeaseRoutes(app, board.leases);
  app.get('/health', async () => ({ status: 'ok' }));
}

function sendError(reply: FastifyReply, error: unknown, log: Logger): FastifyReply {
  if (error instanceof UnknownLeverError) return reply.code(404).send({ error: error.message, lever: error.lever, known: error.known });
  if (error instanceof LeaseNotFoundError) {
    // On a pull it is the header that is wrong, not the path: 409, so that it is not read as "unknown lever".
    const onLeaseRoute = reply.request.url.startsWith('/leases');
    return reply.code(onLeaseRoute ? 404 : 409).send({ error: error.message, lease: error.leaseId });
  }
  if (error instanceof z.ZodError) {
    const problems = error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`);
    return reply.code(400).send({ error: `invalid request: ${problems.join('; ')}`, issues: error.issues });
  }
  if (error instanceof RangeError) return reply.code(400).send({ error: error.message });
  const status = (error as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return reply.code(status).send({ error: (error as Error).message });
  log.error({ err: error }, 'lever service: internal error');
  return reply.code(500).send({ error: `internal error: ${(error as Error).message}` });
}
