// `npm run bench -- store`: the store under a run's journal, on both engines.
// 1. Journal events appended per second: the run's own JournalWriter (batched, one transaction in flight)
//    takes 20,000 events at once; timed until every one is committed (and checked to be there, once).
//    SQLite: a file in a temp folder. PostgreSQL: Debian's server from initdb on loopback (fsync off, as in
//    the tests), the same server for every repetition.
// 2. Does journaling bend the load? The engine of `gameday run` (bench/store-run.ts, pinned to core 0) runs
//    an open-model load of 1,000/s against nginx (core 1) for about 8 s with a step every 200 ms, with its
//    journal going to SQLite, to PostgreSQL, or nowhere (no store), in turn, 5 times after a warm-up. Rate
//    accuracy = achieved / target; the median of the round-by-round ratios on/off must stay 1 (a round
//    that a busy machine cut short shows in min–max, on either side).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/database.js';
import { JournalEventStore } from '../src/store/journal-events.js';
import { JournalWriter } from '../src/store/journal-writer.js';
import { RunStore } from '../src/store/runs.js';
import { postgresBin, startPostgres, type PostgresServer } from '../test/store/postgres-server.js';
import { ensureCommands, median, ratioOfPairs, type Benchmark, type BenchmarkResult, type Figure } from './harness.js';
import { startNginx } from './load.js';

const EVENTS = 20_000;
const REPEATS = 5;
const PAIRS = 5;
const RATE = 1000;
const APPEND_TARGET = 5000;

function ensurePostgres(): void {
  try {
    postgresBin();
  } catch {
    // Only the server binaries: the packaged cluster is not created (the benchmark makes its own).
    mkdirSync('/etc/postgresql-common/createcluster.d', { recursive: true });
    writeFileSync('/etc/postgresql-common/createcluster.d/gameday-bench.conf', 'create_main_cluster = false\n');
    process.stderr.write('bench store: installing postgresql with apt-get …\n');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'postgresql'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
}

/** Events per second from adding EVENTS events to a JournalWriter until the last is committed. */
async function appendRate(location: string, runId: string): Promise<{ perSecond: number; stored: number }> {
  const store = await openStore(location);
  try {
    await new RunStore(store).recordStart({ id: runId, title: 'bench', file: 'bench.yaml', folder: '/tmp', startedAt: new Date().toISOString(), pid: process.pid });
    const writer = new JournalWriter(store, runId);
    writer.start();
    const at = new Date().toISOString();
    const started = performance.now();
    for (let i = 1; i <= EVENTS; i++) writer.add({ atMs: i, at, type: 'step.start', message: `step ${i} of the bench`, data: { step: i, phase: 'method' } });
    const drained = await writer.drain(120_000);
    const seconds = (performance.now() - started) / 1000;
    if (drained.unwritten > 0) throw new Error(`${drained.unwritten} events were not written: ${drained.error?.message}`);
    return { perSecond: EVENTS / seconds, stored: await new JournalEventStore(store).lastSeq(runId) };
  } finally {
    await store.close();
  }
}

interface RunFigures {
  accuracy: number;
  exitCode: number;
  dropped: number;
  events: number;
}

function oneRun(file: string, store: string): RunFigures {
  const result = spawnSync('taskset', ['-c', '0', process.execPath, 'dist/bench/store-run.js', file, store], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`bench store-run (${store}) exited ${result.status}: ${result.stderr}`);
  const s = JSON.parse(result.stdout) as { exitCode: number; events: number; achievedRate: number; targetRate: number; dropped: number };
  return { accuracy: s.achievedRate / s.targetRate, exitCode: s.exitCode, dropped: s.dropped, events: s.events };
}

function experiment(url: string): string {
  const steps = Array.from({ length: 25 }, () => '  - wait: 200ms').join('\n');
  return `title: store bench, load beside a live journal
loads:
  page: { url: "${url}", rate: ${RATE}/s, connections: 100, timeout: 2s }
hypothesis:
  window: 1s
  objectives:
    - { sli: availability, source: page, min: 90% }
guardrails:
  - { name: page errors, sli: error-rate, source: page, max: 50%, window: 1s }
settings: { guardrailInterval: 100ms }
method:
${steps}
`;
}

const benchmark: Benchmark = async (): Promise<BenchmarkResult> => {
  ensureCommands({ nginx: 'nginx', taskset: 'util-linux' });
  ensurePostgres();
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-store-'));
  // Its own folder: startNginx opens it to the "nobody" user its workers run as.
  const nginxDir = mkdtempSync(join(tmpdir(), 'gameday-bench-store-nginx-'));
  let postgres: PostgresServer | undefined;
  const { url, process: nginx } = await startNginx(nginxDir);
  const figures: Figure[] = [];
  try {
    postgres = await startPostgres();
    const engines: Array<[string, () => Promise<string>]> = [
      ['sqlite', async () => join(dir, `append-${Math.random().toString(36).slice(2)}.db`)],
      ['postgres', () => postgres!.createDatabase()],
    ];
    let stored = true;
    for (const [engine, fresh] of engines) {
      const rates: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const result = await appendRate(await fresh(), `bench-${i}`);
        rates.push(result.perSecond);
        stored &&= result.stored === EVENTS;
        process.stderr.write(`bench store: ${engine} appended ${EVENTS} events at ${Math.round(result.perSecond)}/s\n`);
      }
      figures.push({
        benchmark: 'store', figure: `journal events appended/s (${engine})`, unit: 'events/s', ours: median(rates), baselineName: `min ${Math.round(Math.min(...rates))}, max ${Math.round(Math.max(...rates))}`,
        baseline: null, ratio: null, target: `≥ ${APPEND_TARGET.toLocaleString('en-US')}`, met: median(rates) >= APPEND_TARGET,
      });
    }
    figures.push({ benchmark: 'store', figure: 'events stored once each, none missing', ours: stored ? 1 : 0, baselineName: '—', baseline: null, ratio: null, target: '= 1', met: stored });

    const file = join(dir, 'bench.yaml');
    writeFileSync(file, experiment(url));
    const stores = { sqlite: join(dir, 'runs.db'), postgres: await postgres.createDatabase() };
    process.stderr.write('bench store: warm-up run …\n');
    oneRun(file, 'off');
    const off: RunFigures[] = [];
    const on: Record<'sqlite' | 'postgres', RunFigures[]> = { sqlite: [], postgres: [] };
    for (let pair = 0; pair < PAIRS; pair++) {
      off.push(oneRun(file, 'off'));
      on.sqlite.push(oneRun(file, stores.sqlite));
      on.postgres.push(oneRun(file, stores.postgres));
      process.stderr.write(
        `bench store: round ${pair + 1}: rate accuracy off ${off[pair].accuracy.toFixed(4)}, sqlite ${on.sqlite[pair].accuracy.toFixed(4)}, postgres ${on.postgres[pair].accuracy.toFixed(4)}\n`,
      );
    }
    for (const engine of ['sqlite', 'postgres'] as const) {
      const ratio = ratioOfPairs(on[engine].map((r) => r.accuracy), off.map((r) => r.accuracy));
      figures.push({
        benchmark: 'store', figure: `load rate accuracy, journal → ${engine}`, ours: median(on[engine].map((r) => r.accuracy)),
        baselineName: 'journaling off', baseline: median(off.map((r) => r.accuracy)), ratio, target: '0.99–1.01', met: ratio.median >= 0.99 && ratio.median <= 1.01,
      });
    }
    const all = [...off, ...on.sqlite, ...on.postgres];
    const bad = all.filter((r) => r.exitCode !== 0 || r.dropped > 0).length;
    figures.push({ benchmark: 'store', figure: 'runs not held, or with dropped requests', ours: bad, baselineName: '—', baseline: null, ratio: null, target: '= 0', met: bad === 0 });
    return {
      name: 'store',
      setup:
        `appends: ${EVENTS} events into the run's JournalWriter at once, timed to the last commit, ${REPEATS} times per engine (SQLite file; PostgreSQL ${postgresBin()} on loopback, fsync off); ` +
        `accuracy: the run engine on core 0 (bench/store-run.ts), open load ${RATE}/s against nginx on core 1, 25 steps of 200 ms, guardrail every 100 ms, journal to SQLite / PostgreSQL / none in turn, ${PAIRS} rounds after a warm-up`,
      figures,
      details: { off, on },
    };
  } finally {
    await postgres?.stop();
    nginx.kill();
    rmSync(dir, { recursive: true, force: true });
    rmSync(nginxDir, { recursive: true, force: true });
  }
};

export default benchmark;
