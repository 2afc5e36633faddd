// Reading a Chaos Toolkit file: what `chaos validate` refuses is refused with file:line:column, what
// cannot run here is named with what to write instead, and configuration and secrets resolve as Chaos
// Toolkit resolves them. Nothing here runs an activity.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExperimentFileError, parseExperiment, type LoadedExperiment } from '../../src/experiment/load-file.js';

const base = {
  title: 'Service stays up while a helper runs',
  description: 'imported',
  'steady-state-hypothesis': {
    title: 'service answers',
    probes: [{ type: 'probe', name: 'service-responds', tolerance: 200, provider: { type: 'http', url: 'http://127.0.0.1:9/health', timeout: [1, 2] } }],
  },
  method: [
    { type: 'action', name: 'touch a file', provider: { type: 'process', path: 'touch', arguments: '/tmp/x /tmp/y' }, pauses: { after: 1 } },
    { ref: 'service-responds' },
  ],
  rollbacks: [{ type: 'action', name: 'clean', provider: { type: 'process', path: 'rm', arguments: ['-f', '/tmp/x'] } }],
};

function load(doc: unknown, env: NodeJS.ProcessEnv = {}, skipUnsupported = false): LoadedExperiment {
  return parseExperiment(JSON.stringify(doc, null, 2), 'ctk.json', { env: { PATH: process.env.PATH, ...env }, skipUnsupported });
}

/** 1-based line of the first line of the serialized document that contains `needle`. */
function lineOf(doc: unknown, needle: string): number {
  return JSON.stringify(doc, null, 2).split('\n').findIndex((line) => line.includes(needle)) + 1;
}

function problemsOf(doc: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    load(doc, env);
  } catch (error) {
    assert.ok(error instanceof ExperimentFileError, String(error));
    return error.message.split('\n');
  }
  assert.fail('expected the experiment to be refused');
}

test('a Chaos Toolkit file is read into its steady state, method with refs resolved, and rollbacks', () => {
  const { format, chaostoolkit, experiment } = load(base);
  assert.equal(format, 'chaostoolkit');
  assert.equal(experiment.title, base.title);
  const plan = chaostoolkit!.plan;
  assert.deepEqual(plan.hypothesis?.probes.map((p) => [p.name, p.providerType, p.tolerance]), [['service-responds', 'http', 200]]);
  assert.deepEqual(plan.method.map((a) => [a.name, a.ref]), [['touch a file', undefined], ['service-responds', 'service-responds']]);
  // The ref's own place: the `{` on the line above `"ref"`.
  assert.equal(chaostoolkit!.where(plan.method[1].path), `ctk.json:${lineOf(base, '"ref": "service-responds"') - 1}:5 method[1]`);
  assert.equal(plan.rollbackStrategy, 'default');
});

test('configuration: values as written, from the environment with a default and a type; a missing variable is refused', () => {
  const doc = {
    ...base,
    configuration: {
      service: 'http://127.0.0.1:8080',
      port: { type: 'env', key: 'PORT', env_var_type: 'int' },
      host: { type: 'env', key: 'HOST_NAME', default: 'localhost' },
    },
  };
  const { configuration } = load(doc, { PORT: '9090' }).chaostoolkit!.plan.resolved;
  assert.deepEqual(configuration, { service: 'http://127.0.0.1:8080', port: 9090, host: 'localhost' });
  assert.deepEqual(problemsOf(doc), [`ctk.json:${lineOf(doc, '"key": "PORT"')}:14 configuration.port.key: Configuration makes reference to an environment key that does not exist: PORT (set it, or give a default)`]);
});

test('secrets: scopes of names, from the environment (required, no default), gathered for scrubbing', () => {
  const doc = { ...base, secrets: { api: { token: { type: 'env', key: 'API_TOKEN' }, user: 'bob' } } };
  const { resolved } = load(doc, { API_TOKEN: 'hunter2' }).chaostoolkit!.plan;
  assert.deepEqual(resolved.secrets, { api: { token: 'hunter2', user: 'bob' } });
  assert.deepEqual(resolved.secretValues.sort(), ['bob', 'hunter2']);
  assert.match(problemsOf(doc).join('\n'), /secrets\.api\.token\.key: Secrets makes reference to an environment key that does not exist: API_TOKEN/);
});

test('what `chaos validate` refuses is refused, each with its place in the file', () => {
  const problems = problemsOf({
    title: 'no description',
    'steady-state-hypothesis': {
      title: 'x',
      probes: [
        { type: 'probe', name: 'no-tolerance', provider: { type: 'http', url: 'http://127.0.0.1:9/' } },
        { type: 'probe', name: 'bad-regex', tolerance: { type: 'regex', target: 'body', pattern: '[0-9' }, provider: { type: 'http', url: 'http://127.0.0.1:9/' } },
        { type: 'probe', name: 'float', tolerance: 2.5, provider: { type: 'process', path: 'true' } },
        { type: 'probe', name: 'bad-path', tolerance: { type: 'jsonpath', path: 'foo[*]' }, provider: { type: 'process', path: 'true' } },
      ],
    },
    method: [
      { type: 'action', name: 'nowhere', provider: { type: 'process', path: 'no-such-program-here' } },
      { type: 'action', name: 'ftp', provider: { type: 'ftp' } },
      { ref: 'missing' },
      { type: 'action', name: 'pause', provider: { type: 'process', path: 'true' }, pauses: { before: 'soon' } },
    ],
  });
  const expected = [
    /^ctk\.json:\d+:\d+ description: a Chaos Toolkit experiment requires a description$/,
    /steady-state-hypothesis\.probes\[0\]: a steady-state probe must have a tolerance/,
    /steady-state-hypothesis\.probes\[1\]\.tolerance\.pattern: the pattern \[0-9 seems invalid/,
    /steady-state-hypothesis\.probes\[2\]\.tolerance: a tolerance must be an integer, a string, a boolean, a list/,
    /steady-state-hypothesis\.probes\[3\]\.tolerance\.path: the JSON path foo\[\*\] is invalid/,
    /method\[0\]\.provider\.path: path 'no-such-program-here' cannot be found/,
    /method\[1\]\.provider\.type: unknown provider type 'ftp'/,
    /method\[2\]\.ref: referenced activity 'missing' could not be found/,
    /method\[3\]\.pauses\.before: activity before pause must be a number of seconds or a pattern/,
  ];
  assert.equal(problems.length, expected.length, problems.join('\n'));
  for (const pattern of expected) assert.ok(problems.some((p) => pattern.test(p)), `${pattern} in\n${problems.join('\n')}`);
});

test('a tolerance that could only crash `chaos run` with a Python TypeError is refused before the run', () => {
  const problems = problemsOf({
    ...base,
    method: [],
    'steady-state-hypothesis': {
      title: 'x',
      probes: [
        { type: 'probe', name: 'regex-on-status', tolerance: { type: 'regex', target: 'status', pattern: '2..' }, provider: { type: 'http', url: 'http://127.0.0.1:9/' } },
        { type: 'probe', name: 'range-on-everything', tolerance: { type: 'range', range: [0, 1] }, provider: { type: 'process', path: 'true' } },
        { type: 'probe', name: 'probe-without-arguments', tolerance: { type: 'probe', name: 't', provider: { type: 'process', path: 'true', arguments: 'x' } }, provider: { type: 'process', path: 'true' } },
      ],
    },
  });
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.match(problems[0], /probes\[0\]\.tolerance\.target: a regex tolerance on a http probe needs target body/);
  assert.match(problems[1], /probes\[1\]\.tolerance\.target: a range tolerance on a process probe needs target status or stdout or stderr/);
  assert.match(problems[2], /probes\[2\]\.tolerance\.provider\.arguments: a probe tolerance needs provider arguments as a mapping/);
});

test('python providers and controls are named once, with their place and what to use instead; nothing else is refused for them', () => {
  const doc = {
    ...base,
    controls: [{ name: 'tracing', provider: { type: 'python', module: 'chaostracing.control' } }],
    method: [
      ...base.method,
      { type: 'action', name: 'kill pod', provider: { type: 'python', module: 'chaosk8s.pod.actions', func: 'terminate_pods' } },
      { ref: 'kill pod' },
    ],
    secrets: { vault: { db: { type: 'vault', path: 'secrets/db' } } },
  };
  const problems = problemsOf(doc);
  assert.equal(problems.length, 4, problems.join('\n'));
  assert.match(problems[0], /^ctk\.json:\d+:\d+ method\[2\]\.provider: python provider chaosk8s\.pod\.actions\.terminate_pods cannot run in GameDay .* instead use a process activity running kubectl/);
  assert.match(problems[1], /^ctk\.json:\d+:\d+ controls\[0\]: control "tracing" \(chaostracing\.control\) cannot run in GameDay/);
  assert.match(problems[2], /^ctk\.json:\d+:\d+ secrets\.vault\.db: a HashiCorp Vault secret .* instead use export the value in an environment variable/);
  assert.match(problems[3], /^3 part\(s\) of this Chaos Toolkit experiment cannot run in GameDay\. .*--skip-unsupported/);
  // With --skip-unsupported the same file loads, and every part to skip is listed (the ref to it skips too).
  const loaded = load(doc, {}, true);
  assert.equal(loaded.chaostoolkit!.skipped.length, 3);
  assert.deepEqual(loaded.chaostoolkit!.plan.method.map((a) => [a.name, Boolean(a.unsupported)]), [
    ['touch a file', false], ['service-responds', false], ['kill pod', true], ['kill pod', true],
  ]);
});

test('the runtime block sets the strategies; unknown fields and no-op ones are accepted with a warning', () => {
  const doc = {
    ...base,
    runtime: { rollbacks: { strategy: 'deviated' }, hypothesis: { strategy: 'continously' } },
    extensions: [{ name: 'vendor', data: 1 }],
    'stead-state-hypothesis': {},
  };
  const loaded = load(doc);
  assert.equal(loaded.chaostoolkit!.plan.rollbackStrategy, 'deviated');
  assert.equal(loaded.chaostoolkit!.plan.hypothesisStrategy, 'continuously');
  assert.deepEqual(loaded.chaostoolkit!.warnings, [
    `ctk.json:${lineOf(doc, '"stead-state-hypothesis"')}:3 stead-state-hypothesis: "stead-state-hypothesis" is not a Chaos Toolkit field; it is ignored, as Chaos Toolkit ignores it`,
  ]);
  assert.match(problemsOf({ ...base, runtime: { rollbacks: { strategy: 'sometimes' } } }).join('\n'), /runtime\.rollbacks\.strategy: expected one of default, always, never, deviated/);
});
