import type { HttpRequest } from './schema.js';

// One HTTP request with a deadline and a status (and body) expectation: what a probe, a probe step, an http
// action and the status page's HTTP monitors all are. Latency is measured around the whole exchange, body included.

export interface HttpCheckResult {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  error?: string;
}

export function statusMatches(expected: number | string | undefined, status: number): boolean {
  if (expected === undefined) return status < 400;
  if (typeof expected === 'number') return status === expected;
  const [low, high] = expected.split('-').map((part) => Number(part.trim()));
  return status >= low && status <= high;
}

export async function httpCheck(request: HttpRequest, signal?: AbortSignal): Promise<HttpCheckResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(request.timeout);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const body = request.expect.body === undefined ? (await response.arrayBuffer(), '') : await response.text();
    const latencyMs = performance.now() - started;
    if (!statusMatches(request.expect.status, response.status)) return { ok: false, status: response.status, latencyMs, error: `status ${response.status}, expected ${request.expect.status}` };
    if (request.expect.body !== undefined && !new RegExp(request.expect.body).test(body)) {
      return { ok: false, status: response.status, latencyMs, error: `the body does not match /${request.expect.body}/` };
    }
    return { ok: true, status: response.status, latencyMs };
  } catch (error) {
    const reason = timeout.aborted ? `timed out after ${request.timeout}ms` : ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
    return { ok: false, status: null, latencyMs: performance.now() - started, error: reason };
  }
}
