import pg from 'pg';
import { maskPassword } from './location.js';
import { StoreError, type Channel, type Dialect, type Queryable, type SqlValue, type Store, type Transaction, type WorkLock } from './engine.js';

// The shared engine: a PostgreSQL database a team already runs, with the replication and backups it
// trusts, reached with the `pg` client. Two control rooms on one database both serve the API; work that
// must happen once is held through a session advisory lock on a connection of its own, which PostgreSQL
// lets go the moment that connection dies (kill -9 closes the socket).

export const postgresDialect: Dialect = { serialKey: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY', bigint: 'BIGINT' };

/** 64-bit integers (counts, milliseconds, sequence numbers) come back as numbers, as they do from SQLite. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Advisory-lock keys are two int32s: ours start with "GD" so that other software on the database is not disturbed. */
const LOCK_SPACE = 0x4744;
/** The write lock of `transaction()` (PostgreSQL's stand-in for SQLite's BEGIN IMMEDIATE). */
const WRITE_LOCK = 1;

export class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  readonly dialect = postgresDialect;
  readonly location: string;
  private readonly pool: pg.Pool;
  private listener?: Promise<pg.Client>;
  private readonly listeners = new Map<Channel, Set<(payload: string | undefined) => void>>();
  private readonly locks = new Set<pg.Client>();
  private closed = false;

  constructor(private readonly url: string) {
    this.location = maskPassword(url);
    this.pool = new pg.Pool({ connectionString: url, max: 4, types, application_name: 'gameday' });
    // An idle connection the server dropped must not crash the process; the next query gets a fresh one.
    this.pool.on('error', () => undefined);
  }

  /** Connects once, so that a wrong URL or a stopped server is said plainly before anything else happens. */
  async connect(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (error) {
      await this.pool.end().catch(() => undefined);
      throw new StoreError(`cannot reach the PostgreSQL store ${this.location}: ${(error as Error).message}`, { cause: error });
    }
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.pool.query(numbered(sql), params as SqlValue[])).rows as T[];
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return { changes: (await this.pool.query(numbered(sql), params as SqlValue[])).rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      // Serialises writers across every process on this database, like SQLite's single writer: lever
      // changes and their audit sequence then commit in the order they were numbered.
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, WRITE_LOCK]);
      const notes: Array<[Channel, string]> = [];
      const tx: Transaction = { ...clientQueries(client), notify: (channel, payload) => void notes.push([channel, payload]) };
      const result = await work(tx);
      // NOTIFY is transactional: listeners hear it at COMMIT, never for a rollback.
      for (const [channel, payload] of notes) await client.query('SELECT pg_notify($1, $2)', [`gameday_${channel}`, payload]);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async subscribe(channel: Channel, listener: (payload: string | undefined) => void): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    const first = !set;
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    const client = await this.listenClient();
    if (first) await client.query(`LISTEN gameday_${channel}`);
    return async () => {
      set.delete(listener);
    };
  }

  workLock(work: string, holder: string): WorkLock {
    let client: pg.Client | undefined;
    const key = hash32(work);
    const drop = async () => {
      if (!client) return;
      this.locks.delete(client);
      const gone = client;
      client = undefined;
      await gone.end().catch(() => undefined);
    };
    return {
      tryAcquire: async () => {
        if (!client) {
          client = new pg.Client({ connectionString: this.url, types, application_name: `gameday ${work}` });
          client.on('error', () => undefined);
          try {
            await client.connect();
          } catch {
            client = undefined;
            return false;
          }
          this.locks.add(client);
        }
        try {
          const { rows } = await client.query('SELECT pg_try_advisory_lock($1, $2) AS taken', [LOCK_SPACE, key]);
          if (!rows[0].taken) return false;
        } catch {
          await drop();
          return false;
        }
        // The lock is the truth; the row only says who holds it, for people and for `gameday store`.
        await this.run('INSERT INTO work_holders (work, room, since) VALUES (?, ?, ?) ON CONFLICT (work) DO UPDATE SET room = excluded.room, since = excluded.since', [
          work,
          holder,
          new Date().toISOString(),
        ]).catch(() => undefined);
        return true;
      },
      stillHeld: async () => {
        if (!client) return false;
        try {
          await client.query('SELECT 1');
          return true;
        } catch {
          await drop();
          return false;
        }
      },
      release: async () => {
        await this.run('DELETE FROM work_holders WHERE work = ? AND room = ?', [work, holder]).catch(() => undefined);
        // Ending the session releases its advisory locks.
        await drop();
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const listener = this.listener;
    this.listener = undefined;
    if (listener) await (await listener.catch(() => undefined))?.end().catch(() => undefined);
    await Promise.all([...this.locks].map((client) => client.end().catch(() => undefined)));
    await this.pool.end();
  }

  /** One connection for every LISTEN; when it breaks it is opened again and every subscriber is told to re-read. */
  private listenClient(): Promise<pg.Client> {
    this.listener ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, types, application_name: 'gameday listen' });
      client.on('notification', (message) => {
        const channel = message.channel.replace(/^gameday_/, '') as Channel;
        for (const listener of this.listeners.get(channel) ?? []) listener(message.payload);
      });
      client.on('error', () => {
        this.listener = undefined;
        client.end().catch(() => undefined);
        if (!this.closed) setTimeout(() => void this.relisten(), 500).unref();
      });
      await client.connect();
      return client;
    })();
    return this.listener;
  }

  private async relisten(): Promise<void> {
    if (this.closed) return;
    try {
      const client = await this.listenClient();
      for (const channel of this.listeners.keys()) await client.query(`LISTEN gameday_${channel}`);
      for (const [, set] of this.listeners) for (const listener of set) listener(undefined);
    } catch {
      this.listener = undefined;
      setTimeout(() => void this.relisten(), 1000).unref();
    }
  }
}

function clientQueries(client: pg.PoolClient): Queryable {
  return {
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => (await client.query(numbered(sql), params as SqlValue[])).rows as T[],
    get: async <T>(sql: string, params: readonly SqlValue[] = []) => (await client.query(numbered(sql), params as SqlValue[])).rows[0] as T | undefined,
    run: async (sql, params = []) => ({ changes: (await client.query(numbered(sql), params as SqlValue[])).rowCount ?? 0 }),
    exec: async (sql) => void (await client.query(sql)),
  };
}

const numberedCache = new Map<string, string>();

/** `?` → `$1, $2 …`, outside quoted strings and identifiers. */
export function numbered(sql: string): string {
  let cached = numberedCache.get(sql);
  if (cached !== undefined) return cached;
  let n = 0;
  let quote: string | undefined;
  let out = '';
  for (const char of sql) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '?') {
      out += `$${++n}`;
      continue;
    }
    out += char;
  }
  cached = out;
  if (numberedCache.size < 1000) numberedCache.set(sql, cached);
  return cached;
}

/** A stable 31-bit key for a work name (FNV-1a). */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193);
  return hash & 0x7fffffff;
}
