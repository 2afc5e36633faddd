import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';

// Safe from the browser next door. Every server of ours (the control room and lever service, the proxy's
// control API, the fleet's and the gateway's control APIs) answers only requests that:
//   1. name it by a name it serves (Host): a web page that rebinds its own DNS name to 127.0.0.1 still
//      sends its own name, so it is refused before anything happens (DNS rebinding);
//   2. carry the access token, when the server has one (it must, beyond loopback);
//   3. if they change state (POST, PUT, PATCH, DELETE), do not come from another site's page: a browser
//      says where a request comes from (Origin, Sec-Fetch-Site); scripts, curl and our clients say nothing.
// The browser's checks cost nothing to a command-line client, which sends none of these headers.

export interface EdgeRequest {
  method?: string;
  /** The request target (path and query), for a proof a form carries in its action URL. */
  url?: string;
  headers: IncomingHttpHeaders;
}

export interface Refusal {
  status: 401 | 403;
  message: string;
}

export interface EdgeGuardOptions {
  /** The address the server is bound to; 0.0.0.0 and :: mean every address of this machine. */
  host: string;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** More names the server is reached by (a DNS name, a name in /etc/hosts), beyond loopback and its address. */
  allowedHosts?: readonly string[];
  /**
   * The seam for the control room's own form token (src/web/form-token.ts): a browser's state change that
   * passed the same-origin checks must also pass this (answer a Refusal to block it). Set by a server that
   * serves pages with forms.
   */
  browserStateChange?: (request: EdgeRequest) => Refusal | null;
}

export type EdgeGuard = (request: EdgeRequest) => Refusal | null;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isLoopbackAddress(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** The names a server bound to `host` serves: loopback names, its own address, and the configured ones. */
export function servedNames(host: string, allowedHosts: readonly string[] = []): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1', ...allowedHosts].map(normalizeName));
  const bound = normalizeName(host);
  if (bound === '0.0.0.0' || bound === '::') {
    names.add(normalizeName(hostname()));
    for (const addresses of Object.values(networkInterfaces())) for (const address of addresses ?? []) names.add(normalizeName(address.address));
  } else {
    names.add(bound);
  }
  return names;
}

export function edgeGuard(options: EdgeGuardOptions): EdgeGuard {
  const names = servedNames(options.host, options.allowedHosts);
  const listed = [...names].join(', ');
  return (request) => {
    const host = single(request.headers.host);
    // HTTP/1.0 callers may send no Host; browsers always send one.
    if (host !== undefined && !isServed(names, host)) {
      return {
        status: 403,
        message:
          `refused: this server answers to ${listed}, not to "${host}" (Host header), so that a web page cannot reach it ` +
          `through a name it controls; if you reach it by that name on purpose, start it with --allow-host ${nameOf(host)}`,
      };
    }
    if (options.token !== undefined && !bearerMatches(single(request.headers.authorization), options.token)) {
      return { status: 401, message: 'missing or wrong access token: send "Authorization: Bearer <token>" with the --token this server was started with' };
    }
    if (!STATE_CHANGING.has((request.method ?? 'GET').toUpperCase())) return null;
    const origin = single(request.headers.origin);
    const site = single(request.headers['sec-fetch-site']);
    if (origin === undefined && site === undefined) return null;
    const foreign = site === 'cross-site' || site === 'same-site' || (origin !== undefined && !sameOrigin(origin, host));
    if (foreign) {
      return {
        status: 403,
        message: `refused: a ${request.method} from another site's page (Origin ${origin ?? 'not sent'}, Sec-Fetch-Site ${site ?? 'not sent'}); change state from the command line, the API or this server's own pages`,
      };
    }
    return options.browserStateChange?.(request) ?? null;
  };
}

/** Mounts the guard on a fastify server, before routing; refusals use the server's {"error": "..."} shape. */
export function guardFastify(app: FastifyInstance, guard: EdgeGuard): void {
  app.addHook('onRequest', async (request, reply) => {
    const refusal = guard(request.raw);
    if (refusal) return reply.code(refusal.status).send({ error: refusal.message });
  });
}

/** Compares in constant time; hashing first hides the length of the expected token too. */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(authorization ?? ''), digest(`Bearer ${token}`));
}

function isServed(names: Set<string>, hostHeader: string): boolean {
  const name = nameOf(hostHeader);
  return names.has(name) || isLoopbackAddress(name);
}

/** An origin is ours only if it names the host:port the request was sent to (http, or https through a TLS proxy in front). */
function sameOrigin(origin: string, hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false;
  try {
    const from = new URL(origin);
    return (from.protocol === 'http:' || from.protocol === 'https:') && from.host === new URL(`${from.protocol}//${hostHeader}`).host;
  } catch {
    // "null" (a sandboxed frame, a file:// page) or garbage: not our page.
    return false;
  }
}

/** The name in a Host header: without the port, without IPv6 brackets, lower case, no trailing dot. */
function nameOf(hostHeader: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  return normalizeName(bracketed ? bracketed[1] : hostHeader.replace(/:\d*$/, ''));
}

function normalizeName(name: string): string {
  return name.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
