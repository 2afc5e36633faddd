import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import { constants } from 'node:os';
import { errnoError, handles, uv, type ConnectRequest, type RequestOwner, type ShutdownRequest, type TcpHandle, type WriteRequest } from './uv-handles.js';

// One side of a proxied connection, on the kernel socket's libuv handle itself rather than a net.Socket.
//
// Why: a net.Socket is a Readable and a Writable with their state objects, an event emitter and a dozen
// listeners of Node's own, about 1 KB of heap per socket before a byte moves, and a chain of calls per
// write (Writable.write, _writeGeneric, a WriteWrap, afterWrite on the next tick). A proxy holds two
// sockets per caller and does nothing with a chunk but hand it on, so that machinery was most of its memory
// per idle connection (issue 17: 6.5 KB against HAProxy's 3.3 KB) and a third of a burst's set-up time.
// An Endpoint keeps what the proxy uses: reads into a buffer it names (libuv's user-buffer reads, as
// net.Socket's `onread` option uses them), writes that go straight to the handle and count what the kernel
// has not taken yet, a half-close (shutdown), close, and a reset (RST). The handles: ./uv-handles.ts.

/** What an endpoint tells the connection it belongs to. */
export interface EndpointOwner {
  endpointEnded(endpoint: Endpoint): void;
  endpointDrained(endpoint: Endpoint): void;
  endpointFailed(endpoint: Endpoint, error: NodeJS.ErrnoException): void;
  endpointConnected(endpoint: Endpoint): void;
  endpointClosed(endpoint: Endpoint): void;
}

/** Where an endpoint's reads go: `readInto` gets each read, `readBuffer` names where the next one lands. */
export interface Reader {
  readBuffer(): Buffer;
  readInto(n: number, buffer: Buffer): void;
}

/** How long an upstream address may take to answer before the next address of its name is tried. */
const ATTEMPT_MS = 250;

// Past this many bytes the kernel has not taken, the writer is asked to wait for `endpointDrained`
// (net.Socket's default high-water mark).
const HIGH_WATER_MARK = 16 * 1024;

const endpointOf = Symbol('endpoint');
const NONE: readonly string[] = [];
// libuv's error codes are the negated errno values on Unix.
const UV_ETIMEDOUT = -constants.errno.ETIMEDOUT;
type Owned<T> = T & { [endpointOf]: Endpoint };

export class Endpoint implements RequestOwner {
  bytesRead = 0;
  destroyed = false;
  /** The peer sent its FIN. */
  readableEnded = false;
  /** `end()` was called: nothing more is written, and the FIN follows what is still queued. */
  writableEnded = false;
  connecting: boolean;
  private pending = 0;
  private needDrain = false;
  private paused = false;
  private shutdownDone = false;
  private held: Buffer[] | null = null;
  private buffer: Buffer;
  private reader: Reader | null = null;

  private untried: readonly string[] = NONE;
  private attempt: ConnectRequest | null = null;
  private attemptTimer: NodeJS.Timeout | null = null;

  private constructor(
    private handle: TcpHandle,
    private readonly owner: EndpointOwner,
    connecting: boolean,
    firstBuffer: Buffer,
  ) {
    this.connecting = connecting;
    this.buffer = firstBuffer;
    this.adopt(handle);
  }

  private adopt(handle: TcpHandle): void {
    (handle as Owned<TcpHandle>)[endpointOf] = this;
    handle.onread = onRead;
    handle.useUserBuffer(this.buffer);
  }

  /** An accepted connection's handle; it reads once `startReading` names its reader. */
  static accepted(handle: unknown, owner: EndpointOwner, firstBuffer: Buffer): Endpoint {
    const tcp = handle as TcpHandle;
    tcp.setNoDelay(true);
    return new Endpoint(tcp, owner, false, firstBuffer);
  }

  /** A new connection to `host:port`; writes made before it connects are held and sent in order. */
  static connect(host: string | readonly string[], port: number, owner: EndpointOwner, firstBuffer: Buffer): Endpoint {
    const { TCP, socketType } = uv();
    const endpoint = new Endpoint(new TCP(socketType), owner, true, firstBuffer);
    // A failure is reported on a later turn, as net.connect reports it: the owner may still be wiring up.
    if (typeof host !== 'string') process.nextTick(() => endpoint.dial([...host], port));
    else if (isIP(host)) process.nextTick(() => endpoint.dial([host], port));
    else {
      // Every address of the name, tried in turn (as net.connect's family autoselection does): "localhost"
      // may name ::1 first while the upstream listens on 127.0.0.1 only.
      lookup(host, { all: true }, (error, addresses) => {
        if (endpoint.destroyed) return;
        if (error) endpoint.fail(Object.assign(error, { code: error.code ?? 'ENOTFOUND' }));
        else endpoint.dial(addresses.map((entry) => entry.address), port);
      });
    }
    return endpoint;
  }

  startReading(reader: Reader): void {
    this.reader = reader;
    if (!this.connecting && !this.paused && !this.destroyed) this.handle.readStart();
  }

  get writableLength(): number {
    return this.pending;
  }

  get writableNeedDrain(): boolean {
    return this.needDrain;
  }

  write(chunk: Buffer): void {
    if (this.destroyed || this.writableEnded) return;
    if (this.connecting) {
      (this.held ??= []).push(chunk);
      this.addPending(chunk.length);
      return;
    }
    this.send(chunk);
  }

  /** Half-close: the peer gets a FIN once everything written before has gone. */
  end(): void {
    if (this.destroyed || this.writableEnded) return;
    this.writableEnded = true;
    if (!this.connecting) this.shutdown();
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    if (!this.connecting && !this.destroyed && !this.readableEnded) this.handle.readStop();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.connecting && !this.destroyed && !this.readableEnded && this.reader) this.handle.readStart();
  }

  /**
   * Closes the socket at once: what libuv still queued is dropped; what the kernel holds is sent, then a FIN
   * (an RST instead if bytes the peer sent were never read).
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.held = null;
    this.stopAttempt();
    this.handle.close(onClosed);
  }

  /** Closes the socket with a TCP RST. */
  resetAndDestroy(): void {
    if (this.destroyed) return;
    // libuv refuses a reset once a shutdown is under way, or before the socket connected: close instead.
    if (this.connecting || (this.writableEnded && !this.shutdownDone)) return this.destroy();
    this.destroyed = true;
    this.held = null;
    // Node marks the handle closing even when the reset fails (a failed SO_LINGER), and then neither closes
    // it nor lets it be closed; nothing in JavaScript can recover the descriptor, but the connection is
    // still reported closed so that its place in the admission is given back.
    if (this.handle.reset(onClosed) !== 0) setImmediate(() => this.closed());
  }

  private dial(addresses: readonly string[], port: number): void {
    if (this.destroyed) return;
    if (addresses.length === 0) return this.fail(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' }));
    const { TCPConnectWrap } = uv();
    const request = new TCPConnectWrap();
    request.oncomplete = onConnected;
    request.endpoint = this;
    request.address = addresses[0];
    request.port = port;
    this.attempt = request;
    this.untried = addresses.slice(1);
    const status = isIP(request.address) === 6 ? this.handle.connect6(request, request.address, port) : this.handle.connect(request, request.address, port);
    if (status !== 0) return this.connected(status, request);
    // An address that does not answer at all (a dropped SYN) must not hold up the next one for the kernel's
    // two minutes: as net.connect's family autoselection, each attempt but the last gets 250 ms.
    if (this.untried.length > 0) this.attemptTimer = setTimeout(onAttemptTimeout, ATTEMPT_MS, this, request).unref();
  }

  connected(status: number, request: ConnectRequest): void {
    // A completion of an attempt given up already (its handle closed) is not news.
    if (this.destroyed || request !== this.attempt) return;
    this.stopAttempt();
    if (status < 0 && this.untried.length > 0) {
      // A handle whose connect failed cannot connect again: the next address gets a new one.
      const { TCP, socketType } = uv();
      this.handle.close();
      this.handle = new TCP(socketType);
      this.adopt(this.handle);
      return this.dial(this.untried, request.port);
    }
    if (status < 0) return this.fail(errnoError('connect', status));
    this.connecting = false;
    this.handle.setNoDelay(true);
    this.owner.endpointConnected(this);
    const held = this.held;
    this.held = null;
    if (held) {
      this.pending = 0;
      for (const chunk of held) this.send(chunk);
    }
    if (this.destroyed) return;
    if (this.writableEnded) this.shutdown();
    if (!this.paused && this.reader) this.handle.readStart();
    if (this.needDrain && this.pending === 0) this.drained();
  }

  /** `n` bytes landed in the read buffer, or (n < 0) the read ended or failed; returns the next buffer. */
  received(n: number): Uint8Array | undefined {
    if (n > 0) {
      this.bytesRead += n;
      const reader = this.reader!;
      reader.readInto(n, this.buffer);
      if (this.destroyed) return undefined;
      const next = reader.readBuffer();
      if (next === this.buffer) return undefined;
      this.buffer = next;
      return next;
    }
    if (n === uv().eof) {
      this.readableEnded = true;
      this.owner.endpointEnded(this);
      if (this.shutdownDone) this.destroy();
    } else if (n < 0) {
      this.fail(errnoError('read', n));
    }
    return undefined;
  }

  written(request: WriteRequest, status: number): void {
    this.pending -= request.bytes;
    if (this.destroyed) return;
    if (status < 0) return this.fail(errnoError('write', status));
    if (this.needDrain && this.pending === 0) this.drained();
  }

  shutDown(status: number): void {
    this.shutdownDone = true;
    if (this.destroyed) return;
    // ENOTCONN and the like: the peer is gone already; its close or reset reaches the owner another way.
    if (status < 0 || this.readableEnded) this.destroy();
  }

  closed(): void {
    this.owner.endpointClosed(this);
  }

  fail(error: NodeJS.ErrnoException): void {
    if (this.destroyed) return;
    this.owner.endpointFailed(this, error);
    this.destroy();
  }

  private send(chunk: Buffer): void {
    if (this.destroyed) return;
    const { state, kLastWriteWasAsync } = handles!;
    const request = spareWrite ?? newWriteRequest();
    spareWrite = null;
    request.endpoint = this;
    request.bytes = chunk.length;
    const status = this.handle.writeBuffer(request, chunk);
    // A failed write may have had Node attach a request of its own to the object: it is not used again.
    if (status !== 0) return this.fail(errnoError('write', status));
    if (state[kLastWriteWasAsync]) {
      // The kernel did not take it all: libuv writes the rest from `chunk` later, so it must stay alive,
      // and the request is libuv's until it completes.
      request.buffer = chunk;
      this.addPending(chunk.length);
    } else {
      // The spare must not keep this endpoint (and its connection) alive until the next write.
      request.endpoint = null;
      spareWrite = request;
    }
  }

  private stopAttempt(): void {
    if (this.attemptTimer) clearTimeout(this.attemptTimer);
    this.attemptTimer = null;
  }

  private addPending(bytes: number): void {
    this.pending += bytes;
    if (this.pending >= HIGH_WATER_MARK) this.needDrain = true;
  }

  private drained(): void {
    this.needDrain = false;
    this.owner.endpointDrained(this);
  }

  private shutdown(): void {
    const { ShutdownWrap } = uv();
    const request = new ShutdownWrap();
    request.oncomplete = onShutDown;
    request.endpoint = this;
    const status = this.handle.shutdown(request);
    if (status !== 0) this.shutDown(status);
  }
}

// A write the kernel takes at once never reaches libuv's queue, and its request object is left untouched,
// so it serves the next write: on loopback nearly every write is one of those, and making a request object
// (a C++-backed template instance) per write was a measurable share of a small request's cost.
let spareWrite: WriteRequest | null = null;

function newWriteRequest(): WriteRequest {
  const request = new (uv().WriteWrap)();
  request.oncomplete = onWritten;
  request.buffer = null;
  return request;
}

// The callbacks libuv's completions call, shared by every endpoint (a closure per socket would cost memory
// in a burst): Node calls them with the handle or the request as `this`, which names its endpoint.
function onRead(this: TcpHandle): Uint8Array | undefined {
  const { state, kReadBytesOrError } = handles!;
  return (this as Owned<TcpHandle>)[endpointOf].received(state[kReadBytesOrError]);
}

function onWritten(this: WriteRequest, status: number): void {
  this.endpoint!.written(this, status);
}

function onShutDown(this: ShutdownRequest, status: number): void {
  this.endpoint.shutDown(status);
}

function onAttemptTimeout(endpoint: Endpoint, request: ConnectRequest): void {
  endpoint.connected(UV_ETIMEDOUT, request);
}

function onConnected(this: ConnectRequest, status: number): void {
  this.endpoint.connected(status, this);
}

function onClosed(this: TcpHandle): void {
  (this as Owned<TcpHandle>)[endpointOf].closed();
}
