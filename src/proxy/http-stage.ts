import { STATUS_CODES } from 'node:http';
import type { Connection } from './connection.js';
import type { ProxyMetrics } from './metrics.js';
import { RequestParser } from './request-parser.js';
import { QueuedStage, type RequestAction, type StageContext, type ToxicEntry } from './toxics/toxic.js';

interface RequestFaultHost {
  readonly name: string;
  readonly toxics: ToxicEntry[];
}

// The request side of an `http` proxy with HTTP faults: decides per request (not per connection, so a
// keep-alive connection gets a fresh draw for every request) whether a fault applies, then delays the
// request, answers it in the service's place, or lets it through and arms an abort of its response.
// Everything leaves through one FIFO queue, so a delayed request also holds back the ones behind it.
export class HttpRequestStage extends QueuedStage {
  private readonly parser: RequestParser;
  private current: RequestAction | null = null;
  private closeAfter = false;

  constructor(
    private readonly context: StageContext,
    private readonly connection: Connection,
    private readonly host: RequestFaultHost,
    private readonly metrics: ProxyMetrics,
  ) {
    super();
    this.parser = new RequestParser(connection.client.bytesRead > 0);
  }

  override push(chunk: Buffer): void {
    if (this.passing) return this.next.push(chunk);
    const now = performance.now();
    for (const event of this.parser.push(chunk)) {
      switch (event.kind) {
        case 'head':
          this.current = this.decide(event.head);
          this.closeAfter = event.closeAfter;
          this.forwardHead(event.bytes, now);
          break;
        case 'body':
        case 'opaque':
          if (event.kind === 'body' && this.current?.kind === 'error') this.context.discard(event.bytes.length);
          else this.queue.at(now, () => this.next.push(event.bytes));
          break;
        case 'done':
          if (this.current?.kind === 'error') this.answer(this.current, now);
          this.current = null;
          break;
      }
    }
  }

  private decide(head: Parameters<NonNullable<ToxicEntry['kind']['matches']>>[1]): RequestAction | null {
    for (const toxic of this.host.toxics) {
      const kind = toxic.kind;
      if (kind.scope !== 'request' || !kind.matches!(toxic.attributes, head)) continue;
      if (Math.random() >= toxic.toxicity * kind.share!(toxic.attributes)) continue;
      this.metrics.httpFaults.inc({ proxy: this.host.name, type: toxic.type });
      return kind.onRequest!(toxic.attributes);
    }
    return null;
  }

  private forwardHead(bytes: Buffer, now: number): void {
    const action = this.current;
    if (action?.kind === 'error') return this.context.discard(bytes.length);
    if (action?.kind === 'delay') return this.queue.at(now + action.ms, () => this.next.push(bytes));
    if (action?.kind === 'abort') {
      this.queue.at(now, () => {
        this.connection.pendingAborts++;
        this.next.push(bytes);
      });
      return;
    }
    this.queue.at(now, () => this.next.push(bytes));
  }

  private answer(action: Extract<RequestAction, { kind: 'error' }>, now: number): void {
    const body = Buffer.from(action.body);
    const close = this.closeAfter;
    const head =
      `HTTP/1.1 ${action.status} ${STATUS_CODES[action.status] ?? 'Error'}\r\n` +
      `content-type: ${action.contentType}\r\ncontent-length: ${body.length}\r\n` +
      `x-gameday-fault: http_error\r\nconnection: ${close ? 'close' : 'keep-alive'}\r\n\r\n`;
    this.queue.at(now, () => {
      this.context.respond(Buffer.concat([Buffer.from(head, 'latin1'), body]));
      if (close) this.context.close();
    });
  }
}

// The response side: when the request side armed an abort, the next response is cut off half-way and
// the connection closed, as when a server dies mid-response.
export class HttpResponseStage extends QueuedStage {
  private aborted = false;

  constructor(
    private readonly context: StageContext,
    private readonly connection: Connection,
  ) {
    super();
  }

  override push(chunk: Buffer): void {
    if (this.passing) return this.next.push(chunk);
    if (this.aborted) return this.context.discard(chunk.length);
    if (this.connection.pendingAborts === 0) return this.next.push(chunk);
    this.connection.pendingAborts = 0;
    this.aborted = true;
    const half = Math.floor(chunk.length / 2);
    this.next.push(chunk.subarray(0, half));
    this.context.discard(chunk.length - half);
    this.context.close();
  }
}
