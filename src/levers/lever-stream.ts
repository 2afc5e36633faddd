import type { ServerResponse } from 'node:http';
import type { LeverBoard } from './lever-board.js';
import type { LeverEvent } from './lever.js';

// The push channel (GET /events): Server-Sent Events, because every runtime can read them with plain
// HTTP, they pass proxies, and a reconnecting reader resyncs from the snapshot sent first on every
// connection. A change is written to every open stream as soon as the board reads it from the audit trail
// (before the pull is answered when this room made it), so a reader sees a pull within one network round trip.

/** Sent as an SSE comment so that idle proxies and load balancers do not cut a quiet stream. */
export const HEARTBEAT_MS = 15_000;
/** A reader this far behind is gone or stuck; it is cut loose (it will resync from a snapshot) rather than buffered forever. */
const MAX_BUFFERED_BYTES = 1 << 20;

export function formatEvent(event: LeverEvent): string {
  return `event: ${event.type}\nid: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`;
}

export class LeverStream {
  private readonly open = new Set<ServerResponse>();
  /** Readers waiting for their snapshot, with the changes that arrived meanwhile. */
  private readonly starting = new Map<ServerResponse, Array<LeverEvent & { type: 'change' }>>();
  private readonly unsubscribe: () => void;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly board: LeverBoard, heartbeatMs = HEARTBEAT_MS) {
    this.unsubscribe = board.subscribe((event) => {
      for (const pending of this.starting.values()) pending.push(event);
      this.broadcast(formatEvent(event));
    });
    this.heartbeat = setInterval(() => this.broadcast(`: heartbeat ${new Date().toISOString()}\n\n`), heartbeatMs);
    this.heartbeat.unref();
  }

  get clients(): number {
    return this.open.size;
  }

  /** Takes over a raw HTTP response: headers, the snapshot, then every change until the reader leaves. */
  async attach(response: ServerResponse): Promise<void> {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers responses unless told not to; a buffered pull is a late pull.
      'x-accel-buffering': 'no',
    });
    response.socket?.setNoDelay(true);
    // A reader that lost its connection reconnects after this long (the provider has its own backoff).
    response.write('retry: 500\n\n');
    const pending: Array<LeverEvent & { type: 'change' }> = [];
    this.starting.set(response, pending);
    try {
      const snapshot = await this.board.snapshot();
      response.write(formatEvent(snapshot));
      for (const event of pending) if (event.seq > snapshot.seq) response.write(formatEvent(event));
    } catch {
      response.destroy();
      return;
    } finally {
      this.starting.delete(response);
    }
    if (response.destroyed) return;
    this.open.add(response);
    response.on('close', () => this.open.delete(response));
  }

  private broadcast(frame: string): void {
    for (const response of this.open) {
      if (response.writableLength > MAX_BUFFERED_BYTES) {
        this.open.delete(response);
        response.destroy();
      } else {
        response.write(frame);
      }
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.unsubscribe();
    for (const response of this.open) response.end();
    this.open.clear();
  }
}
