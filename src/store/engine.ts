// The one store interface every capability uses, whichever engine is behind it: the embedded SQLite file
// of one laptop, or the PostgreSQL database a team shares. It is asynchronous so that a networked database
// fits. Repositories (runs, journal events, levers …) write plain SQL with `?` placeholders and the few
// words of `Dialect`; the engines do the rest. See docs/store.md.

export type SqlValue = string | number | bigint | null;
export type Row = Record<string, unknown>;

export interface Queryable {
  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Writes; `changes` is the number of rows written. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Transaction extends Queryable {
  /** Tells every subscriber of `channel`, in this process and in others, once (and only if) the transaction commits. */
  notify(channel: Channel, payload: string): void;
}

export type EngineKind = 'sqlite' | 'postgres';

/** What a capability announces when it writes; a reader re-reads what it follows (a notification is a hint, never data). */
export type Channel = 'journal' | 'levers' | 'runs' | 'samples' | 'status';

/**
 * The few places where SQLite and PostgreSQL spell a table differently. Everything else is written once:
 * `?` placeholders (the PostgreSQL engine numbers them), `ON CONFLICT … DO UPDATE/NOTHING`, `RETURNING`.
 */
export interface Dialect {
  /** An auto-numbered primary key whose numbers only grow: `seq ${d.serialKey}`. */
  serialKey: string;
  /** A 64-bit integer (milliseconds since the epoch, counters). */
  bigint: string;
}

export interface Store extends Queryable {
  readonly engine: EngineKind;
  /** Where the store is, safe to print (a password in a URL is masked). */
  readonly location: string;
  readonly dialect: Dialect;
  /**
   * Runs `work` in one transaction that holds the store's write lock from its first statement (SQLite's
   * BEGIN IMMEDIATE; a transaction-scoped advisory lock on PostgreSQL), so a read-then-write by two
   * processes waits instead of interleaving. Rolled back if `work` throws.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` when something may have changed on `channel`: with the payload of a notification, or
   * with undefined when the engine only knows that the store changed (SQLite's poll). Returns the unsubscribe.
   */
  subscribe(channel: Channel, listener: (payload: string | undefined) => void): Promise<() => Promise<void>>;
  /** A lock that one process at a time holds on work that must happen once; see control-room.ts. */
  workLock(work: string, holder: string): WorkLock;
  close(): Promise<void>;
}

/** The engine's primitive under ControlRoom.hold: try to take, check that it is still ours, give back. */
export interface WorkLock {
  tryAcquire(): Promise<boolean>;
  /** False when the lock was lost (the connection that held it is gone, or another process took it over). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

/** Opening, migrating or reaching the store failed; the message says where and what to do. */
export class StoreError extends Error {}
