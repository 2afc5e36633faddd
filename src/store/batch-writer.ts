// Puts what a run produces (journal events, SLI samples, SLO checks) into the store as it happens, off
// the hot path: `add` only keeps a reference (the run keeps every item for journal.json anyway, so a
// backlog costs a pointer per item, never a copy) and a timer writes what has gathered, one batch in
// flight at a time, at most BATCH items a transaction. When the store is slow the batches grow; when it
// is unreachable the writer retries with backoff and nothing is dropped: items are written in order,
// each exactly once (a batch carries its first sequence number, and the store ignores a seq it already
// has, so a retried batch cannot be stored twice). At the end of the run `drain` waits a bounded time and
// reports how many items did not make it, so a store that was down is said out loud, never lost in
// silence; journal.json holds everything in any case.

/** Items gather this long before they are written: ten small transactions a second at most. */
const FLUSH_MS = 100;
/** The most items one transaction writes. */
const BATCH = 500;
const MAX_BACKOFF_MS = 5000;

export interface DrainResult {
  written: number;
  /** Items that did not reach the store before the deadline (0 when all did). */
  unwritten: number;
  error?: Error;
}

/** Writes `batch` as seq `firstSeq`, `firstSeq + 1` …; writing a seq that is already there must change nothing. */
export type BatchSink<T> = (firstSeq: number, batch: readonly T[]) => Promise<void>;

export class BatchWriter<T> {
  private readonly pending: T[] = [];
  /** The seq of pending[0]. */
  private nextSeq = 1;
  private started = false;
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private failures = 0;
  private lastError?: Error;
  private idle: Array<() => void> = [];

  constructor(
    private readonly sink: BatchSink<T>,
    private readonly onFailure: (error: Error, pending: number) => void = () => undefined,
  ) {}

  /** Called for every item, in order, from the first one. */
  readonly add = (item: T): void => {
    this.pending.push(item);
    this.schedule();
  };

  /** The run has its row in the store: items may be written from now on (those gathered so far first). */
  start(): void {
    this.started = true;
    this.schedule();
  }

  /** Waits until every item so far is written, or `timeoutMs` passes. */
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
    this.writing = this.sink(firstSeq, batch).then(
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
