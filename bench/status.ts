// `npm run bench -- status`: how fast the status page tells the truth. A real service (the demo's pricing
// backend) behind the real fault proxy; a control room with the status module monitors it. Each trial waits
// for "operational", injects http_error on 100 % of requests through the proxy, and times until
// /api/v2/components.json shows the component non-operational; then removes the fault and times the way
// back. 20 trials with an HTTP monitor (every 500 ms, availability over 3 s), then 5 with a Prometheus
// query monitor (Debian's prometheus scraping the service and the proxy every second, rate over 3 s).
// Baselines, for context only (no ratio): Upptime checks every 5 minutes at best (a scheduled CI job);
// Statuspage and Cachet change when a person types.
import { ensureCommands, median, type Benchmark, type BenchmarkResult } from './harness.js';
import { faultTrial, httpStatusYaml, startShop, startStatusRoom } from '../test/status/helpers.js';
import { startPrometheus } from '../test/status/prometheus-server.js';

const HTTP_TRIALS = 20;
const PROMETHEUS_TRIALS = 5;
const TARGET_MS = 10_000;

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const QUERY =
  'sum(rate(gameday_demo_http_requests_total{route="/product/:id",status=~"2.."}[3s])) / (sum(rate(gameday_demo_http_requests_total{route="/product/:id"}[3s])) + (sum(rate(gameday_proxy_http_faults_total{proxy="shop"}[3s])) or vector(0)))';

const status: Benchmark = async (): Promise<BenchmarkResult> => {
  ensureCommands({ prometheus: 'prometheus' });
  const shop = await startShop();
  const http = { red: [] as number[], back: [] as number[], statuses: [] as string[] };
  const prom = { red: [] as number[], back: [] as number[] };
  try {
    const room = await startStatusRoom(httpStatusYaml(shop.url).replace('every: 250ms, timeout: 250ms', 'every: 500ms, timeout: 500ms').replace('window: 2s', 'window: 3s'));
    try {
      for (let i = 0; i < HTTP_TRIALS; i++) {
        const trial = await faultTrial(shop, room.url, 'shop');
        http.red.push(trial.toRedMs);
        http.back.push(trial.backMs);
        http.statuses.push(trial.red);
        process.stderr.write(`bench: status http trial ${i + 1}/${HTTP_TRIALS}: red in ${Math.round(trial.toRedMs)} ms (${trial.red}), back in ${Math.round(trial.backMs)} ms\n`);
      }
    } finally {
      await room.close();
    }
    const prometheus = await startPrometheus([new URL(shop.serviceUrl).host, new URL(shop.proxyControl).host]);
    const traffic = setInterval(() => void fetch(`${shop.url}/product/42`).then((r) => r.arrayBuffer()).catch(() => undefined), 50);
    try {
      await prometheus.scraping();
      const yaml = `monitors:\n  q:\n    prometheus: { prometheus: ${prometheus.url}, every: 500ms, timeout: 500ms, sli: availability, query: '${QUERY}' }\ncomponents:\n  - { id: shop, name: Shop, slis: [{ monitor: q, sli: availability, operational: 99%, degraded_performance: 95%, partial_outage: 50% }] }\n`;
      const room = await startStatusRoom(yaml);
      try {
        for (let i = 0; i < PROMETHEUS_TRIALS; i++) {
          const trial = await faultTrial(shop, room.url, 'shop');
          prom.red.push(trial.toRedMs);
          prom.back.push(trial.backMs);
          process.stderr.write(`bench: status prometheus trial ${i + 1}/${PROMETHEUS_TRIALS}: red in ${Math.round(trial.toRedMs)} ms, back in ${Math.round(trial.backMs)} ms\n`);
        }
      } finally {
        await room.close();
      }
    } finally {
      clearInterval(traffic);
      await prometheus.stop();
    }
  } finally {
    await shop.close();
  }
  const baselineName = 'Upptime (5 min checks; context, no ratio)';
  const figure = (name: string, values: number[], p: number, target: boolean) => ({
    benchmark: 'status',
    figure: `${name}, p${p} (ms)`,
    ours: percentile(values, p),
    baselineName,
    baseline: null,
    ratio: null,
    target: target ? '≤ 10,000 ms' : 'context',
    met: target ? percentile(values, p) <= TARGET_MS : null,
    unit: 'ms',
  });
  return {
    name: 'status',
    setup: `${HTTP_TRIALS} trials with an HTTP monitor (check every 500 ms, availability over 3 s: operational ≥ 99 %) and ${PROMETHEUS_TRIALS} with a Prometheus query monitor (every 500 ms; Prometheus scrapes every 1 s, rate over 3 s; 20 requests/s through the link); real pricing backend behind the real fault proxy (HTTP mode), http_error 503 on 100 % of requests; time from the fault's creation to /api/v2/components.json not operational, and from its removal to operational again`,
    figures: [
      figure('http monitor: fault → not operational', http.red, 95, true),
      figure('http monitor: fault → not operational', http.red, 50, false),
      figure('http monitor: removed → operational', http.back, 95, false),
      figure('prometheus monitor: fault → not operational', prom.red, 95, true),
      figure('prometheus monitor: removed → operational', prom.back, 95, false),
    ],
    details: { http, prometheus: prom, medianHttpRedMs: median(http.red) },
  };
};

export default status;
