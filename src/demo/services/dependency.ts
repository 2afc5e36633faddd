// One backend as the page assembler sees it: a keep-alive connection pool to its address (in the world,
// the fault proxy's listen address for that link) behind cockatiel policies. A call never throws; it
// resolves to an outcome the assembler and the metrics can both read.
import { BrokenCircuitError, ConsecutiveBreaker, TaskCancelledError, TimeoutStrategy, CircuitState, circuitBreaker, handleAll, noop, timeout, wrap, type CircuitBreakerPolicy, type IPolicy } from 'cockatiel';
import { Pool } from 'undici';
import type { Criticality } from './catalog-of-services.js';

export type DependencyOutcome = 'ok' | 'timeout' | 'error' | 'circuit-open' | 'skipped-by-lever';
export const DEPENDENCY_OUTCOMES: readonly DependencyOutcome[] = ['ok', 'timeout', 'error', 'circuit-open', 'skipped-by-lever'];

export interface DependencyResult {
  dependency: string;
  outcome: DependencyOutcome;
  durationMs: number;
  body?: Record<string, unknown>;
  /** Why a failed call failed, in words: "connect ECONNREFUSED 127.0.0.1:4001", "HTTP 503". */
  detail?: string;
}

/** Resilience of one dependency; `undefined` timeouts and breaker = the naive client of the failing example. */
export interface DependencyPolicy {
  timeoutMs?: number;
  breaker?: { consecutiveFailures: number; openMs: number };
}

export type CircuitView = 'closed' | 'open' | 'half-open' | 'isolated' | 'none';

class HttpStatusError extends Error {}

/** A dependency's address or the set of dependencies is wrong; raised before anything is called. */
export class DependencyConfigError extends Error {}

/** Enough sockets for a few hundred pages per second per assembler at millisecond service times. */
const POOL_CONNECTIONS = 64;

/**
 * How long a request may stay open after its call gave up. A call that times out returns at its deadline
 * (the page does not wait), but its request runs on, so the keep-alive connection returns to the pool when
 * the late answer arrives. Aborting it instead destroys the connection: after any stall longer than a
 * timeout, every call of every assembler then reconnects through the one fault proxy at once, and that
 * storm of connections kept the proxy saturated and both regions' calls timing out for seconds. A
 * dependency that never answers (a black hole) holds a connection no longer than this.
 */
const LATE_ANSWER_LIMIT_MS = 3_000;
/** Late requests one dependency may have open at once: past that a call that times out aborts its request, so late answers never take the sockets a live call needs. */
const MAX_LATE_REQUESTS = 16;

export class Dependency {
  private readonly pool: Pool;
  private readonly breaker?: CircuitBreakerPolicy;
  private readonly policy: IPolicy;
  /** Unset for the naive client: without timeouts it waits as long as the dependency takes. */
  private readonly lateLimitMs?: number;
  private lateRequests = 0;

  constructor(
    readonly name: string,
    readonly criticality: Criticality,
    baseUrl: string,
    policy: DependencyPolicy,
  ) {
    this.pool = new Pool(originOf(name, baseUrl), { connections: POOL_CONNECTIONS, keepAliveTimeout: 4_000 });
    const layers: IPolicy[] = [];
    if (policy.breaker) {
      this.breaker = circuitBreaker(handleAll, {
        halfOpenAfter: policy.breaker.openMs,
        breaker: new ConsecutiveBreaker(policy.breaker.consecutiveFailures),
      });
      layers.push(this.breaker);
    }
    // Aggressive: the call gives up at the deadline even if the socket never answers; the request itself
    // is bounded by LATE_ANSWER_LIMIT_MS, not by the deadline (see there).
    if (policy.timeoutMs !== undefined) {
      layers.push(timeout(policy.timeoutMs, TimeoutStrategy.Aggressive));
      this.lateLimitMs = LATE_ANSWER_LIMIT_MS;
    }
    this.policy = layers.length > 0 ? wrap(...layers) : noop;
  }

  async call(productId: string): Promise<DependencyResult> {
    const started = performance.now();
    const finish = (outcome: DependencyOutcome, extra: Partial<DependencyResult> = {}): DependencyResult => ({
      dependency: this.name,
      outcome,
      durationMs: performance.now() - started,
      ...extra,
    });
    const request = new AbortController();
    let sent: Promise<unknown> | undefined;
    try {
      const body = await this.policy.execute(() => (sent = this.get(productId, request)));
      return finish('ok', { body });
    } catch (error) {
      if (error instanceof BrokenCircuitError) return finish('circuit-open', { detail: 'circuit open after repeated failures' });
      if (error instanceof TaskCancelledError) {
        this.finishLate(sent, request);
        return finish('timeout', { detail: error.message });
      }
      return finish('error', { detail: describe(error) });
    }
  }

  /** The call gave up at its deadline; its request may still answer (LATE_ANSWER_LIMIT_MS, MAX_LATE_REQUESTS). */
  private finishLate(sent: Promise<unknown> | undefined, request: AbortController): void {
    if (!sent) return;
    if (this.lateRequests >= MAX_LATE_REQUESTS) return request.abort();
    this.lateRequests++;
    void sent.catch(() => undefined).finally(() => this.lateRequests--);
  }

  circuit(): CircuitView {
    if (!this.breaker) return 'none';
    switch (this.breaker.state) {
      case CircuitState.Closed: return 'closed';
      case CircuitState.Open: return 'open';
      case CircuitState.HalfOpen: return 'half-open';
      case CircuitState.Isolated: return 'isolated';
    }
  }

  /**
   * Opens a pooled connection and lets both ends compile their request path, outside the policies and
   * the metrics. Without it the first pages after a start pay connection setup and a cold JIT and
   * miss the 80 ms budget: the demo would open with degraded pages that no fault caused.
   */
  async warmUp(signal: AbortSignal): Promise<boolean> {
    try {
      const response = await this.pool.request({ method: 'GET', path: '/healthz', signal });
      await response.body.dump();
      return response.statusCode === 200;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private async get(productId: string, request: AbortController): Promise<Record<string, unknown>> {
    const limit = this.lateLimitMs === undefined ? undefined : setTimeout(() => request.abort(), this.lateLimitMs);
    try {
      const response = await this.pool.request({ method: 'GET', path: `/product/${encodeURIComponent(productId)}`, signal: request.signal });
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new HttpStatusError(`HTTP ${response.statusCode}`);
      }
      return (await response.body.json()) as Record<string, unknown>;
    } finally {
      clearTimeout(limit);
    }
  }
}

function originOf(name: string, baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new DependencyConfigError(`dependency "${name}": "${baseUrl}" is not a URL; expected e.g. http://127.0.0.1:4001`);
  }
  if (url.protocol !== 'http:' || (url.pathname !== '/' && url.pathname !== '')) {
    throw new DependencyConfigError(`dependency "${name}": "${baseUrl}" must be a plain http origin like http://127.0.0.1:4001 (no path)`);
  }
  return url.origin;
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
