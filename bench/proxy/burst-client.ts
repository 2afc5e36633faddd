// A connection burst, run as its own process on the load core: opens `count` connections to `port` at
// once (every connect() before the first answer), sends each a Redis PING, and closes each with a reset
// once its PONG came back (no TIME_WAIT left behind to starve the next burst of ports). Prints JSON: when
// the last connection was established and when the last one was answered, in ms from the first connect.
//   node burst-client.js <port> <count>
import { connect } from 'node:net';

const [port, count] = process.argv.slice(2).map(Number);
const started = performance.now();
let connected = 0;
let answered = 0;
let failed = 0;
let lastConnected = 0;
let lastAnswered = 0;
const errors: Record<string, number> = {};

function fail(kind: string): void {
  failed++;
  errors[kind] = (errors[kind] ?? 0) + 1;
  settle();
}

function settle(): void {
  if (answered + failed < count) return;
  const result = { count, connected, answered, failed, errors, establishedMs: lastConnected - started, answeredMs: lastAnswered - started };
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

for (let i = 0; i < count; i++) {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  let done = false;
  socket.once('connect', () => {
    connected++;
    lastConnected = performance.now();
    socket.write('PING\r\n');
  });
  socket.on('data', (chunk: Buffer) => {
    if (done) return;
    done = true;
    socket.resetAndDestroy();
    const reply = chunk.toString('latin1').trim();
    if (!reply.startsWith('+PONG')) return fail(reply.slice(0, 60));
    answered++;
    lastAnswered = performance.now();
    settle();
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (done) return;
    done = true;
    fail(error.code ?? error.message);
  });
  socket.on('close', () => {
    if (done) return;
    done = true;
    fail('closed before answering');
  });
}
setTimeout(() => {
  errors['no answer within 60 s'] = count - answered - failed;
  failed = count - answered;
  settle();
}, 60_000).unref();
