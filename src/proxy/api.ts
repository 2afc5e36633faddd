import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { edgeGuard, type EdgeGuard } from '../control-plane/guard.js';
import { LeaseNotFoundError, type LeaseBook } from '../leases/lease-book.js';
import { leaseHeaderOf, leaseRoutes } from '../leases/lease-routes.js';
import type { Logger } from '../observe/log.js';
import { ProxyApiError, type ProxyControl, type Toxic } from './types.js';

// The HTTP edge of the control plane: Toxiproxy's routes, status codes and error bodies, plus the shared
// lease protocol (docs/leases.md) and /metrics. Each handler parses, calls the ProxyServer, and formats.

/** What the API needs of the ProxyServer (which implements it), so that the server may import the API. */
export interface ProxyApiHost extends ProxyControl {
  getToxic(proxy: string, name: string): Promise<Toxic>;
  readonly leases: LeaseBook;
  readonly metrics: { registry: Registry };
  readonly log: Logger;
}

export interface ControlApi {
  url: string;
  close(): Promise<void>;
}

interface Call {
  params: string[];
  body: () => Promise<any>;
  request: IncomingMessage;
}
type Reply = { status: number; json?: unknown; text?: string; contentType?: string };
type Handler = (server: ProxyApiHost, call: Call) => Promise<Reply>;

const ok = (json: unknown, status = 200): Reply => ({ status, json });
const noContent: Reply = { status: 204 };

type Route = [methods: string, path: RegExp, handler: Handler];

const routes: Route[] = [
  // Byte for byte Toxiproxy's answer, which some clients print as they get it.
  [
    'GET',
    /^\/version$/,
    async (s) => ({ status: 200, text: `{"version": ${JSON.stringify(await s.version())}}\n`, contentType: 'application/json;charset=utf-8' }),
  ],
  ['POST', /^\/reset$/, async (s) => (await s.reset(), noContent)],
  ['GET', /^\/proxies$/, async (s) => ok(await s.listProxies())],
  ['POST', /^\/proxies$/, async (s, c) => ok(await s.createProxy(await c.body()), 201)],
  ['POST', /^\/populate$/, async (s, c) => ok({ proxies: await s.populate(await c.body()) }, 201)],
  ['GET', /^\/proxies\/([^/]+)$/, async (s, c) => ok(await s.getProxy(c.params[0]))],
  ['POST|PATCH', /^\/proxies\/([^/]+)$/, async (s, c) => ok(await s.updateProxy(c.params[0], await c.body()))],
  ['DELETE', /^\/proxies\/([^/]+)$/, async (s, c) => (await s.deleteProxy(c.params[0]), noContent)],
  ['GET', /^\/proxies\/([^/]+)\/toxics$/, async (s, c) => ok(await s.listToxics(c.params[0]))],
  [
    'POST',
    /^\/proxies\/([^/]+)\/toxics$/,
    async (s, c) => {
      const lease = leaseHeaderOf(c.request.headers);
      return ok(await s.addToxic(c.params[0], await c.body(), lease ? { lease } : {}));
    },
  ],
  ['GET', /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/, async (s, c) => ok(await s.getToxic(c.params[0], c.params[1]))],
  [
    'POST|PATCH',
    /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
    async (s, c) => ok(await s.updateToxic(c.params[0], c.params[1], await c.body())),
  ],
  ['DELETE', /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/, async (s, c) => (await s.removeToxic(c.params[0], c.params[1]), noContent)],
  [
    'GET',
    /^\/metrics$/,
    async (s) => ({ status: 200, text: await s.metrics.registry.metrics(), contentType: s.metrics.registry.contentType }),
  ],
];

/** The shared lease-route table (docs/leases.md) on this router, its errors in Toxiproxy's shape. */
function sharedLeaseRoutes(leases: LeaseBook): Route[] {
  return leaseRoutes(leases).map((route): Route => [
    route.method,
    new RegExp(`^${route.path.replace(':id', '([^/]+)')}$`),
    async (_s, c) => {
      try {
        const { status, body } = await route.handle({ id: c.params[0] ?? '', body: route.method === 'POST' ? await c.body() : undefined });
        return { status, json: body };
      } catch (error) {
        if (error instanceof LeaseNotFoundError) throw new ProxyApiError(error.message, 404);
        if (error instanceof RangeError) throw new ProxyApiError(error.message, 400);
        throw error;
      }
    },
  ]);
}

const MAX_BODY = 1 << 20;

function readBody(request: IncomingMessage): () => Promise<any> {
  return async () => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += chunk.length;
      if (size > MAX_BODY) throw new ProxyApiError('bad request body: larger than 1 MiB', 413);
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ProxyApiError(`bad request body: ${(error as Error).message}`, 400);
    }
  };
}

function send(response: ServerResponse, reply: Reply): void {
  // As in Toxiproxy, every answer carries a request id; tests written against Toxiproxy look for it.
  response.setHeader('x-toxiproxy-request-id', randomBytes(10).toString('hex'));
  if (reply.json !== undefined) {
    response.writeHead(reply.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reply.json));
  } else {
    response.writeHead(reply.status, reply.text !== undefined ? { 'content-type': reply.contentType ?? 'text/plain' } : {});
    response.end(reply.text);
  }
}

const fail = (error: string, status: number): Reply => ({ status, json: { error, status } });

async function handle(server: ProxyApiHost, table: Route[], guard: EdgeGuard, request: IncomingMessage): Promise<Reply> {
  // Like Toxiproxy: browsers may not drive the API, so a web page cannot inject faults (CSRF).
  if ((request.headers['user-agent'] ?? '').startsWith('Mozilla/')) return fail('User agent not allowed', 403);
  const refusal = guard(request);
  if (refusal) return fail(refusal.message, refusal.status);
  const path = (request.url ?? '/').split('?')[0];
  let pathMatched = false;
  for (const [methods, pattern, handler] of table) {
    const match = pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (!methods.split('|').includes(request.method ?? '')) continue;
    let params: string[];
    try {
      params = match.slice(1).map((part) => decodeURIComponent(part));
    } catch {
      return fail(`bad path: ${path}`, 400);
    }
    return handler(server, { params, request, body: readBody(request) });
  }
  return pathMatched ? fail('method not allowed', 405) : fail('not found', 404);
}

export async function startControlApi(
  server: ProxyApiHost,
  options: { host: string; port: number; token?: string; allowedHosts?: readonly string[] },
): Promise<ControlApi> {
  const table = [...routes, ...sharedLeaseRoutes(server.leases)];
  const guard = edgeGuard({ host: options.host, token: options.token, allowedHosts: options.allowedHosts });
  const http = createServer((request, response) => {
    handle(server, table, guard, request)
      .catch((error: unknown) => {
        if (error instanceof ProxyApiError) return fail(error.message, error.status);
        server.log.error({ err: String(error), url: request.url }, 'control API error');
        return fail(String((error as Error)?.message ?? error), 500);
      })
      .then((reply) => send(response, reply));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new ProxyApiError(`control API address ${options.host}:${options.port} is already in use`, 409)
          : error,
      ),
    );
    http.listen(options.port, options.host, () => resolve());
  });
  const address = http.address();
  const port = address && typeof address === 'object' ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
