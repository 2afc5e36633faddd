import { request, type Dispatcher } from 'undici';
import { LEASE_HEADER } from '../leases/lease-routes.js';

// The one way GameDay calls a control API of its own (the fault proxy, the fleet, the region gateway, the
// lever service): every call has a deadline, honours the caller's AbortSignal, and fails with one error
// type that names the component, the URL and what the user can do about it. The typed clients
// (proxy/client.ts, fleet/control-client.ts, levers/client.ts, leases/lease-client.ts) are thin wrappers.

/** A component with a control API, in the words a user knows it by, and how it is started. */
export interface Component {
  name: 'fault proxy' | 'fleet' | 'gateway' | 'lever service' | 'component';
  /** Said when nothing answers: how this component is usually started. */
  startedBy: string;
  /** Said on 401: where the client's token comes from. */
  tokenFrom: string;
}

export const components = {
  proxy: { name: 'fault proxy', startedBy: '`gameday proxy`', tokenFrom: "the target's `token` or GAMEDAY_PROXY_TOKEN" },
  fleet: { name: 'fleet', startedBy: '`gameday fleet`', tokenFrom: "the target's `token` or GAMEDAY_FLEET_TOKEN" },
  gateway: { name: 'gateway', startedBy: '`gameday fleet --gateway`', tokenFrom: "the target's `token` or GAMEDAY_FLEET_TOKEN" },
  levers: { name: 'lever service', startedBy: '`gameday serve`', tokenFrom: '--token or GAMEDAY_LEVERS_TOKEN' },
  /** Where only the URL is known (a lease recorded in the store): whichever component holds the faults. */
  unknown: { name: 'component', startedBy: 'the component that holds the faults', tokenFrom: 'the token it was started with' },
} as const satisfies Record<string, Component>;

/** The component of a target kind (`proxy`, `fleet`, `gateway`, `levers`). */
export function componentOf(kind: string | undefined): Component {
  return (components as Record<string, Component>)[kind ?? ''] ?? components.unknown;
}

/**
 * Why a call failed. `status` is the component's HTTP status, or 0 when no answer came (unreachable,
 * deadline passed, cancelled). When the component refused the request on its merits (a 4xx other than
 * 401), the message is the component's own: it already names what was refused and why (Toxiproxy's
 * "proxy not found", the lever service's list of known levers). Otherwise the message names the
 * component, its URL and what to do.
 */
export class ControlPlaneError extends Error {
  constructor(
    message: string,
    readonly component: Component['name'],
    /** The URL that was called. */
    readonly url: string,
    readonly status: number,
    readonly reason: 'unreachable' | 'deadline' | 'cancelled' | 'refused' | 'failed',
    /** The component's answer, parsed when it was JSON. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** Long enough for a loaded machine, short enough that a wedged component cannot wedge its caller. */
export const DEFAULT_DEADLINE_MS = 10_000;

export interface ControlPlaneClientOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** The deadline of every call, unless a call gives its own. */
  timeoutMs?: number;
  /** Said first in every message, e.g. "target shop". */
  label?: string;
  /** Said after "is … running?" when nothing answers, e.g. where the URL came from. */
  unreachableHint?: string;
  /** A connection pool of the caller's (closed by the caller); default undici's global one. */
  dispatcher?: Dispatcher;
}

export interface CallOptions {
  body?: unknown;
  /** Puts what the call creates under this lease (X-GameDay-Lease). */
  lease?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ControlPlaneClient {
  /** The base URL, without a trailing slash. */
  url: string;
  component: Component;
  /** Answers the parsed JSON body (undefined when empty); throws ControlPlaneError. */
  call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options?: CallOptions): Promise<T>;
}

export function controlPlaneClient(component: Component, baseUrl: string, options: ControlPlaneClientOptions = {}): ControlPlaneClient {
  const base = baseUrl.replace(/\/+$/, '');
  const prefix = options.label ? `${options.label}: ` : '';
  const where = `the ${component.name} at ${base}`;

  async function call<T>(method: string, path: string, callOptions: CallOptions = {}): Promise<T> {
    const url = `${base}${path}`;
    const timeoutMs = callOptions.timeoutMs ?? options.timeoutMs ?? DEFAULT_DEADLINE_MS;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = callOptions.signal ? AbortSignal.any([deadline, callOptions.signal]) : deadline;
    const fail = (message: string, status: number, reason: ControlPlaneError['reason'], body?: unknown) =>
      new ControlPlaneError(`${prefix}${message}`, component.name, url, status, reason, body);
    let statusCode: number;
    let text: string;
    try {
      const response = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: {
          ...(callOptions.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(callOptions.lease ? { [LEASE_HEADER]: callOptions.lease } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...callOptions.headers,
        },
        body: callOptions.body !== undefined ? JSON.stringify(callOptions.body) : undefined,
        signal,
        dispatcher: options.dispatcher,
      });
      statusCode = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      if (callOptions.signal?.aborted) {
        throw fail(`${method} ${path} on ${where} was cancelled`, 0, 'cancelled');
      }
      if (deadline.aborted) {
        throw fail(`${where} did not answer ${method} ${path} within ${timeoutMs}ms; is it overloaded or stopped?`, 0, 'deadline');
      }
      const hint = options.unreachableHint ? ` ${options.unreachableHint}` : '';
      throw fail(`${where} is unreachable (${failureOf(error)}); is ${component.startedBy} running?${hint}`, 0, 'unreachable');
    }
    const body = parseJson(text);
    if (statusCode < 400) return body as T;
    const said = (body as { error?: unknown } | undefined)?.error;
    const message = typeof said === 'string' && said ? said : text.trim() || `HTTP ${statusCode}`;
    if (statusCode === 401) {
      throw fail(`${where} refused the call (401): ${message}; give the token it was started with (${component.tokenFrom})`, statusCode, 'refused', body);
    }
    if (statusCode >= 500) throw fail(`${where} failed (HTTP ${statusCode}): ${message}`, statusCode, 'failed', body);
    throw fail(message, statusCode, 'refused', body);
  }

  return { url: base, component, call };
}

/**
 * The useful words of a network failure (ECONNREFUSED, ENOTFOUND, a timeout): undici puts them in
 * `code`, fetch() in its `cause` under a bare "fetch failed".
 */
export function failureOf(error: unknown): string {
  const { code, message, cause } = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (cause?.code || cause?.message) return cause.code ?? cause.message!;
  return code && code.startsWith('E') && !code.startsWith('ERR_') ? code : (message ?? String(error));
}

/** JSON as JSON; anything else (a proxy in between, a plain-text error) as the text itself. */
function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
