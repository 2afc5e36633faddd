// How heavy one demo service is: spawn-to-listening time and RSS after serving requests, for our backend
// (fastify + prom-client + pino) against the floor, a bare node:http JSON server that prints the same
// listening line. ~20 of these share a 2-core box during the demo, so both figures matter.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, ratioOfPairs, type Benchmark, type Figure } from './harness.js';

const BACKEND = fileURLToPath(new URL('../src/demo/services/backend.js', import.meta.url));
const BARE = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ service: 'reviews', productId: req.url.slice(9), reviews: { averageStars: 4.2, count: 12 } }));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ listening: server.address().port }) + '\\n'));`;
const PAIRS = 5;
const REQUESTS = 400;
const CONCURRENCY = 8;

interface Sample { startupMs: number; rssMb: number; ok: number }

async function measure(argv: string[], env: Record<string, string>): Promise<Sample> {
  const pin = spawnSync('sh', ['-c', 'command -v taskset']).status === 0 ? ['taskset', '-c', '1'] : [];
  const [command, ...args] = [...pin, process.execPath, ...argv];
  const t0 = performance.now();
  const child = spawn(command, args, { env: { ...process.env, GAMEDAY_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const line = await new Promise<{ listening: number }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
      });
      child.once('exit', (code) => reject(new Error(`service exited with ${code} before listening`)));
    });
    const startupMs = performance.now() - t0;
    let ok = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = worker; i < REQUESTS; i += CONCURRENCY) {
        const response = await fetch(`http://127.0.0.1:${line.listening}/product/${i}`);
        const body = (await response.json()) as { productId?: string };
        if (response.status === 200 && body.productId === String(i)) ok++;
      }
    }));
    // RSS of the node process itself (the child of taskset is exec'd in place, same pid).
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
    return { startupMs, rssMb, ok };
  } finally {
    child.kill('SIGKILL');
  }
}

export const demoServices: Benchmark = async () => {
  const ours = () => measure([BACKEND], { GAMEDAY_SERVICE: 'reviews', GAMEDAY_SERVICE_TIME_SCALE: '0' });
  const bare = () => measure(['-e', BARE], {});
  await ours();
  await bare();
  const a: Sample[] = [];
  const b: Sample[] = [];
  for (let i = 0; i < PAIRS; i++) {
    a.push(await ours());
    b.push(await bare());
  }
  const intact = [...a, ...b].every((s) => s.ok === REQUESTS);
  const figure = (name: string, pick: (s: Sample) => number, target: string, met: boolean, unit: string): Figure => ({
    benchmark: 'demo-services', figure: name, ours: median(a.map(pick)), baselineName: 'bare node:http',
    baseline: median(b.map(pick)), ratio: ratioOfPairs(a.map(pick), b.map(pick)), target, met: met && intact, unit,
  });
  const startup = median(a.map((s) => s.startupMs));
  const rss = median(a.map((s) => s.rssMb));
  return {
    name: 'demo-services',
    setup: `backend "reviews" (service time scaled to 0) vs a bare node:http JSON server, each pinned to core 1; ${PAIRS} A/B pairs after a warm-up; ` +
      `${REQUESTS} requests at concurrency ${CONCURRENCY} before RSS is read; every answer checked (status and product id): ${intact ? 'all intact' : 'SOME WRONG'}`,
    figures: [
      figure('startup ms (spawn → listening line)', (s) => s.startupMs, 'ours ≤ 300 ms', startup <= 300, 'ms'),
      figure('RSS MB after 400 requests', (s) => s.rssMb, 'ours ≤ 80 MB', rss <= 80, 'MB'),
    ],
    details: { ours: a, baseline: b },
  };
};
