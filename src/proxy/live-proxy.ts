import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { createServer, isIP, type Server } from 'node:net';
import type { Logger } from '../observe/log.js';
import { admission } from './admission.js';
import { Connection, type ConnectionHost } from './connection.js';
import { requireEndpoints } from './uv-handles.js';
import { HttpRequestStage, HttpResponseStage } from './http-stage.js';
import { takeAccepted, type Accepted } from './accept.js';
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

/**
 * The longest accept queue the system allows. A burst of callers beyond the queue loses SYNs, and each
 * lost SYN costs its caller a retransmit a second later; Node's default (511) dropped 300 of a burst of
 * 5,000 where HAProxy (4096) dropped none.
 */
export function systemBacklog(): number {
  try {
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
    if (Number.isInteger(somaxconn) && somaxconn > 0) return somaxconn;
  } catch {
    // Not Linux: the kernel caps the backlog itself, so ask for a generous one.
  }
  return 4096;
}

/**
 * Whether `a` and `b` name the same listen address once names are resolved (as Toxiproxy compares them):
 * "localhost:6380" is the proxy already listening on 127.0.0.1:6380, and must not restart it. Port 0 asks
 * for a new port, so it never matches.
 */
export async function sameListen(a: string, b: string): Promise<boolean> {
  const [left, right] = [parseAddress(a, 'listen'), parseAddress(b, 'listen')];
  if (left.port !== right.port || left.port === 0) return false;
  const [x, y] = await Promise.all([resolveHost(left.host), resolveHost(right.host)]);
  return x === y;
}

async function resolveHost(host: string): Promise<string> {
  if (isIP(host)) return host;
  try {
    return (await lookup(host)).address;
  } catch {
    return host;
  }
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
  // Counted here, folded into the metrics at each scrape (see sample()).
  private accepted = 0;
  private bytesUp = 0;
  private bytesDown = 0;
  private reported = { accepted: 0, up: 0, down: 0 };

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    readonly protocol: 'tcp' | 'http',
    readonly log: Logger,
    private readonly metrics: ProxyMetrics,
    private readonly backlog: number = systemBacklog(),
  ) {
    parseAddress(listen, 'listen');
    this.listen = listen;
    ({ host: this.upstreamHost, port: this.upstreamPort } = parseAddress(upstream, 'upstream'));
    this.upstream = upstream;
  }

  async start(): Promise<void> {
    if (this.server) return;
    requireEndpoints();
    const { host, port } = parseAddress(this.listen, 'listen');
    // pauseOnConnect: nothing is read from an accepted socket before its handle moves (./accept.ts),
    // for the case where the listener's accepted handles cannot be taken before they become Sockets.
    const server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') reject(new ProxyApiError(`listen address ${this.listen} is already in use`, 409));
        else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EACCES')
          reject(new ProxyApiError(`cannot listen on ${this.listen}: ${error.code}`, 400));
        else reject(error);
      });
      server.listen({ host, port, backlog: this.backlog }, () => resolve());
    });
    takeAccepted(server, (accepted) => this.accept(accepted));
    server.on('error', (error) => this.log.error({ proxy: this.name, err: error.message }, 'listener error'));
    const bound = server.address();
    // The address actually bound, as Toxiproxy reports it: "localhost:6380" becomes "127.0.0.1:6380".
    if (bound && typeof bound === 'object') this.listen = formatAddress(bound.address, bound.port);
    this.server = server;
    this.enabled = true;
    this.log.info({ proxy: this.name, listen: this.listen, upstream: this.upstream }, 'proxy listening');
  }

  async stop(): Promise<void> {
    this.enabled = false;
    const server = this.server;
    this.server = null;
    // Each destroyed connection reports itself closed (onClosed), which keeps the gauges right.
    admission.forget(this);
    for (const connection of this.connections) connection.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  setUpstream(upstream: string): void {
    ({ host: this.upstreamHost, port: this.upstreamPort } = parseAddress(upstream, 'upstream'));
    this.upstream = upstream;
  }

  /** Re-links every live connection after a toxic was added, updated or removed (`removed`). */
  toxicsChanged(removed?: ToxicEntry): void {
    const gone = removed ? new Set([String(removed.id)]) : undefined;
    for (const connection of this.connections) connection.sync(gone);
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
      if (!connection.draw(toxic.id, toxic.toxicity)) continue;
      plan.push({
        id: String(toxic.id),
        create: (context) => toxic.kind.stage!({ attributes: toxic.attributes, context, state: connection.stateFor(toxic.uid) }),
      });
    }
    return plan;
  }

  onUpstreamError(): void {
    this.metrics.upstreamErrors.inc({ proxy: this.name });
  }

  onClosed(connection: Connection): void {
    if (this.connections.delete(connection)) {
      this.takeBytes(connection);
      admission.release();
    }
  }

  /** At each scrape: connections and bytes, counted in plain numbers on the data path, go into the metrics. */
  sample(): void {
    for (const connection of this.connections) this.takeBytes(connection);
    const labels = { proxy: this.name };
    if (this.accepted > this.reported.accepted) this.metrics.connections.inc(labels, this.accepted - this.reported.accepted);
    if (this.bytesUp > this.reported.up) this.metrics.bytes.inc({ ...labels, direction: 'upstream' }, this.bytesUp - this.reported.up);
    if (this.bytesDown > this.reported.down) this.metrics.bytes.inc({ ...labels, direction: 'downstream' }, this.bytesDown - this.reported.down);
    this.reported = { accepted: this.accepted, up: this.bytesUp, down: this.bytesDown };
    this.metrics.activeConnections.set(labels, this.connections.size);
  }

  private takeBytes(connection: Connection): void {
    const { up, down } = connection.takeBytes();
    this.bytesUp += up;
    this.bytesDown += down;
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

  private accept(accepted: Accepted): void {
    admission.admit(this, accepted, this.startConnection);
  }

  private readonly startConnection = (accepted: Accepted): void => {
    const connection = Connection.start(accepted, this);
    if (!connection) return admission.release();
    this.accepted++;
    this.connections.add(connection);
  };
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
