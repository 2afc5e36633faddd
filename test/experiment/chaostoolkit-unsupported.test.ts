// Chaos Toolkit experiments with Python parts (from Chaos Toolkit's documentation and repositories): refused
// before anything is touched, every Python part named with its place; with --skip-unsupported the rest runs
// and what was skipped is marked in the journal and both reports.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { journalOf, repoRoot, spawnGameday, tempHome } from './world.js';

const fixtures = join(repoRoot, 'test/experiment/fixtures/chaostoolkit');

function runsIn(home: string): string[] {
  const folder = join(home, '.gameday', 'runs');
  return existsSync(folder) ? readdirSync(folder) : [];
}

test('the documentation’s TLS walkthrough is refused before anything runs, naming both python probes with file:line:column', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const file = join(fixtures, 'docs-code-tls-walkthrough.json');
  const result = await spawnGameday(['run', file], home.dir).done;
  assert.equal(result.code, 3, result.stderr);
  const lines = result.stderr.trim().split('\n');
  const at = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assert.match(lines[0], new RegExp(`^${at}:12:29 steady-state-hypothesis\\.probes\\[0\\]\\.provider: python provider os\\.path\\.exists cannot run in GameDay .*instead use a process probe \`test -e <path>\``));
  assert.match(lines[1], new RegExp(`^${at}:25:29 steady-state-hypothesis\\.probes\\[1\\]\\.provider: python provider os\\.path\\.exists`));
  assert.match(lines[2], /^2 part\(s\) of this Chaos Toolkit experiment cannot run in GameDay\. .*--skip-unsupported/);
  assert.equal(lines[3], 'nothing was touched.');
  assert.deepEqual(runsIn(home.dir), [], 'no run was started');
});

test('walkthrough lab 1 is refused naming its three python parts, one line each, and its missing binary', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const result = await spawnGameday(['validate', join(fixtures, 'walkthrough-lab1.json')], home.dir).done;
  assert.equal(result.code, 3);
  const python = result.stderr.split('\n').filter((l) => l.includes('python provider'));
  assert.deepEqual(python.map((l) => /(\S+\.provider): python provider (\S+)/.exec(l)?.slice(1)), [
    ['steady-state-hypothesis.probes[1].provider', 'tolerances.should_not_have_any_errors'],
    ['method[1].provider', 'chaosk8s.pod.actions.terminate_pods'],
    ['method[3].provider', 'chaosk8s.pod.probes.read_pod_logs'],
  ]);
  assert.match(result.stderr, /method\[0\]\.provider\.path: path 'vegeta' cannot be found/);
});

test('the tolerance tutorial with --skip-unsupported runs grep and sed, deviates, rolls back, and marks the skipped probe', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const locale = home.write('default.locale.txt', 'welcome=hello\n');
  const file = join(fixtures, 'docs-tolerance-tutorial.json');
  const refused = await spawnGameday(['run', file], home.dir).done;
  assert.equal(refused.code, 3, refused.stderr);
  assert.equal(readFileSync(locale, 'utf8'), 'welcome=hello\n', 'a refused experiment touches nothing');

  const result = await spawnGameday(['run', file, '--skip-unsupported'], home.dir).done;
  // grep finds welcome=hello before, not after sed: Chaos Toolkit says completed, deviated; `chaos run` exits 1.
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stderr, /docs-tolerance-tutorial\.json:11:21 steady-state-hypothesis\.probes\[0\]\.provider: python provider os\.path\.exists: will be skipped/);
  const journal = journalOf(result.stdout);
  assert.deepEqual(journal.chaostoolkit && [journal.chaostoolkit.status, journal.chaostoolkit.deviated, journal.chaostoolkit.chaosExitCode, journal.chaostoolkit.rollbacksPlayed], ['completed', true, 1, true]);
  assert.deepEqual(journal.objectives.map((o) => [o.name, o.phase, o.ok]), [['lookup-text-in-lang-file', 'before', true], ['lookup-text-in-lang-file', 'after', false]]);
  assert.equal(journal.events.filter((e) => e.type === 'activity.skipped').length, 2, 'skipped before and after');
  assert.equal(readFileSync(locale, 'utf8'), 'welcome=hello\n', 'the rollback switched the language back');
  const folder = /run folder: (.+)/.exec(result.stdout)![1];
  for (const report of ['report.html', 'report.md']) {
    const text = readFileSync(join(folder, report), 'utf8');
    assert.match(text, /Skipped \(--skip-unsupported\)/, report);
    assert.match(text, /docs-tolerance-tutorial\.json:11:21 steady-state-hypothesis\.probes\[0\]\.provider: python provider os\.path\.exists/, report);
  }
});

test('chaostoolkit’s own check-file-exists fixture holds with its python probe skipped', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const result = await spawnGameday(['run', join(fixtures, 'ctk-check-file-exists.json'), '--skip-unsupported'], home.dir).done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const journal = journalOf(result.stdout);
  assert.deepEqual(journal.chaostoolkit?.skipped.length, 1);
  assert.deepEqual(journal.objectives.map((o) => [o.name, o.phase, o.ok]), [['list-all-files-in-directory', 'before', true], ['list-all-files-in-directory', 'after', true]]);
});
