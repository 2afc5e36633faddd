import type { Queryable, Store, Transaction } from '../store/engine.js';
import type { Capability } from '../store/migrations.js';
import type { AuditEntry, Lever, LeverAction, LeverDeclaration, LeverState } from './lever.js';

// The levers' tables in the shared store. The audit trail is append-only: a review after an incident
// must be able to trust that "who pulled what, when and why" was never rewritten. The leases that hold
// lever changes live here too, so that every control room on one store sees them and any of them can
// expire them (lever-leases.ts).

export const leversCapability: Capability = {
  name: 'levers',
  migrations: [
    {
      version: 1,
      name: 'levers and their audit trail',
      // As shipped before migrations existed (IF NOT EXISTS adopts those stores).
      sql: (d) => `
CREATE TABLE IF NOT EXISTS levers (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  critical_path TEXT,
  state TEXT NOT NULL CHECK (state IN ('pulled', 'reset')),
  changed_by TEXT,
  reason TEXT,
  changed_at TEXT,
  lease_id TEXT,
  lease_owner TEXT,
  lease_restores TEXT CHECK (lease_restores IN ('pulled', 'reset')),
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lever_audit (
  seq ${d.serialKey},
  lever TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('declare', 'pull', 'reset')),
  by TEXT NOT NULL,
  reason TEXT NOT NULL,
  changed INTEGER NOT NULL,
  lease_id TEXT,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lever_audit_by_lever ON lever_audit (lever, seq);`,
    },
    {
      version: 2,
      name: 'lever leases in the store, seen by every control room',
      // row_written: whether the entry changed the lever's row (its state or its hold); the push channel
      // sends those, not attempts that found the lever already so.
      sql: (d) => `
CREATE TABLE lever_leases (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  ttl_ms INTEGER NOT NULL,
  expires_at ${d.bigint} NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX lever_leases_expiry ON lever_leases (expires_at);
ALTER TABLE lever_audit ADD COLUMN row_written INTEGER NOT NULL DEFAULT 1;`,
    },
    {
      version: 3,
      name: 'where each lever change came from (address and user agent)',
      sql: () => `ALTER TABLE lever_audit ADD COLUMN from_where TEXT;`,
    },
  ],
};

interface LeverRow {
  name: string;
  description: string;
  critical_path: string | null;
  state: LeverState;
  changed_by: string | null;
  reason: string | null;
  changed_at: string | null;
  lease_id: string | null;
  lease_owner: string | null;
  lease_restores: LeverState | null;
}

interface AuditRow {
  seq: number;
  lever: string;
  action: LeverAction;
  by: string;
  reason: string;
  changed: number;
  lease_id: string | null;
  at: string;
  row_written: number;
  from_where: string | null;
}

export interface HeldState {
  leaseId: string;
  leaseOwner: string;
  restores: LeverState;
}

export interface StateChange {
  name: string;
  state: LeverState;
  by: string;
  reason: string;
  at: string;
  held: HeldState | null;
  /** Where the request came from (address, user agent), when a request made it. */
  from?: string | null;
}

export interface LeaseRow {
  id: string;
  owner: string;
  ttl_ms: number;
  expires_at: number;
  created_at: string;
}

/** An audit entry and whether it changed the lever's row (what the push channel sends). */
export type AuditRecord = AuditEntry & { rowWritten: boolean };

export class LeverStore {
  /** `db` is the store, or one transaction of it (see `write`). */
  constructor(private readonly db: Queryable, private readonly store?: Store) {}

  /** Runs `work` in one write transaction: a read-then-write by two control rooms never interleaves. */
  write<T>(work: (levers: LeverStore, tx: Transaction) => Promise<T>): Promise<T> {
    if (!this.store) throw new Error('LeverStore.write: already inside a transaction');
    return this.store.transaction((tx) => work(new LeverStore(tx), tx));
  }

  /** Adds a lever (reset) or updates its description; never touches its state. Returns whether it is new. */
  async declare(declaration: LeverDeclaration, at: string): Promise<boolean> {
    const existed = (await this.db.get('SELECT 1 AS one FROM levers WHERE name = ?', [declaration.name])) !== undefined;
    await this.db.run(
      `INSERT INTO levers (name, description, critical_path, state, created_at) VALUES (?, ?, ?, 'reset', ?)
       ON CONFLICT (name) DO UPDATE SET description = excluded.description, critical_path = excluded.critical_path`,
      [declaration.name, declaration.description, declaration.critical_path ?? null, at],
    );
    return !existed;
  }

  async get(name: string): Promise<Lever | undefined> {
    const row = await this.db.get<LeverRow>('SELECT * FROM levers WHERE name = ?', [name]);
    return row && toLever(row);
  }

  async list(): Promise<Lever[]> {
    return (await this.db.all<LeverRow>('SELECT * FROM levers ORDER BY name')).map(toLever);
  }

  async names(): Promise<string[]> {
    return (await this.db.all<{ name: string }>('SELECT name FROM levers ORDER BY name')).map((row) => row.name);
  }

  /** The lease each held lever is under; narrowed to one lease with `leaseId`. */
  async held(leaseId?: string): Promise<Array<{ name: string; state: LeverState } & HeldState>> {
    const rows = await this.db.all<LeverRow>(
      `SELECT name, state, lease_id, lease_owner, lease_restores FROM levers WHERE lease_id IS NOT NULL${leaseId === undefined ? '' : ' AND lease_id = ?'} ORDER BY name`,
      leaseId === undefined ? [] : [leaseId],
    );
    return rows.map((row) => ({ name: row.name, state: row.state, leaseId: row.lease_id!, leaseOwner: row.lease_owner ?? 'unknown', restores: row.lease_restores ?? 'reset' }));
  }

  /** The hold on one lever, if its state is held under a lease. */
  async holdOf(name: string): Promise<HeldState | null> {
    const row = await this.db.get<LeverRow>('SELECT lease_id, lease_owner, lease_restores FROM levers WHERE name = ?', [name]);
    return row?.lease_id ? { leaseId: row.lease_id, leaseOwner: row.lease_owner ?? 'unknown', restores: row.lease_restores ?? 'reset' } : null;
  }

  /** Appends the audit entry and, when `writeRow`, sets the state and its hold. Call it inside `write`. */
  async change(change: StateChange, action: LeverAction, changed: boolean, writeRow: boolean): Promise<AuditRecord> {
    if (writeRow) {
      await this.db.run(
        `UPDATE levers SET state = ?, changed_by = ?, reason = ?, changed_at = ?, lease_id = ?, lease_owner = ?, lease_restores = ? WHERE name = ?`,
        [change.state, change.by, change.reason, change.at, change.held?.leaseId ?? null, change.held?.leaseOwner ?? null, change.held?.restores ?? null, change.name],
      );
    }
    return this.append(change.name, action, change.by, change.reason, changed, change.held?.leaseId ?? null, change.at, writeRow, change.from ?? null);
  }

  async append(
    lever: string,
    action: LeverAction,
    by: string,
    reason: string,
    changed: boolean,
    leaseId: string | null,
    at: string,
    rowWritten = true,
    from: string | null = null,
  ): Promise<AuditRecord> {
    const row = await this.db.get<{ seq: number }>(
      'INSERT INTO lever_audit (lever, action, by, reason, changed, lease_id, at, row_written, from_where) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq',
      [lever, action, by, reason, changed ? 1 : 0, leaseId, at, rowWritten ? 1 : 0, from],
    );
    return { seq: Number(row!.seq), lever, action, by, reason, changed, lease: leaseId, at, from, rowWritten };
  }

  /** Newest first; `lever` narrows to one lever. */
  async audit(options: { lever?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 10_000);
    const rows = options.lever
      ? await this.db.all<AuditRow>('SELECT * FROM lever_audit WHERE lever = ? ORDER BY seq DESC LIMIT ?', [options.lever, limit])
      : await this.db.all<AuditRow>('SELECT * FROM lever_audit ORDER BY seq DESC LIMIT ?', [limit]);
    return rows.map((row) => {
      const { rowWritten: _, ...entry } = toRecord(row);
      return entry;
    });
  }

  /** Every entry after `seq`, oldest first: how a control room learns what the others changed. */
  async auditAfter(seq: number, limit = 1000): Promise<AuditRecord[]> {
    return (await this.db.all<AuditRow>('SELECT * FROM lever_audit WHERE seq > ? ORDER BY seq LIMIT ?', [seq, limit])).map(toRecord);
  }

  async lastSeq(): Promise<number> {
    return Number((await this.db.get<{ seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM lever_audit'))!.seq);
  }

  // Leases (lever-leases.ts decides; these only read and write rows).

  async lease(id: string): Promise<LeaseRow | undefined> {
    return this.db.get<LeaseRow>('SELECT * FROM lever_leases WHERE id = ?', [id]);
  }

  async leases(): Promise<LeaseRow[]> {
    return this.db.all<LeaseRow>('SELECT * FROM lever_leases ORDER BY created_at, id');
  }

  async lapsedLeases(nowMs: number): Promise<string[]> {
    return (await this.db.all<{ id: string }>('SELECT id FROM lever_leases WHERE expires_at <= ? ORDER BY expires_at', [nowMs])).map((row) => row.id);
  }

  async insertLease(lease: LeaseRow): Promise<void> {
    await this.db.run('INSERT INTO lever_leases (id, owner, ttl_ms, expires_at, created_at) VALUES (?, ?, ?, ?, ?)', [
      lease.id,
      lease.owner,
      lease.ttl_ms,
      lease.expires_at,
      lease.created_at,
    ]);
  }

  /** Pushes a live lease's expiry forward; false when it is gone or already lapsed (its changes are being undone). */
  async renewLease(id: string, nowMs: number): Promise<boolean> {
    return (await this.db.run('UPDATE lever_leases SET expires_at = CAST(? AS BIGINT) + ttl_ms WHERE id = ? AND expires_at > ?', [nowMs, id, nowMs])).changes > 0;
  }

  async deleteLease(id: string): Promise<void> {
    await this.db.run('DELETE FROM lever_leases WHERE id = ?', [id]);
  }
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    seq: Number(row.seq),
    lever: row.lever,
    action: row.action,
    by: row.by,
    reason: row.reason,
    changed: row.changed === 1,
    lease: row.lease_id,
    at: row.at,
    from: row.from_where ?? null,
    rowWritten: row.row_written === 1,
  };
}

function toLever(row: LeverRow): Lever {
  return {
    name: row.name,
    description: row.description,
    ...(row.critical_path ? { critical_path: row.critical_path } : {}),
    state: row.state,
    changed_by: row.changed_by,
    reason: row.reason,
    changed_at: row.changed_at,
    lease: row.lease_id ? { id: row.lease_id, owner: row.lease_owner ?? 'unknown' } : null,
  };
}
