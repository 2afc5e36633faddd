// Memory per idle connection: a fresh proxy process each time (a process that already held connections
// reuses what it freed), N1 idle connections open (each answered one PING, so both directions have read),
// then N2; the growth of the resident set between the two, per connection. The slope leaves out what a
// process costs before its first connection.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { median, ratioOfPairs, type Figure } from '../harness.js';
import { freePort, rssKB, SUT_CORE, waitForPort, type Peers } from './peers.js';

const [N1, N2] = [1_000, 5_000];
const PAIRS = 3;
const TARGET_KB = 4;

async function openIdle(port: number, count: number, into: Socket[]): Promise<void> {
  for (let opened = 0; opened < count; opened += 500) {
    const batch = await Promise.all(
      Array.from(
        { length: Math.min(500, count - opened) },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect({ port, host: '127.0.0.1' }, () => {
              socket.once('data', () => resolve(socket));
              socket.write('PING\r\n');
            });
            socket.once('error', reject);
          }),
      ),
    );
    into.push(...batch);
  }
  // Let the proxy settle (lazy frees, GC) before its resident set is read.
  await new Promise((resolve) => setTimeout(resolve, 1500));
}

async function slope(child: ChildProcess, port: number): Promise<number> {
  const sockets: Socket[] = [];
  try {
    await openIdle(port, N1, sockets);
    const atN1 = rssKB(child.pid!);
    await openIdle(port, N2 - N1, sockets);
    return (rssKB(child.pid!) - atN1) / (N2 - N1);
  } finally {
    for (const socket of sockets) socket.resetAndDestroy();
    child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function ours(peers: Peers, bin: string): Promise<number> {
  const config = join(peers.dir, 'idle.json');
  const port = await freePort();
  writeFileSync(config, JSON.stringify([{ name: 'idle', listen: `127.0.0.1:${port}`, upstream: `127.0.0.1:${peers.redisPort}` }]));
  const child = spawn('taskset', ['-c', SUT_CORE, process.execPath, bin, 'proxy', '--listen', '127.0.0.1:0', '--config', config], {
    stdio: 'ignore',
    env: { ...process.env, GAMEDAY_LOG_LEVEL: 'warn' },
  });
  await waitForPort(port, child, 'gameday proxy');
  return slope(child, port);
}

async function haproxy(peers: Peers): Promise<number> {
  const config = join(peers.dir, 'haproxy-idle.cfg');
  const port = await freePort();
  writeFileSync(
    config,
    `global\n  maxconn ${N2 + 100}\n  nbthread 1\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n` +
      `frontend idle\n  bind 127.0.0.1:${port}\n  default_backend redis\nbackend redis\n  server r1 127.0.0.1:${peers.redisPort}\n`,
  );
  const child = spawn('taskset', ['-c', SUT_CORE, 'haproxy', '-db', '-f', config], { stdio: 'ignore' });
  await waitForPort(port, child, 'haproxy');
  return slope(child, port);
}

export async function memoryFigures(peers: Peers, bin: string, say: (line: string) => void): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  say(`memory per idle connection: ${N1.toLocaleString('en-US')} then ${N2.toLocaleString('en-US')} connections, a fresh process each time, ${PAIRS} pairs`);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    b.push(await haproxy(peers));
    a.push(await ours(peers, bin));
  }
  const kb = median(a);
  return {
    figures: [
      {
        benchmark: 'proxy',
        figure: 'memory per idle connection (RSS growth)',
        ours: kb,
        baselineName: 'haproxy',
        baseline: median(b),
        // Lower is better: haproxy/ours.
        ratio: ratioOfPairs(b, a),
        target: `≤ ${TARGET_KB} KB`,
        met: kb <= TARGET_KB,
        unit: 'KB',
      },
    ],
    details: { 'memory KB per idle connection': { ours: a, haproxy: b, n1: N1, n2: N2 } },
  };
}
