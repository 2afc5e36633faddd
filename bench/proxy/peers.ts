// The processes the proxy benchmark runs side by side, per ../../shared/BENCHMARKS.md: every system under
// test (nginx, Redis, HAProxy, gameday proxy) pinned to core 1, every load generator to core 0.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../src/fleet/fleet.js';
import { connectionLimit } from '../../src/proxy/admission.js';
import { median, ratioOfPairs, type Figure } from '../harness.js';

export const SUT_CORE = '1';
export const LOAD_CORE = '0';

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

export async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before listening`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not listen on ${port} within 15s`);
}

/** CPU time (user + system, all threads) a process has used so far, in microseconds. */
export function cpuMicros(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    // schedstat: time on the CPU in nanoseconds, per thread (finer than utime's 10 ms ticks).
    total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
  }
  return total / 1000;
}

export function rssKB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

/**
 * The kernel's count of SYNs dropped because an accept queue was full (this network namespace). Redis listens
 * with the longest queue allowed (--tcp-backlog, capped by somaxconn), so drops are the proxies' own.
 */
export function listenDrops(): number {
  const out = execFileSync('nstat', ['-az', 'TcpExtListenDrops', 'TcpExtListenOverflows'], { encoding: 'utf8' });
  return Math.max(...[...out.matchAll(/TcpExtListen(?:Drops|Overflows)\s+(\d+)/g)].map((m) => Number(m[1])), 0);
}

export const load = (): number => Number(loadavg()[0].toFixed(2));

export interface Peers {
  dir: string;
  nginxPort: number;
  redisPort: number;
  haproxy: { http: number; redis: number; pid: number };
  ours: { controlUrl: string; http: number; httpToxic: number; redis: number; redisToxic: number; pid: number };
  stop(): Promise<void>;
}

/**
 * nginx serving `files`, Redis, HAProxy (mode tcp) and gameday proxy in front of both. HAProxy may hold
 * as many connections as this process's file limit allows (a burst of 10,000 needs two descriptors each).
 */
/** `nodeFlags`: options for the Node.js that runs our proxy (the profiler's, say). */
export async function startPeers(dir: string, bin: string, nodeFlags: string[] = []): Promise<Peers> {
  const children: ChildProcess[] = [];
  const start = (command: string[], env: NodeJS.ProcessEnv = process.env) => {
    const child = spawn('taskset', ['-c', SUT_CORE, ...command], { stdio: ['ignore', 'pipe', 'pipe'], env });
    children.push(child);
    return child;
  };
  const stop = async () => {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  try {
    const [nginxPort, redisPort, haproxyHttp, haproxyRedis] = await freePorts(4);
    writeFileSync(
      join(dir, 'nginx.conf'),
      `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/nginx-error.log warn;
events { worker_connections 4096; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000; keepalive_timeout 60s;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${nginxPort}; root ${dir}; } }\n`,
    );
    // The same bound our proxy's admission sets from the open-file limit (HAProxy needs a finite number).
    const maxconn = Math.min(connectionLimit(), 1_000_000);
    writeFileSync(
      join(dir, 'haproxy.cfg'),
      `global\n  maxconn ${maxconn}\n  nbthread 1\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n` +
        `frontend http\n  bind 127.0.0.1:${haproxyHttp}\n  default_backend nginx\nbackend nginx\n  server s1 127.0.0.1:${nginxPort}\n` +
        `frontend redis\n  bind 127.0.0.1:${haproxyRedis}\n  default_backend redis\nbackend redis\n  server r1 127.0.0.1:${redisPort}\n`,
    );
    writeFileSync(
      join(dir, 'proxies.json'),
      JSON.stringify([
        { name: 'http', listen: '127.0.0.1:0', upstream: `127.0.0.1:${nginxPort}` },
        { name: 'http-toxic', listen: '127.0.0.1:0', upstream: `127.0.0.1:${nginxPort}` },
        { name: 'redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${redisPort}` },
        { name: 'redis-toxic', listen: '127.0.0.1:0', upstream: `127.0.0.1:${redisPort}` },
      ]),
    );
    const nginx = start(['nginx', '-c', join(dir, 'nginx.conf'), '-p', dir]);
    const redis = start(['redis-server', '--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxclients', String(2 * maxconn), '--tcp-backlog', '65535']);
    await waitForPort(nginxPort, nginx, 'nginx');
    await waitForPort(redisPort, redis, 'redis-server');
    const haproxy = start(['haproxy', '-db', '-f', join(dir, 'haproxy.cfg')]);
    await waitForPort(haproxyHttp, haproxy, 'haproxy');
    const ours = start([process.execPath, ...nodeFlags, bin, 'proxy', '--listen', '127.0.0.1:0', '--config', join(dir, 'proxies.json')], {
      ...process.env,
      GAMEDAY_LOG_LEVEL: 'warn',
    });
    let banner = '';
    ours.stdout!.on('data', (chunk) => (banner += chunk));
    while (!/redis-toxic: 127\.0\.0\.1:\d+/.test(banner)) {
      if (ours.exitCode !== null) throw new Error('gameday proxy exited before listening');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const port = (name: string) => Number(new RegExp(`  ${name}: 127\\.0\\.0\\.1:(\\d+)`).exec(banner)![1]);
    return {
      dir,
      nginxPort,
      redisPort,
      haproxy: { http: haproxyHttp, redis: haproxyRedis, pid: haproxy.pid! },
      ours: {
        controlUrl: /control API on (\S+)/.exec(banner)![1],
        http: port('http'),
        httpToxic: port('http-toxic'),
        redis: port('redis'),
        redisToxic: port('redis-toxic'),
        pid: ours.pid!,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The figures of one A B comparison where lower is better (latency, CPU): medians of ours (`a`) and
 * HAProxy's (`b`), and the pair-by-pair ratio haproxy/ours, so that above 1 means we are faster or cheaper.
 */
export function lowerIsBetter<T>(label: string, a: T[], b: T[], keys: ReadonlyArray<readonly [keyof T & string, string, string]>): Figure[] {
  const pick = (runs: T[], key: keyof T) => runs.map((run) => run[key] as number);
  return keys.map(([key, what, unit]) => ({
    benchmark: 'proxy',
    figure: `${label}: ${what}`,
    ours: median(pick(a, key)),
    baselineName: 'haproxy',
    baseline: median(pick(b, key)),
    ratio: ratioOfPairs(pick(b, key), pick(a, key)),
    target: '—',
    met: null,
    unit,
  }));
}

/** Requests/s of ours (`a`) against HAProxy's (`b`), pair by pair, with the target ratio if there is one. */
export function requestRate(label: string, a: Array<{ rps: number }>, b: Array<{ rps: number }>, target: number | null): Figure {
  const ratio = ratioOfPairs(a.map((run) => run.rps), b.map((run) => run.rps));
  return {
    benchmark: 'proxy',
    figure: `${label}: requests/s`,
    ours: median(a.map((run) => run.rps)),
    baselineName: 'haproxy',
    baseline: median(b.map((run) => run.rps)),
    ratio,
    target: target === null ? '—' : `≥ ${target.toFixed(2)}`,
    met: target === null ? null : ratio.median >= target,
  };
}

/** The direct connection's rate, printed as the floor beside a comparison. */
export function floor(label: string, rps: number): Figure {
  return { benchmark: 'proxy', figure: `${label}: requests/s direct, no proxy`, ours: rps, baselineName: 'floor', baseline: null, ratio: null, target: '—', met: null };
}
