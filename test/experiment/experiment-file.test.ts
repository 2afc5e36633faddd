import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExperimentFileError, parseExperiment } from '../../src/experiment/load-file.js';
import { experimentJsonSchema } from '../../src/experiment/schema.js';
import { faultRegistry } from '../../src/faults/registry.js';

const valid = `title: Recommendations slow, checkout fine
targets:
  recs: { kind: proxy, control: "http://127.0.0.1:8474", proxy: recs }
loads:
  shop: { url: "http://127.0.0.1:8080/", rate: 200/s, duration: 2m }
hypothesis:
  window: 3s
  objectives:
    - { sli: availability, source: shop, min: 99.9% }
    - { sli: latency, source: shop, percentile: p99, max: 250ms, when: [during] }
guardrails:
  - { sli: error-rate, source: shop, max: 5%, for: 500ms }
method:
  - wait: 2s
  - fault:
      kind: latency
      target: recs
      latency: 300ms
      duration: 10s
  - parallel:
      - fault: { kind: http-error, target: recs, status: 503, percentage: 20%, match: { path: /api } }
      - wait: 1m30s
`;

function problemsOf(text: string, file = 'exp.yaml'): string[] {
  try {
    parseExperiment(text, file);
  } catch (error) {
    assert.ok(error instanceof ExperimentFileError, `expected ExperimentFileError, got ${error}`);
    return error.message.split('\n');
  }
  assert.fail('the experiment was accepted');
}

test('a valid experiment parses with every unit converted to numbers', () => {
  const { experiment, format } = parseExperiment(valid, 'exp.yaml');
  assert.equal(format, 'gameday');
  assert.equal(experiment.loads.shop.rate, 200);
  assert.equal(experiment.loads.shop.duration, 120_000);
  assert.equal(experiment.hypothesis.window, 3000);
  assert.deepEqual(experiment.hypothesis.objectives[0].when, ['before', 'during', 'after']);
  assert.equal((experiment.hypothesis.objectives[0] as { min: number }).min, 0.999);
  assert.equal(experiment.guardrails[0].for, 500);
  assert.equal(experiment.method[0].wait, 2000);
  assert.deepEqual(experiment.method[1].fault, { kind: 'latency', target: 'recs', latency: 300, duration: 10_000, stream: 'downstream' });
  assert.equal(experiment.method[2].parallel?.[1].wait, 90_000);
  assert.equal(experiment.settings.leaseTtl, 5000);
});

test('a bad duration names the file, line, column and field path, and what was expected', () => {
  const problems = problemsOf(valid.replace('latency: 300ms', 'latency: 300 millis'));
  assert.deepEqual(problems, ['exp.yaml:18:16 method[1].fault.latency: expected a duration like 250ms, 5s or 2m']);
});

test('an unknown field is reported at its own key, with the path', () => {
  const problems = problemsOf(valid.replace('  - wait: 2s', '  - wait: 2s\n    wiat: 3s'));
  assert.deepEqual(problems, ['exp.yaml:15:5 method[0].wiat: unknown field (check its spelling; see `gameday schema`)']);
});

test('an unknown fault kind lists the kinds the registry knows', () => {
  const [problem] = problemsOf(valid.replace('kind: latency', 'kind: lag'));
  assert.match(problem, /^exp\.yaml:16:13 method\[1\]\.fault\.kind: expected one of latency, bandwidth/);
  // Every kind of the registry can be written as a `fault:` step, the lever included.
  for (const definition of faultRegistry) assert.ok(problem.includes(definition.kind), definition.kind);
});

test('references to undeclared targets, loads and sources are refused with their paths', () => {
  const problems = problemsOf(valid.replace('target: recs\n      latency', 'target: pricing\n      latency').replace('source: shop, min: 99.9%', 'source: shoop, min: 99.9%'));
  assert.equal(problems.length, 2);
  assert.match(problems[0], /^exp\.yaml:9:36 hypothesis\.objectives\[0\]\.source: expected a declared load, probe or query \(shop\), got "shoop"/);
  assert.match(problems[1], /^exp\.yaml:17:15 method\[1\]\.fault\.target: expected a declared target \(recs\), got "pricing"/);
});

test('a missing required field points at its parent and says what is missing', () => {
  const problems = problemsOf(valid.replace('title: Recommendations slow, checkout fine\n', ''));
  assert.deepEqual(problems, ['exp.yaml:1:1 title: missing; expected string']);
});

test('a field of the wrong type is called the wrong type, not missing', () => {
  const problems = problemsOf(valid.replace('title: Recommendations slow, checkout fine', 'title: 3'));
  assert.deepEqual(problems, ['exp.yaml:1:8 title: expected string, got number']);
});

test('a probe may not take the name of a load: an objective could not tell them apart', () => {
  const problems = problemsOf(valid.replace('hypothesis:', 'probes:\n  shop: { url: "http://127.0.0.1:8080/health" }\nhypothesis:'));
  assert.deepEqual(problems, ['exp.yaml:7:9 probes.shop: "shop" is already the name of a load; give the probe another name']);
});

test('a step with two actions is refused', () => {
  const [problem] = problemsOf(valid.replace('  - wait: 2s', '  - wait: 2s\n    probe: health'));
  assert.match(problem, /method\[0\]: a step has exactly one of wait, load, fault, lever, parallel, probe, http, process; got wait, probe/);
});

test('a YAML syntax error gives its line and column', () => {
  const [problem] = problemsOf('title: x\nmethod:\n  - wait: [2s\n');
  assert.match(problem, /^exp\.yaml:\d+:\d+: /);
});

test('a rate and a percentage are checked with their expected forms', () => {
  const problems = problemsOf(valid.replace('rate: 200/s', 'rate: fast').replace('max: 5%', 'max: 500%'));
  assert.deepEqual(problems, [
    'exp.yaml:5:48 loads.shop.rate: expected a rate like 200/s',
    'exp.yaml:12:43 guardrails[0].max: expected a percentage like 99.9%',
  ]);
});

test('fleet, gateway and lever steps validate, and a lever step needs a levers target', () => {
  const fleet = `title: t
targets:
  shop: { kind: fleet, control: "http://127.0.0.1:1", selector: pricing/us-east, maxInstances: 1 }
  edge: { kind: gateway, control: "http://127.0.0.1:1", region: us-east }
method:
  - fault: { kind: terminate, target: shop, count: 1, duration: 2s }
  - fault: { kind: cpu-stress, target: shop, duration: 3s }
  - fault: { kind: evacuate-region, target: shop }
  - lever: { pull: recommendations }
`;
  const problems = problemsOf(fleet);
  assert.deepEqual(problems, [
    'exp.yaml:8:45 method[2].fault.target: fault evacuate-region acts on a gateway target; "shop" is a fleet',
    'exp.yaml:9:12 method[3].lever: name the levers target with `target`: none is declared (declare one: { kind: levers, … })',
  ]);
  const { experiment } = parseExperiment(fleet.replace('target: shop }', 'target: edge }').replace('  edge:', '  levers: { kind: levers }\n  edge:'), 'exp.yaml');
  assert.deepEqual(experiment.method[1].fault, { kind: 'cpu-stress', target: 'shop', duration: '3s', cores: 1 });
  assert.deepEqual((experiment.method[3] as Record<string, unknown>).lever, { pull: 'recommendations' });
});

test('JSON is accepted as well as YAML', () => {
  const json = JSON.stringify({ title: 'j', method: [{ wait: '1s' }] });
  assert.equal(parseExperiment(json, 'exp.json').experiment.method[0].wait, 1000);
});

test('the JSON Schema lists every fault kind of the registry with its own params', () => {
  const text = JSON.stringify(experimentJsonSchema());
  for (const definition of faultRegistry) assert.ok(text.includes(`"const":"${definition.kind}"`), `schema lacks ${definition.kind}`);
  assert.ok(text.includes('"pull"') && text.includes('"reset"'), 'the lever step is in the schema');
  assert.ok(text.includes('"averageSize"'), 'slicer params are in the schema');
  assert.ok(text.includes('"path_prefix"') === false, 'the schema speaks our field names, not the proxy attributes');
});
