import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCoeText } from './check.js';
import type { Finding } from './rule.js';

// What the blame rules decide about sentences people really write. Most examples are from
// bench/coe-check/labelled.yaml (where their sources are named); the benchmark measures the whole set.

const placed = {
  prose: (text: string) => `## Summary\n\n${text}\n`,
  why: (text: string) => `## Five whys\n\n1. ${text}\n`,
  action: (text: string) => `## Action items\n\n- ${text}\n`,
};

function blame(where: keyof typeof placed, text: string): string[] {
  return checkCoeText(placed[where](text), 'x.md')
    .filter((f) => f.rule.startsWith('blame/'))
    .map((f) => f.rule);
}

const examples: Array<[keyof typeof placed, string, string[]]> = [
  ['prose', 'Due to an operator error, all compute nodes in us-east-1 were simultaneously rebooted.', ['blame/human-error']],
  ['prose', 'This was not operator error; the reboot tool accepted a mistyped target list and acted on every server in the datacenter without asking for confirmation.', []],
  ['prose', '"Human error" is never a contributing factor (or "root cause").', []],
  ['prose', 'Root Cause: Engineer A typed the wrong command.', ['blame/person-as-cause']],
  ['prose', 'Root cause: the billing deploy command accepts any environment name without showing what it will change.', []],
  ['why', 'During the deployment of the new code, however, one of Knight\'s technicians did not copy the new code to one of the eight SMARS computer servers.', ['blame/person-as-cause']],
  ['why', 'The deployment was a manual copy to each of eight servers, and nothing checked that all eight ran the new code.', []],
  ['prose', 'An operator used a tool with lax input validation to reboot a small number of servers undergoing maintenance but forgot to type -n and instead rebooted all servers in the datacenter.', ['blame/judgement']],
  ['prose', 'Knight changed a SMARS software code, but a technician failed to copy the new code to one of SMARS\'s servers.', ['blame/hindsight']],
  ['prose', 'The health check failed to detect the stuck pool.', []],
  ['prose', 'Now, we should of course have had a backup.', ['blame/hindsight']],
  ['prose', 'Operational commands that can cause large-scale impact should require explicit confirmation and have hard limits on their blast radius.', []],
  ['action', 'Engineer A will be more careful next time.', ['blame/be-careful']],
  ['action', 'Remind all developers to test in staging.', ['blame/be-careful']],
  ['action', 'We will update our training and tooling to handle the large number of teams working in parallel.', []],
  ['prose', 'Early June 8, a customer pushed a valid configuration change that included the specific circumstances that triggered the bug, which caused 85% of our network to return errors.', []],
];

for (const [where, text, expected] of examples) {
  test(`${where}: "${text.slice(0, 70)}…" → ${expected.join(', ') || 'no blame finding'}`, () => {
    assert.deepEqual(blame(where, text), expected);
  });
}

test('a person in the timeline is an actor; the same person as the answer to a why is a cause', () => {
  const sentence = 'Alice ended her shift verbally, assuming the pager would handle any gaps.';
  assert.deepEqual(blame('prose', sentence), []);
  assert.deepEqual(blame('why', sentence), ['blame/person-as-cause']);
});

test('inline code and quoted phrases are mentions, not uses', () => {
  assert.deepEqual(blame('prose', 'The log line said `operator error` and the dashboard said "human error".'), []);
  assert.deepEqual(blame('prose', 'The log line said operator error.'), ['blame/human-error']);
});

test('a possessive person is not the cause: the runbook is', () => {
  assert.deepEqual(blame('why', "Because the on-call engineer's runbook listed the pre-migration addresses."), []);
  assert.deepEqual(blame('why', 'Because the on-call engineer restarted the database.'), ['blame/person-as-cause']);
});

test('an action item that changes the system as well as asking people passes', () => {
  assert.deepEqual(blame('action', 'Add a confirmation prompt that names the host, and remind the team.'), []);
});

test('line and column point at the words, past the front matter and in it', () => {
  const text = [
    '---',
    'kind: coe',
    'title: Checkout went down',
    'actions:',
    '  - id: A1',
    '    action: Remind engineers to be careful.',
    '---',
    '',
    '## Summary',
    '',
    'The outage began at 10:02. Root cause: operator error.',
    '',
  ].join('\n');
  const findings = checkCoeText(text, 'coe.md');
  const at = (rule: string): Pick<Finding, 'line' | 'column'> => {
    const found = findings.find((f) => f.rule === rule);
    assert.ok(found, `${rule} in ${JSON.stringify(findings)}`);
    return { line: found.line, column: found.column };
  };
  const lines = text.split('\n');
  assert.deepEqual(at('blame/human-error'), { line: 11, column: lines[10].indexOf('operator error') + 1 });
  assert.deepEqual(at('blame/be-careful'), { line: 6, column: lines[5].indexOf('Remind') + 1 });
});
