import { failureOf } from '../control-plane/client.js';
import { HEARTBEAT_MS } from './lever-stream.js';
import type { LeverEvent } from './lever.js';

// Reads the lever service's push channel (GET /events) and keeps reading: on any loss it reconnects with
// a capped exponential backoff, and every new connection starts with a full snapshot, so a reader can
// never drift from the service for longer than it is disconnected.

export interface LeverFeedHandlers {
  onEvent(event: LeverEvent): void;
  /** The stream broke or could not be opened; the feed is already retrying. */
  onDown(error: Error): void;
}

export interface LeverFeedOptions {
  url: string;
  token?: string;
  /** First retry delay; doubles up to maxBackoffMs, reset by every good connection. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** No byte for this long (heartbeats included) means a dead link that TCP has not noticed yet. */
  idleTimeoutMs?: number;
}

export class LeverFeed {
  private controller: AbortController | undefined;
  private stopped = false;
  private backoffMs: number;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LeverFeedOptions, private readonly handlers: LeverFeedHandlers) {
    this.backoffMs = options.minBackoffMs ?? 100;
  }

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.controller?.abort();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const controller = new AbortController();
    this.controller = controller;
    const idleMs = this.options.idleTimeoutMs ?? 2 * HEARTBEAT_MS + 5000;
    let idle = setTimeout(() => controller.abort(new Error(`no heartbeat for ${idleMs} ms`)), idleMs);
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(new Error(`no heartbeat for ${idleMs} ms`)), idleMs);
    };
    try {
      const response = await fetch(`${this.options.url.replace(/\/+$/, '')}/events`, {
        headers: { accept: 'text/event-stream', ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}) },
        signal: controller.signal,
      });
      if (!response.ok || !response.body) throw new Error(`GET /events answered ${response.status} ${response.statusText}`);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = parseFrame(frame);
          if (!event) continue;
          if (event.type === 'snapshot') this.backoffMs = this.options.minBackoffMs ?? 100;
          this.handlers.onEvent(event);
        }
      }
      throw new Error('the lever service closed the event stream');
    } catch (error) {
      if (this.stopped) return;
      const reason = controller.signal.reason instanceof Error ? controller.signal.reason : (error as Error);
      this.handlers.onDown(new Error(`lever service at ${this.options.url}: ${failureOf(reason)}`));
      this.scheduleRetry();
    } finally {
      clearTimeout(idle);
    }
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    // Jitter keeps a fleet of services from reconnecting in lock-step after the lever service restarts.
    const delay = this.backoffMs * (0.8 + Math.random() * 0.4);
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5000);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }
}

/** One SSE frame: `event:`/`data:` lines; comments (heartbeats) and `retry:` yield nothing. */
export function parseFrame(frame: string): LeverEvent | undefined {
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  if (data.length === 0) return undefined;
  return JSON.parse(data.join('\n')) as LeverEvent;
}
