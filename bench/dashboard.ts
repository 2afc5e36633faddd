// How soon the dashboard shows what a run writes, and what its pages cost to load.
// 1. event → screen: a run (this process: the run's own JournalWriter and RunSampleWriter on a SQLite
//    store, two loads' samples every 200 ms beside) writes 100 journal events at random 50–150 ms gaps;
//    `gameday serve` (taskset -c 1) follows the store and streams them to the live view in headless
//    Chromium, where a MutationObserver notes when each row is on screen. The time counts from the
//    moment the run records the event to the row being in the DOM: the batching of the writer, the
//    store's notification to another process, the event stream, the script. Both clocks are this machine's.
// 2. transferred: the live view's HTML and every script it loads, as served, and the scripts gzipped.
// No field baseline: the figures stand against their targets (≤ 1 s p95; ≤ 100 KB of JavaScript gzipped).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import type { EventRecord } from '../src/journal/events.js';
import { openStore } from '../src/store/database.js';
import { JournalWriter } from '../src/store/journal-writer.js';
import { RunSampleWriter } from '../src/store/run-samples.js';
import { RunStore } from '../src/store/runs.js';
import { median, type Benchmark, type BenchmarkResult } from './harness.js';

const EVENTS = 100;
const RUN = 'bench-dashboard';
const now = () => performance.timeOrigin + performance.now();

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const dashboard: Benchmark = async (): Promise<BenchmarkResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-dashboard-'));
  const storeFile = join(dir, 'gameday.db');
  const root = join(import.meta.dirname, '../..');
  const serve = spawn('taskset', ['-c', '1', process.execPath, join(root, 'bin/gameday.js'), 'serve', '--listen', '127.0.0.1:0', '--store', storeFile], {
    env: { ...process.env, GAMEDAY_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  serve.stderr!.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const store = await openStore(storeFile);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const deadline = Date.now() + 20_000;
    while (!/dashboard: open (http:\/\/\S+)\//.test(said)) {
      if (Date.now() > deadline) throw new Error(`dashboard bench: gameday serve did not start: ${said}`);
      await sleep(20);
    }
    const base = /dashboard: open (http:\/\/\S+)\//.exec(said)![1];
    const startedAt = new Date();
    await new RunStore(store).recordStart({ id: RUN, title: 'dashboard benchmark', file: 'bench.yaml', folder: dir, startedAt: startedAt.toISOString(), pid: process.pid });
    const journal = new JournalWriter(store, RUN);
    const samples = new RunSampleWriter(store, RUN, startedAt);
    journal.start();
    samples.start();
    const event = (seq: number): EventRecord => {
      const atMs = Date.now() - startedAt.getTime();
      return { atMs, at: new Date(startedAt.getTime() + atMs).toISOString(), type: seq === 1 ? 'phase.start' : 'step.start', message: `benchmark event ${seq}`, data: seq === 1 ? { phase: 'method' } : { path: `method[${seq}]` } };
    };
    journal.add(event(1));
    const sampler = setInterval(() => {
      const atMs = Date.now() - startedAt.getTime();
      for (const load of ['shoppers', 'checkout']) samples.addSample({ atMs, load, rate: 40 + Math.random() * 5, ok: 8, errors: 0, dropped: 0, errorRate: 0, p50: 12 + Math.random() * 3, p99: 40 + Math.random() * 20, max: 80 });
    }, 200);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const transferred: { url: string; bytes: number; gzipped: number; script: boolean }[] = [];
    page.on('response', (response) => {
      const url = response.url();
      if (url.includes('/live/')) return;
      void response.body().then(
        (body) => transferred.push({ url, bytes: body.length, gzipped: gzipSync(body, { level: 9 }).length, script: (response.headers()['content-type'] ?? '').includes('javascript') }),
        () => undefined,
      );
    });
    await page.goto(`${base}/runs/${RUN}`, { waitUntil: 'load' });
    await page.evaluate(() => {
      const seen: Record<string, number> = {};
      (window as unknown as { seen: Record<string, number> }).seen = seen;
      new MutationObserver((records) => {
        const at = performance.timeOrigin + performance.now();
        for (const record of records) for (const node of record.addedNodes) if (node instanceof HTMLElement && node.dataset.seq) seen[node.dataset.seq] ??= at;
      }).observe(document.getElementById('journal-rows')!, { childList: true });
    });
    await page.locator('figure[data-chart="rate"]').waitFor({ timeout: 10_000 });

    const sentAt = new Map<number, number>();
    for (let seq = 2; seq < EVENTS + 2; seq++) {
      await sleep(50 + Math.random() * 100);
      sentAt.set(seq, now());
      journal.add(event(seq));
    }
    const allSeen = Date.now() + 15_000;
    let seen: Record<string, number> = {};
    while (Date.now() < allSeen) {
      seen = await page.evaluate(() => (window as unknown as { seen: Record<string, number> }).seen);
      if ([...sentAt.keys()].every((seq) => seen[seq] !== undefined)) break;
      await sleep(100);
    }
    clearInterval(sampler);
    const latencies = [...sentAt].filter(([seq]) => seen[seq] !== undefined).map(([seq, at]) => seen[seq] - at);
    if (latencies.length < EVENTS) throw new Error(`dashboard bench: only ${latencies.length} of ${EVENTS} events reached the screen`);
    await journal.drain(5000);
    await samples.drain(5000);

    const scripts = transferred.filter((t) => t.script);
    const scriptGzipKb = scripts.reduce((sum, t) => sum + t.gzipped, 0) / 1024;
    const pageKb = transferred.reduce((sum, t) => sum + t.bytes, 0) / 1024;
    const p50 = median(latencies);
    const p95 = percentile(latencies, 95);
    return {
      name: 'dashboard',
      setup: `gameday serve on core 1 over a SQLite store; the run's JournalWriter and RunSampleWriter in the bench process (2 loads sampled every 200 ms); ${EVENTS} journal events at random 50–150 ms gaps; headless Chromium on the live view; from the run recording an event to its row in the DOM. Transferred: the live view's HTML and scripts as served (uncompressed on loopback), scripts also gzipped (level 9): ${scripts.map((s) => `${s.url.replace(base, '')} ${(s.bytes / 1024).toFixed(1)} KB → ${(s.gzipped / 1024).toFixed(1)} KB`).join(', ')}`,
      figures: [
        { benchmark: 'dashboard', figure: 'journal event → on screen (ms, median)', ours: p50, baselineName: '—', baseline: null, ratio: null, target: '', met: null, unit: 'ms' },
        { benchmark: 'dashboard', figure: 'journal event → on screen (ms, p95)', ours: p95, baselineName: '—', baseline: null, ratio: null, target: '≤ 1000 ms', met: p95 <= 1000, unit: 'ms' },
        { benchmark: 'dashboard', figure: 'JavaScript of the live view (KB gzipped)', ours: scriptGzipKb, baselineName: '—', baseline: null, ratio: null, target: '≤ 100 KB', met: scriptGzipKb <= 100, unit: 'KB' },
        { benchmark: 'dashboard', figure: 'live view transferred, HTML + JS (KB)', ours: pageKb, baselineName: '—', baseline: null, ratio: null, target: '', met: null, unit: 'KB' },
      ],
      details: { latenciesMs: latencies, transferred },
    };
  } finally {
    await browser.close();
    await store.close();
    serve.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  }
};

export default dashboard;
