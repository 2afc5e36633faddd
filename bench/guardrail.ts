// `npm run bench -- guardrail`: how fast a guardrail breach turns into "every fault is gone" (safety rule 3).
// 20 in-process runs of one experiment against the real fault proxy (in-process ProxyServer, HTTP mode) in
// front of a node:http service, with real open-model load at 100/s. Each run injects two faults (a latency
// toxic and a 100 % http-error) and waits; the error-rate guardrail (≤ 20 % over 300 ms) trips and the run
// reverts both at once. Figures come from each run's own journal (guardrail.breach → last fault.reverted)
// and are confirmed on the proxy's API (no toxic, no lease left after each run).
// Baseline, for context only (no ratio): AWS FIS stop conditions are CloudWatch alarms, whose metrics
// arrive in periods of 60 s by default (10 s for high-resolution alarms) before the experiment stops.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperiment } from '../src/experiment/load-file.js';
import { runExperiment } from '../src/experiment/run.js';
import { runLoad } from '../src/load/run-load.js';
import { createLogger } from '../src/observe/log.js';
import { ProxyServer } from '../src/proxy/server.js';
import { median, type Benchmark, type BenchmarkResult } from './harness.js';

const RUNS = 20;
const TARGET_MS = 1000;

const guardrail: Benchmark = async (): Promise<BenchmarkResult> => {
  const service = createServer((request, response) => {
    request.resume();
    response.end('ok');
  });
  service.listen(0, '127.0.0.1');
  await once(service, 'listening');
  const upstream = `127.0.0.1:${(service.address() as AddressInfo).port}`;
  const log = createLogger('bench', 'silent');
  const proxy = await ProxyServer.start({ listen: '127.0.0.1:0', logger: log });
  const link = await proxy.createProxy({ name: 'svc', listen: '127.0.0.1:0', upstream, protocol: 'http' });
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-guardrail-'));
  const text = `title: guardrail benchmark
targets:
  svc: { kind: proxy, control: "${proxy.controlUrl}", proxy: svc }
loads:
  shop: { url: "http://${link.listen}/", rate: 100/s, connections: 16, timeout: 1s }
guardrails:
  - { sli: error-rate, source: shop, max: 20%, window: 300ms }
method:
  - wait: 400ms
  - fault: { kind: latency, target: svc, latency: 5ms }
  - fault: { kind: http-error, target: svc, status: 503 }
  - wait: 8s
`;
  const breachToRevert: number[] = [];
  const faultToBreach: number[] = [];
  const leftovers: string[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const outcome = await runExperiment({ loaded: parseExperiment(text, 'guardrail.yaml'), runLoad, log, outDir: join(dir, `run-${i}`) });
      const events = outcome.journal!.events;
      const breach = events.find((e) => e.type === 'guardrail.breach');
      const injected = events.filter((e) => e.type === 'fault.injected');
      const reverted = events.filter((e) => e.type === 'fault.reverted');
      if (outcome.exitCode !== 2 || !breach || reverted.length !== 2) throw new Error(`run ${i} did not abort on the guardrail: ${outcome.reason}`);
      breachToRevert.push(Math.max(...reverted.map((e) => e.atMs)) - breach.atMs);
      faultToBreach.push(breach.atMs - injected[injected.length - 1].atMs);
      const toxics = await proxy.listToxics('svc');
      const leases = await proxy.listLeases();
      if (toxics.length > 0 || leases.length > 0) leftovers.push(`run ${i}: ${toxics.length} toxic(s), ${leases.length} lease(s)`);
      process.stderr.write(`bench: guardrail run ${i + 1}/${RUNS}: breach → full revert ${breachToRevert[i].toFixed(1)} ms\n`);
    }
  } finally {
    await proxy.close();
    service.closeAllConnections();
    service.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (leftovers.length > 0) throw new Error(`faults outlived their runs: ${leftovers.join('; ')}`);
  const max = Math.max(...breachToRevert);
  const baselineName = 'AWS FIS stop condition (CloudWatch alarm, 60 s period; context, no ratio)';
  return {
    name: 'guardrail',
    setup: `${RUNS} in-process runs; real fault proxy (HTTP mode) in front of node:http; open-model load 100/s; two faults (latency + 100% http-error); guardrail error-rate ≤ 20% over 300 ms, evaluated every 100 ms on 200 ms samples; measured from each run's journal and confirmed on the proxy API (no toxic or lease left after any run)`,
    figures: [
      { benchmark: 'guardrail', figure: 'breach → full revert, median (ms)', ours: median(breachToRevert), baselineName, baseline: null, ratio: null, target: '≤ 1,000 ms', met: median(breachToRevert) <= TARGET_MS, unit: 'ms' },
      { benchmark: 'guardrail', figure: 'breach → full revert, max (ms)', ours: max, baselineName, baseline: null, ratio: null, target: '≤ 1,000 ms', met: max <= TARGET_MS, unit: 'ms' },
      { benchmark: 'guardrail', figure: 'fault → breach detected, median (ms)', ours: median(faultToBreach), baselineName, baseline: null, ratio: null, target: 'context', met: null, unit: 'ms' },
    ],
    details: { breachToRevertMs: breachToRevert, faultToBreachMs: faultToBreach },
  };
};

export default guardrail;
