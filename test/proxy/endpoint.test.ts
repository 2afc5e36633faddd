import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { Endpoint, type EndpointOwner } from '../../src/proxy/endpoint.js';
import { endpointsAvailable } from '../../src/proxy/uv-handles.js';
import { pattern, portOf } from './helpers.js';

// The proxy's sockets are endpoints on libuv's handles (src/proxy/endpoint.ts), built on Node bindings (src/proxy/uv-handles.ts)
// that no public API promises. These tests pin what the proxy relies on, on real sockets, so that a Node
// that changes them fails here by name rather than somewhere in the conformance suite.

/** Records what an endpoint reports, and lets a test wait for each kind of report. */
class Recorder implements EndpointOwner {
  readonly events: string[] = [];
  error: NodeJS.ErrnoException | null = null;
  private waiters = new Map<string, () => void>();
  endpointEnded(): void {
    this.note('ended');
  }
  endpointDrained(): void {
    this.note('drained');
  }
  endpointFailed(_: Endpoint, error: NodeJS.ErrnoException): void {
    this.error = error;
    this.note('failed');
  }
  endpointConnected(): void {
    this.note('connected');
  }
  endpointClosed(): void {
    this.note('closed');
  }
  until(event: string): Promise<void> {
    if (this.events.includes(event)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.set(event, resolve));
  }
  private note(event: string): void {
    this.events.push(event);
    this.waiters.get(event)?.();
  }
}

/** Reads whatever `endpoint` receives into one buffer. */
function collect(endpoint: Endpoint): { bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(64 * 1024);
  endpoint.startReading({ readBuffer: () => buffer, readInto: (n, into) => chunks.push(Buffer.from(into.subarray(0, n))) });
  return { bytes: () => Buffer.concat(chunks) };
}

/** A server on loopback, closed when the test `t` ends. */
async function listen(t: TestContext, onSocket: (socket: Socket) => void): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, onSocket);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return server;
}

test('this Node exposes the handles the proxy runs on', () => {
  assert.equal(endpointsAvailable(), true, `Node ${process.version} lacks tcp_wrap/stream_wrap in the shape src/proxy/uv-handles.ts expects`);
});

test('writes made while connecting arrive in order, the FIN after them, and the peer’s reply and FIN come back', async (t) => {
  const received: Buffer[] = [];
  const server = await listen(t, (socket) => {
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('end', () => socket.end('bye'));
  });
  const owner = new Recorder();
  const endpoint = Endpoint.connect('127.0.0.1', portOf(server), owner, Buffer.alloc(1024));
  const reads = collect(endpoint);
  const parts = [pattern(10), pattern(100_000), Buffer.from('last')];
  for (const part of parts) endpoint.write(part);
  endpoint.end();
  assert.equal(endpoint.connecting, true, 'the writes were made before the connection was up');
  await owner.until('closed');
  assert.deepEqual(Buffer.concat(received), Buffer.concat(parts));
  assert.equal(reads.bytes().toString(), 'bye');
  assert.deepEqual(
    owner.events.filter((event) => event !== 'drained'),
    ['connected', 'ended', 'closed'],
  );
  assert.equal(endpoint.bytesRead, 3);
});

test('a host name is resolved before connecting', async (t) => {
  const server = await listen(t, (socket) => socket.end('hello'));
  const owner = new Recorder();
  const endpoint = Endpoint.connect('localhost', portOf(server), owner, Buffer.alloc(1024));
  const reads = collect(endpoint);
  await owner.until('ended');
  assert.equal(reads.bytes().toString(), 'hello');
  endpoint.destroy();
  await owner.until('closed');
});

test('a refused connection fails with ECONNREFUSED, then closes', async (t) => {
  const server = await listen(t, () => {});
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  const owner = new Recorder();
  const endpoint = Endpoint.connect('127.0.0.1', port, owner, Buffer.alloc(1024));
  endpoint.write(Buffer.from('never sent'));
  await owner.until('closed');
  assert.equal(owner.error?.code, 'ECONNREFUSED');
  assert.deepEqual(owner.events, ['failed', 'closed']);
});

test('resetAndDestroy sends the peer a TCP reset', async (t) => {
  let peerError: NodeJS.ErrnoException | null = null;
  let peerClosed!: () => void;
  const closed = new Promise<void>((resolve) => (peerClosed = resolve));
  const server = await listen(t, (socket) => {
    socket.on('error', (error: NodeJS.ErrnoException) => (peerError = error));
    socket.on('close', () => peerClosed());
    socket.write('hi');
  });
  const owner = new Recorder();
  const endpoint = Endpoint.connect('127.0.0.1', portOf(server), owner, Buffer.alloc(1024));
  endpoint.startReading({ readBuffer: () => Buffer.alloc(16), readInto: () => endpoint.resetAndDestroy() });
  await closed;
  await owner.until('closed');
  assert.equal((peerError as NodeJS.ErrnoException | null)?.code, 'ECONNRESET');
});

test('writes the kernel cannot take yet are counted and reported drained once it took them', async (t) => {
  let peer: Socket | null = null;
  const server = await listen(t, (socket) => {
    peer = socket;
    socket.pause();
  });
  const owner = new Recorder();
  const endpoint = Endpoint.connect('127.0.0.1', portOf(server), owner, Buffer.alloc(1024));
  await owner.until('connected');
  const chunk = pattern(1 << 20);
  let written = 0;
  // The peer reads nothing, so the kernel's buffers fill and the rest waits in libuv.
  for (let i = 0; i < 64 && !endpoint.writableNeedDrain; i++) {
    endpoint.write(chunk);
    written += chunk.length;
  }
  assert.equal(endpoint.writableNeedDrain, true, 'a peer that reads nothing makes the writer wait');
  assert.ok(endpoint.writableLength > 0);
  let read = 0;
  peer!.on('data', (data: Buffer) => (read += data.length));
  peer!.resume();
  await owner.until('drained');
  assert.equal(endpoint.writableLength, 0);
  assert.equal(endpoint.writableNeedDrain, false);
  endpoint.end();
  await once(peer!, 'end');
  assert.equal(read, written);
  endpoint.destroy();
  await owner.until('closed');
});

test('the addresses of a name are tried in turn: a refused one gives way to the next', async (t) => {
  const server = await listen(t, (socket) => socket.end('second'));
  // The server listens on 127.0.0.1 only, so 127.0.0.2 (loopback too) refuses the same port.
  const owner = new Recorder();
  const endpoint = Endpoint.connect(['127.0.0.2', '127.0.0.1'], portOf(server), owner, Buffer.alloc(1024));
  const reads = collect(endpoint);
  await owner.until('ended');
  assert.equal(reads.bytes().toString(), 'second');
  assert.equal(owner.error, null, 'a refused address that is not the last is not a failure');
  endpoint.destroy();
  await owner.until('closed');
});

test('a connect the kernel refuses at once is reported on a later turn, then closed once', async () => {
  const owner = new Recorder();
  // A broadcast address: connect() fails synchronously (ENETUNREACH or EACCES), with no packet sent.
  const endpoint = Endpoint.connect('255.255.255.255', 9, owner, Buffer.alloc(1024));
  assert.deepEqual(owner.events, [], 'nothing is reported before the caller has wired the endpoint up');
  await owner.until('closed');
  assert.ok(owner.error?.code, 'the failure names its code');
  assert.deepEqual(owner.events, ['failed', 'closed']);
  assert.equal(endpoint.destroyed, true);
});

test('destroyed while connecting: closed is reported exactly once and nothing is sent', async (t) => {
  let accepted = 0;
  const server = await listen(t, (socket) => {
    accepted++;
    socket.destroy();
  });
  const owner = new Recorder();
  const endpoint = Endpoint.connect('127.0.0.1', portOf(server), owner, Buffer.alloc(1024));
  endpoint.write(Buffer.from('dropped'));
  endpoint.destroy();
  await owner.until('closed');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(owner.events, ['closed']);
  assert.equal(accepted, 0);
});

test('a reset asked for after end() closes the socket and still reports closed', async (t) => {
  const server = await listen(t, (socket) => socket.resume());
  const owner = new Recorder();
  const endpoint = Endpoint.connect('127.0.0.1', portOf(server), owner, Buffer.alloc(1024));
  collect(endpoint);
  await owner.until('connected');
  endpoint.write(Buffer.from('bye'));
  endpoint.end();
  endpoint.resetAndDestroy();
  await owner.until('closed');
  assert.deepEqual(owner.events, ['connected', 'closed']);
});

test('paused before it connects, an endpoint reads nothing until resumed', async (t) => {
  const server = await listen(t, (socket) => socket.end('later'));
  const owner = new Recorder();
  const endpoint = Endpoint.connect('127.0.0.1', portOf(server), owner, Buffer.alloc(1024));
  const reads = collect(endpoint);
  endpoint.pause();
  await owner.until('connected');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(reads.bytes().length, 0);
  assert.equal(owner.events.includes('ended'), false);
  endpoint.resume();
  await owner.until('ended');
  assert.equal(reads.bytes().toString(), 'later');
  endpoint.destroy();
  await owner.until('closed');
});
