import { build, JsHistogram, type Histogram } from 'hdr-histogram-js';
import { formatDuration } from '../units/units.js';
import type { Guardrail, Objective } from './schema.js';

// SLIs are computed over windows of samples, the way an SLO dashboard does: counts are summed and latency
// histograms merged (never percentiles averaged — the mean of p99s is not a p99). A load and an HTTP probe
// both feed an SliSeries, so every SLI works on either source. A Prometheus query (QuerySeries) is the one
// source that arrives already computed: PromQL did the windowing, so its latest value in the window is the
// SLI. This is the one SLI implementation: experiments and the status page's monitors both use it.

export interface SliPoint {
  /** End of the interval, in milliseconds since the run started. */
  atMs: number;
  intervalMs: number;
  ok: number;
  /** Completed requests that failed (status ≥ 400, timeout, refused, reset …). */
  errors: number;
  /** Open-model arrivals that could not even be sent (in-flight cap): the service was not available to them. */
  dropped: number;
  /** Corrected latency in microseconds, as the sample's recorded HDR buckets. */
  latency: LatencyCounts;
}

/**
 * A sample's latency histogram reduced to its non-empty buckets (HDR's highest equivalent value of each,
 * and its count). Merging packed HDR histograms cost ~3.7 ms per sample and stalled the event loop the
 * load runs on; merging these is O(buckets in the window) with plain array and Map operations, and the
 * percentiles are exactly those of the merged HDR histogram.
 */
export interface LatencyCounts {
  values: Float64Array;
  counts: Float64Array;
  total: number;
  maxUs: number;
}

/** Reads the non-empty buckets out of an HDR histogram, once, when the sample arrives. */
export function latencyCounts(histogram: Histogram): LatencyCounts {
  let source: JsHistogram;
  if (histogram instanceof JsHistogram) source = histogram;
  else {
    source = build() as JsHistogram;
    source.add(histogram as JsHistogram);
  }
  const values: number[] = [];
  const counts: number[] = [];
  const iterator = source.recordedValuesIterator;
  iterator.reset();
  while (iterator.hasNext()) {
    const step = iterator.next();
    values.push(step.valueIteratedTo);
    counts.push(step.countAtValueIteratedTo);
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts), total: source.totalCount, maxUs: source.totalCount === 0 ? 0 : source.maxValue };
}

/** One measured latency (a probe's single request). */
export function singleLatency(us: number): LatencyCounts {
  return { values: Float64Array.of(us), counts: Float64Array.of(1), total: 1, maxUs: us };
}

export interface WindowStats {
  attempts: number;
  ok: number;
  availability: number | null;
  errorRate: number | null;
  throughput: number | null;
  /** Every percentile for a series of samples; only the one it computes for a query. */
  latencyMs: Partial<Record<Percentile, number>> | null;
}

const PERCENTILES = { p50: 50, p90: 90, p99: 99, p999: 99.9 } as const;

/** Anything an SLO can be measured from over a window of its clock. */
export interface SliWindowSource {
  readonly source: string;
  readonly points: readonly { atMs: number }[];
  window(fromMs: number, toMs: number): WindowStats;
  trailing(nowMs: number, lengthMs: number): WindowStats;
}

export class SliSeries implements SliWindowSource {
  readonly points: SliPoint[] = [];

  constructor(readonly source: string) {}

  add(point: SliPoint): void {
    this.points.push(point);
  }

  /** Stats over the intervals that ended in (fromMs, toMs]. */
  window(fromMs: number, toMs: number): SeriesStats {
    const inWindow = this.points.filter((p) => p.atMs > fromMs && p.atMs <= toMs);
    return windowStats(inWindow);
  }

  /** The last `lengthMs` before `nowMs`: what a guardrail looks at. */
  trailing(nowMs: number, lengthMs: number): SeriesStats {
    return this.window(nowMs - lengthMs, nowMs);
  }
}

/** A window of samples knows every percentile. */
export interface SeriesStats extends WindowStats {
  latencyMs: Record<Percentile, number> | null;
}

export function windowStats(points: readonly SliPoint[]): SeriesStats {
  let ok = 0;
  let errors = 0;
  let dropped = 0;
  let spanMs = 0;
  let total = 0;
  let maxUs = 0;
  const merged = new Map<number, number>();
  for (const point of points) {
    ok += point.ok;
    errors += point.errors;
    dropped += point.dropped;
    spanMs += point.intervalMs;
    const { values, counts } = point.latency;
    for (let i = 0; i < values.length; i++) merged.set(values[i], (merged.get(values[i]) ?? 0) + counts[i]);
    total += point.latency.total;
    if (point.latency.maxUs > maxUs) maxUs = point.latency.maxUs;
  }
  const attempts = ok + errors + dropped;
  return {
    attempts,
    ok,
    availability: attempts === 0 ? null : ok / attempts,
    errorRate: attempts === 0 ? null : (errors + dropped) / attempts,
    throughput: spanMs === 0 ? null : (ok * 1000) / spanMs,
    latencyMs: total === 0 ? null : percentilesOf(merged, total, maxUs),
  };
}

/** HDR's getValueAtPercentile over merged buckets: the first bucket whose running count reaches the rank. */
function percentilesOf(merged: Map<number, number>, total: number, maxUs: number): Record<Percentile, number> {
  const values = Float64Array.from(merged.keys()).sort();
  const wanted = Object.entries(PERCENTILES).map(([name, p]) => {
    // As HDR does it: round the count up, but not for the last-bit error of the float product (99.9% of 12000).
    const exact = (p / 100) * total;
    return { name, rank: Math.max(1, Math.ceil(exact - exact * Number.EPSILON)) };
  });
  const found: Record<string, number> = {};
  let running = 0;
  let next = 0;
  for (let i = 0; i < values.length && next < wanted.length; i++) {
    running += merged.get(values[i])!;
    while (next < wanted.length && running >= wanted[next].rank) found[wanted[next++].name] = values[i];
  }
  const last = values[values.length - 1];
  return {
    p50: (found.p50 ?? last) / 1000,
    p90: (found.p90 ?? last) / 1000,
    p99: (found.p99 ?? last) / 1000,
    p999: (found.p999 ?? last) / 1000,
    max: maxUs / 1000,
  };
}

/** One value of a Prometheus query, at the end of its evaluation (ms on the series' clock). */
export interface QueryPoint {
  atMs: number;
  value: number;
}

/** The SLI a query's value is; latency values are milliseconds (a query's seconds are converted on arrival). */
export type QuerySli = { sli: 'availability' | 'error-rate' | 'throughput' } | { sli: 'latency'; percentile: Percentile };

/**
 * A Prometheus query's values as an SLI source: the latest value in the window is the SLI (the query's own
 * range, e.g. `[1m]`, is its window — averaging its values again would average percentiles). Only the SLI
 * the query computes is known; every other SLI of it is "no data".
 */
export class QuerySeries implements SliWindowSource {
  readonly points: QueryPoint[] = [];

  constructor(
    readonly source: string,
    readonly sli: QuerySli,
  ) {}

  add(point: QueryPoint): void {
    this.points.push(point);
  }

  window(fromMs: number, toMs: number): WindowStats {
    let latest: QueryPoint | undefined;
    for (const point of this.points) if (point.atMs > fromMs && point.atMs <= toMs && (!latest || point.atMs >= latest.atMs)) latest = point;
    return queryStats(this.sli, latest?.value ?? null);
  }

  trailing(nowMs: number, lengthMs: number): WindowStats {
    return this.window(nowMs - lengthMs, nowMs);
  }
}

/** Window stats that know only the one SLI a query computed. */
export function queryStats(sli: QuerySli, value: number | null): WindowStats {
  const known = value !== null;
  return {
    attempts: 0,
    ok: 0,
    availability: sli.sli === 'availability' && known ? value : null,
    errorRate: sli.sli === 'error-rate' && known ? value : null,
    throughput: sli.sli === 'throughput' && known ? value : null,
    latencyMs: sli.sli === 'latency' && known ? { [sli.percentile]: value } : null,
  };
}

type Slo = Objective | Guardrail;
export type Percentile = 'p50' | 'p90' | 'p99' | 'p999' | 'max';
/** What is measured, whatever declares it (an objective, a guardrail, a component's SLI). */
export type SliKind = { sli: 'availability' | 'error-rate' | 'throughput' } | { sli: 'latency'; percentile: Percentile };

/** The SLI an objective is about, measured from window stats (null: no data in the window). */
export function measure(slo: SliKind, stats: WindowStats): number | null {
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

export function sliLabel(slo: SliKind): string {
  return slo.sli === 'latency' ? `${slo.percentile} latency` : slo.sli;
}

/** What was expected, as the user wrote it: ">= 99.9%", "<= 250ms". */
export function expectedText(slo: Slo): string {
  if ('min' in slo) return `>= ${formatValue(slo, slo.min)}`;
  return `<= ${formatValue(slo, slo.max)}`;
}

export function formatValue(slo: Pick<SliKind, 'sli'>, value: number | null): string {
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

/** A sample's latency buckets as stored (the store's live run samples, the status page's monitor samples). */
export function latencyToJson(latency: LatencyCounts): string {
  return JSON.stringify({ v: Array.from(latency.values), c: Array.from(latency.counts), t: latency.total, m: latency.maxUs });
}

export function latencyFromJson(text: string | null): LatencyCounts {
  if (!text) return { values: new Float64Array(0), counts: new Float64Array(0), total: 0, maxUs: 0 };
  const { v, c, t, m } = JSON.parse(text) as { v: number[]; c: number[]; t: number; m: number };
  return { values: Float64Array.from(v), counts: Float64Array.from(c), total: t, maxUs: m };
}

/** Buckets of several samples merged into one (a minute's summary): counts add up per bucket. */
export function mergeLatency(parts: readonly LatencyCounts[]): LatencyCounts {
  const merged = new Map<number, number>();
  let total = 0;
  let maxUs = 0;
  for (const part of parts) {
    for (let i = 0; i < part.values.length; i++) merged.set(part.values[i], (merged.get(part.values[i]) ?? 0) + part.counts[i]);
    total += part.total;
    maxUs = Math.max(maxUs, part.maxUs);
  }
  const values = Float64Array.from(merged.keys()).sort();
  return { values, counts: Float64Array.from(values, (value) => merged.get(value)!), total, maxUs };
}
