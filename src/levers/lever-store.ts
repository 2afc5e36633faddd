import { inTransaction, type Store } from '../store/database.js';
import type { AuditEntry, Lever, LeverAction, LeverDeclaration, LeverState } from './lever.js';

// The levers' tables in the shared store. The audit trail is append-only: a review after an incident
// must be able to trust that "who pulled what, when and why" was never rewritten.

const schema = `
CREATE TABLE IF NOT EXISTS levers (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL,
  critical_path TEXT,
  state TEXT NOT NULL CHECK (state IN ('pulled', 'reset')),
  changed_by TEXT,
  reason TEXT,
  changed_at TEXT,
  -- The lease holding the current state, its owner, and the state to go back to when it ends.
  lease_id TEXT,
  lease_owner TEXT,
  lease_restores TEXT CHECK (lease_restores IN ('pulled', 'reset')),
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lever_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  lever TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('declare', 'pull', 'reset')),
  by TEXT NOT NULL,
  reason TEXT NOT NULL,
  changed INTEGER NOT NULL,
  lease_id TEXT,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lever_audit_by_lever ON lever_audit (lever, seq);
`;

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
}

export class LeverStore {
  constructor(private readonly db: Store) {
    db.exec(schema);
  }

  /** Adds a lever (reset) or updates its description; never touches its state. */
  declare(declaration: LeverDeclaration, at: string): boolean {
    const existed = this.db.prepare('SELECT 1 FROM levers WHERE name = ?').get(declaration.name) !== undefined;
    this.db
      .prepare(
        `INSERT INTO levers (name, description, critical_path, state, created_at) VALUES (?, ?, ?, 'reset', ?)
         ON CONFLICT (name) DO UPDATE SET description = excluded.description, critical_path = excluded.critical_path`,
      )
      .run(declaration.name, declaration.description, declaration.critical_path ?? null, at);
    return !existed;
  }

  get(name: string): Lever | undefined {
    const row = this.db.prepare('SELECT * FROM levers WHERE name = ?').get(name) as LeverRow | undefined;
    return row && toLever(row);
  }

  list(): Lever[] {
    return (this.db.prepare('SELECT * FROM levers ORDER BY name').all() as LeverRow[]).map(toLever);
  }

  names(): string[] {
    return (this.db.prepare('SELECT name FROM levers ORDER BY name').all() as Array<{ name: string }>).map((row) => row.name);
  }

  /** The lease each held lever is under, to undo holds that a restart orphaned. */
  held(): Array<{ name: string } & HeldState> {
    const rows = this.db
      .prepare('SELECT name, lease_id, lease_owner, lease_restores FROM levers WHERE lease_id IS NOT NULL')
      .all() as LeverRow[];
    return rows.map((row) => ({ name: row.name, leaseId: row.lease_id!, leaseOwner: row.lease_owner ?? 'unknown', restores: row.lease_restores ?? 'reset' }));
  }

  /**
   * Appends the audit entry and, when `writeRow`, sets the state and its hold, in one transaction.
   * `changed` says whether the state moved; a row may be written without a move (a human takes over a leased pull).
   */
  change(change: StateChange, action: LeverAction, changed: boolean, writeRow: boolean): AuditEntry {
    return inTransaction(this.db, (): AuditEntry => {
      if (writeRow) {
        this.db
          .prepare(
            `UPDATE levers SET state = ?, changed_by = ?, reason = ?, changed_at = ?, lease_id = ?, lease_owner = ?, lease_restores = ?
             WHERE name = ?`,
          )
          .run(change.state, change.by, change.reason, change.at, change.held?.leaseId ?? null, change.held?.leaseOwner ?? null, change.held?.restores ?? null, change.name);
      }
      return this.append(change.name, action, change.by, change.reason, changed, change.held?.leaseId ?? null, change.at);
    });
  }

  append(lever: string, action: LeverAction, by: string, reason: string, changed: boolean, leaseId: string | null, at: string): AuditEntry {
    const info = this.db
      .prepare('INSERT INTO lever_audit (lever, action, by, reason, changed, lease_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(lever, action, by, reason, changed ? 1 : 0, leaseId, at);
    return { seq: Number(info.lastInsertRowid), lever, action, by, reason, changed, lease: leaseId, at };
  }

  /** Newest first; `lever` narrows to one lever. */
  audit(options: { lever?: string; limit?: number } = {}): AuditEntry[] {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 10_000);
    const rows = (
      options.lever
        ? this.db.prepare('SELECT * FROM lever_audit WHERE lever = ? ORDER BY seq DESC LIMIT ?').all(options.lever, limit)
        : this.db.prepare('SELECT * FROM lever_audit ORDER BY seq DESC LIMIT ?').all(limit)
    ) as AuditRow[];
    return rows.map((row) => ({ ...row, changed: row.changed === 1, lease: row.lease_id })).map(({ lease_id: _, ...entry }) => entry);
  }

  lastSeq(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM lever_audit').get() as { seq: number }).seq;
  }
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
