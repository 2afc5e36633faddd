import type { EventRecord } from '../journal/events.js';
import type { Queryable, Store } from './engine.js';
import type { Capability } from './migrations.js';
import { followRun, type FollowOptions } from './follow.js';

// The journal of every run, event by event, as it happens: a dashboard, an incident timeline or another
// terminal follows a run through the store without talking to the run. Each event has the run's id and
// its sequence number in the run (1, 2, 3 … — its place in journal.json's `events`), so a reader asks for
// "events of run R after N" and never misses one or sees one twice.

export const journalCapability: Capability = {
  name: 'journal',
  migrations: [
    {
      version: 1,
      name: 'journal events of runs, appended as they happen',
      sql: () => `
CREATE TABLE journal_events (
  run_id TEXT NOT NULL REFERENCES runs (id),
  seq INTEGER NOT NULL,
  at_ms DOUBLE PRECISION NOT NULL,
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  message TEXT NOT NULL,
  data TEXT,
  PRIMARY KEY (run_id, seq)
);`,
    },
  ],
};

/** Events as the store holds them: of this journal version or an older one (a follower shows what it does not know). */
export type StoredJournalEvent = EventRecord & { seq: number };

interface EventRow {
  seq: number;
  at_ms: number;
  at: string;
  type: string;
  message: string;
  data: string | null;
}

/** A reader follows a run in pages of at most this many events. */
const PAGE = 1000;

export class JournalEventStore {
  constructor(private readonly store: Store) {}

  /**
   * Appends `events` as seq `firstSeq`, `firstSeq + 1` … in one transaction, and tells followers. Writing a
   * seq that is already there changes nothing, so a batch retried after a lost answer is never stored twice.
   */
  async append(runId: string, firstSeq: number, events: readonly EventRecord[]): Promise<void> {
    if (events.length === 0) return;
    const values: Array<string | number | null> = [];
    events.forEach((event, index) => {
      values.push(runId, firstSeq + index, event.atMs, event.at, event.type, event.message, event.data === undefined ? null : JSON.stringify(event.data));
    });
    const rows = events.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
    await this.store.transaction(async (tx) => {
      await tx.run(`INSERT INTO journal_events (run_id, seq, at_ms, at, type, message, data) VALUES ${rows} ON CONFLICT DO NOTHING`, values);
      tx.notify('journal', runId);
    });
  }

  /** Events of run `runId` after seq `after`, in order, at most `limit`. */
  async eventsAfter(runId: string, after: number, limit = PAGE): Promise<StoredJournalEvent[]> {
    return (await eventsAfter(this.store, runId, after, limit)).map(toEvent);
  }

  async lastSeq(runId: string): Promise<number> {
    return Number((await this.store.get<{ seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM journal_events WHERE run_id = ?', [runId]))!.seq);
  }

  /**
   * Every event of run `runId` after `after`, in pages, as they arrive; ends once the run has recorded its
   * end and every event is read (or when `signal` aborts). See follow.ts.
   */
  follow(runId: string, options: FollowOptions = {}): AsyncGenerator<StoredJournalEvent[]> {
    return followRun(this.store, 'journal', runId, (after, limit) => this.eventsAfter(runId, after, limit), options);
  }
}

function eventsAfter(db: Queryable, runId: string, after: number, limit: number): Promise<EventRow[]> {
  return db.all<EventRow>('SELECT seq, at_ms, at, type, message, data FROM journal_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?', [runId, after, limit]);
}

function toEvent(row: EventRow): StoredJournalEvent {
  return {
    seq: Number(row.seq),
    atMs: Number(row.at_ms),
    at: row.at,
    type: row.type,
    message: row.message,
    ...(row.data === null ? {} : { data: JSON.parse(row.data) as Record<string, unknown> }),
  };
}
