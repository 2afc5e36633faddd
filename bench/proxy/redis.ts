// Real Redis through the proxy against HAProxy in TCP mode and direct: redis-benchmark SET and GET, plain
// and pipelined (-P 16: the client-to-server direction carries the bulk), in A B pairs. Then the checks
// that a fast wrong answer would fail: 10,000 binary values byte-identical through the proxy with and
// without a slicer, and limit_data cutting a reply at exactly the byte asked for.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { connectProxy } from '../../src/proxy/client.js';
import type { Figure } from '../harness.js';
import { cpuMicros, floor, LOAD_CORE, lowerIsBetter, requestRate, type Peers } from './peers.js';
import { command, RespClient } from './resp.js';

const PAIRS = 5;
const CLIENTS = 50;
const VARIANTS = [
  { test: 'set', pipeline: 1, requests: 30_000, target: null },
  { test: 'set', pipeline: 16, requests: 120_000, target: 0.9 },
  { test: 'get', pipeline: 1, requests: 30_000, target: null },
  { test: 'get', pipeline: 16, requests: 120_000, target: null },
] as const;

export interface RedisRun {
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequest: number;
}

/**
 * redis-benchmark on core 0; `--csv` gives requests/s and latency percentiles in ms. Asynchronous, so that
 * this process's own timers (the control client's keep-alive) run meanwhile.
 */
export async function redisBenchmark(port: number, test: string, args: string[]): Promise<{ rps: number; p50: number; p99: number }> {
  const { stdout: out } = await promisify(execFile)('taskset', ['-c', LOAD_CORE, 'redis-benchmark', '-p', String(port), '-t', test, '--csv', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const row = out
    .trim()
    .split('\n')
    .map((line) => line.split(',').map((cell) => cell.replace(/"/g, '')))
    .find((cells) => cells[0] === test.toUpperCase());
  if (!row) throw new Error(`redis-benchmark printed no ${test} row: ${out}`);
  return { rps: Number(row[1]), p50: Number(row[4]), p99: Number(row[6]) };
}

async function run(port: number, pid: number | null, variant: { test: string; pipeline: number; requests: number }): Promise<RedisRun> {
  const before = pid ? cpuMicros(pid) : 0;
  const result = await redisBenchmark(port, variant.test, ['-n', String(variant.requests), '-c', String(CLIENTS), '-P', String(variant.pipeline), '-r', '100000']);
  return { ...result, cpuPerRequest: pid ? (cpuMicros(pid) - before) / variant.requests : NaN };
}

export async function redisFigures(peers: Peers, say: (line: string) => void): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  for (const variant of VARIANTS) {
    const label = `Redis ${variant.test.toUpperCase()}${variant.pipeline > 1 ? ` -P ${variant.pipeline}` : ''}`;
    say(`${label}: warm-up, direct floor, ${PAIRS} pairs of ${variant.requests} requests`);
    await run(peers.haproxy.redis, null, { ...variant, requests: 10_000 });
    await run(peers.ours.redis, null, { ...variant, requests: 10_000 });
    const direct = await run(peers.redisPort, null, variant);
    const a: RedisRun[] = [];
    const b: RedisRun[] = [];
    for (let i = 0; i < PAIRS; i++) {
      b.push(await run(peers.haproxy.redis, peers.haproxy.pid, variant));
      a.push(await run(peers.ours.redis, peers.ours.pid, variant));
    }
    details[label] = { direct, ours: a, haproxy: b };
    figures.push(requestRate(label, a, b, variant.target));
    figures.push(
      ...lowerIsBetter(label, a, b, [
        ['p50', 'p50 latency', 'ms'],
        ['cpuPerRequest', 'proxy CPU per request', 'µs'],
      ]),
      floor(label, direct.rps),
    );
  }
  return { figures, details };
}

/** Writes `count` binary values through `port` and reads them back through it; returns the mismatches. */
async function roundTripKeys(port: number, prefix: string, count: number): Promise<number> {
  const values = Array.from({ length: count }, (_, i) => randomBytes(1 + ((i * 7919) % 2048)));
  const client = await RespClient.open(port);
  try {
    let mismatches = 0;
    for (let from = 0; from < count; from += 1000) {
      const batch = values.slice(from, from + 1000);
      const set = await client.pipeline(batch.map((value, i) => command('SET', `${prefix}:${from + i}`, value)));
      mismatches += set.filter((reply) => reply !== 'OK').length;
    }
    for (let from = 0; from < count; from += 1000) {
      const batch = values.slice(from, from + 1000);
      const got = await client.pipeline(batch.map((_, i) => command('GET', `${prefix}:${from + i}`)));
      mismatches += got.filter((reply, i) => !Buffer.isBuffer(reply) || !reply.equals(batch[i])).length;
    }
    return mismatches;
  } finally {
    client.close();
  }
}

/** Everything a connection sends back after `request`, until the other side closes it. */
function untilClosed(port: number, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(request));
    const timer = setTimeout(() => (socket.destroy(), reject(new Error('limit_data did not close the connection within 10 s'))), 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => (clearTimeout(timer), resolve(Buffer.concat(chunks))));
  });
}

export async function integrityFigures(peers: Peers, say: (line: string) => void): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const control = connectProxy(peers.ours.controlUrl);
  const checks: Record<string, number> = {};
  try {
    say('integrity: 10,000 Redis values through the proxy, without and with a slicer on both streams');
    checks['10,000 keys, no toxic'] = await roundTripKeys(peers.ours.redis, 'plain', 10_000);
    const slicer = { average_size: 100, size_variation: 90, delay: 5 };
    await control.addToxic('redis-toxic', { name: 'slice-up', type: 'slicer', stream: 'upstream', attributes: slicer });
    await control.addToxic('redis-toxic', { name: 'slice-down', type: 'slicer', stream: 'downstream', attributes: slicer });
    checks['10,000 keys, slicer both ways'] = await roundTripKeys(peers.ours.redisToxic, 'sliced', 10_000);
    await control.removeToxic('redis-toxic', 'slice-up');
    await control.removeToxic('redis-toxic', 'slice-down');

    say('integrity: limit_data cuts a 1 MB reply at exactly the byte asked for');
    const value = randomBytes(1_000_000);
    const setter = await RespClient.open(peers.redisPort);
    await setter.pipeline([command('SET', 'big', value)]);
    setter.close();
    const whole = Buffer.concat([Buffer.from(`$${value.length}\r\n`), value, Buffer.from('\r\n')]);
    let cuts = 0;
    for (const bytes of [1, 100, 4096, 65_535, 65_536, 65_537, 999_999]) {
      await control.addToxic('redis-toxic', { name: 'cut', type: 'limit_data', stream: 'downstream', attributes: { bytes } });
      const got = await untilClosed(peers.ours.redisToxic, command('GET', 'big'));
      await control.removeToxic('redis-toxic', 'cut');
      if (!got.equals(whole.subarray(0, bytes))) cuts++;
    }
    checks['limit_data cuts (7 sizes)'] = cuts;
  } finally {
    await control.close();
  }
  const figures = Object.entries(checks).map(
    ([what, mismatches]): Figure => ({
      benchmark: 'proxy',
      figure: `integrity: ${what}: mismatches`,
      ours: mismatches,
      baselineName: 'none',
      baseline: null,
      ratio: null,
      target: '= 0',
      met: mismatches === 0,
    }),
  );
  return { figures, details: { integrity: checks } };
}
