import { getSystemErrorName } from 'node:util';

// The libuv handles the proxy's endpoints run on (./endpoint.ts), from Node's `tcp_wrap` and `stream_wrap`
// bindings: the same ones lib/net.js builds Sockets on, reached through `process.binding` (whose use Node
// reports only under --pending-deprecation). `endpointsAvailable()` says whether this Node has them in the
// shape used here; test/proxy/endpoint.test.ts pins it.

export interface Binding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectRequest;
  WriteWrap: new () => WriteRequest;
  ShutdownWrap: new () => ShutdownRequest;
  state: Int32Array;
  kReadBytesOrError: number;
  kLastWriteWasAsync: number;
  socketType: number;
  eof: number;
}

/** What a request's completion is reported to (an Endpoint). */
export interface RequestOwner {
  written(request: WriteRequest, status: number): void;
  shutDown(status: number): void;
  connected(status: number, request: ConnectRequest): void;
}

/** A libuv TCP handle as Node's tcp_wrap binding exposes it (the methods lib/net.js calls). */
export interface TcpHandle {
  onread: ((this: TcpHandle) => Uint8Array | undefined) | null;
  useUserBuffer(buffer: Uint8Array): void;
  readStart(): number;
  readStop(): number;
  writeBuffer(request: WriteRequest, data: Uint8Array): number;
  shutdown(request: ShutdownRequest): number;
  connect(request: ConnectRequest, address: string, port: number): number;
  connect6(request: ConnectRequest, address: string, port: number): number;
  setNoDelay(on: boolean): number;
  close(callback?: (this: TcpHandle) => void): void;
  reset(callback?: (this: TcpHandle) => void): number;
}

export interface WriteRequest {
  oncomplete: (this: WriteRequest, status: number) => void;
  /** Null while the request is the spare (see endpoint.ts). */
  endpoint: RequestOwner | null;
  bytes: number;
  buffer: Uint8Array | null;
}

export interface ShutdownRequest {
  oncomplete: (this: ShutdownRequest, status: number) => void;
  endpoint: RequestOwner;
}

export interface ConnectRequest {
  oncomplete: (this: ConnectRequest, status: number) => void;
  endpoint: RequestOwner;
  address: string;
  port: number;
}

function loadBinding(): Binding | null {
  try {
    const binding = (process as unknown as { binding(name: string): Record<string, unknown> }).binding;
    const tcp = binding('tcp_wrap') as { TCP: Binding['TCP']; TCPConnectWrap: Binding['TCPConnectWrap']; constants: { SOCKET: number } };
    const stream = binding('stream_wrap') as {
      WriteWrap: Binding['WriteWrap'];
      ShutdownWrap: Binding['ShutdownWrap'];
      streamBaseState: Int32Array;
      kReadBytesOrError: number;
      kLastWriteWasAsync: number;
    };
    const uv = binding('uv') as { UV_EOF: number };
    const parts = [tcp.TCP, tcp.TCPConnectWrap, stream.WriteWrap, stream.ShutdownWrap];
    if (parts.some((part) => typeof part !== 'function') || !(stream.streamBaseState instanceof Int32Array)) return null;
    if (typeof tcp.TCP.prototype.useUserBuffer !== 'function' || typeof tcp.TCP.prototype.reset !== 'function') return null;
    return {
      TCP: tcp.TCP,
      TCPConnectWrap: tcp.TCPConnectWrap,
      WriteWrap: stream.WriteWrap,
      ShutdownWrap: stream.ShutdownWrap,
      state: stream.streamBaseState,
      kReadBytesOrError: stream.kReadBytesOrError,
      kLastWriteWasAsync: stream.kLastWriteWasAsync,
      socketType: tcp.constants.SOCKET,
      eof: uv.UV_EOF,
    };
  } catch {
    return null;
  }
}

/** The bindings, or null when this Node lacks them. */
export const handles = loadBinding();

/** Whether this Node exposes the handles endpoints are built on (Node 20 does: test/proxy/endpoint.test.ts). */
export function endpointsAvailable(): boolean {
  return handles !== null;
}

/** Throws, saying why, when this Node lacks the handles endpoints are built on (checked as a proxy starts). */
export function requireEndpoints(): void {
  uv();
}

/** The bindings; throws, saying why, when this Node lacks them. */
export function uv(): Binding {
  if (!handles) throw new Error(`gameday proxy needs Node's tcp_wrap and stream_wrap bindings, which Node ${process.version} does not expose (the proxy is tested on Node 20)`);
  return handles;
}

/** A libuv status as the error Node would have made of it (code, errno, syscall). */
export function errnoError(syscall: string, status: number): NodeJS.ErrnoException {
  let code: string;
  try {
    code = getSystemErrorName(status);
  } catch {
    code = `E${-status}`;
  }
  const error: NodeJS.ErrnoException = new Error(`${syscall} ${code}`);
  error.code = code;
  error.errno = status;
  error.syscall = syscall;
  return error;
}
