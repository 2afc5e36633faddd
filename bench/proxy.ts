// The fault proxy against HAProxy in TCP mode, both in front of the same nginx, per ../shared/BENCHMARKS.md:
// wrk pinned to core 0, the system under test (nginx + the proxy) pinned to core 1, A B A B pairs after a
// warm-up, medians and pair-by-pair ratios. Also: how closely the latency toxic hits what was asked.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectProxy } from '../src/proxy/client.js';
import { ensureCommands, median, ratioOfPairs, type Benchmark, type BenchmarkResult, type Figure } from './harness.js';

const PAIRS = 5;
const SECONDS = 4;
const CONNECTIONS = 50;
const SIZES = [
  { label: '1 KiB', file: '1k.bin', bytes: 1024, target: 0.9 },
  { label: '64 KiB', file: '64k.bin', bytes: 65536, target: 0.8 },
];

interface WrkResult {
  rps: number;
  transferMBps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before listening`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not listen on ${port} within 10s`);
}

function ms(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!match) return NaN;
  return Number(match[1]) * (match[2] === 'us' ? 0.001 : match[2] === 's' ? 1000 : 1);
}

function mb(text: string): number {
  const match = /^([\d.]+)([KMG]?)B$/.exec(text);
  if (!match) return NaN;
  return Number(match[1]) * ({ '': 1e-6, K: 1 / 1024, M: 1, G: 1024 }[match[2]] ?? 1);
}

function wrk(url: string, seconds: number, connections: number): WrkResult {
  const out = execFileSync(
    'taskset',
    ['-c', '0', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url],
    { encoding: 'utf8', timeout: (seconds + 20) * 1000 },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const transfer = /Transfer\/sec:\s+(\S+)/.exec(out)?.[1] ?? '';
  const p50 = /\s50%\s+(\S+)/.exec(out)?.[1] ?? '';
  const p99 = /\s99%\s+(\S+)/.exec(out)?.[1] ?? '';
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { rps, transferMBps: mb(transfer), p50: ms(p50), p99: ms(p99), errors: non2xx + socketErrors };
}

async function fetchSha(url: string): Promise<string> {
  const response = await fetch(url);
  return createHash('sha256').update(Buffer.from(await response.arrayBuffer())).digest('hex');
}

function figure(f: Omit<Figure, 'benchmark'>): Figure {
  return { benchmark: 'proxy', ...f };
}

export async function proxyBenchmark(): Promise<Benchmark> {
  ensureCommands({ nginx: 'nginx', haproxy: 'haproxy', wrk: 'wrk', taskset: 'util-linux' });
  return async (): Promise<BenchmarkResult> => {
    const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-proxy-'));
    const children: ChildProcess[] = [];
    const start = (command: string[], env: NodeJS.ProcessEnv = process.env) => {
      const child = spawn('taskset', ['-c', '1', ...command], { stdio: ['ignore', 'pipe', 'pipe'], env });
      children.push(child);
      return child;
    };
    try {
      const payloads: Record<string, string> = {};
      for (const size of SIZES) {
        const data = Buffer.alloc(size.bytes);
        for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 13) & 0xff;
        writeFileSync(join(dir, size.file), data);
        payloads[size.file] = createHash('sha256').update(data).digest('hex');
      }
      const [nginxPort, haproxyPort] = [await freePort(), await freePort()];
      writeFileSync(
        join(dir, 'nginx.conf'),
        `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/nginx-error.log warn;
events { worker_connections 4096; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000; keepalive_timeout 60s;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${nginxPort}; root ${dir}; } }\n`,
      );
      writeFileSync(
        join(dir, 'haproxy.cfg'),
        `global\n  maxconn 4096\n  nbthread 1\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n` +
          `frontend f\n  bind 127.0.0.1:${haproxyPort}\n  default_backend b\nbackend b\n  server s1 127.0.0.1:${nginxPort}\n`,
      );
      writeFileSync(
        join(dir, 'proxies.json'),
        JSON.stringify([
          { name: 'bench', listen: '127.0.0.1:0', upstream: `127.0.0.1:${nginxPort}` },
          { name: 'toxic', listen: '127.0.0.1:0', upstream: `127.0.0.1:${nginxPort}` },
        ]),
      );
      const nginx = start(['nginx', '-c', join(dir, 'nginx.conf'), '-p', dir]);
      await waitForPort(nginxPort, nginx, 'nginx');
      const haproxy = start(['haproxy', '-db', '-f', join(dir, 'haproxy.cfg')]);
      await waitForPort(haproxyPort, haproxy, 'haproxy');
      const ours = start(
        [process.execPath, join(process.cwd(), 'bin', 'gameday.js'), 'proxy', '--listen', '127.0.0.1:0', '--config', join(dir, 'proxies.json')],
        { ...process.env, GAMEDAY_LOG_LEVEL: 'warn' },
      );
      let banner = '';
      ours.stdout!.on('data', (chunk) => (banner += chunk));
      while (!/toxic: 127\.0\.0\.1:\d+/.test(banner)) {
        if (ours.exitCode !== null) throw new Error('gameday proxy exited before listening');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const controlUrl = /control API on (\S+)/.exec(banner)![1];
      const oursPort = Number(/bench: 127\.0\.0\.1:(\d+)/.exec(banner)![1]);
      const toxicPort = Number(/toxic: 127\.0\.0\.1:(\d+)/.exec(banner)![1]);
      const url = (port: number, file: string) => `http://127.0.0.1:${port}/${file}`;

      // Correctness first: the same bytes through every path.
      for (const size of SIZES) {
        for (const port of [nginxPort, haproxyPort, oursPort]) {
          if ((await fetchSha(url(port, size.file))) !== payloads[size.file]) {
            throw new Error(`bytes of ${size.file} differ through port ${port}`);
          }
        }
      }

      const figures: Figure[] = [];
      const details: Record<string, unknown> = {};
      let errors = 0;
      for (const size of SIZES) {
        process.stderr.write(`bench proxy: ${size.label}: warm-up, direct floor, ${PAIRS} pairs of ${SECONDS}s …\n`);
        wrk(url(haproxyPort, size.file), 1, CONNECTIONS);
        wrk(url(oursPort, size.file), 1, CONNECTIONS);
        const direct = wrk(url(nginxPort, size.file), SECONDS, CONNECTIONS);
        errors += direct.errors;
        const a: WrkResult[] = [];
        const b: WrkResult[] = [];
        for (let i = 0; i < PAIRS; i++) {
          b.push(wrk(url(haproxyPort, size.file), SECONDS, CONNECTIONS));
          a.push(wrk(url(oursPort, size.file), SECONDS, CONNECTIONS));
        }
        errors += [...a, ...b].reduce((sum, r) => sum + r.errors, 0);
        details[size.label] = { direct, ours: a, haproxy: b };
        const pick = (rs: WrkResult[], key: keyof WrkResult) => rs.map((r) => r[key]);
        const rpsRatio = ratioOfPairs(pick(a, 'rps'), pick(b, 'rps'));
        figures.push(
          figure({
            figure: `requests/s (${size.label})`,
            ours: median(pick(a, 'rps')),
            baselineName: 'haproxy',
            baseline: median(pick(b, 'rps')),
            ratio: rpsRatio,
            target: `≥ ${size.target.toFixed(2)}`,
            met: rpsRatio.median >= size.target,
          }),
          figure({
            figure: `transfer MB/s (${size.label})`,
            ours: median(pick(a, 'transferMBps')),
            baselineName: 'haproxy',
            baseline: median(pick(b, 'transferMBps')),
            ratio: ratioOfPairs(pick(a, 'transferMBps'), pick(b, 'transferMBps')),
            target: '—',
            met: null,
          }),
        );
        for (const key of ['p50', 'p99'] as const) {
          // Lower is better: the ratio is haproxy/ours, so above 1 means we are faster.
          figures.push(
            figure({
              figure: `${key} latency ms (${size.label})`,
              ours: median(pick(a, key)),
              baselineName: 'haproxy',
              baseline: median(pick(b, key)),
              ratio: ratioOfPairs(pick(b, key), pick(a, key)),
              target: '—',
              met: null,
              unit: 'ms',
            }),
          );
        }
        figures.push(
          figure({
            figure: `requests/s direct, no proxy (${size.label})`,
            ours: direct.rps,
            baselineName: 'floor',
            baseline: null,
            ratio: null,
            target: '—',
            met: null,
          }),
        );
      }

      // Latency toxic accuracy: one connection, sequential requests, added latency at p50 and p99.
      process.stderr.write('bench proxy: latency toxic accuracy …\n');
      const control = connectProxy(controlUrl);
      const plain = wrk(url(toxicPort, '1k.bin'), 2, 1);
      for (const requested of [10, 100]) {
        await control.addToxic('toxic', { name: 'lat', type: 'latency', attributes: { latency: requested } });
        const withToxic = wrk(url(toxicPort, '1k.bin'), requested === 10 ? 3 : 4, 1);
        await control.removeToxic('toxic', 'lat');
        errors += withToxic.errors;
        details[`latency ${requested}ms`] = { plain, withToxic };
        for (const key of ['p50', 'p99'] as const) {
          const measured = withToxic[key];
          const added = measured - plain[key];
          figures.push(
            figure({
              figure: `latency toxic ${requested} ms: ${key} measured`,
              ours: measured,
              baselineName: 'requested',
              baseline: requested,
              ratio: null,
              target: key === 'p50' ? `${requested}–${requested + 5} ms` : `< ${requested + 15} ms`,
              met: key === 'p50' ? measured >= requested && measured <= requested + 5 : measured < requested + 15,
              unit: `ms (${added.toFixed(2)} added)`,
            }),
          );
        }
      }
      await control.close();
      figures.push(
        figure({
          figure: 'non-2xx + socket errors',
          ours: errors,
          baselineName: 'none',
          baseline: null,
          ratio: null,
          target: '= 0',
          met: errors === 0,
        }),
      );
      return {
        name: 'proxy',
        setup:
          `wrk -t1 -c${CONNECTIONS} -d${SECONDS}s --latency (taskset -c 0) → nginx 1 worker serving 1 KiB / 64 KiB files (taskset -c 1), ` +
          `directly, through haproxy mode tcp (taskset -c 1) and through gameday proxy with no toxics (taskset -c 1); ` +
          `${PAIRS} A/B pairs after a 1s warm-up each; bytes checked by sha256 through every path; latency toxic: wrk -c1 on a separate proxy`,
        figures,
        details,
      };
    } finally {
      for (const child of children) child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
