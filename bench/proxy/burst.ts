// Connection bursts: 5,000 and 10,000 callers opening their connections at once through the proxy and
// through HAProxy to Redis, each answered by a PING. The kernel counts every SYN it dropped because an
// accept queue was full (nstat: TcpExtListenDrops); each such caller waits a second for its retransmit.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { systemBacklog } from '../../src/proxy/live-proxy.js';
import { median, ratioOfPairs, type Figure } from '../harness.js';
import { listenDrops, LOAD_CORE, type Peers } from './peers.js';

const SIZES = [5_000, 10_000];
const PAIRS = 3;
const client = fileURLToPath(new URL('./burst-client.js', import.meta.url));

interface Burst {
  count: number;
  answered: number;
  failed: number;
  errors: Record<string, number>;
  establishedMs: number;
  answeredMs: number;
  listenDrops: number;
}

function burst(port: number, count: number): Burst {
  const dropsBefore = listenDrops();
  const out = execFileSync('taskset', ['-c', LOAD_CORE, process.execPath, client, String(port), String(count)], { encoding: 'utf8', timeout: 90_000 });
  const result = JSON.parse(out) as Omit<Burst, 'listenDrops'>;
  return { ...result, listenDrops: listenDrops() - dropsBefore };
}

export async function burstFigures(peers: Peers, say: (line: string) => void): Promise<{ figures: Figure[]; details: Record<string, unknown>; errors: number }> {
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  let errors = 0;
  // Every listener's accept queue is capped by somaxconn (of this network namespace). A burst larger than
  // the queue loses SYNs however fast the proxy accepts (HAProxy too), so the cap is printed beside the drops.
  const queue = systemBacklog();
  say(`accept queues are capped at ${queue.toLocaleString('en-US')} here (net.core.somaxconn)`);
  details['accept queue cap (somaxconn)'] = queue;
  for (const count of SIZES) {
    say(`burst of ${count.toLocaleString('en-US')} connections: ${PAIRS} pairs`);
    const a: Burst[] = [];
    const b: Burst[] = [];
    for (let i = 0; i < PAIRS; i++) {
      b.push(burst(peers.haproxy.redis, count));
      await new Promise((resolve) => setTimeout(resolve, 500));
      a.push(burst(peers.ours.redis, count));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    details[`burst ${count}`] = { ours: a, haproxy: b };
    // Only our failures count as errors; HAProxy's (its upstream's client limit, say) are shown beside them.
    errors += a.reduce((sum, r) => sum + r.failed, 0);
    const pick = (rs: Burst[], key: 'answeredMs' | 'establishedMs' | 'listenDrops') => rs.map((r) => r[key]);
    // Lower is better: the time ratio is ours/haproxy here, so the target reads "at most 1.5× HAProxy's time".
    const time = ratioOfPairs(pick(a, 'answeredMs'), pick(b, 'answeredMs'));
    const label = `burst of ${count.toLocaleString('en-US')}`;
    figures.push(
      {
        benchmark: 'proxy',
        figure: `${label}: time until all answered (ours/haproxy)`,
        ours: median(pick(a, 'answeredMs')),
        baselineName: 'haproxy',
        baseline: median(pick(b, 'answeredMs')),
        ratio: time,
        target: '≤ 1.50',
        met: time.median <= 1.5,
        unit: 'ms',
      },
      {
        benchmark: 'proxy',
        figure: `${label}: time until all established`,
        ours: median(pick(a, 'establishedMs')),
        baselineName: 'haproxy',
        baseline: median(pick(b, 'establishedMs')),
        ratio: ratioOfPairs(pick(a, 'establishedMs'), pick(b, 'establishedMs')),
        target: '—',
        met: null,
        unit: 'ms',
      },
      {
        benchmark: 'proxy',
        figure: `${label}: failed connections, all runs`,
        ours: a.reduce((sum, r) => sum + r.failed, 0),
        baselineName: 'haproxy',
        baseline: b.reduce((sum, r) => sum + r.failed, 0),
        ratio: null,
        target: '= 0',
        met: a.every((r) => r.failed === 0),
      },
      {
        benchmark: 'proxy',
        figure: `${label}: listen drops (nstat), most in a run, accept queue ${queue}`,
        ours: Math.max(...pick(a, 'listenDrops')),
        baselineName: 'haproxy',
        baseline: Math.max(...pick(b, 'listenDrops')),
        ratio: null,
        target: '= 0',
        met: Math.max(...pick(a, 'listenDrops')) === 0,
      },
    );
  }
  return { figures, details, errors };
}
