import type { Socket } from 'node:net';
import type { Logger } from '../observe/log.js';
import type { Stream } from './types.js';
import type { Sink, Stage, StageContext } from './toxics/toxic.js';

// One direction of one connection: bytes from `src` to `dst`.
//
// Without toxics the link is a plain `src.pipe(dst)`: no per-chunk JavaScript beyond Node's own stream
// machinery, which is what keeps the proxy close to HAProxy. When toxics apply, the link leaves the pipe
// and sends each chunk through a chain of stages, one per toxic, in the order the toxics were created;
// the last stage writes to `dst`. When the last toxic goes away the link drains the chain and returns to
// the pipe. Adding or removing a toxic re-links the chain of live connections (as Toxiproxy does): a new
// toxic applies to every chunk that arrives after it was added; a removed toxic first hands on, in order,
// whatever it still held.
//
// The service-to-client direction carries the bulk of the bytes, so it reads with `onread` into a
// reusable buffer (no allocation per read, no Readable machinery): the buffer is handed on to the client
// socket and reused as soon as that write completed synchronously, which on loopback is nearly always.
// Each connection owns its buffer (Node hands a socket its next buffer right after a read, so a buffer
// shared between connections would be read into while another's held bytes still sit in it). It starts
// small, from Node's shared pool: most connections carry one small answer at a time, and a 64 KiB buffer
// for each new connection made a burst of reconnecting callers spend a quarter of the proxy's time in
// garbage collection. A read that fills the buffer is a bulk transfer, which reads on in 64 KiB.

/** A stage the link should have, identified so that re-linking keeps existing stages and their state. */
export interface PlannedStage {
  id: string;
  create(context: StageContext): Stage;
}

export interface LinkOwner {
  close(): void;
  reset(): void;
  respond(bytes: Buffer): void;
  log: Logger;
}

// Held bytes beyond which the link stops reading from `src`, so a slow toxic applies TCP back-pressure
// to the sender instead of buffering without bound.
const HIGH_WATER = 1 << 20;
const LOW_WATER = 1 << 18;
export const READ_BUFFER_SIZE = 64 * 1024;
/** Below Buffer.poolSize / 2, so the first buffer of a connection is a slice of Node's pool, not an allocation of its own. */
export const FIRST_READ_SIZE = 2 * 1024;

/** The buffer an `onread` socket reads into next; replaced whenever the previous one is still in use. */
export interface ReadBuffer {
  buffer: Buffer;
}

export class Link {
  private stages: Array<{ id: string; stage: Stage }> = [];
  private chained = false;
  private inflight = 0;
  private pausedByUs = false;
  private srcEnded = false;
  private readonly context: StageContext;
  private readonly writer: Sink = {
    push: (chunk) => {
      this.inflight -= chunk.length;
      if (!this.dst.writableEnded && !this.dst.destroyed) this.dst.write(chunk);
      this.flowControl();
    },
    end: () => this.endDst(),
  };

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    readonly stream: Stream,
    owner: LinkOwner,
    /** Set when `src` reads through `onread` into this buffer (see readInto) instead of emitting 'data'. */
    private readonly readBuffer: ReadBuffer | null = null,
  ) {
    this.context = {
      stream,
      log: owner.log,
      close: () => owner.close(),
      reset: () => owner.reset(),
      respond: (bytes) => owner.respond(bytes),
      discard: (bytes) => {
        this.inflight -= bytes;
        this.flowControl();
      },
    };
    src.on('end', () => {
      this.srcEnded = true;
      if (this.chained) this.head().end();
      else this.endDst();
    });
    dst.on('drain', () => this.flowControl());
  }

  /** Starts the flow; `plan` is the chain this link should have now (empty: the fast path). */
  start(plan: PlannedStage[]): void {
    if (plan.length > 0) this.apply(plan);
    else if (!this.readBuffer) this.src.pipe(this.dst, { end: false });
  }

  /** The `onread` callback of `src`: `n` bytes arrived in `buffer`. Returning false pauses `src`. */
  readInto(n: number, buffer: Buffer): boolean {
    const chunk = buffer.subarray(0, n);
    const holder = this.readBuffer!;
    const nextSize = n === buffer.length ? READ_BUFFER_SIZE : buffer.length;
    if (this.chained) {
      // The chain may hold on to the chunk (latency, bandwidth …): it keeps this buffer, reads get a new one.
      holder.buffer = Buffer.allocUnsafe(nextSize);
      this.onData(chunk);
      return true;
    }
    if (this.dst.writableEnded || this.dst.destroyed) return true;
    this.dst.write(chunk);
    if (this.dst.writableLength > 0 || nextSize !== buffer.length) holder.buffer = Buffer.allocUnsafe(nextSize);
    if (this.dst.writableNeedDrain) this.flowControl();
    return true;
  }

  /** Re-links the chain to match `plan`, keeping stages that stay (and the data they hold). */
  apply(plan: PlannedStage[]): void {
    const wanted = new Set(plan.map((p) => p.id));
    const kept = new Map<string, Stage>();
    for (const { id, stage } of this.stages) {
      if (wanted.has(id)) kept.set(id, stage);
      else stage.drain();
    }
    this.stages = plan.map((p) => ({ id: p.id, stage: kept.get(p.id) ?? p.create(this.context) }));
    this.stages.forEach(({ stage }, i) => {
      stage.next = this.stages[i + 1]?.stage ?? this.writer;
    });
    if (this.stages.length > 0 && !this.chained) this.enterChain();
    else if (this.stages.length === 0 && this.chained) this.leaveChain();
  }

  destroy(): void {
    for (const { stage } of this.stages) stage.destroy();
    this.stages = [];
  }

  private head(): Sink {
    return this.stages[0]?.stage ?? this.writer;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.inflight += chunk.length;
    this.head().push(chunk);
    this.flowControl();
  };

  private enterChain(): void {
    this.chained = true;
    if (!this.readBuffer) {
      this.src.unpipe(this.dst);
      this.src.on('data', this.onData);
      this.src.resume();
    }
    this.flowControl();
  }

  private leaveChain(): void {
    this.chained = false;
    if (this.readBuffer) return this.flowControl();
    this.src.off('data', this.onData);
    this.pausedByUs = false;
    if (this.srcEnded) return;
    this.src.pipe(this.dst, { end: false });
  }

  private flowControl(): void {
    if (!this.chained && !this.readBuffer) return;
    const congested = this.inflight > HIGH_WATER || this.dst.writableNeedDrain;
    if (congested && !this.pausedByUs) {
      this.pausedByUs = true;
      this.src.pause();
    } else if (this.pausedByUs && this.inflight < LOW_WATER && !this.dst.writableNeedDrain) {
      this.pausedByUs = false;
      this.src.resume();
    }
  }

  private endDst(): void {
    if (!this.dst.writableEnded && !this.dst.destroyed) this.dst.end();
  }
}
