import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { portFromListen, quietLog } from '../helpers.js';
import { ProxyServer } from '../../../src/proxy/server.js';
import { GoClient } from './go-client.js';

// The two ends of a proxied connection, held by the test, as Toxiproxy's tests hold them: an upstream
// that hands over every connection it accepts, and a client socket through the proxy. Real sockets on
// loopback; everything closes in t.after.

type After = { after: (fn: () => unknown) => void };

export interface Upstream {
  port: number;
  address: string;
  /** The next connection the upstream accepts (in order). */
  accepted(): Promise<Socket>;
  close(): Promise<void>;
}

export async function startUpstream(t: After): Promise<Upstream> {
  const waiting: Array<(socket: Socket) => void> = [];
  const ready: Socket[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    const next = waiting.shift();
    if (next) next(socket);
    else ready.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const upstream: Upstream = {
    port,
    address: `127.0.0.1:${port}`,
    accepted: () => {
      const socket = ready.shift();
      return socket ? Promise.resolve(socket) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  t.after(() => upstream.close());
  return upstream;
}

/** A proxy server on a free port, driven the way Toxiproxy's Go client drives it. */
export async function startToxiproxy(t: After): Promise<{ server: ProxyServer; go: GoClient }> {
  const server = await ProxyServer.start({ listen: '127.0.0.1:0', logger: quietLog() });
  t.after(() => server.close());
  return { server, go: new GoClient(server.controlUrl) };
}

/** A connection through `listen` to `upstream`, with both of its ends. */
export async function establish(t: After, listen: string, upstream: Upstream): Promise<{ client: Socket; server: Socket }> {
  const client = await openClient(portFromListen(listen));
  t.after(() => client.destroy());
  return { client, server: await upstream.accepted() };
}

/** A proxy "test" in front of a fresh upstream, and one connection through it (Toxiproxy's WithEstablishedProxy). */
export async function establishedProxy(t: After, listen = '127.0.0.1:0') {
  const { go } = await startToxiproxy(t);
  const upstream = await startUpstream(t);
  const proxy = await go.createProxy('test', listen, upstream.address);
  return { go, upstream, proxy, ...(await establish(t, proxy.listen, upstream)) };
}

export function openClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Reads until `size` bytes arrived; resolves with them and the time the last one came. Rejects when the
 * socket ends or errs first, or after `limitMs` (which only stops a broken build from hanging).
 */
export function readBytes(socket: Socket, size: number, limitMs = 10_000): Promise<{ data: Buffer; at: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', done);
      if (error) reject(error);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= size) {
        const at = performance.now();
        done();
        const data = Buffer.concat(chunks);
        // Bytes beyond `size` belong to the next read: hand them back.
        if (data.length > size) socket.unshift(data.subarray(size));
        resolve({ data: data.subarray(0, size), at });
      }
    };
    const onEnd = () => done(new Error(`the socket ended after ${got} of ${size} bytes`));
    const timer = setTimeout(() => done(new Error(`only ${got} of ${size} bytes within ${limitMs} ms`)), limitMs);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', done);
    socket.resume();
  });
}

/**
 * Toxiproxy's AssertEchoResponse: the client sends `message`, the server reads it and sends it back, the
 * client reads it; each side must read exactly what the other wrote. Returns when each side had it.
 */
export async function echo(client: Socket, server: Socket, message = Buffer.from('hello world\n')): Promise<{ started: number; atServer: number; atClient: number }> {
  const started = performance.now();
  client.write(message);
  const there = await readBytes(server, message.length);
  assert.ok(there.data.equals(message), 'the server read other bytes than the client wrote');
  server.write(there.data);
  const back = await readBytes(client, message.length);
  assert.ok(back.data.equals(message), 'the client read other bytes than the server wrote');
  return { started, atServer: there.at, atClient: back.at };
}

/** How the socket's reading side finished: 'end' (a FIN, Go's io.EOF), or the error code (ECONNRESET). */
export function ending(socket: Socket, limitMs = 10_000): Promise<{ how: string; bytes: number; at: number }> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const timer = setTimeout(() => reject(new Error(`the socket did not end within ${limitMs} ms`)), limitMs);
    const finish = (how: string) => {
      clearTimeout(timer);
      resolve({ how, bytes, at: performance.now() });
    };
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    socket.once('end', () => finish('end'));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.resume();
  });
}

/** Whether something accepts connections on `listen` (Toxiproxy's AssertProxyUp). */
export function isUp(listen: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port: portFromListen(listen), host: listen.slice(0, listen.lastIndexOf(':')).replace(/^\[|\]$/g, '') });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** A port that was free a moment ago (for cases that must name a port, as Toxiproxy's do). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
