// Prometheus query monitors and query sources against a real Prometheus (Debian's package) scraping a real
// service and the real fault proxy in front of it: availability computed by PromQL from the service's
// requests and the proxy's injected errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseExperiment } from '../../src/experiment/load-file.js';
import { runExperiment } from '../../src/experiment/run.js';
import { runLoad } from '../../src/load/run-load.js';
import { component, faultTrial, quiet, startShop, startStatusRoom, waitFor, type Shop } from './helpers.js';
import { startPrometheus, type PrometheusServer } from './prometheus-server.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Successful answers of the service over all requests sent through the link (answered by it or by the proxy's fault). */
export const AVAILABILITY_QUERY =
  'sum(rate(gameday_demo_http_requests_total{route="/product/:id",status=~"2.."}[3s])) / (sum(rate(gameday_demo_http_requests_total{route="/product/:id"}[3s])) + (sum(rate(gameday_proxy_http_faults_total{proxy="shop"}[3s])) or vector(0)))';

let shop: Shop;
let prometheus: PrometheusServer;
let traffic: NodeJS.Timeout;
before(async () => {
  shop = await startShop();
  prometheus = await startPrometheus([new URL(shop.serviceUrl).host, new URL(shop.proxyControl).host]);
  // Shoppers: 20 requests a second through the link, so that there is something to measure.
  traffic = setInterval(() => void fetch(`${shop.url}/product/42`).then((r) => r.arrayBuffer()).catch(() => undefined), 50);
  await prometheus.scraping();
});
after(async () => {
  clearInterval(traffic);
  await prometheus?.stop();
  await shop?.close();
});

function yaml(prometheusUrl: string): string {
  return `
page: { name: Test shop }
monitors:
  shop-availability:
    prometheus: { prometheus: ${prometheusUrl}, every: 500ms, timeout: 500ms, sli: availability, query: '${AVAILABILITY_QUERY}' }
components:
  - id: shop
    name: Shop
    slis:
      - { monitor: shop-availability, sli: availability, operational: 99%, degraded_performance: 95%, partial_outage: 50% }
`;
}

test('a Prometheus query monitor turns the component non-operational under http_error 100%, and operational after', async (t) => {
  const room = await startStatusRoom(yaml(prometheus.url));
  t.after(() => room.close());
  const trial = await faultTrial(shop, room.url, 'shop');
  assert.ok(trial.toRedMs < 20_000, `red after ${Math.round(trial.toRedMs)}ms`);
  const shown = (await component(room.url, 'shop'))!;
  assert.match(shown.slis[0].text, /^availability 100% by Prometheus$/);
});

test('an experiment measures a query source: the steady state holds on it, and its guardrail aborts the run when the fault drops it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-query-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const text = `
title: the shop survives errors, says Prometheus
targets:
  shop: { kind: proxy, control: ${shop.proxyControl}, proxy: shop }
loads:
  shoppers: { url: ${shop.url}/product/42, rate: 20/s, timeout: 1s }
queries:
  shop-availability: { prometheus: ${prometheus.url}, sli: availability, every: 250ms, query: '${AVAILABILITY_QUERY}' }
hypothesis:
  window: 2s
  objectives:
    - { name: availability by Prometheus, sli: availability, source: shop-availability, min: 99%, when: [before] }
guardrails:
  - { name: Prometheus sees errors, sli: availability, source: shop-availability, min: 90%, window: 2s }
method:
  - fault: { kind: http-error, target: shop, duration: 20s }
`;
  const outcome = await runExperiment({ loaded: parseExperiment(text, 'query.yaml'), runLoad, log: quiet, outDir: dir });
  assert.equal(outcome.exitCode, 2, outcome.reason);
  const before = outcome.journal!.objectives.find((o) => o.phase === 'before')!;
  assert.equal(before.ok, true, `before: ${before.measured}`);
  const breach = outcome.journal!.events.find((e) => e.type === 'guardrail.breach')!;
  assert.equal((breach.data as { guardrail: string }).guardrail, 'Prometheus sees errors');
  assert.deepEqual(await (await fetch(`${shop.proxyControl}/proxies/shop/toxics`)).json(), [], 'the fault is gone');
});

test('a component turns "no data" within two intervals when Prometheus stops answering', async (t) => {
  const room = await startStatusRoom(yaml(prometheus.url));
  t.after(() => room.close());
  await waitFor('operational', async () => (await component(room.url, 'shop'))?.gameday_status, (s) => s === 'operational');
  const stopped = performance.now();
  await prometheus.stop();
  await waitFor('no data', async () => (await component(room.url, 'shop'))?.gameday_status, (s) => s === 'no_data', 10_000);
  assert.ok(performance.now() - stopped < 5000, 'two intervals are one second; a generous bound of five');
  assert.match((await component(room.url, 'shop'))!.slis[0].text, /no data .*Prometheus at .* cannot be reached/);
});
