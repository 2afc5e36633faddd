import { Socket } from 'node:net';

/** Where a socket's reads land: `buffer` is asked for after every read, `callback` gets each read. */
export interface OnRead {
  buffer: () => Buffer;
  callback: (n: number, buffer: Buffer) => void;
}

// Node reads a socket opened with `connect({onread})` straight into a buffer we give it, with no Readable
// machinery and no allocation per read; a socket accepted by a net.Server has no such option and reads the
// costly way (a 64 KiB allocation, then a stream push, per read). So the proxy's listener accepts with
// `pauseOnConnect` (nothing read yet), and the accepted socket's handle moves to a new Socket made with
// `onread`, the way Node's own TLS and HTTP/2 code wrap an existing handle. The accepted Socket lets go of
// the handle first, and destroying it then only settles the server's connection count.
//
// Returns null when the accepted socket has no handle to move (never seen; the caller then reads it with
// 'data' events).
export function adoptWithOnread(accepted: Socket, onread: OnRead): Socket | null {
  const holder = accepted as unknown as { _handle: unknown };
  const handle = holder._handle;
  if (!handle) return null;
  holder._handle = null;
  accepted.destroy();
  return new Socket({
    handle,
    allowHalfOpen: true,
    readable: true,
    writable: true,
    onread,
  } as unknown as ConstructorParameters<typeof Socket>[0]);
}
