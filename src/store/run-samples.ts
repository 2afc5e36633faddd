import { latencyFromJson, latencyToJson, type SliPoint } from '../experiment/sli.js';
import type { Store } from './engine.js';
import type { Capability } from './migrations.js';

// The SLI samples of live runs, load by load, as they are measured: the status page shows a drill from
// them (a `run` monitor) without a monitor of its own. The run writes them off its hot path — the load's
// sample callback only keeps a reference, a timer writes what gathered — and a store that is slow or down
// costs the status page its view of the drill, never the run its pace: journal.json keeps every sample.
// Times are wall-clock milliseconds, so a reader compares them with its own clock.

export const runSamplesCapability: Capability = {
  name: 'run-samples',
  migrations: [
    {
      version: 1,
      name: "live SLI samples of runs' loads",
      sql: (d) => `
CREATE TABLE run_samples (
  run_id TEXT NOT NULL REFERENCES runs (id),
  load TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at_ms ${d.bigint} NOT NULL,
  interval_ms INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  dropped INTEGER NOT NULL,
  latency TEXT NOT NULL,
  PRIMARY KEY (run_id, load, seq)
);
CREATE INDEX run_samples_at ON run_samples (at_ms);`,
    },
  ],
};

/** One sample of a run's load as the store holds it (atMs is wall-clock). */
export interface RunSample extends SliPoint {
  runId: string;
  load: string;
}

const FLUSH_MS = 250;
const BATCH = 200;
/** A store that stays down must not hold a long run's samples in memory: the oldest go (journal.json has them). */
const MAX_PENDING = 20_000;
const MAX_BACKOFF_MS = 5000;

export class RunSampleWriter {
  private readonly pending: Array<{ load: string; seq: number; point: SliPoint }> = [];
  private readonly seqs = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private failures = 0;
  private started = false;

  /** `wallMs(runMs)` turns the run's clock into wall-clock milliseconds. */
  constructor(
    private readonly store: Store,
    private readonly runId: string,
    private readonly wallMs: (runMs: number) => number,
  ) {}

  readonly add = (load: string, point: SliPoint): void => {
    const seq = (this.seqs.get(load) ?? 0) + 1;
    this.seqs.set(load, seq);
    this.pending.push({ load, seq, point });
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
    this.schedule(FLUSH_MS);
  };

  /** The run has its row in the store: samples may be written from now on. */
  start(): void {
    this.started = true;
    this.schedule(FLUSH_MS);
  }

  /** Writes what is left, for at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + timeoutMs;
    while (this.started && (this.pending.length > 0 || this.writing) && Date.now() < deadline) {
      if (this.writing) await this.writing;
      else await this.flush();
      if (this.failures > 0) break;
    }
  }

  private schedule(delay: number): void {
    if (!this.started || this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    this.timer.unref?.();
  }

  private async flush(): Promise<void> {
    if (this.writing || this.pending.length === 0) return;
    const batch = this.pending.slice(0, BATCH);
    const values: Array<string | number> = [];
    for (const { load, seq, point } of batch) {
      values.push(this.runId, load, seq, Math.round(this.wallMs(point.atMs)), Math.round(point.intervalMs), point.ok, point.errors, point.dropped, latencyToJson(point.latency));
    }
    const rows = batch.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    this.writing = this.store
      .run(`INSERT INTO run_samples (run_id, load, seq, at_ms, interval_ms, ok, errors, dropped, latency) VALUES ${rows} ON CONFLICT DO NOTHING`, values)
      .then(
        () => {
          // Only what was written goes: samples dropped meanwhile (MAX_PENDING) were the oldest, before these.
          const first = this.pending.indexOf(batch[0]);
          this.pending.splice(0, first < 0 ? 0 : first + batch.length);
          this.failures = 0;
        },
        () => void this.failures++,
      );
    await this.writing;
    this.writing = undefined;
    if (this.pending.length > 0) this.schedule(this.failures === 0 ? 0 : Math.min(MAX_BACKOFF_MS, 100 * 2 ** this.failures));
  }
}

/** Samples of live runs' loads since `sinceMs` (wall clock), for the status page. */
export async function runSamplesSince(store: Pick<Store, 'all'>, sinceMs: number): Promise<RunSample[]> {
  const rows = await store.all<Record<string, unknown>>(
    `SELECT s.run_id, s.load, s.at_ms, s.interval_ms, s.ok, s.errors, s.dropped, s.latency FROM run_samples s JOIN runs r ON r.id = s.run_id
     WHERE s.at_ms > ? AND r.status = 'running' ORDER BY s.at_ms`,
    [sinceMs],
  );
  return rows.map((row) => ({
    runId: row.run_id as string,
    load: row.load as string,
    atMs: Number(row.at_ms),
    intervalMs: Number(row.interval_ms),
    ok: Number(row.ok),
    errors: Number(row.errors),
    dropped: Number(row.dropped),
    latency: latencyFromJson(row.latency as string),
  }));
}

/** Samples of runs are live summaries; journal.json keeps them for good. Older ones go. */
export async function pruneRunSamples(store: Pick<Store, 'run'>, beforeMs: number): Promise<number> {
  return (await store.run('DELETE FROM run_samples WHERE at_ms < ?', [beforeMs])).changes;
}
