import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { coeJsonSchema } from '../../src/coe/front-matter.js';
import { coeRules } from '../../src/coe/rules/registry.js';
import { repoRoot, spawnGameday, tempHome } from '../cli-process.js';

// `gameday coe check` as a user runs it: a real child process, real files, the exit codes and the JSON
// shape DESIGN.md fixes.

const home = tempHome('gameday-coe-');
after(() => home.remove());
const run = (...args: string[]) => spawnGameday(args, home.dir).done;

test('"Root cause: operator error." exits 1, and --json points at the words with exactly the fixed fields', async () => {
  const file = home.write('root-cause.md', '# Checkout outage\n\nRoot cause: operator error.\n');
  const result = await run('coe', 'check', file, '--json');
  assert.equal(result.code, 1, result.stderr);
  const findings = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
  for (const finding of findings) assert.deepEqual(Object.keys(finding).sort(), ['column', 'file', 'line', 'message', 'rule', 'severity', 'suggestion']);
  const blame = findings.find((f) => f.rule === 'blame/human-error');
  assert.ok(blame, result.stdout);
  assert.deepEqual({ file: blame.file, line: blame.line, column: blame.column, severity: blame.severity }, { file, line: 3, column: 13, severity: 'error' });
  assert.equal('Root cause: operator error.'.slice(12, 26), 'operator error');
  assert.match(String(blame.suggestion), /what in the system let this happen/);
});

test('the same words, denied or quoted, exit 0', async () => {
  const file = home.write('denied.md', '# Checkout outage\n\nThis was not operator error. We do not write "human error" as a cause.\n');
  const result = await run('coe', 'check', file);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /0 errors, 0 warnings, 1 note — passes/);
});

test('the example COE for the no-timeouts failure passes with no findings', async () => {
  const result = await run('coe', 'check', join(repoRoot, 'examples/coe/no-timeouts.md'), '--json');
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), []);
});

test('the example with blame in it fails, with the findings docs/coe.md shows', async () => {
  const file = join(repoRoot, 'examples/coe/no-timeouts-with-blame.md');
  const result = await run('coe', 'check', file, '--json');
  assert.equal(result.code, 1, result.stderr);
  const got = (JSON.parse(result.stdout) as Array<{ line: number; column: number; severity: string; rule: string }>).map((f) => `${f.line}:${f.column} ${f.severity} ${f.rule}`);
  // The docs quote the check's output for this file; each finding line starts with file:line:column.
  const docs = readFileSync(join(repoRoot, 'docs/coe.md'), 'utf8');
  const documented = [...docs.matchAll(/^examples\/coe\/no-timeouts-with-blame\.md:(\d+):(\d+) +(\w+) +(\S+) /gm)].map((m) => `${m[1]}:${m[2]} ${m[3]} ${m[4]}`);
  assert.deepEqual(got, documented);
  for (const rule of ['blame/human-error', 'blame/person-as-cause', 'blame/judgement', 'blame/hindsight', 'blame/be-careful', 'structure/action-item']) {
    assert.ok(got.some((f) => f.endsWith(rule)), `${rule} in ${got.join('\n')}`);
  }
});

test('a COE draft lists what people still have to write', async () => {
  const draft = [
    '---',
    'kind: coe',
    'title: Checkout went down',
    'actions:',
    '  - { id: A1, action: Add a timeout to every call the assembler makes. }',
    '---',
    '## Summary',
    'Checkout failed for four minutes.',
    '## Five whys',
    '1. Why did checkout fail? Because the assembler waited for reviews.',
    '2. Why did it wait?',
    '## Timeline',
    '<!-- people write this -->',
    '',
  ].join('\n');
  const result = await run('coe', 'check', home.write('draft.md', draft), '--json');
  assert.equal(result.code, 1);
  const rules = (JSON.parse(result.stdout) as Array<{ rule: string; message: string; line: number }>).map((f) => `${f.rule} @${f.line}: ${f.message}`);
  assert.ok(rules.includes('structure/empty-section @12: section "Timeline" is not written yet'), rules.join('\n'));
  assert.ok(rules.includes('structure/five-whys @11: this why is asked but not answered'), rules.join('\n'));
  assert.ok(rules.includes('structure/five-whys @9: 1 answered why; a COE asks at least 5'), rules.join('\n'));
  assert.ok(rules.includes('structure/action-item @5: action item A1 has no owner, due date, kind, state'), rules.join('\n'));
  for (const missing of ['Customer impact', 'Metrics', 'What went well', 'Lessons', 'Action items', 'Related items']) {
    assert.ok(rules.some((r) => r.startsWith('structure/missing-section') && r.endsWith(`missing section "${missing}"`)), `${missing}: ${rules.join('\n')}`);
  }
});

test('malformed front matter exits 3 with file, line and column, and prints no findings', async () => {
  const file = home.write('malformed.md', '---\nkind: coe\ntitle: [unclosed\n---\n# Body\n');
  const result = await run('coe', 'check', file, '--json');
  assert.equal(result.code, 3);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, new RegExp(`^${file}:3:\\d+: not valid YAML`, 'm'));
});

test('front matter that breaks the COE schema exits 3 naming the field and its line', async () => {
  const file = home.write('bad-kind.md', '---\nkind: coe\ntitle: Checkout\nactions:\n  - id: A1\n    action: Add a timeout.\n    kind: prevention\n---\n# Body\n');
  const result = await run('coe', 'check', file);
  assert.equal(result.code, 3);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, new RegExp(`^${file}:7:\\d+ actions\\[0\\]\\.kind: expected one of "prevent", "detect", "mitigate", "process"`, 'm'));
});

test('front matter that is never closed exits 3', async () => {
  const result = await run('coe', 'check', home.write('unclosed.md', '---\nkind: coe\ntitle: Checkout\n\n# Body\n'));
  assert.equal(result.code, 3);
  assert.match(result.stderr, /never closed/);
});

test('a missing file exits 3 and says so', async () => {
  const result = await run('coe', 'check', join(home.dir, 'nope.md'), '--json');
  assert.equal(result.code, 3);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /cannot read .*nope\.md: no such file/);
});

test('`gameday schema --coe` prints the published schema of the front matter', async () => {
  const result = await run('schema', '--coe');
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), coeJsonSchema());
  const committed = JSON.parse(readFileSync(join(repoRoot, 'examples/coe/coe.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(committed, coeJsonSchema(), 'regenerate it: gameday schema --coe > examples/coe/coe.schema.json');
});

test('docs/coe.md explains every rule of the check', () => {
  const docs = readFileSync(join(repoRoot, 'docs/coe.md'), 'utf8');
  for (const rule of coeRules) assert.match(docs, new RegExp(`^### \`${rule.name}\``, 'm'), rule.name);
});
