import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExperimentFileError, parseExperiment } from '../../src/experiment/load-file.js';

const ctk = {
  version: '1.0.0',
  title: 'Service stays up when a helper script runs',
  description: 'imported',
  tags: ['web'],
  'steady-state-hypothesis': {
    title: 'service answers',
    probes: [
      { type: 'probe', name: 'service-responds', tolerance: 200, provider: { type: 'http', url: 'http://127.0.0.1:9/health', timeout: 3 } },
      { type: 'probe', name: 'api ok', tolerance: { type: 'range', target: 'status', range: [200, 299] }, provider: { type: 'http', url: 'http://127.0.0.1:9/api', method: 'post' } },
    ],
  },
  method: [
    { type: 'action', name: 'touch a file', provider: { type: 'process', path: 'touch', arguments: '/tmp/x /tmp/y' }, pauses: { after: 1 } },
    { type: 'probe', name: 'read', provider: { type: 'http', url: 'http://127.0.0.1:9/' } },
  ],
  rollbacks: [{ type: 'action', name: 'clean', provider: { type: 'process', path: 'rm', arguments: ['-f', '/tmp/x'] } }],
};

test('a Chaos Toolkit experiment maps onto probes, objectives, process and HTTP steps, and pauses', () => {
  const { experiment, format } = parseExperiment(JSON.stringify(ctk, null, 2), 'ctk.json');
  assert.equal(format, 'chaostoolkit');
  assert.equal(experiment.title, ctk.title);
  assert.deepEqual(Object.keys(experiment.probes), ['service-responds', 'api-ok']);
  assert.equal(experiment.probes['service-responds'].timeout, 3000);
  assert.equal(experiment.probes['service-responds'].expect.status, 200);
  assert.equal(experiment.probes['api-ok'].expect.status, '200-299');
  assert.equal(experiment.probes['api-ok'].method, 'POST');
  assert.deepEqual(experiment.hypothesis.objectives.map((o) => [o.source, o.sli, (o as { min: number }).min, o.when]), [
    ['service-responds', 'availability', 1, ['before', 'after']],
    ['api-ok', 'availability', 1, ['before', 'after']],
  ]);
  assert.deepEqual(experiment.method[0].process, { path: 'touch', arguments: ['/tmp/x', '/tmp/y'], timeout: 30_000 });
  assert.equal(experiment.method[1].wait, 1000);
  assert.equal(experiment.method[2].http?.url, 'http://127.0.0.1:9/');
  assert.deepEqual(experiment.rollbacks[0].process?.arguments, ['-f', '/tmp/x']);
});

test('unsupported Chaos Toolkit parts are named with their place in the file, not ignored', () => {
  const bad = {
    ...ctk,
    secrets: { k8s: { token: 'x' } },
    controls: [{ name: 'tracing' }],
    method: [...ctk.method, { type: 'action', name: 'kill pod', provider: { type: 'python', module: 'chaosk8s.pod.actions', func: 'terminate_pods' } }],
  };
  let problems: string[] = [];
  try {
    parseExperiment(JSON.stringify(bad, null, 2), 'ctk.json');
  } catch (error) {
    assert.ok(error instanceof ExperimentFileError);
    problems = error.message.split('\n');
  }
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.ok(problems.some((p) => /^ctk\.json:\d+:\d+ secrets: Chaos Toolkit secrets are not supported/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^ctk\.json:\d+:\d+ controls: Chaos Toolkit controls/.test(p)));
  assert.ok(problems.some((p) => /^ctk\.json:\d+:\d+ method\[2\]\.provider\.type: python providers are not supported/.test(p)));
});
