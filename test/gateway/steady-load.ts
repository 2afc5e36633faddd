// A bounded open-model load loop for gateway tests and the evacuate benchmark: requests start on a fixed
// schedule whatever the responses do, and each result records which region served it.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

export interface LoadResult {
  /** Intended start, ms since the load began. */
  atMs: number;
  /** Actual send, ms since the load began: the request reached the gateway after this moment. */
  sentMs: number;
  /** Latency from the intended start (so a stall is not hidden by a late send). */
  latencyMs: number;
  status: number | null;
  region: string | null;
  instance: string | null;
  error: string | null;
}

export interface SteadyLoad {
  results: LoadResult[];
  /** Resolves once every scheduled request has completed. */
  done: Promise<LoadResult[]>;
  startedAt: number;
  stop(): void;
}

export function steadyLoad(url: string, options: { rate: number; durationMs: number; path?: string; timeoutMs?: number }): SteadyLoad {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: 64, keepAliveTimeout: 4000 });
  const total = Math.floor((options.rate * options.durationMs) / 1000);
  const results: LoadResult[] = [];
  const startedAt = performance.now();
  let stopped = false;
  const one = async (atMs: number): Promise<void> => {
    const sentMs = performance.now() - startedAt;
    try {
      const response = await pool.request({
        path: options.path ?? '/',
        method: 'GET',
        headersTimeout: options.timeoutMs ?? 15_000,
        bodyTimeout: options.timeoutMs ?? 15_000,
      });
      await response.body.dump();
      const region = response.headers['x-gameday-region'];
      const instance = response.headers['x-gameday-instance'];
      results.push({
        atMs,
        sentMs,
        latencyMs: performance.now() - startedAt - atMs,
        status: response.statusCode,
        region: typeof region === 'string' ? region : null,
        instance: typeof instance === 'string' ? instance : null,
        error: response.statusCode >= 400 ? `status ${response.statusCode}` : null,
      });
    } catch (error) {
      results.push({ atMs, sentMs, latencyMs: performance.now() - startedAt - atMs, status: null, region: null, instance: null, error: (error as Error).message });
    }
  };
  const done = (async () => {
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total && !stopped; i++) {
      const atMs = (i * 1000) / options.rate;
      const wait = startedAt + atMs - performance.now();
      if (wait > 1) await sleep(wait);
      inFlight.push(one(atMs));
    }
    await Promise.all(inFlight);
    await pool.close();
    return results.sort((a, b) => a.atMs - b.atMs);
  })();
  return { results, done, startedAt, stop: () => void (stopped = true) };
}

/** Milliseconds since the load began, on the same clock as LoadResult.atMs. */
export function elapsed(load: SteadyLoad): number {
  return performance.now() - load.startedAt;
}
