import type { z } from 'zod';
import type { Logger } from '../../observe/log.js';
import type { Stream } from '../types.js';
import { dueClock, type Wakeable } from './clock.js';

// STYLE §1 (Toxiproxy): one kind of trouble = one small file behind one interface, listed in
// ./registry.ts. The control API, the docs and the server only look names up in that table.
//
// A stream toxic acts on the bytes of one direction of one connection. Each connection that gets the
// toxic builds its own Stage; stages are chained in the order the toxics were created, and the last one
// writes to the socket. A stage may delay, split, hold back or swallow bytes, but must never alter or
// reorder the bytes it lets through.

/** Where a stage sends what it lets through. */
export interface Sink {
  push(chunk: Buffer): void;
  /** The source half-closed (FIN); everything pushed before must still arrive first. */
  end(): void;
}

/** What a stage may do to the connection it sits in. */
export interface StageContext {
  readonly stream: Stream;
  readonly log: Logger;
  /** Closes both sides of the connection gracefully (FIN). */
  close(): void;
  /** Resets both sides (RST): the peer sees ECONNRESET. */
  reset(): void;
  /** Bytes the stage swallowed for good, so the link's flow control does not wait for them. */
  discard(bytes: number): void;
  /** Writes straight to the client, bypassing the downstream chain (synthetic HTTP responses). */
  respond(bytes: Buffer): void;
}

export interface Stage extends Sink {
  /** Set by the link whenever the chain is re-linked. */
  next: Sink;
  /** The toxic no longer applies here: hand everything still held to `next` now, in order, and pass through from then on. */
  drain(): void;
  /** The toxic was removed from the proxy (by hand, by /reset, by its lease); defaults to drain(). */
  remove?(): void;
  /** The connection is gone: cancel timers, drop what is held. */
  destroy(): void;
  /** Bytes this stage may hold before the link slows the sender down (default 1 MiB). */
  readonly holdLimit?: number;
}

/** Everything a toxic kind needs to know about one instance of it. */
export interface StageOptions<A> {
  attributes: A;
  context: StageContext;
  /**
   * This connection's state for this toxic, kept when the toxic is updated (as Toxiproxy keeps a stateful
   * toxic's state): `limit_data` counts the bytes it let through here.
   */
  state: Record<string, unknown>;
}

/** A kind of toxic: its attribute schema (zod, with Toxiproxy's defaults) and how it builds a stage. */
export interface ToxicKind<A = Record<string, unknown>> {
  type: string;
  /** One line for the docs and `GET /toxics`-style listings. */
  summary: string;
  /** 'stream' toxics act on TCP bytes; 'request' faults act per HTTP request on `protocol: http` proxies. */
  scope: 'stream' | 'request';
  attributes: z.ZodType<A>;
  /** Builds the per-connection stage of a stream toxic. */
  stage?(options: StageOptions<A>): Stage;
  /** Decides what happens to one HTTP request that matched (request faults only). */
  onRequest?(attributes: A): RequestAction;
  /** Request faults: whether a request is eligible at all (method, path prefix, header). */
  matches?(attributes: A, request: RequestHead): boolean;
  /** Request faults: the share of matching requests (0..1) that get the fault. */
  share?(attributes: A): number;
}

/**
 * A toxic in place on a proxy. `id` changes on every update so live connections rebuild its stage (and draw
 * its toxicity again); `uid` stays for the toxic's lifetime and keys its per-connection state.
 */
export interface ToxicEntry {
  id: number;
  uid: number;
  name: string;
  type: string;
  stream: Stream;
  toxicity: number;
  attributes: Record<string, unknown>;
  kind: ToxicKind<any>;
  lease?: { id: string; key: string };
}

export interface RequestHead {
  method: string;
  path: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

export type RequestAction =
  | { kind: 'delay'; ms: number }
  | { kind: 'error'; status: number; body: string; contentType: string }
  | { kind: 'abort' };

/** A stage that lets everything through; the base of every stage. */
export class PassStage implements Stage {
  next: Sink = { push: () => undefined, end: () => undefined };
  protected passing = false;

  push(chunk: Buffer): void {
    this.next.push(chunk);
  }

  end(): void {
    this.next.end();
  }

  drain(): void {
    this.passing = true;
  }

  destroy(): void {
    this.passing = true;
  }
}

/**
 * A first-in first-out queue of deliveries, each due at a time that never goes backwards, so nothing
 * is reordered. The queue asks the clock to wake it for its head only, not once per chunk.
 */
export class TimedQueue implements Wakeable {
  private readonly items: Array<{ due: number; run: () => void }> = [];
  private head = 0;
  private lastDue = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  /** Runs `run` at `due` (performance.now() time) or after everything queued before it. */
  at(due: number, run: () => void): void {
    const when = Math.max(due, this.lastDue);
    this.lastDue = when;
    if (this.size === 0 && when <= performance.now()) {
      run();
      return;
    }
    this.items.push({ due: when, run });
    if (this.size === 1) this.arm();
  }

  /** Runs everything now, in order (the toxic was removed). */
  flush(): void {
    dueClock.cancel(this);
    while (this.size > 0) this.shift().run();
    this.lastDue = 0;
  }

  clear(): void {
    dueClock.cancel(this);
    this.items.length = 0;
    this.head = 0;
  }

  wake(now: number): void {
    // Everything already due goes out in one turn; the rest waits for its time.
    while (this.size > 0 && this.items[this.head].due <= now) this.shift().run();
    this.arm();
  }

  private shift(): { due: number; run: () => void } {
    const item = this.items[this.head++];
    // Compacted now and then rather than shifted per item: a busy queue holds thousands of chunks.
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }

  private arm(): void {
    const next = this.items[this.head];
    // An infinite due date (bandwidth 0) waits for flush().
    if (next && Number.isFinite(next.due)) dueClock.at(this, next.due);
  }
}

/** A stage whose deliveries go through a TimedQueue; subclasses decide when each chunk is due. */
export abstract class QueuedStage extends PassStage {
  protected readonly queue = new TimedQueue();

  override end(): void {
    if (this.passing) return this.next.end();
    this.queue.at(this.endDue(), () => this.next.end());
  }

  /** When the FIN may follow: by default right after the data held before it. */
  protected endDue(): number {
    return performance.now();
  }

  override drain(): void {
    this.passing = true;
    this.queue.flush();
  }

  override destroy(): void {
    this.passing = true;
    this.queue.clear();
  }
}
