import { Socket, type Server } from 'node:net';

/** Where a socket's reads land: `buffer` is asked for after every read, `callback` gets each read. */
export interface OnRead {
  buffer: () => Buffer;
  callback: (n: number, buffer: Buffer) => void;
}

/** An accepted connection: the kernel socket's handle before any Socket wraps it, or a Socket already made. */
export type Accepted = { readonly handle: unknown } | Socket;

// Node reads a socket opened with `connect({onread})` straight into a buffer we give it, with no Readable
// machinery and no allocation per read; a socket accepted by a net.Server has no such option and reads the
// costly way (a 64 KiB allocation, then a stream push, per read). So the proxy takes each accepted handle
// from the listener before net.Server wraps it in a Socket (`takeAccepted`), and wraps it once, with
// `onread`, the way Node's own TLS and HTTP/2 code wrap an existing handle. Making the Socket that
// net.Server would have made and destroying it again cost a third of a connection's set-up in a burst of
// callers (the profile of 10,000 at once: Socket construction and _destroy at the top).
//
// Where Node's listener has no handle to take from (never seen), connections arrive as Sockets through the
// 'connection' event, paused (`pauseOnConnect`), and their handle moves (`adoptWithOnread`).

/**
 * Makes `server` hand each accepted connection's handle to `accept` instead of making a Socket of it.
 * Returns false when it cannot (the caller then listens for 'connection'). The server's own connection
 * count stays 0, so `server.close()` completes once the listener is closed, whatever is still open.
 */
export function takeAccepted(server: Server, accept: (accepted: Accepted) => void): boolean {
  const listener = (server as unknown as { _handle: { onconnection?: (error: number, handle: unknown) => void } | null })._handle;
  const original = listener?.onconnection;
  if (!listener || typeof original !== 'function') return false;
  listener.onconnection = function (this: unknown, error: number, handle: unknown) {
    // An accept error (EMFILE …): Node's own handler turns it into the server's 'error' event.
    if (error || !handle) return original.call(this, error, handle);
    (handle as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    accept({ handle });
  };
  return true;
}

/** The Socket that reads `accepted` with `onread`, or null when it has no handle to read from that way. */
export function socketWithOnread(accepted: Accepted, onread: OnRead): Socket | null {
  if (accepted instanceof Socket) return adoptWithOnread(accepted, onread);
  return wrap(accepted.handle, onread);
}

function adoptWithOnread(accepted: Socket, onread: OnRead): Socket | null {
  const holder = accepted as unknown as { _handle: unknown };
  const handle = holder._handle;
  if (!handle) return null;
  // The accepted Socket lets go of the handle first; destroying it then only settles the server's count.
  holder._handle = null;
  accepted.destroy();
  return wrap(handle, onread);
}

function wrap(handle: unknown, onread: OnRead): Socket {
  return new Socket({
    handle,
    allowHalfOpen: true,
    readable: true,
    writable: true,
    onread,
  } as unknown as ConstructorParameters<typeof Socket>[0]);
}
