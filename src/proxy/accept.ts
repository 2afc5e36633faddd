import { Socket, type Server } from 'node:net';

/** An accepted connection: the kernel socket's handle before any Socket wraps it, or a Socket already made. */
export type Accepted = { readonly handle: unknown } | Socket;

// The proxy runs each side of a connection on its libuv handle (./endpoint.ts), so it takes each accepted
// handle from the listener before net.Server wraps it in a Socket (`takeAccepted`): making the Socket that
// net.Server would have made and throwing it away again cost a third of a connection's set-up in a burst of
// callers (the profile of 10,000 at once: Socket construction and _destroy at the top).
//
// Where Node's listener has no handle to take from (never seen), connections arrive as Sockets through the
// 'connection' event, paused (`pauseOnConnect`), and `handleOf` takes their handle from them.

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
    accept({ handle });
  };
  return true;
}

/** The handle of `accepted`, taken from its Socket if it arrived as one; null when it has none. */
export function handleOf(accepted: Accepted): unknown {
  if (!(accepted instanceof Socket)) return accepted.handle;
  const holder = accepted as unknown as { _handle: unknown };
  const handle = holder._handle;
  if (!handle) return null;
  // The accepted Socket lets go of the handle first; destroying it then only settles the server's count.
  holder._handle = null;
  accepted.destroy();
  return handle;
}

/** Closes a caller that was accepted but never proxied (its proxy stopped while it waited). */
export function closeAccepted(accepted: Accepted): void {
  if (accepted instanceof Socket) accepted.destroy();
  else (accepted.handle as { close(): void }).close();
}
