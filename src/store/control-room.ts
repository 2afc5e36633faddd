import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store, WorkLock } from './engine.js';
import type { Capability } from './migrations.js';
import { processAlive, ROOM_STALE_MS } from './sqlite-engine.js';

// Two control rooms, one store. Every `gameday serve` joins the store as a control room: it says it is
// alive (a heartbeat row) and both serve the API. Work that must happen once — the levers' lease expiry
// today, monitors and webhooks next — is held by one room through the engine's lock and taken over by
// another when the holder dies. A capability that has such work calls `room.hold('<work>', handlers)`.

export const storeCapability: Capability = {
  name: 'store',
  migrations: [
    {
      version: 1,
      name: 'control rooms and the work they hold',
      sql: (d) => `
CREATE TABLE control_rooms (
  id TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  url TEXT,
  started_at TEXT NOT NULL,
  seen_at ${d.bigint} NOT NULL
);
CREATE TABLE work_holders (
  work TEXT PRIMARY KEY,
  room TEXT NOT NULL,
  since TEXT NOT NULL
);`,
    },
  ],
};

const HEARTBEAT_MS = 1000;
/** How often a room that waits for work tries to take it: a dead holder's work moves within about this. */
const TAKEOVER_POLL_MS = 500;
/** Rows of rooms gone this long are removed when a room joins. */
const FORGET_ROOMS_MS = 24 * 3600_000;

export interface WorkHandlers {
  /**
   * The work is now this room's. `atStart` is true when it was free the moment this room joined: no
   * other room was alive, so what dead rooms left behind is this room's to clean up.
   */
  acquired(atStart: boolean): void | Promise<void>;
  /** The lock was lost (the database connection broke): stop the work; the room tries to take it again. */
  lost(): void | Promise<void>;
}

export interface WorkHold {
  readonly held: boolean;
  /** Settles after the first attempt (and `acquired`, if it was taken then). */
  readonly ready: Promise<void>;
  release(): Promise<void>;
}

export class ControlRoom {
  readonly id = randomUUID();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly holds = new Set<WorkHold>();
  private left = false;

  private constructor(private readonly store: Store) {
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  static async join(store: Store, url?: string): Promise<ControlRoom> {
    const room = new ControlRoom(store);
    const now = Date.now();
    await store.run('DELETE FROM control_rooms WHERE seen_at < ?', [now - FORGET_ROOMS_MS]);
    await store.run('INSERT INTO control_rooms (id, pid, host, url, started_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)', [
      room.id,
      process.pid,
      hostname(),
      url ?? null,
      new Date(now).toISOString(),
      now,
    ]);
    return room;
  }

  /** Says where this room serves, once it knows (it joins before it listens). */
  async serving(url: string): Promise<void> {
    await this.store.run('UPDATE control_rooms SET url = ? WHERE id = ?', [url, this.id]);
  }

  /** Other rooms alive on this store (seen lately; on this host, with a live process). */
  async others(): Promise<number> {
    const rows = await this.store.all<{ pid: number; host: string }>('SELECT pid, host FROM control_rooms WHERE id <> ? AND seen_at > ?', [this.id, Date.now() - ROOM_STALE_MS]);
    return rows.filter((row) => row.host !== hostname() || processAlive(row.pid)).length;
  }

  /** Holds `work` whenever no other room does: tries now, and again every half second while another room has it. */
  hold(work: string, handlers: WorkHandlers): WorkHold {
    const lock: WorkLock = this.store.workLock(work, this.id);
    let held = false;
    let stopped = false;
    let first = true;
    let timer: NodeJS.Timeout | undefined;
    let firstDone!: () => void;
    const ready = new Promise<void>((resolve) => (firstDone = resolve));
    const step = async () => {
      if (stopped) return firstDone();
      try {
        if (!held) {
          const atStart = first;
          first = false;
          if (await lock.tryAcquire()) {
            try {
              await handlers.acquired(atStart);
              held = true;
            } catch {
              // The work could not start (the store failed half-way): give the lock back and try again.
              await lock.release().catch(() => undefined);
            }
          }
        } else if (!(await lock.stillHeld())) {
          held = false;
          await handlers.lost();
        }
      } catch {
        // The store is unreachable for a moment: try again on the next tick.
      }
      firstDone();
      if (!stopped) timer = setTimeout(() => void step(), held ? HEARTBEAT_MS : TAKEOVER_POLL_MS);
    };
    const hold: WorkHold = {
      get held() {
        return held;
      },
      ready,
      release: async () => {
        stopped = true;
        clearTimeout(timer);
        this.holds.delete(hold);
        if (held) {
          held = false;
          await handlers.lost();
        }
        await lock.release().catch(() => undefined);
      },
    };
    this.holds.add(hold);
    void step();
    return hold;
  }

  /** Gives back every work it holds and says it is gone, so another room takes over at once. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    clearInterval(this.heartbeat);
    await Promise.all([...this.holds].map((hold) => hold.release()));
    await this.store.run('DELETE FROM control_rooms WHERE id = ?', [this.id]).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    await this.store.run('UPDATE control_rooms SET seen_at = ? WHERE id = ?', [Date.now(), this.id]).catch(() => undefined);
  }
}
