import { connect, type Socket } from 'node:net';
import type { Logger } from '../observe/log.js';
import { FIRST_READ_SIZE, Link, type PlannedStage, type ReadBuffer } from './link.js';
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

// A client connection and its upstream connection, joined by two links (one per direction). Both sockets
// are half-open so that a FIN travels through the toxics like data does (a delayed response still
// reaches a client that already finished sending).
export class Connection {
  readonly upstream: Socket;
  readonly up: Link;
  readonly down: Link;
  /** Per connection and toxic: whether this connection drew the toxic (toxicity), decided once. */
  readonly draws = new Map<number, boolean>();
  /** HTTP aborts armed by the request side, fired by the response side. */
  pendingAborts = 0;
  private counted = { up: 0, down: 0 };
  private closed = false;
  private upstreamConnected = false;

  constructor(
    readonly client: Socket,
    private readonly host: ConnectionHost,
  ) {
    const readBuffer: ReadBuffer = { buffer: Buffer.allocUnsafe(FIRST_READ_SIZE) };
    this.upstream = connect({
      host: host.upstreamHost,
      port: host.upstreamPort,
      allowHalfOpen: true,
      noDelay: true,
      onread: { buffer: () => readBuffer.buffer, callback: (n, buffer) => this.down.readInto(n, buffer as Buffer) },
    });
    client.setNoDelay(true);
    const owner = {
      log: host.log,
      close: () => this.close(),
      reset: () => this.reset(),
      respond: (bytes: Buffer) => {
        if (!client.writableEnded && !client.destroyed) client.write(bytes);
      },
    };
    this.up = new Link(client, this.upstream, 'upstream', owner);
    this.down = new Link(this.upstream, client, 'downstream', owner, readBuffer);
    this.upstream.once('connect', () => (this.upstreamConnected = true));
    this.upstream.on('error', (error: NodeJS.ErrnoException) => this.upstreamFailed(error));
    client.on('error', (error: NodeJS.ErrnoException) => {
      host.log.debug({ proxy: host.name, err: error.message }, 'client connection error');
      if (error.code === 'ECONNRESET') this.upstream.resetAndDestroy();
      else this.upstream.destroy();
    });
    client.on('close', () => this.sideClosed(client, this.upstream));
    this.upstream.on('close', () => this.sideClosed(this.upstream, client));
    this.up.start(host.plan(this, 'upstream'));
    this.down.start(host.plan(this, 'downstream'));
  }

  /** Re-links both directions after the proxy's toxics changed. */
  sync(): void {
    if (this.closed) return;
    this.up.apply(this.host.plan(this, 'upstream'));
    this.down.apply(this.host.plan(this, 'downstream'));
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

  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
  }

  /** Bytes received since the last call, per direction (for the bytes counter without per-chunk work). */
  takeBytes(): { up: number; down: number } {
    const up = this.client.bytesRead - this.counted.up;
    const down = this.upstream.bytesRead - this.counted.down;
    this.counted = { up: this.client.bytesRead, down: this.upstream.bytesRead };
    return { up, down };
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
      this.client.end(
        `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      setTimeout(() => this.client.destroy(), 1000).unref();
      return;
    }
    if (error.code === 'ECONNRESET') this.client.resetAndDestroy();
    else this.client.destroy();
  }

  private sideClosed(closed: Socket, other: Socket): void {
    if (this.client.destroyed && this.upstream.destroyed) {
      if (this.closed) return;
      this.closed = true;
      this.up.destroy();
      this.down.destroy();
      this.host.onClosed(this);
      return;
    }
    // A side that closed after its FIN: the FIN travels to the other side through the link, behind any
    // data the toxics still hold. A side that vanished without a FIN takes the other side with it.
    if (!closed.readableEnded) other.destroy();
  }
}
