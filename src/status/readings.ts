import { formatValue, measure, QuerySeries, sliLabel, SliSeries, type SliKind, type SliPoint, type SliWindowSource } from '../experiment/sli.js';
import { formatDuration } from '../units/units.js';
import type { ComponentConfig, ComponentSli, MonitorDeclaration, StatusConfig } from './config.js';
import { intervalOf } from './config.js';
import { measuredStatus, type MeasuredStatus, type SliReading, type Status } from './status.js';

// From samples to readings: each SLI of a component is measured by the engine's SLI code (src/experiment/
// sli.ts) over its window, mapped to a status by its thresholds, and said in words. Pure: the samples come
// in, the clock is a number.

/** A run's samples are written in batches: freshness for them is never judged on less than this. */
export const RUN_MIN_INTERVAL_MS = 1000;

/** What a monitor measured lately, as the store has it (times are wall-clock ms). */
export interface MonitorData {
  /** HTTP checks (one point each), or a run's load samples. */
  points: SliPoint[];
  /** Prometheus query values. */
  values: Array<{ atMs: number; value: number }>;
  /** The last reason a measurement failed, if it is newer than the last sample. */
  lastError?: { atMs: number; error: string };
  /** For a run monitor: the live runs whose samples these are. */
  runs?: string[];
}

export interface ComponentReading {
  id: string;
  measured: Status;
  readings: SliReading[];
}

/** The higher-is-better SLIs; for the others (error rate, latency) lower is better. */
function higherIsBetter(sli: ComponentSli['sli']): boolean {
  return sli === 'availability' || sli === 'throughput';
}

/** The status a value gives under an SLI's thresholds. */
export function thresholdStatus(sli: ComponentSli, value: number): MeasuredStatus {
  const meets = (threshold: number | undefined) => threshold !== undefined && (higherIsBetter(sli.sli) ? value >= threshold : value <= threshold);
  if (meets(sli.operational)) return 'operational';
  if (meets(sli.degraded_performance)) return 'degraded_performance';
  if (meets(sli.partial_outage)) return 'partial_outage';
  return 'major_outage';
}

export function sliKind(sli: ComponentSli, monitor: MonitorDeclaration): SliKind {
  if (sli.sli !== 'latency') return { sli: sli.sli };
  return { sli: 'latency', percentile: sli.percentile ?? monitor.prometheus!.percentile! };
}

/** How long a monitor may be silent before its SLIs are "no data": two of its intervals. */
export function freshnessMs(monitor: MonitorDeclaration, data: MonitorData): number {
  const interval = intervalOf(monitor) ?? Math.max(RUN_MIN_INTERVAL_MS, ...data.points.slice(-1).map((p) => p.intervalMs));
  return 2 * interval;
}

/** How far back a reader needs a monitor's samples: its longest window, or its freshness horizon. */
export function lookbackMs(config: StatusConfig, monitorName: string): number {
  const monitor = config.monitors[monitorName];
  const windows = config.components.flatMap((c) => c.slis.filter((s) => s.monitor === monitorName).map((s) => s.window));
  return Math.max(2 * (intervalOf(monitor) ?? RUN_MIN_INTERVAL_MS), ...windows);
}

function describeSource(name: string, monitor: MonitorDeclaration, data: MonitorData): string {
  if (monitor.run) return data.runs && data.runs.length > 0 ? `run ${data.runs.join(', ')}` : `monitor ${name} (runs' load ${monitor.run.load})`;
  return `monitor ${name}`;
}

export function readSli(sli: ComponentSli, monitorName: string, monitor: MonitorDeclaration, data: MonitorData, nowMs: number): SliReading {
  const kind = sliKind(sli, monitor);
  const label = sli.name ?? sliLabel(kind);
  const source = describeSource(monitorName, monitor, data);
  const fresh = freshnessMs(monitor, data);
  const lastAt = Math.max(-Infinity, ...(monitor.prometheus ? data.values.map((v) => v.atMs) : data.points.map((p) => p.atMs)));
  const isFresh = nowMs - lastAt <= fresh;
  // A drill that is not happening says nothing about the component: idle, not "no data".
  if (monitor.run && (data.runs ?? []).length === 0) return { text: `${label}: no run of load ${monitor.run.load} is live`, source, value: null, fresh: false, idle: true, status: 'operational' };
  let series: SliWindowSource;
  let over: string;
  if (monitor.prometheus) {
    const query = new QuerySeries(monitorName, kind);
    for (const value of data.values) query.add(value);
    series = query;
    over = 'by Prometheus';
  } else {
    const points = new SliSeries(monitorName);
    for (const point of data.points) points.add(point);
    series = points;
    over = `over ${formatDuration(sli.window)}`;
  }
  const value = isFresh ? measure(kind, series.trailing(nowMs, monitor.prometheus ? fresh : sli.window)) : null;
  if (value === null) {
    const age = Number.isFinite(lastAt) ? `last sample ${formatDuration(nowMs - lastAt)} ago` : 'no sample yet';
    const why = data.lastError && data.lastError.atMs >= (Number.isFinite(lastAt) ? lastAt : -Infinity) ? `; ${data.lastError.error}` : '';
    return { text: `${label}: no data (${age}${why})`, source, value: null, fresh: false, status: 'operational' };
  }
  return { text: `${label} ${formatValue(kind, value)} ${over}`, source, value, fresh: true, status: thresholdStatus(sli, value) };
}

export function readComponent(component: ComponentConfig, config: StatusConfig, data: ReadonlyMap<string, MonitorData>, nowMs: number): ComponentReading {
  const readings = component.slis.map((sli) => readSli(sli, sli.monitor, config.monitors[sli.monitor], data.get(sli.monitor) ?? { points: [], values: [] }, nowMs));
  return { id: component.id, measured: measuredStatus(readings), readings };
}
