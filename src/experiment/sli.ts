import { build, type Histogram } from 'hdr-histogram-js';
import { formatDuration } from '../units/units.js';
import type { Guardrail, Objective } from './schema.js';

// SLIs are computed over windows of samples, the way an SLO dashboard does: counts are summed and latency
// histograms merged (never percentiles averaged — the mean of p99s is not a p99). A load and an HTTP probe
// both feed an SliSeries, so every SLI works on either source.

export interface SliPoint {
  /** End of the interval, in milliseconds since the run started. */
  atMs: number;
  intervalMs: number;
  ok: number;
  /** Completed requests that failed (status ≥ 400, timeout, refused, reset …). */
  errors: number;
  /** Open-model arrivals that could not even be sent (in-flight cap): the service was not available to them. */
  dropped: number;
  /** Corrected latency in microseconds. */
  histogram: Histogram;
}

export interface WindowStats {
  attempts: number;
  ok: number;
  availability: number | null;
  errorRate: number | null;
  throughput: number | null;
  latencyMs: Record<'p50' | 'p90' | 'p99' | 'p999' | 'max', number> | null;
}

const PERCENTILES = { p50: 50, p90: 90, p99: 99, p999: 99.9 } as const;

export class SliSeries {
  readonly points: SliPoint[] = [];

  constructor(readonly source: string) {}

  add(point: SliPoint): void {
    this.points.push(point);
  }

  /** Stats over the intervals that ended in (fromMs, toMs]. */
  window(fromMs: number, toMs: number): WindowStats {
    const inWindow = this.points.filter((p) => p.atMs > fromMs && p.atMs <= toMs);
    return windowStats(inWindow);
  }

  /** The last `lengthMs` before `nowMs`: what a guardrail looks at. */
  trailing(nowMs: number, lengthMs: number): WindowStats {
    return this.window(nowMs - lengthMs, nowMs);
  }
}

export function windowStats(points: SliPoint[]): WindowStats {
  let ok = 0;
  let errors = 0;
  let dropped = 0;
  let spanMs = 0;
  const merged = build({ bitBucketSize: 'packed' });
  for (const point of points) {
    ok += point.ok;
    errors += point.errors;
    dropped += point.dropped;
    spanMs += point.intervalMs;
    merged.add(point.histogram);
  }
  const attempts = ok + errors + dropped;
  const latencyMs =
    merged.totalCount === 0
      ? null
      : {
          p50: merged.getValueAtPercentile(PERCENTILES.p50) / 1000,
          p90: merged.getValueAtPercentile(PERCENTILES.p90) / 1000,
          p99: merged.getValueAtPercentile(PERCENTILES.p99) / 1000,
          p999: merged.getValueAtPercentile(PERCENTILES.p999) / 1000,
          max: merged.maxValue / 1000,
        };
  merged.destroy();
  return {
    attempts,
    ok,
    availability: attempts === 0 ? null : ok / attempts,
    errorRate: attempts === 0 ? null : (errors + dropped) / attempts,
    throughput: spanMs === 0 ? null : (ok * 1000) / spanMs,
    latencyMs,
  };
}

type Slo = Objective | Guardrail;

/** The SLI an objective is about, measured from window stats (null: no data in the window). */
export function measure(slo: Slo, stats: WindowStats): number | null {
  switch (slo.sli) {
    case 'availability':
      return stats.availability;
    case 'error-rate':
      return stats.errorRate;
    case 'throughput':
      return stats.throughput;
    case 'latency':
      return stats.latencyMs?.[slo.percentile] ?? null;
  }
}

/** Whether the measured value meets the objective. No data never meets it: silence is not health. */
export function meets(slo: Slo, value: number | null): boolean {
  if (value === null) return false;
  if ('min' in slo) return value >= slo.min;
  return value <= slo.max;
}

export function sliLabel(slo: Slo): string {
  return slo.sli === 'latency' ? `${slo.percentile} latency` : slo.sli;
}

/** What was expected, as the user wrote it: ">= 99.9%", "<= 250ms". */
export function expectedText(slo: Slo): string {
  if ('min' in slo) return `>= ${formatValue(slo, slo.min)}`;
  return `<= ${formatValue(slo, slo.max)}`;
}

export function formatValue(slo: Pick<Slo, 'sli'>, value: number | null): string {
  if (value === null) return 'no data';
  switch (slo.sli) {
    case 'availability':
    case 'error-rate':
      return `${+(value * 100).toFixed(3)}%`;
    case 'throughput':
      return `${+value.toFixed(1)}/s`;
    case 'latency':
      return value < 10 ? `${+value.toFixed(2)}ms` : formatDuration(value);
  }
}

export function sloName(slo: Slo): string {
  return slo.name ?? `${slo.source} ${sliLabel(slo)} ${expectedText(slo)}`;
}
