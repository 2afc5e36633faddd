import { latencyFromJson, latencyToJson, type SliPoint } from '../experiment/sli.js';
import type { SliSample } from '../journal/format.js';
import { BatchWriter, type DrainResult } from './batch-writer.js';
import type { Store } from './engine.js';
import { followRun, type FollowOptions } from './follow.js';
import type { Capability } from './migrations.js';

// The live SLIs of every run, as they are measured: each SLI sample of each load and probe (rate, errors,
// latency percentiles from the intended send time), and every half second the run's own check of its
// hypothesis and guardrails over their trailing windows. A dashboard draws a run's charts from here, and
// a status monitor reads the SLIs a run publishes, without talking to the run. The finished run's
// journal (journal.json, runs.journal) keeps the same samples; these rows are how they travel live.
// An SLI over a window (a status monitor's p99 over a minute) needs more than a chart does: each sample's
// interval and latency buckets, merged (never percentiles averaged). Those sit beside the sample in
// run_sample_buckets while the run is live; they are large, so they go when the run ends (or a day on,
// for a run that never recorded its end).

export const runSamplesCapability: Capability = {
  name: 'run-samples',
  migrations: [
    {
      version: 1,
      name: 'live SLI samples and SLO checks of runs, appended as they are measured',
      sql: (d) => `
CREATE TABLE run_samples (
  run_id TEXT NOT NULL REFERENCES runs (id),
  seq INTEGER NOT NULL,
  at_ms DOUBLE PRECISION NOT NULL,
  at_epoch_ms ${d.bigint} NOT NULL,
  series TEXT NOT NULL,
  probe INTEGER NOT NULL,
  rate DOUBLE PRECISION NOT NULL,
  ok DOUBLE PRECISION NOT NULL,
  errors DOUBLE PRECISION NOT NULL,
  dropped DOUBLE PRECISION NOT NULL,
  error_rate DOUBLE PRECISION NOT NULL,
  p50 DOUBLE PRECISION NOT NULL,
  p99 DOUBLE PRECISION NOT NULL,
  max DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX run_samples_at ON run_samples (run_id, at_epoch_ms);
CREATE TABLE run_slo_checks (
  run_id TEXT NOT NULL REFERENCES runs (id),
  seq INTEGER NOT NULL,
  at_ms DOUBLE PRECISION NOT NULL,
  at_epoch_ms ${d.bigint} NOT NULL,
  checks TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);`,
    },
    {
      version: 2,
      name: "each live sample's interval and latency buckets, for SLIs over a window (status monitors)",
      sql: () => `
CREATE TABLE run_sample_buckets (
  run_id TEXT NOT NULL REFERENCES runs (id),
  seq INTEGER NOT NULL,
  interval_ms DOUBLE PRECISION NOT NULL,
  latency TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);`,
    },
  ],
};

/** What a windowed SLI needs of a sample beyond what the charts draw (src/experiment/sli.ts). */
export type SampleWindow = Pick<SliPoint, 'intervalMs' | 'latency'>;

/** A sample as a run publishes it: the journal's sample and, for windowed SLIs, its interval and buckets. */
export type PublishedSample = SliSample & { window?: SampleWindow };

/** A live run's sample of one load as a windowed SLI reads it; `atMs` is wall-clock here. */
export interface LiveRunSample extends SliPoint {
  runId: string;
  load: string;
}

/** One SLI sample as the store holds it: the journal's sample, its place in the run, and its wall-clock time. */
export type StoredSample = SliSample & { seq: number; atEpochMs: number };

/** A run's check of one objective of its hypothesis or one guardrail, over its trailing window, now. */
export interface SloCheck {
  kind: 'objective' | 'guardrail';
  name: string;
  /** What is measured, e.g. "browse p99 latency". */
  sli: string;
  /** As the experiment says it: ">= 99%", "<= 250ms". */
  expected: string;
  /** As people read it: "99.93%", "212ms", "no data". */
  measured: string;
  value: number | null;
  /** The objective is met / the guardrail is not breached. No data is never ok. */
  ok: boolean;
}

/** All the checks a run made at one moment. */
export interface SloCheckSet {
  seq: number;
  atMs: number;
  atEpochMs: number;
  checks: SloCheck[];
}

interface SampleRow {
  seq: number;
  at_ms: number;
  at_epoch_ms: number | string;
  series: string;
  probe: number;
  rate: number;
  ok: number;
  errors: number;
  dropped: number;
  error_rate: number;
  p50: number;
  p99: number;
  max: number;
}

const PAGE = 2000;
const COLUMNS = 'seq, at_ms, at_epoch_ms, series, probe, rate, ok, errors, dropped, error_rate, p50, p99, max';

export class RunSampleStore {
  constructor(private readonly store: Store) {}

  /** Appends samples as seq `firstSeq` …; a seq already there is left alone (a retried batch is stored once). */
  async append(runId: string, firstSeq: number, samples: readonly (PublishedSample & { atEpochMs: number })[]): Promise<void> {
    if (samples.length === 0) return;
    const values = samples.flatMap((s, i) => [
      runId, firstSeq + i, s.atMs, Math.round(s.atEpochMs), s.load, s.source === 'probe' ? 1 : 0, s.rate, s.ok, s.errors, s.dropped, s.errorRate, s.p50, s.p99, s.max,
    ]);
    const rows = samples.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    const windows = samples.flatMap((s, i) => (s.window ? [runId, firstSeq + i, s.window.intervalMs, latencyToJson(s.window.latency)] : []));
    await this.store.transaction(async (tx) => {
      await tx.run(`INSERT INTO run_samples (run_id, ${COLUMNS}) VALUES ${rows} ON CONFLICT DO NOTHING`, values);
      if (windows.length > 0) {
        const buckets = Array.from({ length: windows.length / 4 }, () => '(?, ?, ?, ?)').join(', ');
        await tx.run(`INSERT INTO run_sample_buckets (run_id, seq, interval_ms, latency) VALUES ${buckets} ON CONFLICT DO NOTHING`, windows);
      }
      tx.notify('samples', runId);
    });
  }

  async appendChecks(runId: string, firstSeq: number, sets: readonly Omit<SloCheckSet, 'seq'>[]): Promise<void> {
    if (sets.length === 0) return;
    const values = sets.flatMap((set, i) => [runId, firstSeq + i, set.atMs, Math.round(set.atEpochMs), JSON.stringify(set.checks)]);
    const rows = sets.map(() => '(?, ?, ?, ?, ?)').join(', ');
    await this.store.transaction(async (tx) => {
      await tx.run(`INSERT INTO run_slo_checks (run_id, seq, at_ms, at_epoch_ms, checks) VALUES ${rows} ON CONFLICT DO NOTHING`, values);
      tx.notify('samples', runId);
    });
  }

  /** Samples of run `runId` after seq `after`, in order, at most `limit`. */
  async samplesAfter(runId: string, after: number, limit = PAGE): Promise<StoredSample[]> {
    const rows = await this.store.all<SampleRow>(`SELECT ${COLUMNS} FROM run_samples WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`, [runId, after, limit]);
    return rows.map(toSample);
  }

  /** Samples of run `runId` measured at or after `sinceEpochMs` (wall clock), in order: what a monitor reads. */
  async samplesSince(runId: string, sinceEpochMs: number): Promise<StoredSample[]> {
    const rows = await this.store.all<SampleRow>(`SELECT ${COLUMNS} FROM run_samples WHERE run_id = ? AND at_epoch_ms >= ? ORDER BY seq`, [runId, Math.floor(sinceEpochMs)]);
    return rows.map(toSample);
  }

  /** The newest sample of each series of run `runId`. */
  async latestOfEachSeries(runId: string): Promise<StoredSample[]> {
    const rows = await this.store.all<SampleRow>(
      `SELECT ${COLUMNS} FROM run_samples r WHERE run_id = ? AND seq = (SELECT MAX(seq) FROM run_samples s WHERE s.run_id = r.run_id AND s.series = r.series) ORDER BY series`,
      [runId],
    );
    return rows.map(toSample);
  }

  /** The run's latest check of its hypothesis and guardrails, if it made one. */
  async latestChecks(runId: string): Promise<SloCheckSet | undefined> {
    const row = await this.store.get<{ seq: number; at_ms: number; at_epoch_ms: number | string; checks: string }>(
      'SELECT seq, at_ms, at_epoch_ms, checks FROM run_slo_checks WHERE run_id = ? ORDER BY seq DESC LIMIT 1',
      [runId],
    );
    return row && { seq: Number(row.seq), atMs: Number(row.at_ms), atEpochMs: Number(row.at_epoch_ms), checks: JSON.parse(row.checks) as SloCheck[] };
  }

  /**
   * The samples of the loads named `loads`, of every run still running, measured at or after `sinceEpochMs`,
   * oldest first, with what windowed SLIs need: a status monitor reads a drill from here.
   */
  async liveSamples(loads: readonly string[], sinceEpochMs: number): Promise<LiveRunSample[]> {
    if (loads.length === 0) return [];
    const rows = await this.store.all<{ run_id: string; at_epoch_ms: number | string; series: string; ok: number; errors: number; dropped: number; interval_ms: number; latency: string }>(
      `SELECT s.run_id, s.at_epoch_ms, s.series, s.ok, s.errors, s.dropped, b.interval_ms, b.latency
       FROM runs r JOIN run_samples s ON s.run_id = r.id JOIN run_sample_buckets b ON b.run_id = s.run_id AND b.seq = s.seq
       WHERE r.status = 'running' AND s.at_epoch_ms >= ? AND s.probe = 0 AND s.series IN (${loads.map(() => '?').join(', ')})
       ORDER BY s.at_epoch_ms, s.run_id, s.seq`,
      [Math.floor(sinceEpochMs), ...loads],
    );
    return rows.map((row) => ({
      runId: row.run_id,
      load: row.series,
      atMs: Number(row.at_epoch_ms),
      intervalMs: Number(row.interval_ms),
      ok: Number(row.ok),
      errors: Number(row.errors),
      dropped: Number(row.dropped),
      latency: latencyFromJson(row.latency),
    }));
  }

  /** The buckets of run `runId` go once it has ended: only live runs' windows are read. */
  async forgetBuckets(runId: string): Promise<void> {
    await this.store.run('DELETE FROM run_sample_buckets WHERE run_id = ?', [runId]);
  }

  /** Buckets of samples older than `beforeEpochMs` go (runs that never recorded their end); returns how many. */
  async pruneBuckets(beforeEpochMs: number): Promise<number> {
    const pruned = await this.store.run(
      'DELETE FROM run_sample_buckets WHERE EXISTS (SELECT 1 FROM run_samples s WHERE s.run_id = run_sample_buckets.run_id AND s.seq = run_sample_buckets.seq AND s.at_epoch_ms < ?)',
      [Math.floor(beforeEpochMs)],
    );
    return pruned.changes;
  }

  /** Every sample of run `runId` after `after`, in pages, as they arrive, until the run has ended (follow.ts). */
  follow(runId: string, options: FollowOptions = {}): AsyncGenerator<StoredSample[]> {
    return followRun(this.store, 'samples', runId, (after, limit) => this.samplesAfter(runId, after, limit), options);
  }
}

function toSample(row: SampleRow): StoredSample {
  return {
    seq: Number(row.seq),
    atMs: Number(row.at_ms),
    atEpochMs: Number(row.at_epoch_ms),
    load: row.series,
    ...(Number(row.probe) === 1 ? { source: 'probe' as const } : {}),
    rate: Number(row.rate),
    ok: Number(row.ok),
    errors: Number(row.errors),
    dropped: Number(row.dropped),
    errorRate: Number(row.error_rate),
    p50: Number(row.p50),
    p99: Number(row.p99),
    max: Number(row.max),
  };
}

/**
 * What a run publishes live, off its hot path: its samples as they are measured and its SLO checks, each
 * batched (batch-writer.ts). `started` is when the run started (wall clock), to date each sample.
 */
export class RunSampleWriter {
  private readonly samples: BatchWriter<PublishedSample>;
  private readonly checks: BatchWriter<Omit<SloCheckSet, 'seq'>>;
  private readonly repository: RunSampleStore;

  constructor(store: Store, private readonly runId: string, started: Date, onFailure?: (error: Error, pending: number) => void) {
    const repository = (this.repository = new RunSampleStore(store));
    const t0 = started.getTime();
    this.samples = new BatchWriter((firstSeq, batch) => repository.append(runId, firstSeq, batch.map((s) => ({ ...s, atEpochMs: t0 + s.atMs }))), onFailure);
    this.checks = new BatchWriter((firstSeq, batch) => repository.appendChecks(runId, firstSeq, batch), onFailure);
  }

  /** `window` (a load's or probe's point) lets windowed SLIs read the sample too (liveSamples). */
  readonly addSample = (sample: SliSample, window?: SampleWindow): void => this.samples.add(window ? { ...sample, window } : sample);

  addChecks(set: Omit<SloCheckSet, 'seq'>): void {
    this.checks.add(set);
  }

  start(): void {
    this.samples.start();
    this.checks.start();
  }

  async drain(timeoutMs: number): Promise<DrainResult> {
    const [samples, checks] = await Promise.all([this.samples.drain(timeoutMs), this.checks.drain(timeoutMs)]);
    return { written: samples.written + checks.written, unwritten: samples.unwritten + checks.unwritten, ...(samples.error ?? checks.error ? { error: samples.error ?? checks.error } : {}) };
  }

  /** The run has ended: its windows are no longer read (its samples and checks stay). */
  async ended(): Promise<void> {
    await this.repository.forgetBuckets(this.runId);
  }
}
