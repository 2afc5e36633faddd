import type { LeaseView } from '../leases/lease-book.js';
import type { AuditEntry, Lever, LeverChange, LeverChangeResult } from './lever.js';

// A typed client of the lever service's HTTP API, for the CLI, the experiment engine's `lever` step and
// scripts. Errors carry the service's own message (which names the lever and the known ones).

export const DEFAULT_LEVERS_URL = 'http://127.0.0.1:8475';

/** --url, else GAMEDAY_LEVERS_URL, else the default address of `gameday serve`. */
export function leversUrl(explicit?: string): string {
  return explicit ?? process.env.GAMEDAY_LEVERS_URL ?? DEFAULT_LEVERS_URL;
}

export class LeverApiError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or 0 when the service could not be reached at all. */
    readonly status: number,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export interface LeversClient {
  url: string;
  list(): Promise<Lever[]>;
  get(name: string): Promise<Lever>;
  declare(name: string, declaration: { description: string; critical_path?: string }): Promise<Lever>;
  /** With `lease`, the pull is undone by the service itself when that lease ends. */
  pull(name: string, change: LeverChange, options?: { lease?: string }): Promise<LeverChangeResult>;
  reset(name: string, change: LeverChange, options?: { lease?: string }): Promise<LeverChangeResult>;
  /** Newest first; without `lever`, the audit trail of every lever. */
  audit(lever?: string, options?: { limit?: number }): Promise<AuditEntry[]>;
  createLease(options: { owner: string; ttlMs: number }): Promise<LeaseView>;
  renewLease(id: string): Promise<LeaseView>;
  /** Ends the lease; every change held under it is undone. */
  releaseLease(id: string): Promise<void>;
  listLeases(): Promise<LeaseView[]>;
}

export function connectLevers(url: string, options: { token?: string; timeoutMs?: number } = {}): LeversClient {
  const base = url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;

  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new LeverApiError(`the lever service at ${base} is unreachable (${fetchFailure(error)}); is \`gameday serve\` running? (--url or GAMEDAY_LEVERS_URL)`, 0);
    }
    const text = await response.text();
    const parsed: unknown = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const message = (parsed as { error?: string } | undefined)?.error ?? `${response.status} ${response.statusText}`;
      throw new LeverApiError(message, response.status, parsed);
    }
    return parsed as T;
  }

  const enc = encodeURIComponent;
  const leaseHeader = (lease?: string): Record<string, string> => (lease ? { 'x-gameday-lease': lease } : {});
  return {
    url: base,
    list: () => call('GET', '/levers'),
    get: (name) => call('GET', `/levers/${enc(name)}`),
    declare: (name, declaration) => call('PUT', `/levers/${enc(name)}`, declaration),
    pull: (name, change, opts) => call('POST', `/levers/${enc(name)}/pull`, change, leaseHeader(opts?.lease)),
    reset: (name, change, opts) => call('POST', `/levers/${enc(name)}/reset`, change, leaseHeader(opts?.lease)),
    audit: (lever, opts) => {
      const query = opts?.limit ? `?limit=${opts.limit}` : '';
      return call('GET', lever ? `/levers/${enc(lever)}/audit${query}` : `/audit${query}`);
    },
    createLease: ({ owner, ttlMs }) => call('POST', '/leases', { owner, ttl_ms: ttlMs }),
    renewLease: (id) => call('POST', `/leases/${enc(id)}/renew`),
    releaseLease: async (id) => {
      await call('DELETE', `/leases/${enc(id)}`);
    },
    listLeases: () => call('GET', '/leases'),
  };
}

/** fetch() says only "fetch failed"; the useful words (ECONNREFUSED, bad port, a timeout) are in its cause. */
export function fetchFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: text };
  }
}
