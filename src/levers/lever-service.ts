import { ControlRoomError, startControlRoom } from '../control-room/control-room.js';
import { DEFAULT_CONTROL_ROOM_LISTEN } from '../control-room/listen.js';
import type { Logger } from '../observe/log.js';
import type { ControlRoom } from '../store/control-room.js';
import type { LeverBoard } from './lever-board.js';
import { leverModule, type LeverModule, type LeverModuleOptions } from './lever-module.js';
import type { LeverDeclaration } from './lever.js';

// A control room that serves only the levers: what the demo world and tests start in-process. `gameday
// serve` starts the whole control room (src/control-room/) with the lever module among the others; the
// lever API (docs/levers.md) is the same in both.

export const DEFAULT_LEVERS_LISTEN = DEFAULT_CONTROL_ROOM_LISTEN;
export { LEASE_EXPIRY_WORK } from './lever-module.js';

export interface LeverServiceOptions extends LeverModuleOptions {
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

/** The lever service could not start; nothing was left running. */
export const LeverServiceError = ControlRoomError;

export async function startLeverService(options: LeverServiceOptions = {}): Promise<LeverService> {
  const server = await startControlRoom({ ...options, modules: [leverModule(options)] });
  const levers = server.module<LeverModule>('levers')!;
  return {
    url: server.url,
    board: levers.board,
    room: server.room,
    get expiryHeld() {
      return levers.expiryHeld;
    },
    close: () => server.close(),
  };
}
