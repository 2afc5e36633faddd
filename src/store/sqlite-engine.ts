import { DatabaseSync } from '@photostructure/sqlite';
import { hostname } from 'node:os';
import { StoreError, type Channel, type Dialect, type Queryable, type SqlValue, type Store, type Transaction, type WorkLock } from './engine.js';

// The embedded engine: one SQLite file under GAMEDAY_HOME, nothing to install. It speaks the API of Node's
// built-in `node:sqlite`; on Node 20, which has none, @photostructure/sqlite provides that same API from a
// binary shipped inside its npm package, so a fresh `npm ci` compiles nothing. When Node 22 is our floor
// this import becomes `node:sqlite` and nothing else changes.

type Database = InstanceType<typeof DatabaseSync>;
type Statement = ReturnType<Database['prepare']>;

export const sqliteDialect: Dialect = { serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT', bigint: 'INTEGER' };

/** How often a subscriber's connection asks SQLite whether another process committed (PRAGMA data_version). */
export const SQLITE_POLL_MS = 100;
/** A control room not seen for this long is gone: its work may be taken over (control-room.ts heartbeats every second). */
export const ROOM_STALE_MS = 5000;
const MAX_CACHED_STATEMENTS = 256;

/**
 * Transactions on one file from one process take turns here, whichever connection they use. The SQLite
 * calls are synchronous: a connection waiting on busy_timeout blocks the whole event loop, so it would
 * wait for a transaction of its own process that can then never finish. Other processes wait on busy_timeout.
 */
interface Gate {
  /** The open transaction, if any: everything else on this file in this process waits for it to end. */
  open?: Promise<void>;
  queue: Promise<void>;
}
const gates = new Map<string, Gate>();

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly dialect = sqliteDialect;
  private readonly db: Database;
  private readonly statements = new Map<string, Statement>();
  private readonly gate: Gate;
  private readonly listeners = new Map<Channel, Set<(payload: string | undefined) => void>>();
  private poll?: NodeJS.Timeout;
  private dataVersion = 0;

  constructor(readonly location: string) {
    try {
      this.db = new DatabaseSync(location);
      // WAL lets a dashboard read while a run writes; busy_timeout lets two gameday processes (a run and a
      // `gameday halt`, two control rooms) share the file without "database is locked" errors.
      this.db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;');
    } catch (error) {
      // "file is not a database" alone does not say which file; GAMEDAY_HOME may point somewhere unexpected.
      throw new StoreError(`cannot open the store ${location}: ${(error as Error).message} (GAMEDAY_HOME moves it; --store or GAMEDAY_STORE names another)`, { cause: error });
    }
    let gate = gates.get(location);
    if (!gate || location === ':memory:') gates.set(location, (gate = { queue: Promise.resolve() }));
    this.gate = gate;
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    await this.idle();
    return this.statement(sql).all(...params) as T[];
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    await this.idle();
    return this.statement(sql).get(...params) as T | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    await this.idle();
    return { changes: Number(this.statement(sql).run(...params).changes) };
  }

  async exec(sql: string): Promise<void> {
    await this.idle();
    this.db.exec(sql);
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    // Transactions of this process take turns (see Gate); other processes wait on busy_timeout. BEGIN
    // IMMEDIATE takes the write lock up front, so a read-then-write never fails half-way with SQLITE_BUSY.
    const gate = this.gate;
    const previous = gate.queue;
    let done!: () => void;
    gate.queue = new Promise<void>((resolve) => (done = resolve));
    await previous;
    await this.idle();
    gate.open = gate.queue;
    const notes: Array<[Channel, string]> = [];
    const tx: Transaction = {
      all: async <R>(sql: string, params: readonly SqlValue[] = []) => this.statement(sql).all(...params) as R[],
      get: async <R>(sql: string, params: readonly SqlValue[] = []) => this.statement(sql).get(...params) as R | undefined,
      run: async (sql, params = []) => ({ changes: Number(this.statement(sql).run(...params).changes) }),
      exec: async (sql) => this.db.exec(sql),
      notify: (channel, payload) => void notes.push([channel, payload]),
    };
    try {
      this.db.exec('BEGIN IMMEDIATE');
      const result = await work(tx);
      this.db.exec('COMMIT');
      // Other processes notice through data_version; this one is told at once.
      for (const [channel, payload] of notes) this.deliver(channel, payload);
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    } finally {
      gate.open = undefined;
      done();
    }
  }

  async subscribe(channel: Channel, listener: (payload: string | undefined) => void): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    this.startPolling();
    return async () => {
      set.delete(listener);
      if ([...this.listeners.values()].every((s) => s.size === 0)) this.stopPolling();
    };
  }

  workLock(work: string, holder: string): WorkLock {
    return {
      // SQLite has no advisory locks: the holder is a row, valid while its control room keeps being seen
      // (and, on this host, while its process lives: a kill -9 is noticed at once, not after ROOM_STALE_MS).
      tryAcquire: () =>
        this.transaction(async (tx) => {
          const row = await tx.get<{ room: string; pid: number | null; host: string | null; seen_at: number | null }>(
            'SELECT w.room, r.pid, r.host, r.seen_at FROM work_holders w LEFT JOIN control_rooms r ON r.id = w.room WHERE w.work = ?',
            [work],
          );
          const free =
            !row || row.room === holder || row.seen_at === null || Date.now() - row.seen_at > ROOM_STALE_MS || (row.host === hostname() && !processAlive(row.pid!));
          if (free) {
            await tx.run('INSERT INTO work_holders (work, room, since) VALUES (?, ?, ?) ON CONFLICT (work) DO UPDATE SET room = excluded.room, since = excluded.since', [
              work,
              holder,
              new Date().toISOString(),
            ]);
          }
          return free;
        }),
      stillHeld: async () => (await this.get<{ room: string }>('SELECT room FROM work_holders WHERE work = ?', [work]))?.room === holder,
      release: async () => void (await this.run('DELETE FROM work_holders WHERE work = ? AND room = ?', [work, holder])),
    };
  }

  async close(): Promise<void> {
    this.stopPolling();
    await this.gate.queue;
    this.statements.clear();
    if (this.db.isOpen) this.db.close();
  }

  private async idle(): Promise<void> {
    while (this.gate.open) await this.gate.open;
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private deliver(channel: Channel, payload: string | undefined): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(payload);
  }

  private startPolling(): void {
    if (this.poll) return;
    this.dataVersion = this.readDataVersion();
    this.poll = setInterval(() => {
      if (this.gate.open || !this.db.isOpen) return;
      const version = this.readDataVersion();
      if (version === this.dataVersion) return;
      this.dataVersion = version;
      for (const channel of this.listeners.keys()) this.deliver(channel, undefined);
    }, SQLITE_POLL_MS);
    this.poll.unref();
  }

  private stopPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }

  private readDataVersion(): number {
    return Number((this.db.prepare('PRAGMA data_version').get() as { data_version: number }).data_version);
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
