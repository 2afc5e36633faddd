// runLoad: the library entry point used by `gameday load` and by the orchestrator (SLIs, guardrails).
// It reads as the run's lifecycle: check the options, check the target accepts a connection (before a
// single request is sent), drive the chosen model while closing one sample per interval, drain what is
// still in flight (bounded by the timeout), then summarise.
import { connect } from 'node:net';
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { Client, Pool, type Dispatcher } from 'undici';
import { monotonicClock, type Clock } from './clock.js';
import { ClosedModel } from './closed-model.js';
import { ExchangeDriver } from './exchange.js';
import { checkOptions, LoadTargetUnreachableError } from './input.js';
import { OpenModel } from './open-model.js';
import { Recorder } from './recorder.js';
import { ArrivalSchedule } from './schedule.js';
import type { LoadOptions, LoadSample, LoadSummary } from './types.js';

export const DEFAULTS = {
  durationMs: 30_000,
  timeoutMs: 10_000,
  sampleIntervalMs: 1000,
  openConnections: 100,
  closedConnections: 10,
  /**
   * The open model's in-flight cap: one second of arrivals at the peak rate, at least 1000. Arrivals
   * beyond the busy connections wait in the pool's queue (their wait counts in the latency); a smaller
   * cap would turn a short stall of the target, or of this process, into drops, whose latency nobody sees.
   */
  maxInFlightFloor: 1000,
  maxInFlightSeconds: 1,
} as const;

/** Additive extensions of LoadSummary (see docs/load.md). */
export interface LoadSummaryDetail extends LoadSummary {
  /** Arrivals scheduled (open model, dropped included) or requests sent (closed model). */
  scheduled: number;
  connections: number;
  /** The run's full histograms (microseconds), HdrHistogram compressed base64, for merging or replotting. */
  histograms: { latency: string; serviceTime: string };
}

export interface RunLoadContext {
  clock?: Clock;
}

export async function runLoad(
  options: LoadOptions,
  onSample?: (sample: LoadSample) => void,
  context: RunLoadContext = {},
): Promise<LoadSummaryDetail> {
  const url = checkOptions(options);
  const clock = context.clock ?? monotonicClock;
  const model = options.model ?? 'open';
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const connections = options.connections ?? (model === 'open' ? DEFAULTS.openConnections : DEFAULTS.closedConnections);
  const schedule =
    model === 'open'
      ? options.stages && options.stages.length > 0
        ? new ArrivalSchedule(options.stages, options.durationMs)
        : new ArrivalSchedule([{ durationMs: options.durationMs ?? DEFAULTS.durationMs, targetRate: options.rate! }], undefined, options.rate)
      : null;
  const durationMs = schedule?.durationMs ?? options.durationMs ?? DEFAULTS.durationMs;

  // Already cancelled: no check, no traffic, an empty summary marked cancelled.
  if (!options.signal?.aborted) await checkReachable(url, Math.min(timeoutMs, 5000));

  // pipelining 1: one request at a time per connection, as real clients do. undici's own timers are
  // off because the driver times requests out itself, queue time included, without a timer per request.
  const dispatcherOptions = { pipelining: 1, connectTimeout: timeoutMs, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 60_000 };
  const dispatchers: Dispatcher[] =
    model === 'open'
      ? [new Pool(url.origin, { ...dispatcherOptions, connections })]
      : Array.from({ length: connections }, () => new Client(url.origin, dispatcherOptions));
  const destroyAll = () => Promise.all(dispatchers.map((d) => d.destroy().catch(() => {})));
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? Buffer.from(options.body) : Buffer.from(options.body);
  const request: Dispatcher.DispatchOptions = {
    path: url.pathname + url.search,
    method: (options.method ?? 'GET') as Dispatcher.HttpMethod,
    headers: options.headers ?? {},
    body,
  };

  const startMs = clock.now();
  const recorder = new Recorder(startMs);
  const driver = new ExchangeDriver(request, recorder, clock, timeoutMs);
  const loadModel = schedule
    ? new OpenModel(schedule, driver, recorder, clock, startMs, options.maxInFlight ?? defaultMaxInFlight(options, connections), dispatchers[0])
    : new ClosedModel(driver, recorder, clock, dispatchers);
  let cancelled = false;
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    // Ctrl-C or a guardrail: stop at once, count nothing more, drop every connection.
    loadModel.stop();
    driver.stop();
    void destroyAll();
  };
  options.signal?.addEventListener('abort', cancel, { once: true });
  if (options.signal?.aborted) cancel();

  const intervalMs = options.sampleIntervalMs ?? DEFAULTS.sampleIntervalMs;
  let boundary = startMs + intervalMs;
  let sampleTimer: NodeJS.Timeout;
  const emit = (nowMs: number) => {
    const sample = recorder.takeSample(nowMs);
    try {
      onSample?.(sample);
    } catch {
      // A consumer's bug must not stop the load or lose the summary.
    }
  };
  const sampleLoop = () => {
    const now = clock.now();
    emit(now);
    // Boundaries stay on the start + k·interval grid, so samples do not drift on a busy machine (a
    // timer may also fire a hair early: that sample is a little short, the next one is not tiny).
    do boundary += intervalMs;
    while (boundary <= now);
    sampleTimer = setTimeout(sampleLoop, boundary - now);
  };
  sampleTimer = setTimeout(sampleLoop, intervalMs);
  const expiry = setInterval(() => driver.expire(), Math.min(50, Math.max(5, timeoutMs / 10)));

  try {
    if (!cancelled) await (loadModel instanceof OpenModel ? loadModel.run() : loadModel.run(startMs + durationMs));
    await drain(driver, clock, timeoutMs + 100, () => cancelled);
  } finally {
    clearTimeout(sampleTimer!);
    clearInterval(expiry);
    options.signal?.removeEventListener('abort', cancel);
    driver.stop();
  }
  const endMs = clock.now();
  // The last, partial interval, unless the run ended right on a boundary with nothing left to report.
  if (!recorder.intervalIsEmpty || recorder.samples.length === 0) emit(endMs);
  await destroyAll();

  const totals = recorder.totals();
  const elapsedMs = endMs - startMs;
  return {
    url: options.url,
    model,
    durationMs: Math.round(elapsedMs),
    requests: totals.requests,
    ok: totals.ok,
    errors: totals.errors,
    dropped: totals.dropped,
    achievedRate: elapsedMs > 0 ? Math.round((totals.requests * 100_000) / elapsedMs) / 100 : 0,
    // For stages, the average rate the schedule asks for, so it compares with achievedRate.
    targetRate: schedule ? (options.stages?.length ? Math.round((schedule.totalArrivals * 100_000) / schedule.durationMs) / 100 : options.rate!) : null,
    latency: totals.latency,
    serviceTime: totals.serviceTime,
    bytesReceived: totals.bytesReceived,
    samples: recorder.samples,
    cancelled,
    scheduled: totals.scheduled,
    connections,
    histograms: {
      latency: encodeIntoCompressedBase64(totals.latencyHistogram),
      serviceTime: encodeIntoCompressedBase64(totals.serviceTimeHistogram),
    },
  };
}

function defaultMaxInFlight(options: LoadOptions, connections: number): number {
  const peakRate = Math.max(options.rate ?? 0, ...(options.stages ?? []).map((stage) => stage.targetRate));
  return Math.max(DEFAULTS.maxInFlightFloor, connections, Math.ceil(peakRate * DEFAULTS.maxInFlightSeconds));
}

/** Waits until every exchange in flight has been counted, at most `limitMs`. */
function drain(driver: ExchangeDriver, clock: Clock, limitMs: number, stopped: () => boolean): Promise<void> {
  const deadline = clock.now() + limitMs;
  return new Promise((resolve) => {
    const check = () => {
      if (driver.pending === 0 || stopped() || clock.now() >= deadline) return resolve();
      setTimeout(check, 2);
    };
    check();
  });
}

/** One TCP connect, so an unreachable target fails before any traffic (exit 3 on the CLI). */
function checkReachable(url: URL, timeoutMs: number): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new LoadTargetUnreachableError(`cannot reach ${url.origin}: ${reason}; no requests were sent`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no TCP connection within ${timeoutMs} ms`));
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}
