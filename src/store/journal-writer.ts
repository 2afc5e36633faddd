import type { EventRecord } from '../journal/events.js';
import type { Store } from './engine.js';
import { JournalEventStore } from './journal-events.js';

// Puts a run's journal events into the store as they happen, off the hot path: the journal's listener only
// keeps a reference to the event (the run keeps every event for journal.json anyway, so a backlog costs a
// pointer per event, never a copy) and a timer writes what has gathered, one batch in flight at a time,
// at most BATCH events a transaction. When the store is slow the batches grow; when it is unreachable the
// writer retries with backoff and nothing is dropped: events are written in order, each exactly once (a
// retried batch cannot be stored twice). At the end of the run `drain` waits a bounded time and reports
// how many events did not make it, so a store that was down is said out loud, never lost in silence;
// journal.json holds every event in any case.

/** Events gather this long before they are written: ten small transactions a second at most. */
const FLUSH_MS = 100;
/** The most events one transaction writes. */
const BATCH = 500;
const MAX_BACKOFF_MS = 5000;

export interface DrainResult {
  written: number;
  /** Events that did not reach the store before the deadline (0 when all did). */
  unwritten: number;
  error?: Error;
}

export class JournalWriter {
  private readonly events: JournalEventStore;
  private readonly pending: EventRecord[] = [];
  /** The seq of pending[0]. */
  private nextSeq = 1;
  private started = false;
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private failures = 0;
  private lastError?: Error;
  private idle: Array<() => void> = [];

  constructor(
    store: Store,
    private readonly runId: string,
    private readonly onFailure: (error: Error, pending: number) => void = () => undefined,
  ) {
    this.events = new JournalEventStore(store);
  }

  /** For the journal's listen(): called for every event, in order, from the first one. */
  readonly add = (event: EventRecord): void => {
    this.pending.push(event);
    this.schedule();
  };

  /** The run has its row in the store: events may be written from now on (those gathered so far first). */
  start(): void {
    this.started = true;
    this.schedule();
  }

  /** Waits until every event so far is written, or `timeoutMs` passes. */
  async drain(timeoutMs: number): Promise<DrainResult> {
    this.start();
    if (this.pending.length > 0 || this.writing) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idle.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    }
    const unwritten = this.pending.length;
    return { written: this.nextSeq - 1, unwritten, ...(unwritten > 0 && this.lastError ? { error: this.lastError } : {}) };
  }

  private schedule(delay = FLUSH_MS): void {
    if (!this.started || this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    this.timer.unref?.();
  }

  private async flush(): Promise<void> {
    if (this.writing || this.pending.length === 0) return this.settle();
    const batch = this.pending.slice(0, BATCH);
    const firstSeq = this.nextSeq;
    this.writing = this.events.append(this.runId, firstSeq, batch).then(
      () => {
        this.pending.splice(0, batch.length);
        this.nextSeq += batch.length;
        this.failures = 0;
      },
      (error: Error) => {
        this.failures++;
        this.lastError = error;
        if (this.failures === 1) this.onFailure(error, this.pending.length);
      },
    );
    await this.writing;
    this.writing = undefined;
    if (this.pending.length === 0) return this.settle();
    // More gathered meanwhile: write it at once while the store keeps up; back off while it fails.
    const retry = this.failures === 0 ? 0 : Math.min(MAX_BACKOFF_MS, 100 * 2 ** (this.failures - 1));
    if (this.idle.length > 0 && this.failures === 0) return this.flush();
    this.schedule(retry);
  }

  private settle(): void {
    if (this.pending.length > 0 || this.writing) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }
}
