import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { Channel, Store } from '../store/engine.js';

// Server-sent events for pages: the live parts of the dashboard (a run's journal, samples and checks, the
// run list) arrive over one plain HTTP response that every browser reads with EventSource and reconnects
// by itself. Each stream ends when its reader leaves; `signal` tells the code feeding it to stop.

/** An SSE comment now and then, so that idle proxies do not cut a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** A reader this far behind is gone or stuck; it is cut loose (its page reconnects and catches up from the store). */
const MAX_BUFFERED_BYTES = 4 << 20;

export interface EventStream {
  /** Sends one event; `data` is sent as JSON. False once the reader is gone. */
  send(event: string, data: unknown, id?: string): boolean;
  /** Aborted when the reader leaves or the stream is ended. */
  readonly signal: AbortSignal;
  end(): void;
}

/** Takes over the reply as an event stream. `retryMs`: how soon a reader that lost it reconnects. */
export function openEventStream(reply: FastifyReply, options: { retryMs?: number; heartbeatMs?: number } = {}): EventStream {
  reply.hijack();
  const response: ServerResponse = reply.raw;
  const closed = new AbortController();
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store, no-transform',
    connection: 'keep-alive',
    // nginx buffers responses unless told not to; a buffered event is a late event.
    'x-accel-buffering': 'no',
  });
  response.socket?.setNoDelay(true);
  response.write(`retry: ${options.retryMs ?? 1000}\n\n`);
  const heartbeat = setInterval(() => write(`: ${new Date().toISOString()}\n\n`), options.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();
  const stop = () => {
    clearInterval(heartbeat);
    closed.abort();
  };
  response.on('close', stop);
  function write(frame: string): boolean {
    if (closed.signal.aborted || response.destroyed) return false;
    if (response.writableLength > MAX_BUFFERED_BYTES) {
      response.destroy();
      return false;
    }
    response.write(frame);
    return true;
  }
  return {
    send: (event, data, id) => write(`event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`),
    signal: closed.signal,
    end: () => {
      stop();
      if (!response.destroyed) response.end();
    },
  };
}

/** Sends a page's fragment (`{id, html}`, event `fragment`) only when its HTML changed since the last time. */
export function fragmentSender(stream: EventStream): (id: string, html: string) => void {
  const sent = new Map<string, string>();
  return (id, html) => {
    if (sent.get(id) === html) return;
    sent.set(id, html);
    stream.send('fragment', { id, html });
  };
}

/** What a live page follows: the store, the channels whose changes may change it, and its fragments. */
export interface FollowedFragments {
  store: Pick<Store, 'subscribe'>;
  channels: readonly Channel[];
  /** The page's live fragments, id → HTML; only the changed ones are sent. */
  render: () => Promise<Record<string, string>>;
  /** A burst of changes (a run's journal) renders once, at most this often. */
  everyMs: number;
}

// Rendered again now and then without a change, for what changes with the clock (an update falling overdue).
const CLOCK_MS = 15_000;

/** Takes over the reply as an event stream of a page's fragments, rendered on every change of `channels` until the reader leaves. */
export async function followFragments(reply: FastifyReply, followed: FollowedFragments): Promise<void> {
  const stream = openEventStream(reply);
  const send = fragmentSender(stream);
  let timer: NodeJS.Timeout | undefined;
  const refresh = async () => {
    timer = undefined;
    if (stream.signal.aborted) return;
    for (const [id, html] of Object.entries(await followed.render())) send(id, html);
  };
  const soon = () => {
    timer ??= setTimeout(() => void refresh().catch(() => stream.end()), followed.everyMs);
  };
  const stops = await Promise.all(followed.channels.map((channel) => followed.store.subscribe(channel, soon)));
  const clock = setInterval(soon, CLOCK_MS);
  stream.signal.addEventListener('abort', () => {
    clearTimeout(timer);
    clearInterval(clock);
    for (const stop of stops) void stop();
  });
  await refresh();
}
