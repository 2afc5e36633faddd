import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../observe/log.js';
import type { ControlRoom } from '../store/control-room.js';
import type { Store } from '../store/engine.js';
import type { FormTokens } from '../web/form-token.js';

// The control room (`gameday serve`) is one process, one HTTP app and one store; each capability (levers,
// status, incidents, COEs, the dashboard) is a module of it, in its own folder, that the CLI lists. A module
// gets what every capability shares and gives back its routes; the control room owns the listening socket,
// the edge guard, /metrics and /health, and the order of shutdown.

export interface ControlRoomContext {
  store: Store;
  /** This process as one control room of its store: `room.hold(work, …)` for work that must happen once. */
  room: ControlRoom;
  log: Logger;
  /** One Prometheus registry for the whole control room, served at /metrics. */
  metrics: Registry;
  /** The base URL the control room serves, known once it listens (modules use it in links and feeds). */
  url(): string;
  /** The form tokens of this control room's pages (src/web/form-token.ts); enforced once a module serves pages. */
  forms: FormTokens;
  /** A module started before this one (modules start in the order listed), e.g. the dashboard's view of the levers. */
  module<T extends ControlRoomModule>(name: string): T | undefined;
}

export interface ControlRoomModule {
  /** Its name in logs and the banner of `gameday serve` ("levers", "status", …). */
  name: string;
  /**
   * The module serves pages with forms: from then on every state change a browser makes on this control
   * room, whichever module's route, must carry the page's form token (the guard refuses it otherwise).
   */
  pages?: boolean;
  /** Adds the module's routes; called once, before the control room listens. */
  routes(app: FastifyInstance): void | Promise<void>;
  /**
   * Maps an error a route of this module threw to an answer (e.g. an unknown lever to 404), or returns
   * undefined to leave it to the control room (zod errors 400, RangeError 400, anything else 500).
   */
  answerError?(error: unknown, reply: FastifyReply): FastifyReply | undefined;
  /** One line for the banner of `gameday serve`: what this module serves. */
  describe?(): Promise<string> | string;
  /** Stops the module's work; called in reverse order of start, before the socket closes. */
  close(): Promise<void>;
}

/** Builds a module once the store is open; may refuse (throw) before the control room listens. */
export type ModuleFactory = (context: ControlRoomContext) => Promise<ControlRoomModule>;
