import type { LoadOptions, LoadSample, LoadSummary } from '../load/types.js';
import type { SliSample } from '../journal/format.js';
import type { JournalRecorder } from '../journal/recorder.js';
import type { Experiment, LoadDeclaration } from './schema.js';
import { latencyCounts, QuerySeries, singleLatency, SliSeries, type SliPoint, type SliWindowSource } from './sli.js';
import { httpCheck } from './http-check.js';
import { prometheusQuery } from './prometheus.js';

// Where SLIs come from: the experiment's loads (through the load generator), its HTTP probes and its
// Prometheus queries. Each source feeds one series on the run's clock; loads and probes also feed the
// journal's sample series the report charts, and `onSample` (the store's live run samples) sees each of
// those samples as it arrives, with the point behind it (interval, latency buckets) for windowed SLIs.

export type LoadRunner = (options: LoadOptions, onSample: (sample: LoadSample) => void) => Promise<LoadSummary>;

interface Running {
  controller: AbortController;
  done: Promise<unknown>;
}

export class SliSources {
  readonly series = new Map<string, SliWindowSource>();
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly experiment: Experiment,
    private readonly journal: JournalRecorder,
    private readonly runLoad: LoadRunner,
    private readonly onSample: (sample: SliSample, point: SliPoint) => void = () => undefined,
  ) {
    for (const name of [...Object.keys(experiment.loads), ...Object.keys(experiment.probes)]) this.series.set(name, new SliSeries(name));
    for (const [name, query] of Object.entries(experiment.queries)) {
      this.series.set(name, new QuerySeries(name, query.sli === 'latency' ? { sli: 'latency', percentile: query.percentile! } : { sli: query.sli }));
    }
  }

  /** Loads declared `start: auto`, and the probes and queries some objective or guardrail measures. */
  startAutomatic(): void {
    for (const [name, load] of Object.entries(this.experiment.loads)) if (load.start === 'auto') this.startLoad(name);
    const measured = new Set([...this.experiment.hypothesis.objectives, ...this.experiment.guardrails].map((slo) => slo.source));
    for (const name of Object.keys(this.experiment.probes)) if (measured.has(name)) this.startProbe(name);
    for (const name of Object.keys(this.experiment.queries)) if (measured.has(name)) this.startQuery(name);
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  startLoad(name: string): void {
    if (this.running.has(name)) return;
    const declaration = this.experiment.loads[name];
    const controller = new AbortController();
    const series = this.series.get(name) as SliSeries;
    const options = loadOptions(declaration, this.experiment.settings.sampleInterval, controller.signal);
    this.journal.note('load.started', `load ${name}: ${describeLoad(declaration)}`, { load: name });
    const done = this.runLoad(options, (sample) => {
      const atMs = this.journal.now();
      const errors = Object.values(sample.errors).reduce((sum, n) => sum + n, 0);
      const point: SliPoint = { atMs, intervalMs: sample.intervalMs, ok: sample.ok, errors, dropped: sample.dropped, latency: latencyCounts(sample.histogram) };
      series.add(point);
      const attempts = sample.ok + errors + sample.dropped;
      this.record(point, {
        atMs,
        load: name,
        rate: sample.achievedRate,
        ok: sample.ok,
        errors,
        dropped: sample.dropped,
        errorRate: attempts === 0 ? 0 : (errors + sample.dropped) / attempts,
        p50: sample.latency.p50,
        p99: sample.latency.p99,
        max: sample.latency.max,
      });
    })
      .then((summary) => this.journal.note('load.stopped', `load ${name}: ${summary.requests} requests, ${summary.ok} ok`, { load: name, requests: summary.requests, ok: summary.ok, cancelled: summary.cancelled }))
      .catch((error: unknown) => this.journal.note('error', `load ${name} failed: ${(error as Error).message}`, { load: name }))
      .finally(() => this.running.delete(name));
    this.running.set(name, { controller, done });
  }

  private startProbe(name: string): void {
    const probe = this.experiment.probes[name];
    const controller = new AbortController();
    const series = this.series.get(name) as SliSeries;
    const loop = async () => {
      while (!controller.signal.aborted) {
        const started = this.journal.now();
        const result = await httpCheck(probe, controller.signal);
        if (controller.signal.aborted) break;
        const latency = singleLatency(Math.max(1, Math.round(result.latencyMs * 1000)));
        const atMs = this.journal.now();
        const intervalMs = Math.max(probe.every, atMs - started);
        const point: SliPoint = { atMs, intervalMs, ok: result.ok ? 1 : 0, errors: result.ok ? 0 : 1, dropped: 0, latency };
        series.add(point);
        // The probe's checks go into the journal like a load's samples, so the report charts what it measured.
        const latencyMs = Math.round(result.latencyMs * 10) / 10;
        this.record(point, {
          atMs,
          load: name,
          source: 'probe',
          rate: 1000 / intervalMs,
          ok: result.ok ? 1 : 0,
          errors: result.ok ? 0 : 1,
          dropped: 0,
          errorRate: result.ok ? 0 : 1,
          p50: latencyMs,
          p99: latencyMs,
          max: latencyMs,
        });
        const wait = probe.every - (this.journal.now() - started);
        if (wait > 0) await sleep(wait, controller.signal);
      }
    };
    this.running.set(name, { controller, done: loop() });
  }

  private record(point: SliPoint, sample: SliSample): void {
    this.journal.sample(sample);
    this.onSample(sample, point);
  }

  /** A query runs every `every`; a failed query adds no point, so its SLI is "no data" until one succeeds. */
  private startQuery(name: string): void {
    const query = this.experiment.queries[name];
    const controller = new AbortController();
    const series = this.series.get(name) as QuerySeries;
    const loop = async () => {
      let warned = false;
      while (!controller.signal.aborted) {
        const started = this.journal.now();
        const result = await prometheusQuery(query, controller.signal);
        if (controller.signal.aborted) break;
        if (result.ok) series.add({ atMs: this.journal.now(), value: result.value });
        else if (!warned) {
          warned = true;
          this.journal.note('error', `query ${name}: ${result.error}`, {});
        }
        const wait = query.every - (this.journal.now() - started);
        if (wait > 0) await sleep(wait, controller.signal);
      }
    };
    this.running.set(name, { controller, done: loop() });
  }

  async stop(name: string): Promise<void> {
    const running = this.running.get(name);
    if (!running) return;
    running.controller.abort();
    await running.done;
    this.running.delete(name);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stop(name)));
  }
}

function loadOptions(load: LoadDeclaration, sampleIntervalMs: number, signal: AbortSignal): LoadOptions {
  return {
    url: load.url,
    method: load.method,
    headers: load.headers,
    body: load.body,
    model: load.model,
    rate: load.rate,
    stages: load.stages?.map((stage) => ({ durationMs: stage.duration, targetRate: stage.rate })),
    // A load without a duration runs until the run stops it; a day is an upper bound, not a plan.
    durationMs: load.duration ?? (load.stages ? undefined : 86_400_000),
    connections: load.connections,
    maxInFlight: load.maxInFlight,
    timeoutMs: load.timeout,
    sampleIntervalMs,
    signal,
  };
}

export function describeLoad(load: LoadDeclaration): string {
  const shape = load.stages
    ? `stages ${load.stages.map((s) => `${s.rate}/s`).join(' → ')}`
    : load.model === 'closed'
      ? `${load.connections ?? 1} connections back to back`
      : `${load.rate}/s`;
  return `${load.method} ${load.url}, ${shape}`;
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
