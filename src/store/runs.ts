import { hostname } from 'node:os';
import type { Queryable, Store } from './engine.js';
import type { Capability } from './migrations.js';

// The history of runs, and the leases each live run holds. A run writes its leases here the moment it takes
// them, so `gameday halt` — another process — can release them even when the run itself is wedged.

export const runsCapability: Capability = {
  name: 'runs',
  migrations: [
    {
      version: 1,
      name: 'runs and the leases they hold',
      // As shipped before migrations existed (IF NOT EXISTS adopts those stores).
      sql: () => `
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
);`,
    },
    {
      version: 2,
      name: 'the host each run runs on',
      // With a shared store, a run's pid means something only on its own host.
      sql: () => `ALTER TABLE runs ADD COLUMN host TEXT;`,
    },
  ],
};

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
  /** Where the run's process runs (null for runs recorded before gameday knew). */
  host: string | null;
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
  constructor(private readonly db: Queryable & Pick<Store, 'transaction'>) {}

  async recordStart(run: { id: string; title: string; file: string; folder: string; startedAt: string; pid: number }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('INSERT INTO runs (id, title, file, started_at, folder, pid, host, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        run.id,
        run.title,
        run.file,
        run.startedAt,
        run.folder,
        run.pid,
        hostname(),
        'running',
      ]);
      // A dashboard's run list learns of the new run without polling.
      tx.notify('runs', run.id);
    });
  }

  async recordLease(lease: RunLeaseRecord): Promise<void> {
    await this.db.run('INSERT INTO run_leases (run_id, control_url, lease_id, token) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
      lease.runId,
      lease.controlUrl,
      lease.leaseId,
      lease.token,
    ]);
  }

  /** Records the end of a run; a run that was halted keeps its `halted` status beside its verdict. */
  async recordEnd(id: string, end: { endedAt: string; verdict: string; exitCode: number; journal: unknown }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run(
        `UPDATE runs SET ended_at = ?, verdict = ?, exit_code = ?, journal = ?, status = CASE status WHEN 'halted' THEN 'halted' ELSE 'ended' END WHERE id = ?`,
        [end.endedAt, end.verdict, end.exitCode, JSON.stringify(end.journal), id],
      );
      // Followers of the run's journal and samples learn that it is complete, and run lists that it ended.
      tx.notify('journal', id);
      tx.notify('samples', id);
      tx.notify('runs', id);
    });
  }

  active(): Promise<RunRecord[]> {
    return this.select(`WHERE status = 'running' ORDER BY started_at`);
  }

  async leasesOf(runId: string): Promise<RunLeaseRecord[]> {
    const rows = await this.db.all<Record<string, string | null>>('SELECT run_id, control_url, lease_id, token FROM run_leases WHERE run_id = ?', [runId]);
    return rows.map((row) => ({ runId: row.run_id!, controlUrl: row.control_url!, leaseId: row.lease_id!, token: row.token }));
  }

  /** The run's status as the store has it; a run polls this to notice `gameday halt` before it takes a lease. */
  async statusOf(runId: string): Promise<RunRecord['status'] | undefined> {
    return (await this.db.get<{ status: RunRecord['status'] }>('SELECT status FROM runs WHERE id = ?', [runId]))?.status;
  }

  async markHalted(runId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run(`UPDATE runs SET status = 'halted' WHERE id = ?`, [runId]);
      tx.notify('runs', runId);
    });
  }

  recent(limit = 20): Promise<RunRecord[]> {
    return this.select('ORDER BY started_at DESC LIMIT ?', Math.max(1, Math.floor(limit)));
  }

  async get(id: string): Promise<RunRecord | undefined> {
    return (await this.select('WHERE id = ?', id))[0];
  }

  async journal(id: string): Promise<unknown> {
    const row = await this.db.get<{ journal: string | null }>('SELECT journal FROM runs WHERE id = ?', [id]);
    return row?.journal ? JSON.parse(row.journal) : undefined;
  }

  private async select(tail: string, ...args: Array<string | number>): Promise<RunRecord[]> {
    const rows = await this.db.all<Record<string, unknown>>(`SELECT id, title, file, started_at, ended_at, verdict, exit_code, folder, pid, host, status FROM runs ${tail}`, args);
    return rows.map((row) => ({
      id: row.id as string,
      title: row.title as string,
      file: row.file as string,
      startedAt: row.started_at as string,
      endedAt: (row.ended_at as string | null) ?? null,
      verdict: (row.verdict as string | null) ?? null,
      exitCode: (row.exit_code as number | null) ?? null,
      folder: row.folder as string,
      pid: Number(row.pid),
      host: (row.host as string | null) ?? null,
      status: row.status as RunRecord['status'],
    }));
  }
}
