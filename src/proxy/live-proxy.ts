import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../observe/log.js';
import { Connection, type ConnectionHost } from './connection.js';
import { HttpRequestStage, HttpResponseStage } from './http-stage.js';
import type { PlannedStage } from './link.js';
import type { ProxyMetrics } from './metrics.js';
import type { ToxicEntry } from './toxics/toxic.js';
import { ProxyApiError, type Proxy, type Stream, type Toxic } from './types.js';

let nextToxicId = 1;
export function newToxicId(): number {
  return nextToxicId++;
}

export function parseAddress(text: string, field: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(String(text ?? ''));
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new ProxyApiError(`${field} must be host:port (e.g. 127.0.0.1:8080), got "${text}"`, 400);
  }
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// One proxy: a listener, its live connections and its toxics. Disabling it stops the listener and
// closes every connection, as Toxiproxy does.
export class LiveProxy implements ConnectionHost {
  listen: string;
  upstream: string;
  upstreamHost: string;
  upstreamPort: number;
  enabled = false;
  toxics: ToxicEntry[] = [];
  private server: Server | null = null;
  readonly connections = new Set<Connection>();

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    readonly protocol: 'tcp' | 'http',
    readonly log: Logger,
    private readonly metrics: ProxyMetrics,
  ) {
    parseAddress(listen, 'listen');
    this.listen = listen;
    ({ host: this.upstreamHost, port: this.upstreamPort } = parseAddress(upstream, 'upstream'));
    this.upstream = upstream;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const { host, port } = parseAddress(this.listen, 'listen');
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') reject(new ProxyApiError(`listen address ${this.listen} is already in use`, 409));
        else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EACCES')
          reject(new ProxyApiError(`cannot listen on ${this.listen}: ${error.code}`, 400));
        else reject(error);
      });
      server.listen({ host, port }, () => resolve());
    });
    server.on('error', (error) => this.log.error({ proxy: this.name, err: error.message }, 'listener error'));
    const bound = server.address();
    if (bound && typeof bound === 'object') this.listen = formatAddress(host, bound.port);
    this.server = server;
    this.enabled = true;
    this.log.info({ proxy: this.name, listen: this.listen, upstream: this.upstream }, 'proxy listening');
  }

  async stop(): Promise<void> {
    this.enabled = false;
    const server = this.server;
    this.server = null;
    // Each destroyed connection reports itself closed (onClosed), which keeps the gauges right.
    for (const connection of this.connections) connection.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  setUpstream(upstream: string): void {
    ({ host: this.upstreamHost, port: this.upstreamPort } = parseAddress(upstream, 'upstream'));
    this.upstream = upstream;
  }

  /** Re-links every live connection after a toxic was added, updated or removed. */
  toxicsChanged(): void {
    for (const connection of this.connections) connection.sync();
  }

  plan(connection: Connection, stream: Stream): PlannedStage[] {
    const plan: PlannedStage[] = [];
    if (this.protocol === 'http' && this.toxics.some((t) => t.kind.scope === 'request')) {
      // The HTTP stages go first so that they see requests and responses before any byte-level toxic.
      if (stream === 'upstream') {
        plan.push({ id: 'http', create: (ctx) => new HttpRequestStage(ctx, connection, this, this.metrics) });
      } else if (this.toxics.some((t) => t.type === 'http_abort')) {
        plan.push({ id: 'http', create: (ctx) => new HttpResponseStage(ctx, connection) });
      }
    }
    for (const toxic of this.toxics) {
      if (toxic.kind.scope !== 'stream' || toxic.stream !== stream) continue;
      let drawn = connection.draws.get(toxic.id);
      if (drawn === undefined) {
        drawn = Math.random() < toxic.toxicity;
        connection.draws.set(toxic.id, drawn);
      }
      if (!drawn) continue;
      plan.push({
        id: String(toxic.id),
        create: (context) => toxic.kind.stage!({ attributes: toxic.attributes, context }),
      });
    }
    return plan;
  }

  onUpstreamError(): void {
    this.metrics.upstreamErrors.inc({ proxy: this.name });
  }

  onClosed(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    this.countBytes(connection);
    this.metrics.activeConnections.dec({ proxy: this.name });
  }

  countBytes(connection: Connection): void {
    const { up, down } = connection.takeBytes();
    if (up > 0) this.metrics.bytes.inc({ proxy: this.name, direction: 'upstream' }, up);
    if (down > 0) this.metrics.bytes.inc({ proxy: this.name, direction: 'downstream' }, down);
  }

  view(): Proxy {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      protocol: this.protocol,
      toxics: this.toxics.map(toxicView),
    };
  }

  private accept(socket: Socket): void {
    this.metrics.connections.inc({ proxy: this.name });
    this.metrics.activeConnections.inc({ proxy: this.name });
    this.connections.add(new Connection(socket, this));
  }
}

export function toxicView(entry: ToxicEntry): Toxic {
  const view: Toxic = {
    name: entry.name,
    type: entry.type,
    stream: entry.stream,
    toxicity: entry.toxicity,
    attributes: entry.attributes,
  };
  if (entry.lease) view.lease = entry.lease.id;
  return view;
}
