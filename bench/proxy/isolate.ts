// The proxy bench in a network namespace of its own, with every listener's accept-queue cap fixed.
//
// The kernel caps each listener's accept queue at net.core.somaxconn, which differs from host to host (4,096
// on this machine, 128 on older kernels). A burst of 10,000 callers beyond that cap loses SYNs however fast
// a proxy accepts (HAProxy dropped 1,297 here at 4,096), and each dropped caller waits a second for its
// retransmit, so the burst figures would measure the host's setting rather than the proxies. Run as root,
// the bench re-runs itself under `unshare --net` with loopback up and the cap at ACCEPT_QUEUE, the same for
// HAProxy and ours; everything it starts listens on that namespace's loopback and is gone with it. Without
// root or `unshare` it runs where it is and the burst figures name the cap they met.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hasCommand, resultPath, type BenchmarkResult } from '../harness.js';

export const ACCEPT_QUEUE = 16_384;
/** Set in the re-run, so that it runs the bench instead of isolating again, and prints no table of its own. */
export const ISOLATED_ENV = 'GAMEDAY_BENCH_ISOLATED';

function canIsolate(): boolean {
  if (process.env[ISOLATED_ENV] || process.getuid?.() !== 0) return false;
  return ['unshare', 'ip', 'sysctl'].every(hasCommand);
}

/** The proxy bench's result, run in a namespace of its own; null when it cannot be (run it here then). */
export function runIsolated(say: (line: string) => void): BenchmarkResult | null {
  if (!canIsolate()) return null;
  say(`running in a network namespace of its own, accept queues capped at ${ACCEPT_QUEUE.toLocaleString('en-US')} (net.core.somaxconn)`);
  const options = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
  const setUp = `ip link set lo up && sysctl -q -w net.core.somaxconn=${ACCEPT_QUEUE} && exec "$0" "$@"`;
  const run = spawnSync('unshare', ['--net', '--', 'sh', '-c', setUp, process.execPath, process.argv[1], 'proxy', ...options], {
    stdio: 'inherit',
    env: { ...process.env, [ISOLATED_ENV]: '1' },
  });
  if (run.status !== 0) throw new Error(`the proxy bench in its own network namespace failed (exit ${run.status ?? run.signal})`);
  const { measuredAt: _, ...result } = JSON.parse(readFileSync(resultPath('proxy'), 'utf8')) as BenchmarkResult & { measuredAt: string };
  return result;
}
