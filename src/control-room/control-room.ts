import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { edgeGuard, guardFastify, isLoopbackAddress } from '../control-plane/guard.js';
import { createLogger, type Logger } from '../observe/log.js';
import { FormTokens } from '../web/form-token.js';
import { acceptForms, acceptPageRoutes } from '../web/page-route.js';
import { ControlRoom } from '../store/control-room.js';
import { openStore } from '../store/database.js';
import type { Store } from '../store/engine.js';
import { DEFAULT_CONTROL_ROOM_LISTEN, ListenError, parseListen, urlOf } from './listen.js';
import type { ControlRoomContext, ControlRoomModule, ModuleFactory } from './module.js';

// `gameday serve`: open the store, join it as a control room, start each module, listen. Every request
// passes the one edge guard (Host, token, cross-site; src/control-plane/guard.ts) before any module sees it.

export interface ControlRoomOptions {
  /** host:port; port 0 picks a free port. Default 127.0.0.1:8475. */
  listen?: string;
  /** Required to bind anything but loopback; then every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** More names the control room is reached by, beyond loopback and its own address. */
  allowedHosts?: readonly string[];
  /** The store: a SQLite file or a postgres:// URL (default: GAMEDAY_STORE, else the SQLite file under GAMEDAY_HOME). */
  store?: string;
  modules: ModuleFactory[];
  logger?: Logger;
}

export interface ControlRoomServer {
  url: string;
  store: Store;
  room: ControlRoom;
  modules: readonly ControlRoomModule[];
  /** The module of that name (levers, status …). */
  module<T extends ControlRoomModule>(name: string): T | undefined;
  close(): Promise<void>;
}

/** The control room could not start; nothing was left running. The message says what to do. */
export class ControlRoomError extends Error {}

export async function startControlRoom(options: ControlRoomOptions): Promise<ControlRoomServer> {
  let host: string;
  let port: number;
  try {
    ({ host, port } = parseListen(options.listen ?? DEFAULT_CONTROL_ROOM_LISTEN));
  } catch (error) {
    if (error instanceof ListenError) throw new ControlRoomError(error.message);
    throw error;
  }
  if (!isLoopbackAddress(host) && !options.token) {
    throw new ControlRoomError(`refusing to bind ${host}: binding anything but 127.0.0.1 requires an access token (--token)`);
  }
  const log = options.logger ?? createLogger('control-room');
  const store = await openStore(options.store);
  const modules: ControlRoomModule[] = [];
  let url = urlOf(host, port);
  let room: ControlRoom | undefined;
  const stopModules = async () => {
    for (const module of [...modules].reverse()) await module.close().catch((error) => log.error({ err: error, module: module.name }, 'a module failed to stop'));
  };
  try {
    room = await ControlRoom.join(store);
    const context: ControlRoomContext = {
      store,
      room,
      log,
      metrics: new Registry(),
      url: () => url,
      forms: new FormTokens(),
      module: <T extends ControlRoomModule>(name: string) => modules.find((m) => m.name === name) as T | undefined,
    };
    for (const factory of options.modules) modules.push(await factory(context));
    const app = await buildApp(host, options, context, modules);
    try {
      await app.listen({ host, port });
    } catch (error) {
      throw new ControlRoomError(`the control room cannot listen on ${host}:${port}: ${(error as Error).message}`);
    }
    const address = app.server.address();
    url = urlOf(host, typeof address === 'object' && address ? address.port : port);
    await room.serving(url);
    log.info({ url, modules: modules.map((m) => m.name) }, `control room listening on ${url}`);
    let closed: Promise<void> | undefined;
    const joined = room;
    return {
      url,
      store,
      room: joined,
      modules,
      module: <T extends ControlRoomModule>(name: string) => modules.find((m) => m.name === name) as T | undefined,
      // Modules stop first (the levers undo leased changes while readers are still connected to see
      // them), then the socket, then the store.
      close: () =>
        (closed ??= (async () => {
          await stopModules();
          await app.close();
          await joined.leave();
          await store.close();
        })()),
    };
  } catch (error) {
    await stopModules();
    await room?.leave().catch(() => undefined);
    await store.close();
    throw error;
  }
}

async function buildApp(host: string, options: ControlRoomOptions, context: ControlRoomContext, modules: ControlRoomModule[]): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const pages = modules.some((module) => module.pages);
  guardFastify(app, edgeGuard({ host, token: options.token, allowedHosts: options.allowedHosts, browserStateChange: pages ? context.forms.check : undefined }));
  if (pages) {
    acceptPageRoutes(app);
    acceptForms(app);
  }
  app.setErrorHandler((error, _request, reply) => answerError(reply, error, modules, context.log));
  for (const module of modules) await module.routes(app);
  app.get('/metrics', async (_request, reply) => reply.type(context.metrics.contentType).send(await context.metrics.metrics()));
  app.get('/health', async () => ({ status: 'ok', modules: modules.map((m) => m.name) }));
  return app;
}

function answerError(reply: FastifyReply, error: unknown, modules: readonly ControlRoomModule[], log: Logger): FastifyReply {
  for (const module of modules) {
    const answered = module.answerError?.(error, reply);
    if (answered) return answered;
  }
  if (error instanceof z.ZodError) {
    const problems = error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`);
    return reply.code(400).send({ error: `invalid request: ${problems.join('; ')}`, issues: error.issues });
  }
  if (error instanceof RangeError) return reply.code(400).send({ error: error.message });
  const status = (error as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return reply.code(status).send({ error: (error as Error).message });
  log.error({ err: error }, 'control room: internal error');
  return reply.code(500).send({ error: `internal error: ${(error as Error).message}` });
}
