import type { Store } from './database.js';

// The history of runs, and the leases each live run holds. A run writes its leases here the moment it takes
// them, so `gameday halt` — another process — can release them even when the run itself is wedged.

export interface RunRecord {
  id: string;
  title: string;
  file: string;
  startedAt: string;
  endedAt: string | null;
  verdict: string | null;
  exitCode: number | null;
  folder: string;
  pid: number;
  /** running → ended, or running → halted (by `gameday halt`). */
  status: 'running' | 'ended' | 'halted';
}

export interface RunLeaseRecord {
  runId: string;
  controlUrl: string;
  leaseId: string;
  token: string | null;
}

export class RunStore {
  constructor(private readonly db: Store) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS runs (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        file TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        verdict TEXT,
        exit_code INTEGER,
        folder TEXT NOT NULL,
        pid INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'running',
        journal TEXT
      );
      CREATE INDEX IF NOT EXISTS runs_started ON runs (started_at);
      CREATE TABLE IF NOT EXISTS run_leases (
        run_id TEXT NOT NULL REFERENCES runs (id),
        control_url TEXT NOT NULL,
        lease_id TEXT NOT NULL,
        token TEXT,
        PRIMARY KEY (run_id, control_url, lease_id)
      );
    `);
  }

  recordStart(run: { id: string; title: string; file: string; folder: string; startedAt: string; pid: number }): void {
    this.db
      .prepare('INSERT INTO runs (id, title, file, started_at, folder, pid, status) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(run.id, run.title, run.file, run.startedAt, run.folder, run.pid, 'running');
  }

  recordLease(lease: RunLeaseRecord): void {
    this.db
      .prepare('INSERT OR IGNORE INTO run_leases (run_id, control_url, lease_id, token) VALUES (?, ?, ?, ?)')
      .run(lease.runId, lease.controlUrl, lease.leaseId, lease.token);
  }

  /** Records the end of a run; a run that was halted keeps its `halted` status beside its verdict. */
  recordEnd(id: string, end: { endedAt: string; verdict: string; exitCode: number; journal: unknown }): void {
    this.db
      .prepare(`UPDATE runs SET ended_at = ?, verdict = ?, exit_code = ?, journal = ?, status = CASE status WHEN 'halted' THEN 'halted' ELSE 'ended' END WHERE id = ?`)
      .run(end.endedAt, end.verdict, end.exitCode, JSON.stringify(end.journal), id);
  }

  active(): RunRecord[] {
    return this.select(`WHERE status = 'running' ORDER BY started_at`);
  }

  leasesOf(runId: string): RunLeaseRecord[] {
    return (this.db.prepare('SELECT run_id, control_url, lease_id, token FROM run_leases WHERE run_id = ?').all(runId) as Record<string, string | null>[]).map(
      (row) => ({ runId: row.run_id!, controlUrl: row.control_url!, leaseId: row.lease_id!, token: row.token }),
    );
  }

  /** The run's status as the store has it; a run polls this to notice `gameday halt` before it takes a lease. */
  statusOf(runId: string): RunRecord['status'] | undefined {
    const row = this.db.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as { status: RunRecord['status'] } | undefined;
    return row?.status;
  }

  markHalted(runId: string): void {
    this.db.prepare(`UPDATE runs SET status = 'halted' WHERE id = ?`).run(runId);
  }

  recent(limit = 20): RunRecord[] {
    return this.select(`ORDER BY started_at DESC LIMIT ${Math.max(1, Math.floor(limit))}`);
  }

  get(id: string): RunRecord | undefined {
    return this.select('WHERE id = ?', id)[0];
  }

  journal(id: string): unknown {
    const row = this.db.prepare('SELECT journal FROM runs WHERE id = ?').get(id) as { journal: string | null } | undefined;
    return row?.journal ? JSON.parse(row.journal) : undefined;
  }

  private select(tail: string, ...args: unknown[]): RunRecord[] {
    const rows = this.db
      .prepare(`SELECT id, title, file, started_at, ended_at, verdict, exit_code, folder, pid, status FROM runs ${tail}`)
      .all(...args) as Record<string, unknown>[];
    return rows.map((row) => ({
      id: row.id as string,
      title: row.title as string,
      file: row.file as string,
      startedAt: row.started_at as string,
      endedAt: (row.ended_at as string | null) ?? null,
      verdict: (row.verdict as string | null) ?? null,
      exitCode: (row.exit_code as number | null) ?? null,
      folder: row.folder as string,
      pid: row.pid as number,
      status: row.status as RunRecord['status'],
    }));
  }
}
