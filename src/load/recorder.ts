// The one place measurements land, shared by the open and the closed model. Each completed exchange is
// recorded twice: latency from its intended start (coordinated-omission corrected: a stall shows up in
// every request that should have been sent during it) and service time from the moment it was written to
// the socket. Histograms are per interval; the run's totals are built by adding each closed interval, so
// the hot path does two histogram writes per request, not four.
import * as hdr from 'hdr-histogram-js';
import type { ErrorKind, LatencySummary, LoadSample } from './types.js';

export const ERROR_KINDS: readonly ErrorKind[] = ['status_4xx', 'status_5xx', 'timeout', 'refused', 'reset', 'other'];

/** 1 µs .. 60 s at 3 significant digits, as the issue asks; longer latencies are clamped to 60 s. */
const LOWEST_US = 1;
const HIGHEST_US = 60_000_000;

export function createHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: LOWEST_US, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, autoResize: false });
}

function toMicros(ms: number): number {
  const us = Math.round(ms * 1000);
  return us < LOWEST_US ? LOWEST_US : us > HIGHEST_US ? HIGHEST_US : us;
}

/** `sumUs`: the exact sum of the recorded values; the histogram's own mean walks every bucket. */
export function summarize(histogram: hdr.Histogram, sumUs: number): LatencySummary {
  if (histogram.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  // Percentiles report the top of their bucket, which can sit a hair above the exact maximum.
  const max = histogram.maxValue;
  const ms = (us: number) => Math.round(Math.min(us, max)) / 1000;
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(max),
    mean: Math.round(sumUs / histogram.totalCount) / 1000,
  };
}

function zeroErrors(): Record<ErrorKind, number> {
  return { status_4xx: 0, status_5xx: 0, timeout: 0, refused: 0, reset: 0, other: 0 };
}

interface Counters {
  /** Sums of the recorded latencies and service times (µs), for the means. */
  latencyUs: number;
  serviceUs: number;
  scheduled: number;
  completed: number;
  ok: number;
  dropped: number;
  bytes: number;
  errors: Record<ErrorKind, number>;
}

function zeroCounters(): Counters {
  return { latencyUs: 0, serviceUs: 0, scheduled: 0, completed: 0, ok: 0, dropped: 0, bytes: 0, errors: zeroErrors() };
}

export class Recorder {
  private interval = zeroCounters();
  private readonly total = zeroCounters();
  private latency = createHistogram();
  private service = createHistogram();
  private readonly totalLatency = createHistogram();
  private readonly totalService = createHistogram();
  private intervalStartMs: number;
  readonly samples: Omit<LoadSample, 'histogram'>[] = [];

  /** `startMs` is the clock reading at the start of the run; sample times are relative to it. */
  constructor(private readonly startMs: number) {
    this.intervalStartMs = startMs;
  }

  scheduled(): void {
    this.interval.scheduled++;
  }

  dropped(): void {
    this.interval.dropped++;
  }

  /** A response arrived in full. Latency counts from `intendedMs`, service time from `sentMs`. */
  response(status: number, intendedMs: number, sentMs: number, endMs: number, bytes: number): void {
    const c = this.interval;
    c.completed++;
    c.bytes += bytes;
    if (status < 400) c.ok++;
    else if (status < 500) c.errors.status_4xx++;
    else c.errors.status_5xx++;
    this.record(endMs - intendedMs, endMs - sentMs);
  }

  private record(latencyMs: number, serviceMs: number): void {
    const latencyUs = toMicros(latencyMs);
    this.latency.recordValue(latencyUs);
    this.interval.latencyUs += latencyUs;
    if (serviceMs >= 0) {
      const serviceUs = toMicros(serviceMs);
      this.service.recordValue(serviceUs);
      this.interval.serviceUs += serviceUs;
    }
  }

  /**
   * An exchange failed without a response. A timeout is a wait the user sat through, so it enters the
   * latency histograms; a refused or reset connection has no meaningful latency and is only counted.
   */
  failure(kind: ErrorKind, intendedMs: number, sentMs: number, endMs: number): void {
    this.interval.completed++;
    this.interval.errors[kind]++;
    if (kind === 'timeout') this.record(endMs - intendedMs, sentMs > 0 ? endMs - sentMs : -1);
  }

  /** Nothing was scheduled, dropped or completed since the last sample. */
  get intervalIsEmpty(): boolean {
    const c = this.interval;
    return c.scheduled === 0 && c.dropped === 0 && c.completed === 0;
  }

  /** Closes the current interval at `nowMs` and returns its sample, histogram included. */
  takeSample(nowMs: number): LoadSample {
    const c = this.interval;
    const intervalMs = Math.max(0, nowMs - this.intervalStartMs);
    const sample: LoadSample = {
      atMs: Math.round(nowMs - this.startMs),
      intervalMs: Math.round(intervalMs),
      scheduled: c.scheduled,
      completed: c.completed,
      ok: c.ok,
      errors: { ...c.errors },
      dropped: c.dropped,
      achievedRate: intervalMs > 0 ? round2((c.completed * 1000) / intervalMs) : 0,
      latency: summarize(this.latency, c.latencyUs),
      serviceTime: summarize(this.service, c.serviceUs),
      histogram: this.latency,
    };
    const { histogram: _histogram, ...withoutHistogram } = sample;
    this.samples.push(withoutHistogram);
    this.addToTotal(c);
    this.totalLatency.add(this.latency);
    this.totalService.add(this.service);
    // The closed interval's histogram now belongs to whoever consumes the sample; start fresh ones.
    this.latency = createHistogram();
    this.service.reset();
    this.interval = zeroCounters();
    this.intervalStartMs = nowMs;
    return sample;
  }

  private addToTotal(c: Counters): void {
    const t = this.total;
    t.scheduled += c.scheduled;
    t.completed += c.completed;
    t.ok += c.ok;
    t.dropped += c.dropped;
    t.bytes += c.bytes;
    t.latencyUs += c.latencyUs;
    t.serviceUs += c.serviceUs;
    for (const kind of ERROR_KINDS) t.errors[kind] += c.errors[kind];
  }

  /** Totals over every closed interval (take the last sample first). */
  totals() {
    return {
      scheduled: this.total.scheduled,
      requests: this.total.completed,
      ok: this.total.ok,
      errors: { ...this.total.errors },
      dropped: this.total.dropped,
      bytesReceived: this.total.bytes,
      latency: summarize(this.totalLatency, this.total.latencyUs),
      serviceTime: summarize(this.totalService, this.total.serviceUs),
      latencyHistogram: this.totalLatency,
      serviceTimeHistogram: this.totalService,
    };
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
