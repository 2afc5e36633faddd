// status.yaml as users write it: the shipped example is valid, its published schema is the one the CLI
// prints, and mistakes are refused with file, line and field before anything starts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseExperiment } from '../../src/experiment/load-file.js';
import { loadStatusFile, parseStatusFile, statusJsonSchema, StatusFileError } from '../../src/status/config.js';
import { repoRoot } from '../cli-process.js';

function problems(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseStatusFile(text, 'status.yaml', env);
  } catch (error) {
    assert.ok(error instanceof StatusFileError);
    return error.message;
  }
  assert.fail('expected the file to be refused');
}

const monitor = 'monitors:\n  shop:\n    http: { url: http://127.0.0.1:8080/ }\n';

test('the demo shop\'s status.yaml is valid, and examples/status/status.schema.json is what gameday schema --status prints', () => {
  const loaded = loadStatusFile(join(repoRoot, 'examples/status/shop.yaml'));
  assert.deepEqual(loaded.config.components.map((c) => c.id), ['product-page', 'checkout', 'recommendations', 'reviews', 'ads', 'delivery']);
  assert.deepEqual(loaded.config.components[1].incident, { at: 'partial_outage', severity: 'SEV1' });
  assert.equal(loaded.config.monitors['product-page'].http?.every, 1000);
  const committed = JSON.parse(readFileSync(join(repoRoot, 'examples/status/status.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(committed, statusJsonSchema(), 'regenerate it: gameday schema --status > examples/status/status.schema.json');
});

test('mistakes are refused with file, line, column and field, all at once', () => {
  const text = `${monitor}components:
  - name: Shop
    slis:
      - { monitor: shop, sli: availability, operational: 99%, degraded_performance: 99.5% }
      - { monitor: shop, sli: latency, operational: 200ms }
      - { monitor: shop, sli: availability, operational: 99%, window: soon }
  - name: shop
    slis: [{ monitor: nowhere, sli: error-rate, operational: 1% }]
`;
  const message = problems(text);
  assert.match(message, /status\.yaml:7:9 components\[0\]\.slis\[0\]: thresholds must get lower from operational to partial_outage \(higher availability is better\)/);
  assert.match(message, /status\.yaml:8:9 components\[0\]\.slis\[1\]\.percentile: say which percentile/);
  assert.match(message, /status\.yaml:9:\d+ components\[0\]\.slis\[2\]\.window: expected a duration like 250ms, 5s or 2m/);
  assert.match(message, /status\.yaml:10:\d+ components\[1\]\.name: the id "shop" is already components\[0\]'s/);
  assert.match(message, /status\.yaml:11:\d+ components\[1\]\.slis\[0\]\.monitor: expected a declared monitor \(shop\), got "nowhere"/);
});

test('a monitor is exactly one kind, a query SLI measures what the query computes, and a webhook secret must be there', () => {
  assert.match(problems('monitors:\n  both:\n    http: { url: http://127.0.0.1:1/ }\n    run: { load: x }\ncomponents:\n  - name: A\n    slis: [{ monitor: both, sli: availability, operational: 99% }]\n'), /monitors\.both: a monitor is exactly one of http, prometheus or run; got http, run/);
  const query = "monitors:\n  q:\n    prometheus: { prometheus: http://127.0.0.1:9090, query: 'up', sli: latency, percentile: p99 }\ncomponents:\n  - name: A\n    slis: [{ monitor: q, sli: availability, operational: 99% }]\n";
  assert.match(problems(query), /status\.yaml:6:\d+ components\[0\]\.slis\[0\]\.sli: monitor "q" is a query that computes p99 latency; an SLI on it measures that, not availability/);
  const hook = `${monitor}components:\n  - name: A\n    slis: [{ monitor: shop, sli: availability, operational: 99% }]\nwebhooks:\n  - { url: http://127.0.0.1:1/, secret_env: HOOK_SECRET }\n`;
  assert.match(problems(hook), /status\.yaml:8:\d+ webhooks\[0\]\.secret_env: the environment variable HOOK_SECRET is not set/);
  assert.equal(parseStatusFile(hook, 'status.yaml', { HOOK_SECRET: 'sixteen-chars-or-more' }).webhooks[0].secret, 'sixteen-chars-or-more');
});

test('experiments take Prometheus queries as SLI sources, and an objective on one must measure what it computes', () => {
  const experiment = (objective: string) => `title: q
queries:
  p99: { prometheus: http://127.0.0.1:9090, query: 'histogram_quantile(0.99, sum(rate(x_bucket[1m])) by (le))', sli: latency, percentile: p99 }
hypothesis:
  objectives: [${objective}]
method: [{ wait: 1s }]
`;
  const ok = parseExperiment(experiment('{ sli: latency, percentile: p99, source: p99, max: 300ms }'), 'q.yaml').experiment;
  assert.deepEqual([ok.queries.p99.unit, ok.queries.p99.every, ok.queries.p99.timeout], ['s', 1000, 2000]);
  assert.throws(() => parseExperiment(experiment('{ sli: availability, source: p99, min: 99% }'), 'q.yaml'), /q\.yaml:5:\d+ hypothesis\.objectives\[0\]\.sli: query "p99" computes p99 latency; an objective on it measures that, not availability/);
  assert.throws(() => parseExperiment(experiment('{ sli: latency, percentile: p99, source: p99, max: 300ms }').replace(', percentile: p99 }\nhypothesis', ' }\nhypothesis'), 'q.yaml'), /queries\.p99\.percentile: a latency query says which percentile it computes/);
});
