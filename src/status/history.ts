import { latencyFromJson, latencyToJson, mergeLatency, type SliPoint } from '../experiment/sli.js';
import type { Store } from '../store/engine.js';
import type { Capability } from '../store/migrations.js';
import { RunSampleStore } from '../store/run-samples.js';
import type { StatusConfig } from './config.js';
import { lookbackMs, type MonitorData } from './readings.js';

// The status page's history in the store, with bounded growth: raw monitor samples for a short while (the
// longest window needs them), per-minute summaries of every monitor for SUMMARY_DAYS, every change of status
// and every declaration forever (facts, appended), and one row per component per day for the uptime bars.
// Every control room reads the page from here; only the one holding the monitors writes samples.

export const statusCapability: Capability = {
  name: 'status',
  migrations: [
    {
      version: 1,
      name: 'status page: config, monitor samples and minutes, changes, declarations, days, webhook deliveries',
      sql: (d) => `
CREATE TABLE status_pages (
  id TEXT PRIMARY KEY,
  config TEXT NOT NULL,
  file TEXT NOT NULL,
  published_at TEXT NOT NULL,
  evaluated_until ${d.bigint}
);
CREATE TABLE status_samples (
  seq ${d.serialKey},
  monitor TEXT NOT NULL,
  at_ms ${d.bigint} NOT NULL,
  interval_ms INTEGER NOT NULL,
  ok INTEGER,
  errors INTEGER,
  dropped INTEGER,
  latency TEXT,
  value DOUBLE PRECISION,
  error TEXT
);
CREATE INDEX status_samples_monitor ON status_samples (monitor, at_ms);
CREATE INDEX status_samples_at ON status_samples (at_ms);
CREATE TABLE status_minutes (
  monitor TEXT NOT NULL,
  minute_ms ${d.bigint} NOT NULL,
  samples INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  dropped INTEGER NOT NULL,
  latency TEXT,
  value_min DOUBLE PRECISION,
  value_max DOUBLE PRECISION,
  value_last DOUBLE PRECISION,
  PRIMARY KEY (monitor, minute_ms)
);
CREATE TABLE status_changes (
  seq ${d.serialKey},
  component TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  at_ms ${d.bigint} NOT NULL,
  at TEXT NOT NULL,
  source TEXT NOT NULL,
  sli TEXT
);
CREATE INDEX status_changes_component ON status_changes (component, at_ms);
CREATE INDEX status_changes_at ON status_changes (at_ms);
CREATE TABLE status_declarations (
  seq ${d.serialKey},
  component TEXT NOT NULL,
  status TEXT,
  message TEXT NOT NULL,
  author TEXT NOT NULL,
  at_ms ${d.bigint} NOT NULL,
  at TEXT NOT NULL,
  cleared INTEGER NOT NULL
);
CREATE INDEX status_declarations_component ON status_declarations (component, seq);
CREATE TABLE status_days (
  component TEXT NOT NULL,
  day TEXT NOT NULL,
  operational_ms ${d.bigint} NOT NULL,
  no_data_ms ${d.bigint} NOT NULL,
  degraded_performance_ms ${d.bigint} NOT NULL,
  partial_outage_ms ${d.bigint} NOT NULL,
  major_outage_ms ${d.bigint} NOT NULL,
  PRIMARY KEY (component, day)
);
CREATE TABLE status_deliveries (
  change_seq ${d.bigint} NOT NULL,
  webhook TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_at_ms ${d.bigint} NOT NULL,
  delivered_at TEXT,
  last_error TEXT,
  PRIMARY KEY (change_seq, webhook)
);`,
    },
  ],
};

/** Per-minute summaries of monitor samples are kept this long (a COE reads what was measured when). */
export const SUMMARY_DAYS = 30;
/** Raw samples are kept at least this long (and at least the longest window). */
export const RAW_SAMPLES_MS = 15 * 60_000;

/** One measurement of a monitor: an HTTP check's point, a query's value, or why nothing was measured. */
export type MonitorSample =
  | { monitor: string; kind: 'point'; point: SliPoint }
  | { monitor: string; kind: 'value'; atMs: number; intervalMs: number; value: number }
  | { monitor: string; kind: 'error'; atMs: number; intervalMs: number; error: string };

export interface PublishedConfig {
  config: StatusConfig;
  file: string;
  publishedAt: string;
}

const PAGE = 'page';

export class StatusHistory {
  constructor(readonly store: Store) {}

  /** The config the monitors run on, for every reader of the store (the holder of the monitors publishes it). */
  async publish(config: StatusConfig, file: string): Promise<void> {
    await this.store.run(
      'INSERT INTO status_pages (id, config, file, published_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET config = excluded.config, file = excluded.file, published_at = excluded.published_at',
      [PAGE, JSON.stringify(config), file, new Date().toISOString()],
    );
  }

  async published(): Promise<PublishedConfig | undefined> {
    const row = await this.store.get<{ config: string; file: string; published_at: string }>('SELECT config, file, published_at FROM status_pages WHERE id = ?', [PAGE]);
    return row ? { config: JSON.parse(row.config) as StatusConfig, file: row.file, publishedAt: row.published_at } : undefined;
  }

  /** Until when the monitors' holder evaluated the page (a gap after it means nobody measured). */
  async evaluatedUntil(): Promise<number | null> {
    const row = await this.store.get<{ evaluated_until: number | null }>('SELECT evaluated_until FROM status_pages WHERE id = ?', [PAGE]);
    return row?.evaluated_until === undefined || row.evaluated_until === null ? null : Number(row.evaluated_until);
  }

  async markEvaluated(untilMs: number): Promise<void> {
    await this.store.run('UPDATE status_pages SET evaluated_until = ? WHERE id = ?', [untilMs, PAGE]);
  }

  async appendSamples(samples: readonly MonitorSample[]): Promise<void> {
    if (samples.length === 0) return;
    const values: Array<string | number | null> = [];
    for (const sample of samples) {
      if (sample.kind === 'point') {
        const p = sample.point;
        values.push(sample.monitor, Math.round(p.atMs), Math.round(p.intervalMs), p.ok, p.errors, p.dropped, latencyToJson(p.latency), null, null);
      } else if (sample.kind === 'value') {
        values.push(sample.monitor, Math.round(sample.atMs), Math.round(sample.intervalMs), null, null, null, null, sample.value, null);
      } else {
        values.push(sample.monitor, Math.round(sample.atMs), Math.round(sample.intervalMs), null, null, null, null, null, sample.error.slice(0, 500));
      }
    }
    const rows = samples.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    await this.store.run(`INSERT INTO status_samples (monitor, at_ms, interval_ms, ok, errors, dropped, latency, value, error) VALUES ${rows}`, values);
  }

  /** What every monitor of `config` measured lately: its samples within its lookback, and live runs' samples. */
  async monitorData(config: StatusConfig, nowMs: number): Promise<Map<string, MonitorData>> {
    const data = new Map<string, MonitorData>();
    const names = Object.keys(config.monitors);
    const sampled = names.filter((name) => !config.monitors[name].run);
    const since = nowMs - Math.max(0, ...sampled.map((name) => lookbackMs(config, name)));
    const rows = sampled.length === 0 ? [] : await this.store.all<SampleRow>(`SELECT monitor, at_ms, interval_ms, ok, errors, dropped, latency, value, error FROM status_samples WHERE at_ms > ? ORDER BY at_ms`, [since]);
    for (const name of names) data.set(name, { points: [], values: [] });
    for (const row of rows) {
      const entry = data.get(row.monitor);
      if (!entry || Number(row.at_ms) <= nowMs - lookbackMs(config, row.monitor)) continue;
      const atMs = Number(row.at_ms);
      if (row.error !== null) entry.lastError = { atMs, error: row.error };
      else if (row.value !== null) entry.values.push({ atMs, value: Number(row.value) });
      else entry.points.push(pointOf(row));
    }
    const runMonitors = names.filter((name) => config.monitors[name].run);
    if (runMonitors.length > 0) {
      const runSince = nowMs - Math.max(...runMonitors.map((name) => lookbackMs(config, name)));
      const samples = await new RunSampleStore(this.store).liveSamples([...new Set(runMonitors.map((name) => config.monitors[name].run!.load))], runSince);
      const runs = await this.runsById([...new Set(samples.map((s) => s.runId))]);
      for (const name of runMonitors) {
        const { load, experiment } = config.monitors[name].run!;
        const entry = data.get(name)!;
        const matching = samples.filter((s) => s.load === load && (experiment === undefined || runs.get(s.runId)?.matches(experiment)));
        entry.points = matching;
        // A run whose samples stopped (killed, wedged) is "no data" for its window, then no longer live.
        entry.runs = [...new Set(matching.filter((s) => s.atMs > nowMs - lookbackMs(config, name)).map((s) => s.runId))];
      }
    }
    return data;
  }

  /** Raw samples older than `beforeMs` go, once their minutes are summarised. */
  async prune(beforeMs: number): Promise<void> {
    await this.summarize(beforeMs);
    await this.store.run('DELETE FROM status_samples WHERE at_ms < ?', [beforeMs]);
    await this.store.run('DELETE FROM status_minutes WHERE minute_ms < ?', [beforeMs - SUMMARY_DAYS * 86_400_000]);
  }

  /** Writes the summary of every whole minute before `beforeMs` that has samples and no summary yet. */
  async summarize(beforeMs: number): Promise<number> {
    const until = Math.floor(beforeMs / 60_000) * 60_000;
    const last = await this.store.get<{ minute_ms: number | null }>('SELECT MAX(minute_ms) AS minute_ms FROM status_minutes');
    const from = last?.minute_ms === null || last?.minute_ms === undefined ? 0 : Number(last.minute_ms) + 60_000;
    const rows = await this.store.all<SampleRow>('SELECT monitor, at_ms, interval_ms, ok, errors, dropped, latency, value, error FROM status_samples WHERE at_ms >= ? AND at_ms < ? AND error IS NULL ORDER BY at_ms', [from, until]);
    const minutes = new Map<string, SampleRow[]>();
    for (const row of rows) {
      const key = `${row.monitor}\u0000${Math.floor(Number(row.at_ms) / 60_000) * 60_000}`;
      minutes.set(key, [...(minutes.get(key) ?? []), row]);
    }
    await this.store.transaction(async (tx) => {
      for (const [key, group] of minutes) {
        const [monitor, minute] = key.split('\u0000');
        const values = group.filter((row) => row.value !== null).map((row) => Number(row.value));
        const points = group.filter((row) => row.value === null).map(pointOf);
        const sum = (pick: (p: SliPoint) => number) => points.reduce((total, p) => total + pick(p), 0);
        await tx.run(
          'INSERT INTO status_minutes (monitor, minute_ms, samples, ok, errors, dropped, latency, value_min, value_max, value_last) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
          [
            monitor,
            Number(minute),
            group.length,
            sum((p) => p.ok),
            sum((p) => p.errors),
            sum((p) => p.dropped),
            points.length > 0 ? latencyToJson(mergeLatency(points.map((p) => p.latency))) : null,
            values.length > 0 ? Math.min(...values) : null,
            values.length > 0 ? Math.max(...values) : null,
            values.length > 0 ? values[values.length - 1] : null,
          ],
        );
      }
    });
    return minutes.size;
  }

  /** The per-minute summaries of a monitor in [fromMs, toMs), oldest first. */
  async minutes(monitor: string, fromMs: number, toMs: number): Promise<MinuteSummary[]> {
    const rows = await this.store.all<Record<string, unknown>>(
      'SELECT minute_ms, samples, ok, errors, dropped, latency, value_min, value_max, value_last FROM status_minutes WHERE monitor = ? AND minute_ms >= ? AND minute_ms < ? ORDER BY minute_ms',
      [monitor, fromMs, toMs],
    );
    return rows.map((row) => ({
      minuteMs: Number(row.minute_ms),
      samples: Number(row.samples),
      ok: Number(row.ok),
      errors: Number(row.errors),
      dropped: Number(row.dropped),
      latency: row.latency ? latencyFromJson(row.latency as string) : null,
      value: row.value_last === null ? null : { min: Number(row.value_min), max: Number(row.value_max), last: Number(row.value_last) },
    }));
  }

  private async runsById(ids: string[]): Promise<Map<string, { matches(experiment: string): boolean }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.store.all<{ id: string; title: string; file: string }>(`SELECT id, title, file FROM runs WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
    return new Map(rows.map((row) => [row.id, { matches: (experiment: string) => row.title === experiment || row.file === experiment || row.file.split('/').pop() === experiment }]));
  }
}

export interface MinuteSummary {
  minuteMs: number;
  samples: number;
  ok: number;
  errors: number;
  dropped: number;
  latency: ReturnType<typeof latencyFromJson> | null;
  value: { min: number; max: number; last: number } | null;
}

interface SampleRow {
  monitor: string;
  at_ms: number;
  interval_ms: number;
  ok: number | null;
  errors: number | null;
  dropped: number | null;
  latency: string | null;
  value: number | null;
  error: string | null;
}

function pointOf(row: SampleRow): SliPoint {
  return { atMs: Number(row.at_ms), intervalMs: Number(row.interval_ms), ok: Number(row.ok), errors: Number(row.errors), dropped: Number(row.dropped), latency: latencyFromJson(row.latency) };
}

