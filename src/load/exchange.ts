// One request/response exchange, as an undici dispatch handler. Both models send through one
// `ExchangeDriver`, which owns the in-flight accounting, the timeouts and the classification of failures,
// so the open and the closed model differ only in *when* they send.
//
// Exchanges are plain objects reused from run to run (the closed model keeps one per connection, the open
// model a free list), so the hot path allocates nothing of ours per request. They implement undici's
// classic handler callbacks (onConnect/onHeaders/onData/onComplete/onError) rather than the newer
// controller API, because undici wraps new-style handlers in an adapter object and parses every header
// block into an object on each response, work a load generator has no use for.
import type { Dispatcher } from 'undici';
import type { Clock } from './clock.js';
import type { Recorder } from './recorder.js';
import type { ErrorKind } from './types.js';

export class LoadTimeoutError extends Error {
  readonly code = 'GAMEDAY_LOAD_TIMEOUT';
}

class LoadStoppedError extends Error {
  readonly code = 'GAMEDAY_LOAD_STOPPED';
}

export class Exchange {
  intendedMs = 0;
  dispatchedMs = 0;
  /** When undici wrote the request to a connected socket; 0 until then. */
  sentMs = 0;
  status = 0;
  bytes = 0;
  /** Already counted (timed out or stopped) while undici still holds the request. */
  settled = false;
  /** Index in the driver's list of exchanges in flight, -1 when idle. */
  slot = -1;
  private abortRequest: ((err?: Error) => void) | null = null;

  /** `dispatcher`: the open model's shared Pool, or the closed model's own Client for this loop. */
  constructor(
    private readonly driver: ExchangeDriver,
    readonly dispatcher: Dispatcher,
  ) {}

  reset(intendedMs: number, nowMs: number): void {
    this.intendedMs = intendedMs;
    this.dispatchedMs = nowMs;
    this.sentMs = 0;
    this.status = 0;
    this.bytes = 0;
    this.settled = false;
    this.abortRequest = null;
  }

  abort(reason: Error): void {
    this.abortRequest?.(reason);
  }

  // undici calls onConnect right before it writes the request on a connected socket: the start of the
  // service time. A request queued behind busy connections has not been sent yet.
  onConnect(abort: (err?: Error) => void): void {
    this.abortRequest = abort;
    if (this.settled) abort(new LoadStoppedError('already settled'));
    else this.sentMs = this.driver.clock.now();
  }

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    return true;
  }

  onComplete(): void {
    this.driver.finished(this, null);
  }

  onError(error: Error): void {
    this.driver.finished(this, error);
  }
}

/** Maps what undici and the OS report onto the error kinds users reason about. */
export function classifyError(error: Error & { code?: string; cause?: unknown }): ErrorKind {
  const code = error.code ?? (error.cause as { code?: string } | undefined)?.code;
  switch (code) {
    case 'GAMEDAY_LOAD_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'reset';
    default:
      return 'other';
  }
}

export class ExchangeDriver {
  /** Exchanges handed to undici and not yet finished by it (counted ones included). */
  private readonly active: Exchange[] = [];
  private stopping = false;
  /** Called after undici is done with an exchange, so the model can reuse or resend it. */
  onIdle: (exchange: Exchange) => void = () => {};

  constructor(
    private readonly request: Dispatcher.DispatchOptions,
    private readonly recorder: Recorder,
    readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {}

  get inFlight(): number {
    return this.active.length;
  }

  /** Exchanges in flight that have not been counted yet. */
  get pending(): number {
    let count = 0;
    for (const exchange of this.active) if (!exchange.settled) count++;
    return count;
  }

  send(exchange: Exchange, intendedMs: number, nowMs = this.clock.now()): void {
    exchange.reset(intendedMs, nowMs);
    exchange.slot = this.active.length;
    this.active.push(exchange);
    exchange.dispatcher.dispatch(this.request, exchange as unknown as Dispatcher.DispatchHandler);
  }

  finished(exchange: Exchange, error: Error | null): void {
    this.untrack(exchange);
    if (!exchange.settled && !this.stopping) {
      const now = this.clock.now();
      if (error === null) this.recorder.response(exchange.status, exchange.intendedMs, exchange.sentMs || exchange.dispatchedMs, now, exchange.bytes);
      else this.recorder.failure(classifyError(error), exchange.intendedMs, exchange.sentMs, now);
    }
    exchange.settled = true;
    this.onIdle(exchange);
  }

  /** Counts every exchange older than the timeout as timed out and aborts it. Cheap: in-flight is capped. */
  expire(): void {
    const now = this.clock.now();
    for (let i = 0; i < this.active.length; i++) {
      const exchange = this.active[i];
      if (exchange.settled || now - exchange.dispatchedMs < this.timeoutMs) continue;
      exchange.settled = true;
      this.recorder.failure('timeout', exchange.intendedMs, exchange.sentMs, now);
      // Aborting makes undici call onError, possibly synchronously, which removes it from `active`.
      const before = this.active.length;
      exchange.abort(new LoadTimeoutError(`no response within ${this.timeoutMs} ms`));
      if (this.active.length < before) i--;
    }
  }

  /** From now on nothing more is counted (cancellation); in-flight exchanges are left to the caller. */
  stop(): void {
    this.stopping = true;
  }

  private untrack(exchange: Exchange): void {
    const slot = exchange.slot;
    if (slot < 0) return;
    const last = this.active.pop()!;
    if (last !== exchange) {
      this.active[slot] = last;
      last.slot = slot;
    }
    exchange.slot = -1;
  }
}
