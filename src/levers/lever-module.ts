import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ControlRoomModule, ModuleFactory } from '../control-room/module.js';
import { requesterOf } from '../control-room/requester.js';
import { LeaseNotFoundError } from '../leases/lease-book.js';
import { leaseHeaderOf, registerLeaseRoutes } from '../leases/lease-routes.js';
import { LeverBoard } from './lever-board.js';
import { leverMetrics } from './lever-metrics.js';
import { LeverStream } from './lever-stream.js';
import { UnknownLeverError, leverChangeBody, leverDeclarationBody, leverName, type LeverDeclaration } from './lever.js';

// The levers as a module of the control room: the board (state, audit trail, leases in the store), the
// push channel, and the HTTP edge of docs/levers.md — every handler parses (zod), calls the board, and
// formats. The lease routes are the shared protocol of docs/leases.md.

/** The name of the work only one control room of a store does: undoing the changes of lapsed lever leases. */
export const LEASE_EXPIRY_WORK = 'lever-lease-expiry';

export interface LeverModuleOptions {
  levers?: LeverDeclaration[];
  /** Told when this control room takes (`held`) or loses the lease-expiry work; `atStart` as in WorkHandlers. */
  onExpiryWork?: (held: boolean, atStart: boolean) => void;
}

export interface LeverModule extends ControlRoomModule {
  name: 'levers';
  board: LeverBoard;
  /** Whether this control room holds the lease-expiry work now. */
  readonly expiryHeld: boolean;
}

export function leverModule(options: LeverModuleOptions = {}): ModuleFactory {
  return async ({ store, room, log, metrics }): Promise<LeverModule> => {
    const board = await LeverBoard.open(store, log);
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
    for (const declaration of options.levers ?? []) await board.declare(declaration);
    const stream = new LeverStream(board);
    leverMetrics(board, stream, metrics);
    return {
      name: 'levers',
      board,
      get expiryHeld() {
        return expiry.held;
      },
      routes: (app) => routes(app, board, stream),
      answerError,
      describe: async () => {
        const count = (await board.list()).length;
        return `${count} lever${count === 1 ? '' : 's'}`;
      },
      /**
       * The last control room on a store undoes every leased change before it stops, so nothing a run did
       * outlives the service; while another room is alive, the leases stay with it (it can serve their
       * renewals). Leased changes are undone before the push channel closes, so readers see them.
       */
      close: async () => {
        const alone = (await room.others().catch(() => 0)) === 0;
        await expiry.release();
        await board.close({ releaseLeases: alone });
        stream.close();
      },
    };
  };
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
    const { lever, created } = await board.declare({ name: named(request), ...body }, by, requesterOf(request));
    return reply.code(created ? 201 : 200).send(lever);
  });
  const change = (request: FastifyRequest) => ({ ...leverChangeBody.parse(request.body ?? {}), from: requesterOf(request) });
  app.post('/levers/:name/pull', (request) => board.pull(named(request), change(request), leaseOf(request)));
  app.post('/levers/:name/reset', (request) => board.reset(named(request), change(request), leaseOf(request)));
  app.get('/levers/:name/audit', (request) => board.audit({ lever: named(request), limit: limit(request) }));
  app.get('/audit', (request) => board.audit({ limit: limit(request) }));
  app.get('/events', (request, reply) => {
    reply.hijack();
    void stream.attach(reply.raw);
  });
  // The shared lease protocol (docs/leases.md); ending a lease restores the levers it changed.
  registerLeaseRoutes(app, board.leases);
}

function answerError(error: unknown, reply: FastifyReply): FastifyReply | undefined {
  if (error instanceof UnknownLeverError) return reply.code(404).send({ error: error.message, lever: error.lever, known: error.known });
  if (error instanceof LeaseNotFoundError) {
    // On a pull it is the header that is wrong, not the path: 409, so that it is not read as "unknown lever".
    const onLeaseRoute = reply.request.url.startsWith('/leases');
    return reply.code(onLeaseRoute ? 404 : 409).send({ error: error.message, lease: error.leaseId });
  }
  return undefined;
}
