// The JUnit report as a CI server reads it: every file validates against Apache Ant's and Jenkins' JUnit
// schemas (xmllint), whatever the text inside; its counts and outcomes are read back with XPath. The
// runs behind it are in test/experiment/junit-cli.test.ts (gameday run) and test/demo/demo-cli.test.ts.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { parseExperiment } from '../../src/experiment/load-file.js';
import type { Journal } from '../../src/journal/format.js';
import { declaredChecks, junitRefusal, junitReport } from '../../src/report/junit.js';
import { tempHome } from '../cli-process.js';
import { assertValidJUnit, xpath } from './junit-schemas.js';

const home = tempHome('gameday-junit-');
after(() => home.remove());

const experiment = parseExperiment(
  `title: "Checkout <survives> & \\"stays\\" fast"
targets:
  svc: { kind: proxy, control: "http://127.0.0.1:1", proxy: svc }
loads:
  shop: { url: "http://127.0.0.1:2/", rate: 10/s }
hypothesis:
  window: 1s
  objectives:
    - { name: "p99 < 1s & \\"fast\\" — ünïcode", sli: latency, source: shop, percentile: p99, max: 1s }
    - { sli: availability, source: shop, min: 99%, when: [during] }
guardrails:
  - { name: shop failing, sli: error-rate, source: shop, max: 5%, for: 1s }
method:
  - fault: { kind: latency, target: svc, latency: 10ms, duration: 1s }
`,
  'checks/odd name.yaml',
).experiment;

function journal(overrides: Partial<Journal>): Journal {
  return {
    version: 2, gamedayVersion: '0.1.0', runId: '20261130-101500-abc123',
    experiment: { title: experiment.title, file: 'checks/odd name.yaml' },
    startedAt: '2026-11-30T10:15:00.123Z', endedAt: '2026-11-30T10:15:09.456Z', durationMs: 9333,
    verdict: 'held', verdictReason: 'all 3 objective checks held', exitCode: 0, blastRadius: [],
    objectives: [], events: [], samples: [],
    bands: [
      { kind: 'phase', label: 'steady state before', startMs: 1000, endMs: 2000 },
      { kind: 'phase', label: 'method', startMs: 2000, endMs: 5500 },
      { kind: 'phase', label: 'steady state after', startMs: 6000, endMs: 7000 },
    ],
    ...overrides,
  };
}

const p99 = 'p99 < 1s & "fast" — ünïcode';

test('a run with awkward text in its names and reason still validates, and the text comes back as written', () => {
  const file = home.write('awkward.xml', junitReport(journal({
    verdict: 'violated', exitCode: 1, verdictReason: 'missed \u0001 one <check>',
    objectives: [
      { name: p99, phase: 'before', sli: 'shop p99 latency', expected: '<= 1s', measured: '20ms', measuredValue: 20, ok: true },
      { name: p99, phase: 'during', sli: 'shop p99 latency', expected: '<= 1s', measured: '1.4s', measuredValue: 1400, ok: false },
      { name: 'shop availability >= 99%', phase: 'during', sli: 'shop availability', expected: '>= 99%', measured: '100%', measuredValue: 1, ok: true },
      { name: p99, phase: 'after', sli: 'shop p99 latency', expected: '<= 1s', measured: '22ms', measuredValue: 22, ok: true },
    ],
  }), declaredChecks(experiment), { hostname: 'ci-runner-1', folder: '/runs/x' }));
  assertValidJUnit(file);
  assert.equal(xpath(file, 'string(//testsuite/@name)'), 'Checkout <survives> & "stays" fast');
  assert.equal(xpath(file, 'string(//testsuite/@timestamp)'), '2026-11-30T10:15:00', 'UTC, without a zone, as Ant writes it');
  assert.equal(xpath(file, 'string(//testsuite/@tests)'), '6', 'three checks of p99, one of availability, the guardrail, the run');
  assert.equal(xpath(file, 'string(//testsuite/@failures)'), '1');
  assert.equal(xpath(file, 'string(//testcase[failure]/@name)'), `${p99} (during)`);
  assert.equal(xpath(file, 'string(//testcase[failure]/@classname)'), 'odd-name.during');
  assert.equal(xpath(file, 'string(//failure/@message)'), `${p99} (during): shop p99 latency expected <= 1s, measured 1.4s`);
  assert.equal(xpath(file, 'string(//testsuite/@time)'), '9.333');
  assert.equal(xpath(file, 'string(//testcase[@classname="odd-name.during"][1]/@time)'), '3.500', 'a during check takes the method\'s time');
  assert.equal(xpath(file, 'string(//property[@name="gameday.verdict"]/@value)'), 'violated');
  assert.match(xpath(file, 'string(//system-out)'), /verdict: VIOLATED \(exit 1\) — missed \uFFFD one <check>/);
});

test('a guardrail that aborted the run is a failure naming it, and the checks the run never reached are skipped with the reason', () => {
  const reason = 'aborted at 3.1s: guardrail "shop failing" breached (expected <= 5%, measured 41%); every fault was reverted 120ms after it';
  const file = home.write('aborted.xml', junitReport(journal({
    verdict: 'aborted', exitCode: 2, verdictReason: reason,
    objectives: [
      { name: p99, phase: 'before', sli: 'shop p99 latency', expected: '<= 1s', measured: '20ms', measuredValue: 20, ok: true },
      { name: 'shop failing', phase: 'guardrail', sli: 'shop error-rate', expected: '<= 5%', measured: '41%', measuredValue: 0.41, ok: false },
    ],
    events: [{ atMs: 3100, at: '2026-11-30T10:15:03.223Z', type: 'abort', message: reason, data: { kind: 'guardrail' } }],
  }), declaredChecks(experiment), { hostname: 'ci' }));
  assertValidJUnit(file);
  assert.deepEqual([xpath(file, 'string(//testsuite/@failures)'), xpath(file, 'string(//testsuite/@skipped)'), xpath(file, 'string(//testsuite/@errors)')], ['1', '3', '0']);
  assert.equal(xpath(file, 'string(//testcase[failure]/@name)'), 'shop failing (guardrail)');
  assert.equal(xpath(file, 'string(//failure/@message)'), 'guardrail shop failing breached: shop error-rate expected <= 5% for 1s, measured 41%; the run was aborted');
  assert.equal(xpath(file, 'string(//testcase[@name="shop availability >= 99% (during)"]/skipped/@message)'), `not checked: the run ended before this check (${reason})`);
  assert.equal(xpath(file, 'count(//testcase[@name="the run was not interrupted (run)"]/*)'), '0', 'a guardrail abort is the guardrail\'s failure, not an interruption');
});

test('a run interrupted by Ctrl-C has its run test case in error', () => {
  const file = home.write('interrupted.xml', junitReport(journal({
    verdict: 'aborted', exitCode: 2, verdictReason: 'aborted at 2.0s: interrupted (SIGINT); every fault was reverted 30ms after it',
    events: [{ atMs: 2000, at: '2026-11-30T10:15:02.123Z', type: 'abort', message: 'interrupted', data: { kind: 'signal' } }],
  }), declaredChecks(experiment), { hostname: 'ci' }));
  assertValidJUnit(file);
  assert.equal(xpath(file, 'string(//testcase[error]/@name)'), 'the run was not interrupted (run)');
  assert.equal(xpath(file, 'string(//error/@type)'), 'aborted-signal');
});

test('a refused run is one test case in error with the whole reason, and validates', () => {
  const reason = 'checks/odd name.yaml:7:45 hypothesis.objectives[0].percentile: expected one of p50, p90, p95, p99\nchecks/odd name.yaml:9:3 guardrails[0].max: required';
  const file = home.write('refused.xml', junitRefusal({ file: 'checks/odd name.yaml', check: 'the experiment is valid', reason, exitCode: 3, at: new Date('2026-11-30T10:15:00Z') }, { hostname: 'ci' }));
  assertValidJUnit(file);
  assert.deepEqual([xpath(file, 'string(//testsuite/@tests)'), xpath(file, 'string(//testsuite/@errors)')], ['1', '1']);
  assert.equal(xpath(file, 'string(//error/@message)'), reason.split('\n')[0]);
  assert.equal(xpath(file, 'string(//error)'), reason);
  assert.equal(xpath(file, 'string(//property[@name="gameday.exit-code"]/@value)'), '3');
});

test('the schemas are not a formality: a test case without a name, or a suite without its counts, is refused', () => {
  const good = junitRefusal({ file: 'x.yaml', check: 'the experiment is valid', reason: 'why', exitCode: 3, at: new Date() }, { hostname: 'ci' });
  for (const broken of [good.replace(/<testcase name="[^"]*"/, '<testcase'), good.replace(/ tests="1"/, '')]) {
    const file = home.write('broken.xml', broken);
    assert.throws(() => assertValidJUnit(file), /does not validate/);
  }
});
