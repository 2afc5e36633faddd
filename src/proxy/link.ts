import type { Logger } from '../observe/log.js';
import type { Endpoint, Reader } from './endpoint.js';
import type { Stream } from './types.js';
import type { Sink, Stage, StageContext } from './toxics/toxic.js';

// One direction of one connection: bytes from `src` to `dst`.
//
// Both directions read into a buffer the link names (see ./endpoint.ts): libuv hands each read to
// `readInto`, with no stream machinery and no allocation of its own. Without toxics, `readInto` writes the bytes to `dst` and
// returns: that is all the JavaScript a chunk costs. When toxics apply, the link sends each chunk through a
// chain of stages, one per toxic, in the order the toxics were created; the last stage writes to `dst`.
// Adding or removing a toxic re-links the chain of live connections (as Toxiproxy does): a new toxic applies
// to every chunk that arrives after it was added; a removed toxic first hands on, in order, whatever it
// still held. Switching between the two is per chunk, in the order chunks are read, so nothing is lost or
// reordered.
//
// Where reads land. Most connections carry small messages, so they read into one buffer shared by every
// socket of the process, and an idle connection holds no buffer at all. Nothing may keep a reference to
// the shared buffer once `readInto` returns (the next read of any socket overwrites it, and a write that
// the kernel did not take at once keeps pointing at its bytes), so a chunk read there is copied before it
// is written — a small copy, cut from a slab (`copyOf`). A read that fills the shared buffer marks a bulk
// transfer: the socket then reads into a buffer of its own, written without a copy and read into again as
// soon as the write completed (on loopback, nearly always at once); a small read hands it back.

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
// to the sender instead of buffering without bound. A stage may allow more (see Stage.holdLimit).
const HIGH_WATER = 1 << 20;
const READ_BUFFER_SIZE = 64 * 1024;
/** Below this a read is a small message: the socket goes back to the shared buffer. */
const SMALL_READ = 4 * 1024;

const shared = Buffer.allocUnsafeSlow(READ_BUFFER_SIZE);
/** The buffer an endpoint reads into first (it is given one before its link exists). */
export const firstReadBuffer = shared;

// Copies of small reads are cut one after another from a slab, as Node's Buffer pool does but without its
// checks and alignment; a new slab starts when a copy does not fit. A copy still held (a write the kernel
// has not taken, a toxic's queue) keeps its whole slab alive, so the slab is small and a larger copy gets
// memory of its own.
const SLAB_SIZE = 16 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let slabUsed = 0;

function copyOf(buffer: Buffer, n: number): Buffer {
  const source = buffer.subarray(0, n);
  if (n >= SMALL_READ) {
    const copy = Buffer.allocUnsafeSlow(n);
    copy.set(source);
    return copy;
  }
  if (n > SLAB_SIZE - slabUsed) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    slabUsed = 0;
  }
  const start = slabUsed;
  slab.set(source, start);
  slabUsed += n;
  return slab.subarray(start, slabUsed);
}

// Bulk buffers kept for reuse once nothing points into them any more (their last write was taken at once).
// A keep-alive connection moves between small and bulk reads with every large response, and a large read
// that lands in the shared buffer needs a copy; allocating 64 KiB each time made V8 collect so often that
// 64 KiB HTTP responses ran at 0.45x HAProxy's rate once the CLI stopped loading everything at start
// (a smaller heap collects sooner). At most SPARE_BULK are kept: 2 MiB.
const SPARE_BULK = 32;
const spareBulk: Buffer[] = [];

function takeBulk(): Buffer {
  return spareBulk.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER_SIZE);
}

function giveBulk(buffer: Buffer): void {
  if (spareBulk.length < SPARE_BULK) spareBulk.push(buffer);
}

const NO_STAGES: ReadonlyArray<{ id: string; stage: Stage }> = [];

export class Link implements Reader {
  private stages: ReadonlyArray<{ id: string; stage: Stage }> = NO_STAGES;
  private chained = false;
  private inflight = 0;
  private highWater = HIGH_WATER;
  private pausedByUs = false;
  /** The buffer this link's socket reads into during a bulk transfer; null while it uses the shared one. */
  private own: Buffer | null = null;
  private bulk = false;
  private context: StageContext | null = null;
  private writer: Sink | null = null;

  // The owner forwards `src`'s FIN (srcEnded) and `dst`'s drain (dstDrained), so that a link holds no
  // callbacks of its own: a closure per link would be paid for by every connection of a burst.
  constructor(
    private readonly src: Endpoint,
    private readonly dst: Endpoint,
    readonly stream: Stream,
    private readonly owner: LinkOwner,
  ) {}

  /** `src` sent its FIN: it follows the data still held, then closes `dst`'s sending side. */
  srcEnded(): void {
    if (this.chained) this.head().end();
    else this.endDst();
  }

  dstDrained(): void {
    this.flowControl();
  }

  /** What `src` reads into next (its endpoint asks after every read). */
  readBuffer(): Buffer {
    if (!this.bulk) {
      // Still held here, it is not written from (a write that was not taken at once let go of it).
      if (this.own) giveBulk(this.own);
      this.own = null;
      return shared;
    }
    return (this.own ??= takeBulk());
  }

  /** `n` bytes from `src` arrived in `buffer`. */
  readInto(n: number, buffer: Buffer): void {
    const isShared = buffer === shared;
    if (n === buffer.length) this.bulk = true;
    else if (n < SMALL_READ) this.bulk = false;
    if (this.chained) {
      // The chain may hold on to the chunk (latency, bandwidth …): it gets bytes nothing else will touch.
      if (!isShared) this.own = null;
      this.intoChain(isShared ? copyOf(buffer, n) : buffer.subarray(0, n));
      return;
    }
    const dst = this.dst;
    if (dst.writableEnded || dst.destroyed) return;
    if (isShared && n < SMALL_READ) dst.write(copyOf(buffer, n));
    else if (isShared) {
      const copy = takeBulk();
      copy.set(buffer.subarray(0, n));
      dst.write(copy.subarray(0, n));
      if (dst.writableLength === 0) giveBulk(copy);
    } else {
      dst.write(buffer.subarray(0, n));
      // Not written at once: the write still points into this buffer, so the next read needs another.
      if (dst.writableLength > 0) this.own = null;
    }
    if (dst.writableNeedDrain) this.flowControl();
  }

  /** Starts the flow; `plan` is the chain this link should have now (empty: the fast path). */
  start(plan: PlannedStage[]): void {
    if (plan.length > 0) this.apply(plan);
  }

  /**
   * Re-links the chain to match `plan`, keeping stages that stay (and the data they hold). A stage that
   * leaves hands on what it held; if its toxic was removed from the proxy (`removed`), it may also act
   * on the connection (a removed `timeout` closes it, as in Toxiproxy).
   */
  apply(plan: PlannedStage[], removed?: ReadonlySet<string>): void {
    const wanted = new Set(plan.map((p) => p.id));
    const kept = new Map<string, Stage>();
    for (const { id, stage } of this.stages) {
      if (wanted.has(id)) kept.set(id, stage);
      else if (removed?.has(id) && stage.remove) stage.remove();
      else stage.drain();
    }
    const context = plan.length > 0 ? this.stageContext() : null;
    this.stages = plan.map((p) => ({ id: p.id, stage: kept.get(p.id) ?? p.create(context!) }));
    this.stages.forEach(({ stage }, i) => {
      stage.next = this.stages[i + 1]?.stage ?? this.writer!;
    });
    this.highWater = Math.max(HIGH_WATER, ...this.stages.map(({ stage }) => stage.holdLimit ?? 0));
    this.chained = this.stages.length > 0;
    this.flowControl();
  }

  destroy(): void {
    for (const { stage } of this.stages) stage.destroy();
    this.stages = NO_STAGES;
  }

  private stageContext(): StageContext {
    if (this.context) return this.context;
    const owner = this.owner;
    this.writer = {
      push: (chunk) => {
        this.inflight -= chunk.length;
        if (!this.dst.writableEnded && !this.dst.destroyed) this.dst.write(chunk);
        this.flowControl();
      },
      end: () => this.endDst(),
    };
    this.context = {
      stream: this.stream,
      log: owner.log,
      close: () => owner.close(),
      reset: () => owner.reset(),
      respond: (bytes) => owner.respond(bytes),
      discard: (bytes) => {
        this.inflight -= bytes;
        this.flowControl();
      },
    };
    return this.context;
  }

  private head(): Sink {
    return this.stages[0]?.stage ?? this.writer!;
  }

  private intoChain(chunk: Buffer): void {
    this.inflight += chunk.length;
    this.head().push(chunk);
    this.flowControl();
  }

  private flowControl(): void {
    const congested = this.inflight > this.highWater || this.dst.writableNeedDrain;
    if (congested && !this.pausedByUs) {
      this.pausedByUs = true;
      this.src.pause();
    } else if (this.pausedByUs && !congested && this.inflight < this.highWater / 4) {
      this.pausedByUs = false;
      this.src.resume();
    }
  }

  private endDst(): void {
    if (!this.dst.writableEnded && !this.dst.destroyed) this.dst.end();
  }
}
