// `npm run bench -- evacuate`: how fast and how cleanly the region gateway moves traffic out of a region.
// Two regions (2 instances each, real processes) behind the gateway on core 1; an open-model load at a
// fixed rate from a separate process on core 0. Five cycles of evacuate → hold → revert → hold: time until
// 100 % of new requests land in the other region, failed requests, p99 before / during / after.
import { execFileSync, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Fleet } from '../src/fleet/fleet.js';
import { Gateway } from '../src/gateway/gateway.js';
import { createLogger } from '../src/observe/log.js';
import type { LoadResult } from '../test/gateway/steady-load.js';
import { median, type Benchmark, type Figure } from './harness.js';

const RATE = 200;
const WARMUP_MS = 2000;
const HOLD_MS = 2000;
const CYCLES = 5;
const TARGET_SHIFT_MS = 5000;
const fixture = fileURLToPath(new URL('../test/fleet/fixtures/service.js', import.meta.url));
const steadyLoadModule = fileURLToPath(new URL('../test/gateway/steady-load.js', import.meta.url));

function p99(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

function pin(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/** Runs the load in its own process on core 0, so the load generator does not steal the gateway's core. */
function loadProcess(url: string, durationMs: number): { done: Promise<{ startEpoch: number; results: LoadResult[] }> } {
  const script = `
    import { steadyLoad } from ${JSON.stringify(steadyLoadModule)};
    const load = steadyLoad(${JSON.stringify(url)}, { rate: ${RATE}, durationMs: ${durationMs}, timeoutMs: 10000 });
    const startEpoch = performance.timeOrigin + load.startedAt;
    const results = await load.done;
    process.stdout.write(JSON.stringify({ startEpoch, results }));`;
  const child = spawn('taskset', ['-c', '0', process.execPath, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const done = new Promise<{ startEpoch: number; results: LoadResult[] }>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load process exited with ${code}`))));
  });
  return { done };
}

const evacuate: Benchmark = async () => {
  const log = createLogger('bench', 'silent');
  pin(process.pid, '1');
  const fleet = await Fleet.start(
    { services: [{ name: 'pricing', command: [process.execPath, fixture], regions: { 'us-east': 2, 'us-west': 2 }, restart: 'always' }] },
    { log },
  );
  const gateway = await Gateway.start({ fleet: { fleet, service: 'pricing' }, health: { intervalMs: 500 }, log });
  const windows: Array<{ evacuatedAt: number; revertedAt: number }> = [];
  try {
    const durationMs = WARMUP_MS + CYCLES * 2 * HOLD_MS + HOLD_MS;
    const load = loadProcess(gateway.url, durationMs);
    await sleep(WARMUP_MS + HOLD_MS / 2);
    for (let i = 0; i < CYCLES; i++) {
      const { revert } = gateway.evacuate('us-east');
      const evacuatedAt = Date.now();
      await sleep(HOLD_MS);
      const revertedAt = Date.now();
      await revert();
      windows.push({ evacuatedAt, revertedAt });
      await sleep(HOLD_MS);
    }
    const { startEpoch, results } = await load.done;
    const at = (r: LoadResult) => startEpoch + r.atMs;
    const sent = (r: LoadResult) => startEpoch + r.sentMs;
    // Time to 100 %: from the evacuation to the last request sent during it that us-east still served.
    // The window stops 500 ms short of the revert, so a request in transit when the revert starts is not
    // mistaken for a straggler.
    const shifts = windows.map(({ evacuatedAt, revertedAt }) => {
      const inWindow = results.filter((r) => sent(r) >= evacuatedAt && sent(r) < revertedAt - 500);
      const stragglers = inWindow.filter((r) => r.region === 'us-east');
      return stragglers.length === 0 ? 0 : Math.max(...stragglers.map((r) => sent(r) - evacuatedAt)) + 1000 / RATE;
    });
    const failed = results.filter((r) => r.error !== null || r.status !== 200).length;
    const firstEvac = windows[0].evacuatedAt;
    const lastRevert = windows.at(-1)!.revertedAt;
    const before = results.filter((r) => at(r) >= startEpoch + WARMUP_MS && at(r) < firstEvac).map((r) => r.latencyMs);
    const during = results.filter((r) => windows.some((w) => at(r) >= w.evacuatedAt && at(r) < w.revertedAt)).map((r) => r.latencyMs);
    const after = results.filter((r) => at(r) >= lastRevert).map((r) => r.latencyMs);
    const figure = (name: string, ours: number, target: string, met: boolean | null, unit = 'ms'): Figure => ({
      benchmark: 'evacuate', figure: name, ours, baselineName: '—', baseline: null, ratio: null, target, met, unit,
    });
    return {
      name: 'evacuate',
      setup: `2 regions × 2 fixture instances (real processes) behind the gateway on core 1; open-model load ${RATE}/s from a separate process on core 0 for ${durationMs / 1000}s; ${CYCLES} cycles of evacuate us-east (at once) → ${HOLD_MS / 1000}s → revert → ${HOLD_MS / 1000}s; ${results.length} requests; no baseline (weight-change comparison with HAProxy/nginx not measured)`,
      figures: [
        figure('time to 100 % in us-west (median of 5, ms)', median(shifts), `≤ ${TARGET_SHIFT_MS}`, median(shifts) <= TARGET_SHIFT_MS),
        figure('time to 100 % in us-west (worst of 5, ms)', Math.max(...shifts), `≤ ${TARGET_SHIFT_MS}`, Math.max(...shifts) <= TARGET_SHIFT_MS),
        figure(`failed requests (of ${results.length})`, failed, '0', failed === 0, 'requests'),
        figure('p99 latency before (ms)', p99(before), '—', null),
        figure('p99 latency during evacuation (ms)', p99(during), '—', null),
        figure('p99 latency after revert (ms)', p99(after), '—', null),
      ],
      details: { shiftsMs: shifts, windows, requests: results.length, failed },
    };
  } finally {
    await gateway.close();
    await fleet.stop();
    pin(process.pid, '0-1');
  }
};

export default evacuate;
