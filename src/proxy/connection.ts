import type { Logger } from '../observe/log.js';
import { handleOf, type Accepted } from './accept.js';
import { Endpoint, type EndpointOwner } from './endpoint.js';
import { firstReadBuffer, Link, type LinkOwner, type PlannedStage } from './link.js';
import type { Stream } from './types.js';

/** What a connection needs from the proxy it belongs to. */
export interface ConnectionHost {
  readonly name: string;
  readonly protocol: 'tcp' | 'http';
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  readonly log: Logger;
  /** The chain each direction of `connection` should have now. */
  plan(connection: Connection, stream: Stream): PlannedStage[];
  onUpstreamError(error: Error): void;
  onClosed(connection: Connection): void;
}

// A client connection and its upstream connection, joined by two links (one per direction). Both sides
// are half-open so that a FIN travels through the toxics like data does (a delayed response still
// reaches a client that already finished sending).
//
// Memory per idle connection is what a burst of callers costs, so a connection keeps little of its own:
// two endpoints on the kernel's handles (./endpoint.ts), no read buffer while idle (see ./link.ts), no
// per-toxic maps until a toxic applies.
export class Connection implements LinkOwner, EndpointOwner {
  readonly client: Endpoint;
  readonly upstream: Endpoint;
  readonly up: Link;
  readonly down: Link;
  /** HTTP aborts armed by the request side, fired by the response side. */
  pendingAborts = 0;
  /** Per toxic version: whether this connection drew the toxic (toxicity), decided once. */
  private draws: Map<number, boolean> | null = null;
  /** Per toxic: this connection's state for it, kept across updates (limit_data's count). */
  private states: Map<number, Record<string, unknown>> | null = null;
  private countedUp = 0;
  private countedDown = 0;
  private closed = false;
  private upstreamConnected = false;
  private answeringFailure = false;

  /** Null when `accepted` has no handle to run on (it is closed then). */
  static start(accepted: Accepted, host: ConnectionHost): Connection | null {
    const handle = handleOf(accepted);
    return handle ? new Connection(handle, host) : null;
  }

  private constructor(handle: unknown, private readonly host: ConnectionHost) {
    this.client = Endpoint.accepted(handle, this, firstReadBuffer);
    this.upstream = Endpoint.connect(host.upstreamHost, host.upstreamPort, this, firstReadBuffer);
    this.up = new Link(this.client, this.upstream, 'upstream', this);
    this.down = new Link(this.upstream, this.client, 'downstream', this);
    this.up.start(host.plan(this, 'upstream'));
    this.down.start(host.plan(this, 'downstream'));
    this.client.startReading(this.up);
    this.upstream.startReading(this.down);
  }

  get log(): Logger {
    return this.host.log;
  }

  /** Re-links both directions after the proxy's toxics changed; `removed` names stages whose toxic is gone. */
  sync(removed?: ReadonlySet<string>): void {
    if (this.closed) return;
    this.up.apply(this.host.plan(this, 'upstream'), removed);
    this.down.apply(this.host.plan(this, 'downstream'), removed);
  }

  /** Whether this connection gets the toxic version `id` with probability `toxicity`, drawn once. */
  draw(id: number, toxicity: number): boolean {
    this.draws ??= new Map();
    let drawn = this.draws.get(id);
    if (drawn === undefined) {
      drawn = Math.random() < toxicity;
      this.draws.set(id, drawn);
    }
    return drawn;
  }

  /** This connection's state for the toxic `uid`, kept for the toxic's lifetime. */
  stateFor(uid: number): Record<string, unknown> {
    this.states ??= new Map();
    let state = this.states.get(uid);
    if (!state) this.states.set(uid, (state = {}));
    return state;
  }

  /** Graceful close of both sides (FIN), forced shortly after if a peer lingers. */
  close(): void {
    for (const socket of [this.client, this.upstream]) {
      if (!socket.destroyed) socket.end();
    }
    setTimeout(() => this.destroy(), 1000).unref();
  }

  /** TCP RST on both sides. */
  reset(): void {
    if (!this.client.destroyed) this.client.resetAndDestroy();
    if (!this.upstream.destroyed) this.upstream.resetAndDestroy();
  }

  /** Writes straight to the client, bypassing the downstream chain (synthetic HTTP responses). */
  respond(bytes: Buffer): void {
    if (!this.client.writableEnded && !this.client.destroyed) this.client.write(bytes);
  }

  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
  }

  /** Bytes received since the last call, per direction (for the bytes counter without per-chunk work). */
  takeBytes(): { up: number; down: number } {
    const up = this.client.bytesRead - this.countedUp;
    const down = this.upstream.bytesRead - this.countedDown;
    this.countedUp = this.client.bytesRead;
    this.countedDown = this.upstream.bytesRead;
    return { up, down };
  }

  endpointEnded(endpoint: Endpoint): void {
    (endpoint === this.client ? this.up : this.down).srcEnded();
  }

  endpointDrained(endpoint: Endpoint): void {
    (endpoint === this.client ? this.down : this.up).dstDrained();
  }

  endpointConnected(): void {
    this.upstreamConnected = true;
  }

  endpointFailed(endpoint: Endpoint, error: NodeJS.ErrnoException): void {
    if (endpoint === this.client) this.clientFailed(error);
    else this.upstreamFailed(error);
  }

  private clientFailed(error: NodeJS.ErrnoException): void {
    this.host.log.debug({ proxy: this.host.name, err: error.message }, 'client connection error');
    if (error.code === 'ECONNRESET') this.upstream.resetAndDestroy();
    else this.upstream.destroy();
  }

  private upstreamFailed(error: NodeJS.ErrnoException): void {
    this.host.log.warn(
      { proxy: this.host.name, upstream: `${this.host.upstreamHost}:${this.host.upstreamPort}`, err: error.message },
      this.upstreamConnected ? 'upstream connection broke' : 'upstream refused the connection',
    );
    this.host.onUpstreamError(error);
    if (!this.upstreamConnected && this.host.protocol === 'http' && !this.client.destroyed) {
      // An HTTP caller gets a response that says what happened instead of a bare closed socket.
      const body = `gameday proxy "${this.host.name}": upstream ${this.host.upstreamHost}:${this.host.upstreamPort} unreachable (${error.code ?? error.message})\n`;
      this.client.write(
        Buffer.from(
          `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        ),
      );
      this.client.end();
      // The caller reads the 502 and closes; one who lingers is closed a second later.
      this.answeringFailure = true;
      setTimeout(() => this.client.destroy(), 1000).unref();
      return;
    }
    if (error.code === 'ECONNRESET') this.client.resetAndDestroy();
    else this.client.destroy();
  }

  endpointClosed(closed: Endpoint): void {
    const other = closed === this.client ? this.upstream : this.client;
    if (this.client.destroyed && this.upstream.destroyed) {
      if (this.closed) return;
      this.closed = true;
      this.up.destroy();
      this.down.destroy();
      this.host.onClosed(this);
      return;
    }
    // A side that closed after its FIN: the FIN travels to the other side through the link, behind any
    // data the toxics still hold. A side that vanished without a FIN takes the other side with it, except
    // a caller still being told, by a 502, that the upstream could not be reached.
    if (!closed.readableEnded && !(other === this.client && this.answeringFailure)) other.destroy();
  }
}
