import { httpCheck } from '../experiment/http-check.js';
import { prometheusQuery } from '../experiment/prometheus.js';
import { singleLatency } from '../experiment/sli.js';
import type { Logger } from '../observe/log.js';
import type { StatusConfig } from './config.js';
import type { MonitorSample, StatusHistory } from './history.js';

// The monitors that measure: HTTP checks and Prometheus queries, each on a fixed cadence of its `every`
// (a slow check does not push the next one back), each measurement written to the store as a sample.
// Runs publish their own samples (src/store/run-samples.ts): a `run` monitor has nothing to run here.
// Writes are batched off the measuring path; a store that is briefly down delays samples, and a sample
// that reaches the store too late is simply stale — the page then says "no data", which is true.

const FLUSH_MS = 200;
/** A store down for long must not grow memory without bound: the oldest samples are dropped (they would be stale anyway). */
const MAX_PENDING = 10_000;

export class MonitorRunner {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly controller = new AbortController();
  private readonly pending: MonitorSample[] = [];
  private flushing?: Promise<void>;
  private flushTimer?: NodeJS.Timeout;
  private warned = false;
  /** Measurements taken, by monitor (for /metrics). */
  readonly counts = new Map<string, { ok: number; failed: number }>();

  constructor(
    private readonly config: StatusConfig,
    private readonly history: StatusHistory,
    private readonly log: Logger,
  ) {}

  start(): void {
    for (const [name, monitor] of Object.entries(this.config.monitors)) {
      if (monitor.http) this.every(monitor.http.every, () => this.check(name, monitor.http!));
      if (monitor.prometheus) this.every(monitor.prometheus.every, () => this.query(name, monitor.prometheus!));
    }
    this.flushTimer = setInterval(() => void this.flush(), FLUSH_MS);
    this.flushTimer.unref();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    for (const timer of this.timers) clearTimeout(timer);
    clearInterval(this.flushTimer);
    await this.flushing;
    await this.flush();
  }

  /** Runs `measure` at start + k·interval for k = 0, 1, 2 …, however long each takes. */
  private every(intervalMs: number, measure: () => Promise<void>): void {
    const start = Date.now();
    let k = 0;
    const tick = () => {
      if (this.controller.signal.aborted) return;
      void measure();
      k++;
      const timer = setTimeout(tick, Math.max(0, start + k * intervalMs - Date.now()));
      timer.unref();
      this.timers.push(timer);
      if (this.timers.length > 64) this.timers.splice(0, this.timers.length - 64);
    };
    tick();
  }

  private async check(name: string, monitor: NonNullable<StatusConfig['monitors'][string]['http']>): Promise<void> {
    const result = await httpCheck(monitor, this.controller.signal);
    if (this.controller.signal.aborted) return;
    this.count(name, result.ok);
    const latency = singleLatency(Math.max(1, Math.round(result.latencyMs * 1000)));
    this.push({ monitor: name, kind: 'point', point: { atMs: Date.now(), intervalMs: monitor.every, ok: result.ok ? 1 : 0, errors: result.ok ? 0 : 1, dropped: 0, latency } });
  }

  private async query(name: string, monitor: NonNullable<StatusConfig['monitors'][string]['prometheus']>): Promise<void> {
    const result = await prometheusQuery({ ...monitor }, this.controller.signal);
    if (this.controller.signal.aborted) return;
    this.count(name, result.ok);
    const atMs = Date.now();
    this.push(result.ok ? { monitor: name, kind: 'value', atMs, intervalMs: monitor.every, value: result.value } : { monitor: name, kind: 'error', atMs, intervalMs: monitor.every, error: result.error });
  }

  private count(name: string, ok: boolean): void {
    const count = this.counts.get(name) ?? { ok: 0, failed: 0 };
    if (ok) count.ok++;
    else count.failed++;
    this.counts.set(name, count);
  }

  private push(sample: MonitorSample): void {
    this.pending.push(sample);
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.pending.length === 0) return;
    const batch = this.pending.splice(0, 500);
    this.flushing = this.history.appendSamples(batch).then(
      () => void (this.warned = false),
      (error: Error) => {
        this.pending.unshift(...batch);
        if (!this.warned) this.log.warn({ err: error }, `the store did not take the monitors' samples (${error.message}); retrying`);
        this.warned = true;
      },
    );
    await this.flushing;
    this.flushing = undefined;
  }
}
