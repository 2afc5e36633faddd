// The typed contract of the load generator. The CLI (`gameday load`) and the orchestrator (SLIs and
// guardrails) both call `runLoad(options, onSample)` from ./run-load.ts.
import type { Histogram } from 'hdr-histogram-js';

export interface Stage {
  durationMs: number;
  /** Arrival rate (requests/s) reached at the end of the stage, ramping linearly from the previous one. */
  targetRate: number;
}

export interface LoadOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** 'open' (default): arrivals on schedule whatever responses do. 'closed': N connections back to back. */
  model?: 'open' | 'closed';
  /** Open model: constant rate in requests/s (ignored when `stages` are given). */
  rate?: number;
  stages?: Stage[];
  /** Total duration; for stages it defaults to their sum. */
  durationMs?: number;
  /** Connections (closed model: the number of loops; open model: the pool size). */
  connections?: number;
  /** Open model: the cap on requests in flight; arrivals beyond it are counted as dropped. */
  maxInFlight?: number;
  timeoutMs?: number;
  /** How often `onSample` is called; the CLI uses 1000 ms, the orchestrator 250 ms. */
  sampleIntervalMs?: number;
  signal?: AbortSignal;
}

export type ErrorKind = 'status_4xx' | 'status_5xx' | 'timeout' | 'refused' | 'reset' | 'other';

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** One interval of measurements (milliseconds for every latency). */
export interface LoadSample {
  /** Milliseconds since the load started, at the end of this interval. */
  atMs: number;
  intervalMs: number;
  /** Requests whose scheduled start fell in this interval (open model). */
  scheduled: number;
  /** Requests completed in this interval, successes plus errors. */
  completed: number;
  /** Responses with a status below 400. */
  ok: number;
  errors: Record<ErrorKind, number>;
  /** Arrivals not started because the in-flight cap was hit. */
  dropped: number;
  /** Completed requests per second over this interval. */
  achievedRate: number;
  /** Latency measured from the intended start time (coordinated-omission corrected). */
  latency: LatencySummary;
  /** Plain service time, measured from the actual send. */
  serviceTime: LatencySummary;
  /** The interval's corrected-latency histogram (microseconds), so consumers can merge windows. */
  histogram: Histogram;
}

export interface LoadSummary {
  url: string;
  model: 'open' | 'closed';
  durationMs: number;
  requests: number;
  ok: number;
  errors: Record<ErrorKind, number>;
  dropped: number;
  achievedRate: number;
  targetRate: number | null;
  latency: LatencySummary;
  serviceTime: LatencySummary;
  bytesReceived: number;
  samples: Omit<LoadSample, 'histogram'>[];
  /** True when stopped early by the signal (Ctrl-C, guardrail). */
  cancelled: boolean;
}
