// The test runner itself (scripts/run-tests.mjs), run as `npm test` runs it, on fixture test files that
// discovery never finds (test/runner/fixtures/ holds no *.test.ts): a hang must fail the run, name the
// test, and take its processes with it; a unit test may not start a process; a deleted test never runs;
// two files at a time each have a loopback of their own, and their output does not mix.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { repoRoot } from '../cli-process.js';
import { alive } from './fixtures/alive.js';

const fixture = (name: string) => `dist/test/runner/fixtures/${name}.js`;

function runTests(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['scripts/run-tests.mjs', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

/** Whether this machine lets the runner give each file a network namespace (root, unshare, ip). */
const namespaces = spawnSync('unshare', ['--net', '--', 'ip', 'link', 'set', 'lo', 'up']).status === 0;

test('a test that outlives its time limit fails the run, is named, and is killed with the processes it started; the next file still runs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-runner-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pidFile = join(dir, 'pid');
  // 6 s: long enough for the fixture to reach its hanging test on a loaded machine.
  const { code, output } = await runTests(['--timeout', '6s', fixture('hangs'), fixture('lingers'), fixture('passes')], { FIXTURE_PID_FILE: pidFile });
  assert.equal(code, 1, output);
  assert.match(output, /✖ dist\/test\/runner\/fixtures\/hangs\.js timed out: test "waits for an answer that never comes" was still running after 6\.0 s; killed the file and every process it started/);
  assert.match(output, /✖ dist\/test\/runner\/fixtures\/lingers\.js timed out: its tests ended but the process did not exit within 6\.0 s/);
  assert.match(output, /✔ dist\/test\/runner\/fixtures\/passes\.js passed/);
  assert.match(output, /tests: 1 of 3 files passed, 0 failed, 2 timed out, in /);
  const sleeper = Number(readFileSync(pidFile, 'utf8'));
  for (let waited = 0; alive(sleeper) && waited < 5000; waited += 50) await sleep(50);
  assert.equal(alive(sleeper), false, 'the process the hanging test started was killed with it');
});

test('a failing test fails the run and is named in the summary', async () => {
  const { code, output } = await runTests([fixture('fails')]);
  assert.equal(code, 1, output);
  assert.match(output, /tests: 0 of 1 files passed, 1 failed, 0 timed out/);
  assert.match(output, /✖ dist\/test\/runner\/fixtures\/fails\.js: "expects what is not"/);
});

test('a unit test may not start a process: under --unit the attempt fails and says why', async () => {
  const unit = await runTests(['--unit', fixture('spawns')]);
  assert.equal(unit.code, 1, unit.output);
  assert.match(unit.output, /a unit test starts no process \(it called child_process\.spawnSync\)/);
  const whole = await runTests([fixture('spawns')]);
  assert.equal(whole.code, 0, whole.output);
});

test('tests are found from the sources: a test deleted from the sources but still in dist/ does not run, and fixtures are never found', async (t) => {
  const stale = join(repoRoot, 'dist/test/runner/deleted-long-ago.test.js');
  writeFileSync(stale, "import { test } from 'node:test';\ntest('was deleted', () => { throw new Error('I should not run'); });\n");
  t.after(() => rmSync(stale, { force: true }));
  const listed = await runTests(['--list', 'test/runner/']);
  assert.equal(listed.code, 0, listed.output);
  assert.deepEqual(listed.output.trim().split('\n').map((line) => line.split('\t')[0]), ['test/runner/run-tests.test.ts']);
  assert.ok(existsSync(join(repoRoot, fixture('hangs'))), 'the fixtures are built, only not discovered');
});

test('the unit selection is the tests beside the code plus the named list, none of which starts a process', async () => {
  const { code, output } = await runTests(['--unit', '--list']);
  assert.equal(code, 0, output);
  const files = output.trim().split('\n').map((line) => line.split('\t')[0]);
  assert.ok(files.includes('src/leases/lease-book.test.ts'));
  assert.ok(files.includes('test/load/schedule.test.ts'));
  assert.ok(!files.includes('test/demo/demo-cli.test.ts'), 'the demo world is not a unit test');
  assert.ok(!files.includes('test/runner/run-tests.test.ts'), 'this test starts processes');
});

test('a bad option is refused with what the runner accepts', async () => {
  const { code, output } = await runTests(['--timeout', 'soon']);
  assert.equal(code, 2);
  assert.match(output, /--timeout wants a duration such as 500ms, 90s or 5m, got "soon"/);
});

test('two files that hold the same fixed loopback port at the same time both pass, each in a namespace of its own', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-runner-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { code, output } = await runTests(['--lanes', '2', fixture('holds-port'), fixture('holds-port-too')], { FIXTURE_DIR: dir, FIXTURE_PORT: '8474' });
  if (!namespaces) {
    // Not root here: the runner says why it runs one file at a time, and the pair cannot meet.
    assert.match(output, /running the files one at a time, directly: /);
    return;
  }
  assert.equal(code, 0, output);
  assert.match(output, /running up to 2 files at a time, each in a network namespace of its own/);
  assert.match(output, /tests: 2 of 2 files passed, 0 failed, 0 timed out, in /);
});

test('a timeout in one lane kills only that file: the file beside it keeps running and passes; each output comes whole', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-runner-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pidFile = join(dir, 'pid');
  // hangs.js takes one lane until its 12 s limit; the other runs pauses.js (3 s), then waits-for-kill.js,
  // which finds the hanging file's process alive and passes once it is killed. The 9 s between leave room
  // for a slow start of the third file on a loaded machine.
  const { code, output } = await runTests(['--lanes', '2', '--timeout', '12s', fixture('hangs'), fixture('pauses'), fixture('waits-for-kill')], { FIXTURE_PID_FILE: pidFile });
  assert.equal(code, 1, output);
  if (!namespaces) return assert.match(output, /running the files one at a time, directly: /);
  assert.match(output, /✖ dist\/test\/runner\/fixtures\/hangs\.js timed out: test "waits for an answer that never comes" was still running after 12\.0 s/);
  assert.match(output, /tests: 2 of 3 files passed, 0 failed, 1 timed out, in /);
  assert.match(output, /── dist\/test\/runner\/fixtures\/waits-for-kill\.js ──\n(?:(?!──|▶).*\n)*.*outlives the hanging file beside it(?:(?!──|▶).*\n)*✔ dist\/test\/runner\/fixtures\/waits-for-kill\.js passed/, 'its output is whole, between its header and its verdict');
  assert.equal(alive(Number(readFileSync(pidFile, 'utf8'))), false);
});

test('without a way to make network namespaces the runner says why and runs the files one at a time', async () => {
  const { code, output } = await runTests(['--lanes', '2', fixture('passes')], { PATH: '/nonexistent' });
  assert.equal(code, 0, output);
  assert.match(output, /running the files one at a time, directly: unshare \(util-linux\) is not installed/);
  assert.match(output, /tests: 1 of 1 files passed/);
});

test('a bad number of lanes is refused, from the option or the environment', async () => {
  const option = await runTests(['--lanes', '0', 'test/runner/']);
  assert.equal(option.code, 2);
  assert.match(option.output, /run-tests: --lanes wants a number of files to run at once, 1 or more, got "0"/);
  const env = await runTests(['test/runner/'], { GAMEDAY_TEST_LANES: 'two' });
  assert.equal(env.code, 2);
  assert.match(env.output, /run-tests: GAMEDAY_TEST_LANES wants a number of files to run at once, 1 or more, got "two"/);
});
