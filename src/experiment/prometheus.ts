import type { Percentile, QuerySli } from './sli.js';

// A PromQL instant query against a Prometheus server's HTTP API (GET /api/v1/query), the way most teams
// already measure their SLIs. The query must come back as one number: a scalar, or a vector of exactly one
// series (aggregate with sum(), avg() … otherwise). Anything else — the server down, an error, no series,
// NaN (0/0 when there is no traffic) — is no measurement, said in words, never a number we made up.

export interface PrometheusQuery {
  /** The server's base URL, e.g. http://127.0.0.1:9090. */
  prometheus: string;
  query: string;
  timeout: number;
  /** Which SLI the value is; latency values are in `unit` (Prometheus' base unit is the second). */
  sli: QuerySli['sli'];
  percentile?: Percentile;
  unit: 's' | 'ms';
}

export type QueryResult = { ok: true; value: number; latencyMs: number } | { ok: false; error: string; latencyMs: number };

interface PrometheusAnswer {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

export async function prometheusQuery(query: PrometheusQuery, signal?: AbortSignal): Promise<QueryResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(query.timeout);
  const url = `${query.prometheus.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(query.query)}`;
  const failed = (error: string): QueryResult => ({ ok: false, error, latencyMs: performance.now() - started });
  let answer: PrometheusAnswer;
  try {
    const response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/json' } });
    const text = await response.text();
    try {
      answer = JSON.parse(text) as PrometheusAnswer;
    } catch {
      return failed(`Prometheus answered ${response.status} with no JSON: ${text.slice(0, 120)}`);
    }
    if (answer.status !== 'success') return failed(`Prometheus refused the query (${response.status}): ${answer.error ?? 'no reason given'}`);
  } catch (error) {
    if (timeout.aborted) return failed(`Prometheus did not answer within ${query.timeout}ms`);
    return failed(`Prometheus at ${query.prometheus} cannot be reached: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`);
  }
  const raw = valueOf(answer.data);
  if (typeof raw === 'string') return failed(raw);
  if (!Number.isFinite(raw)) return failed(`the query gave ${raw} (no traffic in its range?)`);
  const value = query.sli === 'latency' && query.unit === 's' ? raw * 1000 : raw;
  return { ok: true, value, latencyMs: performance.now() - started };
}

/** The one number of an answer, or why there is none. */
function valueOf(data: PrometheusAnswer['data']): number | string {
  const result = data?.result;
  if (data?.resultType === 'scalar' && Array.isArray(result)) return Number(result[1]);
  if (data?.resultType !== 'vector' || !Array.isArray(result)) return `the query gave a ${data?.resultType ?? 'malformed'} result; expected one number (a scalar or a single series)`;
  if (result.length === 0) return 'the query gave no series (is the target scraped? do the labels match?)';
  if (result.length > 1) return `the query gave ${result.length} series; expected one (aggregate it with sum() or avg())`;
  const sample = (result[0] as { value?: [number, string] }).value;
  return sample ? Number(sample[1]) : 'the query gave a series without a value';
}
