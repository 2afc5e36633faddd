// How fast a lever pull reaches the services that read it, and what reading a lever costs.
// 1. pull → seen: a reader in another process (taskset -c 0) reads the lever through OpenFeature and our
//    LeverProvider (push channel); the baseline reader polls GET /levers/{name} every 100 ms, as polling
//    flag SDKs do (at a far shorter interval than their defaults). The lever service runs as
//    `gameday serve` on core 1. A B A B, 5 pairs after a warm-up pair, 15 changes per side.
// 2. evaluations/s: getBooleanValue through OpenFeature with LeverProvider vs the SDK's InMemoryProvider
//    (the floor: a flag in a Map), in this process, A B A B, 5 pairs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InMemoryProvider, OpenFeature } from '@openfeature/server-sdk';
import { connectLevers } from '../src/levers/client.js';
import { LeverProvider } from '../src/levers/openfeature-provider.js';
import { median, ratioOfPairs, type Benchmark, type BenchmarkResult } from './harness.js';

const LEVER = 'bench-lever';
const CHANGES = 15;
const PAIRS = 5;
const now = () => performance.timeOrigin + performance.now();

function start(args: string[]): { child: ChildProcess; waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray> } {
  const child = spawn('taskset', args, { env: { ...process.env, GAMEDAY_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  let seenUpTo = 0;
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    child,
    // Each match consumes the text up to it, so the next call waits for the next line.
    async waitFor(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(text.slice(seenUpTo));
        if (match) {
          seenUpTo += match.index! + match[0].length;
          return match;
        }
        if (Date.now() > deadline) throw new Error(`levers-push: timed out waiting for ${pattern}; output: ${text.slice(-2000)}`);
        await sleep(1);
      }
    },
  };
}

async function pullToSeen(url: string, mode: 'push' | 'poll'): Promise<number[]> {
  const levers = connectLevers(url);
  // Every side starts from a reset lever, so that its first change (a pull) really changes something.
  await levers.reset(LEVER, { by: 'bench', reason: 'start of a side' });
  const reader = start(['-c', '0', process.execPath, join(import.meta.dirname, 'levers-reader.js'), mode, url, LEVER]);
  try {
    await reader.waitFor(/"ready":true/);
    const latencies: number[] = [];
    for (let i = 0; i < CHANGES + 2; i++) {
      const pull = i % 2 === 0;
      // A random gap, so that pulls land at random points of the baseline's polling interval.
      await sleep(50 + Math.random() * 150);
      const sentAt = now();
      await levers[pull ? 'pull' : 'reset'](LEVER, { by: 'bench', reason: `change ${i}` });
      const [, , at] = await reader.waitFor(new RegExp(`"seen":(${pull}),"at":([\\d.]+)`));
      if (i >= 2) latencies.push(Number(at) - sentAt);
    }
    return latencies;
  } finally {
    reader.child.kill('SIGKILL');
  }
}

async function evaluationsPerSecond(domain: string, calls: number): Promise<number> {
  const client = OpenFeature.getClient(domain);
  const started = performance.now();
  let pulled = 0;
  for (let i = 0; i < calls; i++) if (await client.getBooleanValue(LEVER, false)) pulled++;
  if (pulled !== calls) throw new Error(`levers-push: ${domain} read ${pulled} of ${calls} evaluations as pulled`);
  return calls / ((performance.now() - started) / 1000);
}

const leversPush: Benchmark = async (): Promise<BenchmarkResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-levers-'));
  writeFileSync(join(dir, 'levers.yaml'), `levers:\n  - name: ${LEVER}\n    description: a lever for the benchmark\n`);
  const root = join(import.meta.dirname, '../..');
  const service = start(['-c', '1', process.execPath, join(root, 'bin/gameday.js'), 'serve', '--listen', '127.0.0.1:0', '--levers', join(dir, 'levers.yaml'), '--store', join(dir, 'gameday.db')]);
  try {
    const [, url] = await service.waitFor(/control room on (http:\/\/\S+);/);
    await pullToSeen(url, 'push');
    await pullToSeen(url, 'poll');
    const push: number[] = [];
    const poll: number[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      push.push(median(await pullToSeen(url, 'push')));
      poll.push(median(await pullToSeen(url, 'poll')));
      process.stderr.write(`bench: levers-push pair ${pair + 1}/${PAIRS}: push ${push[pair].toFixed(1)} ms, poll ${poll[pair].toFixed(1)} ms\n`);
    }

    await connectLevers(url).pull(LEVER, { by: 'bench', reason: 'evaluation cost' });
    await OpenFeature.setProviderAndWait('levers', new LeverProvider({ url }));
    await OpenFeature.setProviderAndWait('in-memory', new InMemoryProvider({ [LEVER]: { variants: { on: true, off: false }, defaultVariant: 'on', disabled: false } }));
    await evaluationsPerSecond('levers', 20_000);
    await evaluationsPerSecond('in-memory', 20_000);
    const ours: number[] = [];
    const floor: number[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      ours.push(await evaluationsPerSecond('levers', 100_000));
      floor.push(await evaluationsPerSecond('in-memory', 100_000));
    }
    await OpenFeature.close();

    const pushMedian = median(push);
    const evalRatio = ratioOfPairs(ours, floor);
    return {
      name: 'levers-push',
      setup: `lever service (gameday serve) on core 1, reader process on core 0; ${PAIRS} pairs of ${CHANGES} changes after a warm-up pair, random 50–200 ms between changes; baseline reader polls GET /levers/{name} every 100 ms; evaluations: 100,000 getBooleanValue per side in the bench process, ${PAIRS} pairs`,
      figures: [
        {
          benchmark: 'levers-push',
          figure: 'pull → seen by a reader (ms, median)',
          ours: pushMedian,
          baselineName: 'poll 100ms',
          baseline: median(poll),
          // Lower is better: baseline/ours, how many times sooner the push reader sees the pull.
          ratio: ratioOfPairs(poll, push),
          target: '< 100 ms',
          met: pushMedian < 100,
          unit: 'ms',
        },
        {
          benchmark: 'levers-push',
          figure: 'flag evaluations/s',
          ours: median(ours),
          baselineName: 'InMemoryProvider',
          baseline: median(floor),
          ratio: evalRatio,
          target: '≥ 0.80',
          met: evalRatio.median >= 0.8,
          unit: 'evaluations/s',
        },
      ],
      details: { pushMediansMs: push, pollMediansMs: poll, evaluationsPerSecond: { ours, inMemory: floor } },
    };
  } finally {
    service.child.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  }
};

export default leversPush;
