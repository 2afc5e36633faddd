// `gameday report` as a user runs it: a real child process of the CLI, a real journal file, a real store.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnGameday, tempHome, type GamedayResult } from '../cli-process.js';
import { openStore } from '../../src/store/database.js';
import { RunStore } from '../../src/store/runs.js';
import { buildJournal } from './fixture.js';

/** `gameday <args>` with its store in `home`, to completion. */
function gameday(home: string, ...args: string[]): Promise<GamedayResult> {
  return spawnGameday(args, home, { GAMEDAY_HOME: home }).done;
}

function workspace(t: TestContext): { dir: string; home: string } {
  const { dir, remove } = tempHome('gameday-report-');
  t.after(remove);
  const home = join(dir, 'home');
  mkdirSync(home);
  return { dir, home };
}

test('a run folder gets its report.html and report.md rendered again from journal.json', async (t) => {
  const { dir, home } = workspace(t);
  const folder = join(dir, 'run');
  mkdirSync(folder);
  const journal = buildJournal({ title: 'Checkout survives a slow pricing service' });
  writeFileSync(join(folder, 'journal.json'), JSON.stringify(journal, null, 2));

  const result = await gameday(home, 'report', folder);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`run ${journal.runId} "Checkout survives a slow pricing service".*: ${journal.verdict.toUpperCase()} \\(exit ${journal.exitCode}\\)`));
  const html = readFileSync(join(folder, 'report.html'), 'utf8');
  assert.match(html, /Checkout survives a slow pricing service/);
  assert.match(html, /<svg/, 'the charts are drawn');
  assert.match(readFileSync(join(folder, 'report.md'), 'utf8'), /Checkout survives a slow pricing service/);
});

test('--out writes the reports into another folder and leaves the run folder as it was', async (t) => {
  const { dir, home } = workspace(t);
  const file = join(dir, 'copied-from-ci.json');
  writeFileSync(file, JSON.stringify(buildJournal()));
  const out = join(dir, 'elsewhere');

  const result = await gameday(home, 'report', file, '--out', out);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(existsSync(join(out, 'report.html')) && existsSync(join(out, 'report.md')));
  assert.ok(!existsSync(join(dir, 'report.html')), 'nothing is written beside the journal');
  assert.ok(result.stdout.includes(join(out, 'report.html')), 'the written paths are printed');
});

test('a damaged journal is refused with its file, line and field, exit 3, and no report is written', async (t) => {
  const { dir, home } = workspace(t);
  const file = join(dir, 'journal.json');
  const text = JSON.stringify({ ...buildJournal(), verdict: 'passed' }, null, 2);
  writeFileSync(file, text);
  const line = text.split('\n').findIndex((l) => l.includes('"verdict": "passed"')) + 1;

  const result = await gameday(home, 'report', file);
  assert.equal(result.code, 3);
  assert.match(result.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+ verdict: expected one of "held", "violated", "aborted", "invalid", "error"`));
  assert.ok(!existsSync(join(dir, 'report.html')));

  writeFileSync(file, '{ "runId": "r1", ');
  const truncated = await gameday(home, 'report', file);
  assert.equal(truncated.code, 3);
  assert.match(truncated.stderr, /journal\.json:1:\d+: not valid YAML or JSON/);
});

test('a run id is looked up in the store, and its stored journal serves when the run folder is gone', async (t) => {
  const { dir, home } = workspace(t);
  const journal = buildJournal({ title: 'Evacuate us-east' });
  const folder = join(dir, 'runs', journal.runId);
  const db = await openStore(join(home, 'gameday.db'));
  const runs = new RunStore(db);
  await runs.recordStart({ id: journal.runId, title: journal.experiment.title, file: 'drill.yaml', folder, startedAt: journal.startedAt, pid: process.pid });
  await runs.recordEnd(journal.runId, { endedAt: journal.endedAt, verdict: journal.verdict, exitCode: journal.exitCode, journal });
  await db.close();

  const result = await gameday(home, 'report', journal.runId);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Evacuate us-east/);
  assert.match(readFileSync(join(folder, 'report.html'), 'utf8'), /Evacuate us-east/);

  const unknown = await gameday(home, 'report', 'no-such-run');
  assert.equal(unknown.code, 3);
  assert.match(unknown.stderr, /no file, folder or run id "no-such-run".*gameday runs/);
});

test('an --out that cannot be written and a damaged store are named in one line, with exit 3 and 4, not a stack', async (t) => {
  const { dir, home } = workspace(t);
  const file = join(dir, 'journal.json');
  writeFileSync(file, JSON.stringify(buildJournal()));
  writeFileSync(join(dir, 'a-file'), '');

  const blocked = await gameday(home, 'report', file, '--out', join(dir, 'a-file', 'reports'));
  assert.equal(blocked.code, 3);
  assert.equal(blocked.stderr.trim(), `gameday report: cannot write the reports into ${join(dir, 'a-file', 'reports')}: a file is in the way`);

  writeFileSync(join(home, 'gameday.db'), 'not a database, by accident');
  const damaged = await gameday(home, 'report', 'some-run-id');
  assert.equal(damaged.code, 4, 'exit 4, not 1 (which CI reads as a violated hypothesis)');
  assert.match(damaged.stderr, new RegExp(`^gameday: cannot open the store ${join(home, 'gameday.db').replace(/[.*+?^$()|[\]\\]/g, '\\$&')}: file is not a database`));
  assert.doesNotMatch(damaged.stderr, /\n\s+at /, 'no stack trace unless GAMEDAY_DEBUG is set');
});
