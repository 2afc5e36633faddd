// The fault proxy beside real peers, per ../shared/BENCHMARKS.md: HAProxy in TCP mode as the baseline and
// a direct connection as the floor, in front of nginx and Redis; the systems under test on core 1, the
// load generators (wrk, redis-benchmark, a connection burst) on core 0; A B pairs after a warm-up,
// medians and pair-by-pair ratios. Sections: HTTP (./proxy/http.ts), Redis (./proxy/redis.ts), the
// integrity checks that must stay at 0 mismatches, the latency toxic (./proxy/latency.ts), connection
// bursts (./proxy/burst.ts) and memory per idle connection (./proxy/memory.ts). Run as root, it runs in a
// network namespace of its own with a fixed accept-queue cap (./proxy/isolate.ts). The machine's load average
// is printed beside each section, since a shared machine moves every absolute figure.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCommands, type Benchmark, type BenchmarkResult, type Figure } from './harness.js';
import { burstFigures } from './proxy/burst.js';
import { HTTP_SIZES, httpFigures } from './proxy/http.js';
import { runIsolated } from './proxy/isolate.js';
import { BIG_FILE, latencyFigures } from './proxy/latency.js';
import { memoryFigures } from './proxy/memory.js';
import { profileRequested, profilerFlags, summarize } from './proxy/profile.js';
import { load, startPeers } from './proxy/peers.js';
import { integrityFigures, redisFigures } from './proxy/redis.js';

function pattern(bytes: number): Buffer {
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 13) & 0xff;
  return data;
}

async function sha(url: string): Promise<string> {
  const response = await fetch(url);
  return createHash('sha256').update(Buffer.from(await response.arrayBuffer())).digest('hex');
}

/** Prints where the proxy's time went and keeps its .cpuprofile in bench/results/proxy-profile/. */
function keepProfile(dir: string, details: Record<string, unknown>, say: (line: string) => void): void {
  const written = join(dir, 'profile');
  const top = summarize(written);
  say(`profile of our proxy, self time by function (share of the whole run, idle included):\n${top.map((row) => `  ${(row.share * 100).toFixed(1).padStart(5)} %  ${String(row.ms).padStart(6)} ms  ${row.where}`).join('\n')}`);
  const kept = join(process.cwd(), 'bench', 'results', 'proxy-profile');
  mkdirSync(kept, { recursive: true });
  for (const file of readdirSync(written)) cpSync(join(written, file), join(kept, file));
  details.profile = { kept, top };
}

/** `npm run bench -- proxy --sections=redis,burst` runs only those sections (all by default). */
function wantedSections(known: string[]): string[] {
  const option = process.argv.find((arg) => arg.startsWith('--sections='));
  if (!option) return known;
  const wanted = option.slice('--sections='.length).split(',');
  const unknown = wanted.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Error(`unknown proxy bench section: ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return wanted;
}

export async function proxyBenchmark(): Promise<Benchmark> {
  ensureCommands({
    nginx: 'nginx',
    haproxy: 'haproxy',
    wrk: 'wrk',
    taskset: 'util-linux',
    'redis-server': 'redis-server',
    'redis-benchmark': 'redis-tools',
    nstat: 'iproute2',
  });
  return async (): Promise<BenchmarkResult> => {
    const isolated = runIsolated((line) => process.stderr.write(`bench proxy: ${line}\n`));
    if (isolated) return isolated;
    const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-proxy-'));
    const bin = join(process.cwd(), 'bin', 'gameday.js');
    const started = Date.now();
    const loads: Record<string, number> = { start: load() };
    const profile = profileRequested();
    const say = (line: string) => process.stderr.write(`bench proxy: ${line} (load average ${load()})\n`);
    const figures: Figure[] = [];
    // Each section's own duration, so that a run over the 3 minutes BENCHMARKS.md allows says where it went.
    const seconds: Record<string, number> = {};
    const details: Record<string, unknown> = { loadAverage: loads, seconds };
    let errors = 0;
    const peers = await (async () => {
      const digests: Record<string, string> = {};
      for (const file of [...HTTP_SIZES.map((s) => ({ name: s.file, bytes: s.bytes })), BIG_FILE]) {
        const data = pattern(file.bytes);
        writeFileSync(join(dir, file.name), data);
        digests[file.name] = createHash('sha256').update(data).digest('hex');
      }
      const peers = await startPeers(dir, bin, profile ? profilerFlags(join(dir, 'profile')) : []);
      // Correctness first: the same bytes through every path.
      for (const [file, digest] of Object.entries(digests)) {
        for (const port of [peers.nginxPort, peers.haproxy.http, peers.ours.http]) {
          if ((await sha(`http://127.0.0.1:${port}/${file}`)) !== digest) throw new Error(`bytes of ${file} differ through port ${port}`);
        }
      }
      return peers;
    })();
    const sections: Record<string, () => Promise<{ figures: Figure[]; details: Record<string, unknown>; errors?: number }>> = {
      http: async () => httpFigures(peers, say),
      redis: () => redisFigures(peers, say),
      integrity: () => integrityFigures(peers, say),
      latency: () => latencyFigures(peers, say),
      burst: () => burstFigures(peers, say),
      memory: () => memoryFigures(peers, bin, say),
    };
    try {
      for (const name of wantedSections(Object.keys(sections))) {
        const sectionStarted = Date.now();
        const section = await sections[name]();
        seconds[name] = Math.round((Date.now() - sectionStarted) / 1000);
        say(`${name}: done in ${seconds[name]} s`);
        loads[name] = load();
        errors += section.errors ?? 0;
        figures.push(...section.figures);
        Object.assign(details, section.details);
      }
    } finally {
      await peers.stop();
      if (profile) {
        // A missing profile must not hide what failed in a section, nor keep the folder from being removed.
        try {
          keepProfile(dir, details, say);
        } catch (error) {
          say(`no profile kept: ${(error as Error).message}`);
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
    figures.push(
      {
        benchmark: 'proxy',
        figure: 'HTTP errors and failed burst connections',
        ours: errors,
        baselineName: 'none',
        baseline: null,
        ratio: null,
        target: '= 0',
        met: errors === 0,
      },
      {
        benchmark: 'proxy',
        figure: 'load average (1 min): start … end of each section',
        ours: Math.max(...Object.values(loads)),
        baselineName: 'cores',
        baseline: 2,
        ratio: null,
        target: '—',
        met: null,
        unit: Object.entries(loads)
          .map(([section, value]) => `${section} ${value}`)
          .join(', '),
      },
    );
    return {
      name: 'proxy',
      setup:
        `systems under test on core 1 (nginx 1 worker, redis-server, haproxy 1 thread mode tcp, gameday proxy), load generators on core 0; ` +
        `HTTP: wrk -t1 -c50, 1 KiB and 64 KiB files, 5 pairs of 2 s; Redis: redis-benchmark -c 50 SET/GET, plain (30k) and -P 16 (120k), 5 pairs; ` +
        `integrity: 10,000 binary values through the proxy without and with a slicer on both streams, limit_data cuts of a 1 MB reply at 7 sizes; ` +
        `latency toxic: redis-benchmark -c 1 PING with latency on the downstream, added = p50/p99 with it less p50 without; throughput: a 64 MiB download through a 100 ms latency; ` +
        `bursts: 5,000 and 10,000 connections opened at once (PING each, closed with a reset), 3 pairs, listen drops from nstat; ` +
        `memory: RSS growth from 1,000 to 5,000 idle connections, a fresh process each time, 3 pairs; ratios are ours/haproxy for rates, haproxy/ours for costs, ours/haproxy for burst time; ` +
        `took ${Math.round((Date.now() - started) / 1000)} s`,
      figures,
      details,
    };
  };
}
