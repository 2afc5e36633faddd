// `gameday run --junit <file>` end to end, as a CI job runs it: an HTTP service behind the real fault
// proxy, real load, the CLI as a child process. Every file is validated against the JUnit schemas CI
// servers read (xmllint, test/report/fixtures/junit/) and read back with XPath.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertValidJUnit, xpath } from '../report/junit-schemas.js';
import { journalOf, proxyExperiment, spawnGameday, proxyWorldPerFile } from './world.js';

const world = proxyWorldPerFile();

test('a violated run writes a JUnit file that validates and names the missed objective with what was expected and measured', async () => {
  const file = world.home.write('violated.yaml', proxyExperiment(world.proxy, `hypothesis:
  window: 1s
  objectives:
    - { name: shop availability, sli: availability, source: shop, min: 99%, when: [during] }
    - { name: shop p99, sli: latency, source: shop, percentile: p99, max: 3s }
guardrails:
  - { name: shop down, sli: error-rate, source: shop, max: 90%, window: 1s, for: 1s }
method:
  - fault: { kind: http-error, target: svc, status: 503, percentage: 50%, duration: 2s }
`));
  const report = join(world.home.dir, 'reports', 'violated.xml');
  const result = await spawnGameday(['run', file, '--junit', report], world.home.dir).done;
  assert.equal(result.code, 1, result.stderr + result.stdout);
  assertValidJUnit(report);
  const journal = journalOf(result.stdout);
  // Before, during and after for the p99, during for availability, the guardrail, and the run itself.
  assert.equal(xpath(report, 'string(//testsuite/@tests)'), '6');
  assert.equal(xpath(report, 'string(//testsuite/@failures)'), '1');
  assert.equal(xpath(report, 'string(//testcase[failure]/@name)'), 'shop availability (during)');
  const missed = journal.objectives.find((o) => !o.ok)!;
  assert.equal(xpath(report, 'string(//failure/@message)'), `shop availability (during): shop availability expected >= 99%, measured ${missed.measured}`);
  assert.equal(xpath(report, 'count(//testcase[@name="shop down (guardrail)"]/*)'), '0', 'the guardrail held');
  assert.equal(xpath(report, 'string(//property[@name="gameday.run"]/@value)'), journal.runId);
  assert.match(result.stderr, new RegExp(`junit: ${report.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
});

test('a guardrail abort writes the breached guardrail as the failure, and the checks after it as skipped', async () => {
  const file = world.home.write('aborted.yaml', proxyExperiment(world.proxy, `hypothesis:
  window: 1s
  objectives:
    - { name: shop availability, sli: availability, source: shop, min: 95% }
guardrails:
  - { name: shop failing, sli: error-rate, source: shop, max: 30%, window: 500ms }
method:
  - fault: { kind: http-error, target: svc, status: 500, duration: 6s }
`));
  const report = join(world.home.dir, 'aborted.xml');
  const result = await spawnGameday(['run', file, '--junit', report], world.home.dir).done;
  assert.equal(result.code, 2, result.stderr + result.stdout);
  assertValidJUnit(report);
  assert.equal(xpath(report, 'string(//testcase[failure]/@name)'), 'shop failing (guardrail)');
  assert.match(xpath(report, 'string(//failure/@message)'), /^guardrail shop failing breached: shop error-rate expected <= 30%, measured [\d.]+%; the run was aborted$/);
  assert.equal(xpath(report, 'string(//testcase[@name="shop availability (after)"]/skipped/@message)'), `not checked: the run ended before this check (${journalOf(result.stdout).verdictReason})`);
  assert.equal(xpath(report, 'string(//property[@name="gameday.exit-code"]/@value)'), '2');
});

test('an invalid experiment exits 3, touches nothing and still writes a JUnit file that says why', async () => {
  const file = world.home.write('invalid.yaml', proxyExperiment(world.proxy, `hypothesis:
  objectives:
    - { sli: latency, source: shop, percentile: p42, max: 1s }
method:
  - wait: 1s
`));
  const report = join(world.home.dir, 'invalid.xml');
  const runs = () => (existsSync(join(world.home.dir, '.gameday', 'runs')) ? readdirSync(join(world.home.dir, '.gameday', 'runs')).length : 0);
  const before = runs();
  const result = await spawnGameday(['run', file, '--junit', report], world.home.dir).done;
  assert.equal(result.code, 3, result.stderr + result.stdout);
  assertValidJUnit(report);
  assert.equal(xpath(report, 'string(//testcase/@name)'), 'the experiment is valid');
  assert.equal(xpath(report, 'string(//error/@type)'), 'invalid');
  assert.match(xpath(report, 'string(//error/@message)'), /invalid\.yaml:\d+:\d+ .*percentile/);
  assert.deepEqual(await world.proxy.toxics(), []);
  assert.equal(runs(), before, 'no run folder: nothing ran');
});

test('--junit with --dry-run is refused, and the file says so', async () => {
  const file = world.home.write('dry.yaml', proxyExperiment(world.proxy, `method:
  - fault: { kind: latency, target: svc, latency: 10ms, duration: 1s }
`));
  const report = join(world.home.dir, 'dry.xml');
  const result = await spawnGameday(['run', file, '--dry-run', '--junit', report], world.home.dir).done;
  assert.equal(result.code, 3, result.stderr + result.stdout);
  assert.match(result.stderr, /--junit: a dry run checks nothing/);
  assertValidJUnit(report);
  assert.match(xpath(report, 'string(//error/@message)'), /a dry run checks nothing/);
});
