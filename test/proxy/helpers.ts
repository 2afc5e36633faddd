import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/observe/log.js';
import { connectProxy } from '../../src/proxy/client.js';
import { ProxyServer } from '../../src/proxy/server.js';

// Real servers on loopback, port 0, for the proxy's tests. Every helper returns something to close.

export const quietLog = () => createLogger('proxy-test', 'silent');

export async function startProxyServer(options: { token?: string } = {}) {
  const server = await ProxyServer.start({ listen: '127.0.0.1:0', logger: quietLog(), ...options });
  const client = connectProxy(server.controlUrl, { token: options.token });
  return { server, client, close: async () => (await client.close(), await server.close()) };
}

export function portOf(server: Server | HttpServer): number {
  return (server.address() as AddressInfo).port;
}

/** A TCP server that echoes every byte back. */
export async function startEcho(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: false }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: portOf(server),
    close: () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

/** An HTTP server: GET /bytes/N answers N deterministic bytes; anything else answers "ok <path>". */
export async function startHttp(): Promise<{ port: number; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = createHttpServer((request, response) => {
    count++;
    const chunks: Buffer[] = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const match = /^\/bytes\/(\d+)$/.exec(request.url ?? '');
      const body = match ? pattern(Number(match[1])) : Buffer.from(`ok ${request.method} ${request.url} ${Buffer.concat(chunks).length}`);
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      response.end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: portOf(server),
    requests: () => count,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export function pattern(size: number): Buffer {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buffer[i] = (i * 31 + (i >> 8)) & 0xff;
  return buffer;
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Connects, writes `data`, half-closes, and collects everything until the other side closes. */
export function roundTrip(port: number, data: Buffer, timeoutMs = 10_000): Promise<{ received: Buffer; error?: NodeJS.ErrnoException; ms: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    let error: NodeJS.ErrnoException | undefined;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (e) => (error = e));
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received: Buffer.concat(chunks), error, ms: performance.now() - started });
    });
    socket.end(data);
  });
}

/** Sends one line over an open connection and waits for `size` bytes back; returns the time it took. */
export function ping(socket: Socket, data: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let got = 0;
    const onData = (chunk: Buffer) => {
      got += chunk.length;
      if (got >= data.length) {
        socket.off('data', onData);
        resolve(performance.now() - started);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(data);
  });
}

export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; returns the wait. The limit only stops a broken build from hanging. */
export async function waitUntil(check: () => Promise<boolean>, limitMs = 10_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if (await check()) return performance.now() - started;
    await sleep(25);
  }
  throw new Error(`condition not met within ${limitMs}ms`);
}

export const metricsOf = async (server: ProxyServer): Promise<string> => (await fetch(`${server.controlUrl}/metrics`)).text();

export function portFromListen(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1));
}

/**
 * An echo server and, in a temporary folder that goes with the test, a Toxiproxy config (proxies.json)
 * with one proxy "echo" in front of it: what a test of `gameday proxy` as a process starts from.
 */
export async function echoBehindConfig(t: { after(fn: () => unknown): void }): Promise<{ echo: { port: number }; dir: string; config: string }> {
  const echo = await startEcho();
  const dir = mkdtempSync(join(tmpdir(), 'gameday-proxy-'));
  t.after(async () => (await echo.close(), rmSync(dir, { recursive: true, force: true })));
  const config = join(dir, 'proxies.json');
  writeFileSync(config, JSON.stringify([{ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` }]));
  return { echo, dir, config };
}
