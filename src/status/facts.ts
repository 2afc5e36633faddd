import type { Queryable, Store } from '../store/engine.js';
import { isStatus, type DeclarableStatus, type Declaration, type Status } from './status.js';

// The facts of the status page, appended and never rewritten (STYLE §9): every change of a component's
// shown status, with the SLI and the source that caused it, and every declaration a person made. Each
// change is announced on the store's `status` channel; the incidents module (issue 13) reads them with
// `changes()` and declares incidents from them.

export interface StatusChange {
  seq: number;
  component: string;
  /** null for a component's first status. */
  from: Status | null;
  to: Status;
  /** ISO time, milliseconds. */
  at: string;
  atMs: number;
  /** Who or what: "monitor shop-page", "run 20261130-…", "alice", "control room (monitors stopped)". */
  source: string;
  /** The SLI behind it, in words ("availability 97.2% over 1m"); null for a person's declaration. */
  sli: string | null;
}

export type NewStatusChange = Omit<StatusChange, 'seq' | 'at'>;

export interface StoredDeclaration extends Declaration {
  seq: number;
  component: string;
  atMs: number;
  cleared: boolean;
}

export interface ChangeRow {
  seq: number;
  component: string;
  from_status: string | null;
  to_status: string;
  at_ms: number;
  at: string;
  source: string;
  sli: string | null;
}

export const CHANGE_COLUMNS = 'seq, component, from_status, to_status, at_ms, at, source, sli';

/**
 * The history reader the incidents module uses: appended status changes of `components` (all when
 * omitted) with fromMs <= at < toMs, oldest first.
 */
export async function changes(store: Pick<Queryable, 'all'>, options: { components?: readonly string[]; fromMs: number; toMs: number; limit?: number }): Promise<StatusChange[]> {
  const params: Array<string | number> = [options.fromMs, options.toMs];
  let filter = '';
  if (options.components) {
    if (options.components.length === 0) return [];
    filter = ` AND component IN (${options.components.map(() => '?').join(', ')})`;
    params.push(...options.components);
  }
  const rows = await store.all<ChangeRow>(`SELECT ${CHANGE_COLUMNS} FROM status_changes WHERE at_ms >= ? AND at_ms < ?${filter} ORDER BY at_ms, seq LIMIT ?`, [
    ...params,
    options.limit ?? 100_000,
  ]);
  return rows.map(changeOf);
}

export class StatusFacts {
  constructor(private readonly store: Store) {}

  /** The last change of every component: its status as last recorded. */
  async last(): Promise<Map<string, StatusChange>> {
    const rows = await this.store.all<ChangeRow>(
      `SELECT ${CHANGE_COLUMNS} FROM status_changes c WHERE seq = (SELECT MAX(seq) FROM status_changes WHERE component = c.component)`,
    );
    return new Map(rows.map((row) => [row.component, changeOf(row)]));
  }

  /** The newest changes (for feeds), newest first. */
  async recent(limit: number): Promise<StatusChange[]> {
    return (await this.store.all<ChangeRow>(`SELECT ${CHANGE_COLUMNS} FROM status_changes ORDER BY seq DESC LIMIT ?`, [limit])).map(changeOf);
  }

  /**
   * Appends changes in one transaction, queues one delivery per change for every webhook (so the one
   * control room that delivers sends each exactly once, whichever room it is), and announces them.
   */
  async append(news: readonly NewStatusChange[], webhooks: readonly string[]): Promise<StatusChange[]> {
    if (news.length === 0) return [];
    return this.store.transaction(async (tx) => {
      const appended: StatusChange[] = [];
      for (const change of news) {
        const at = new Date(change.atMs).toISOString();
        const row = await tx.get<{ seq: number }>('INSERT INTO status_changes (component, from_status, to_status, at_ms, at, source, sli) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq', [
          change.component,
          change.from,
          change.to,
          Math.round(change.atMs),
          at,
          change.source,
          change.sli,
        ]);
        const seq = Number(row!.seq);
        for (const webhook of webhooks) {
          await tx.run('INSERT INTO status_deliveries (change_seq, webhook, attempts, next_at_ms) VALUES (?, ?, 0, ?) ON CONFLICT DO NOTHING', [seq, webhook, Math.round(change.atMs)]);
        }
        appended.push({ ...change, seq, at });
        tx.notify('status', JSON.stringify({ seq, component: change.component, to: change.to }));
      }
      return appended;
    });
  }

  /** The declaration in force per component (the newest, unless it was a clearing). */
  async declarations(): Promise<Map<string, StoredDeclaration>> {
    const rows = await this.store.all<DeclarationRow>(
      'SELECT seq, component, status, message, author, at_ms, at, cleared FROM status_declarations d WHERE seq = (SELECT MAX(seq) FROM status_declarations WHERE component = d.component)',
    );
    return new Map(rows.map(declarationOf).filter((d) => !d.cleared).map((d) => [d.component, d]));
  }

  async recentDeclarations(limit: number): Promise<StoredDeclaration[]> {
    return (await this.store.all<DeclarationRow>('SELECT seq, component, status, message, author, at_ms, at, cleared FROM status_declarations ORDER BY seq DESC LIMIT ?', [limit])).map(declarationOf);
  }

  /** Appends what a person declared (the caller checked it against the SLIs) or cleared; announced like a change. */
  async declare(entry: { component: string; status: DeclarableStatus | null; message: string; author: string; cleared?: boolean }): Promise<StoredDeclaration> {
    const atMs = Date.now();
    const at = new Date(atMs).toISOString();
    return this.store.transaction(async (tx) => {
      const row = await tx.get<{ seq: number }>(
        'INSERT INTO status_declarations (component, status, message, author, at_ms, at, cleared) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq',
        [entry.component, entry.status, entry.message, entry.author, atMs, at, entry.cleared ? 1 : 0],
      );
      tx.notify('status', JSON.stringify({ declaration: Number(row!.seq), component: entry.component }));
      return { seq: Number(row!.seq), component: entry.component, status: entry.status, message: entry.message, author: entry.author, at, atMs, cleared: Boolean(entry.cleared) };
    });
  }
}

interface DeclarationRow {
  seq: number;
  component: string;
  status: string | null;
  message: string;
  author: string;
  at_ms: number;
  at: string;
  cleared: number;
}

function declarationOf(row: DeclarationRow): StoredDeclaration {
  return {
    seq: Number(row.seq),
    component: row.component,
    status: row.status as DeclarableStatus | null,
    message: row.message,
    author: row.author,
    at: row.at,
    atMs: Number(row.at_ms),
    cleared: Number(row.cleared) === 1,
  };
}

export function changeOf(row: ChangeRow): StatusChange {
  return {
    seq: Number(row.seq),
    component: row.component,
    from: isStatus(row.from_status) ? row.from_status : null,
    to: isStatus(row.to_status) ? row.to_status : 'no_data',
    at: row.at,
    atMs: Number(row.at_ms),
    source: row.source,
    sli: row.sli,
  };
}
