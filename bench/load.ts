// `npm run bench -- load`: the load generator against nginx serving a small static file.
// 1. Closed model, max requests/s: `gameday load --closed` vs autocannon, same connections and duration,
//    A/B pairs after a warm-up; wrk once for context. Target: ours ≥ 1.2 × autocannon.
// 2. Open model, rate accuracy at 1k, 5k and 10k/s: achieved vs target within 1 %.
// nginx is pinned to core 1 (`taskset -c 1`, worker_processes 1), every load generator to core 0.
// Correctness: every response must be a 2xx with the file's exact size.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCommands, median, ratioOfPairs, type Benchmark, type BenchmarkResult, type Figure } from './harness.js';

const CONNECTIONS = 10;
const CLOSED_SECONDS = 5;
const PAIRS = 5;
const OPEN_SECONDS = 5;
const OPEN_RATES = [1000, 5000, 10_000];
const FILE = 'hello from nginx: a small static file for load tests\n';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startNginx(dir: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  // nginx workers drop root to "nobody": the temp folder (0700 from mkdtemp) must be readable by it.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'html'));
  mkdirSync(join(dir, 'tmp'));
  writeFileSync(join(dir, 'html', 'index.html'), FILE);
  const temp = join(dir, 'tmp');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path ${temp}; proxy_temp_path ${temp}; fastcgi_temp_path ${temp}; uwsgi_temp_path ${temp}; scgi_temp_path ${temp};
  server { listen 127.0.0.1:${port}; root ${join(dir, 'html')}; }
}
`,
  );
  const nginx = spawn('taskset', ['-c', '1', 'nginx', '-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/index.html`;
  let last = '';
  for (let i = 0; i < 50; i++) {
    try {
      const response = await fetch(url);
      if (response.ok && (await response.text()) === FILE) return { url, process: nginx };
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  nginx.kill();
  throw new Error(`nginx did not serve ${url} (${last})`);
}

interface Run {
  rate: number;
  requests: number;
  /** Requests per CPU-second of the generator (process start included): less sensitive to a busy machine. */
  perCpuSecond: number;
  bad: number;
  detail: Record<string, unknown>;
}

/** CPU seconds (user + system) the last command used, from GNU time. */
let lastCpuSeconds = NaN;

function runJson(command: string, args: string[]): unknown {
  const timeFile = join(tmpdir(), `gameday-bench-load-time-${process.pid}`);
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, 'taskset', '-c', '0', command, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const [user, system] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  lastCpuSeconds = user + system;
  return JSON.parse(result.stdout);
}

function ours(url: string, args: string[]): Run {
  const s = runJson(process.execPath, ['bin/gameday.js', 'load', url, ...args, '--json', '-', '--no-progress']) as {
    achievedRate: number; scheduled: number; requests: number; ok: number; dropped: number; bytesReceived: number; durationMs: number; latency: { p50: number; p99: number }; serviceTime: { p99: number };
  };
  const wrongBytes = s.bytesReceived !== s.ok * Buffer.byteLength(FILE);
  return {
    rate: s.achievedRate,
    requests: s.requests,
    perCpuSecond: s.requests / lastCpuSeconds,
    bad: s.requests - s.ok + s.dropped + (wrongBytes ? 1 : 0),
    // scheduled beside requests: an open run short of its target either sent less (scheduled) or lost answers.
    detail: { scheduled: s.scheduled, requests: s.requests, ok: s.ok, dropped: s.dropped, durationMs: s.durationMs, bytesReceived: s.bytesReceived, latencyP50: s.latency.p50, latencyP99: s.latency.p99, serviceP99: s.serviceTime.p99 },
  };
}

function autocannon(url: string, seconds: number): Run {
  const s = runJson('node_modules/.bin/autocannon', ['-c', String(CONNECTIONS), '-d', String(seconds), '-j', url]) as {
    requests: { average: number; total: number }; non2xx: number; errors: number; timeouts: number; duration: number; throughput: { total: number };
  };
  // autocannon's requests.average is per sampled second; total/duration is the same measure as ours.
  return {
    rate: s.requests.total / s.duration,
    requests: s.requests.total,
    perCpuSecond: s.requests.total / lastCpuSeconds,
    bad: s.non2xx + s.errors + s.timeouts,
    detail: { total: s.requests.total, average: s.requests.average, duration: s.duration, non2xx: s.non2xx, errors: s.errors },
  };
}

function wrk(url: string, seconds: number): Run {
  const result = spawnSync('taskset', ['-c', '0', 'wrk', '-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, url], { encoding: 'utf8' });
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(result.stdout)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(result.stdout)?.[1] ?? 0);
  return { rate, requests: NaN, perCpuSecond: NaN, bad: non2xx, detail: { output: result.stdout.trim() } };
}

const benchmark: Benchmark = async (): Promise<BenchmarkResult> => {
  ensureCommands({ nginx: 'nginx', wrk: 'wrk', taskset: 'util-linux' });
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-load-'));
  const { url, process: nginx } = await startNginx(dir);
  const figures: Figure[] = [];
  try {
    const closedArgs = ['--closed', '--connections', String(CONNECTIONS), '--duration', `${CLOSED_SECONDS}s`];
    process.stderr.write('bench load: warm-up …\n');
    ours(url, ['--closed', '--connections', String(CONNECTIONS), '--duration', '2s']);
    autocannon(url, 2);
    const oursRuns: Run[] = [];
    const baseRuns: Run[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      oursRuns.push(ours(url, closedArgs));
      baseRuns.push(autocannon(url, CLOSED_SECONDS));
      process.stderr.write(`bench load: pair ${pair + 1}: ours ${Math.round(oursRuns[pair].rate)}/s, autocannon ${Math.round(baseRuns[pair].rate)}/s\n`);
    }
    const wrkRun = wrk(url, CLOSED_SECONDS);
    const ratio = ratioOfPairs(oursRuns.map((r) => r.rate), baseRuns.map((r) => r.rate));
    const closedBad = [...oursRuns, ...baseRuns, wrkRun].reduce((sum, r) => sum + r.bad, 0);
    figures.push({
      benchmark: 'load', figure: `closed req/s (c=${CONNECTIONS}, ${CLOSED_SECONDS}s)`, unit: 'req/s',
      ours: median(oursRuns.map((r) => r.rate)), baselineName: 'autocannon', baseline: median(baseRuns.map((r) => r.rate)),
      ratio, target: '≥ 1.20', met: ratio.median >= 1.2,
    });
    const cpuRatio = ratioOfPairs(oursRuns.map((r) => r.perCpuSecond), baseRuns.map((r) => r.perCpuSecond));
    figures.push({
      benchmark: 'load', figure: 'closed req per CPU-second (context)', unit: 'req/cpu-s',
      ours: median(oursRuns.map((r) => r.perCpuSecond)), baselineName: 'autocannon', baseline: median(baseRuns.map((r) => r.perCpuSecond)),
      ratio: cpuRatio, target: 'context', met: null,
    });
    figures.push({
      benchmark: 'load', figure: `closed req/s vs wrk (context)`, unit: 'req/s',
      ours: median(oursRuns.map((r) => r.rate)), baselineName: 'wrk', baseline: wrkRun.rate,
      ratio: null, target: 'context', met: null,
    });
    figures.push({
      benchmark: 'load', figure: 'closed: non-2xx/errors/bad bytes', ours: closedBad, baselineName: '—', baseline: null, ratio: null, target: '= 0', met: closedBad === 0,
    });

    const open: Record<string, unknown> = {};
    for (const rate of OPEN_RATES) {
      const run = ours(url, ['--rate', `${rate}/s`, '--duration', `${OPEN_SECONDS}s`]);
      const accuracy = run.rate / rate;
      open[rate] = run.detail;
      process.stderr.write(`bench load: open ${rate}/s achieved ${run.rate}/s (${JSON.stringify(run.detail)})\n`);
      figures.push({
        benchmark: 'load', figure: `open ${rate.toLocaleString('en-US')}/s achieved (${OPEN_SECONDS}s)`, unit: 'req/s',
        ours: run.rate, baselineName: 'target', baseline: rate, ratio: { median: accuracy, min: accuracy, max: accuracy },
        target: '0.99–1.01, bad = 0', met: Math.abs(accuracy - 1) <= 0.01 && run.bad === 0,
      });
    }
    return {
      name: 'load',
      setup: `nginx 1 worker on core 1 serving ${Buffer.byteLength(FILE)} B; generators on core 0; closed: ${CONNECTIONS} connections, ${CLOSED_SECONDS}s, ${PAIRS} A/B pairs after a warm-up (ours = node bin/gameday.js load --closed --json); open: ${OPEN_SECONDS}s per rate, default pool (100 connections, in-flight cap 1 s of arrivals, at least 1000)`,
      figures,
      details: { closed: { ours: oursRuns.map((r) => r.detail), autocannon: baseRuns.map((r) => r.detail), wrk: wrkRun.detail }, open },
    };
  } finally {
    nginx.kill();
    rmSync(dir, { recursive: true, force: true });
  }
};

export default async function load(): Promise<Benchmark> {
  return benchmark;
}
