// Journals outlive the GameDay that wrote them: `gameday report` reads one of an older format version (the
// fixture is a real journal.json written by GameDay before the format had a version: a fleet run that
// terminated, drained and evacuated) and refuses one of a newer version it could misread.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { JOURNAL_VERSION } from '../../src/journal/format.js';
import { parseJournal } from '../../src/journal/journal-file.js';
import { repoRoot, spawnGameday, tempHome } from '../cli-process.js';
import { validJournal } from '../journal-schema.js';

const VERSION_1 = join(repoRoot, 'test/journal/fixtures/journal-v1.json');

test('a journal written before the format had a version is rendered by `gameday report`, its fault facts under their typed names', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const out = join(home.dir, 'reports');
  const result = await spawnGameday(['report', VERSION_1, '--out', out], home.dir).done;
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /"Lose a hello instance in us-east" .*: HELD \(exit 0\)/);
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  for (const type of ['instances.terminated', 'instances.draining', 'region.evacuating', 'fault.cleared']) assert.ok(md.includes(`\`${type}\``), `${type} in the timeline`);
  assert.doesNotMatch(md, /`(terminated instances|reverted terminate)`/);
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /<svg/, 'the charts are drawn from its samples');
});

test('a version-1 journal is read as a journal of the current format', () => {
  const text = readFileSync(VERSION_1, 'utf8');
  assert.equal((JSON.parse(text) as { version?: number }).version, undefined, 'the fixture is of the format without a version');
  const loaded = parseJournal(text, VERSION_1);
  assert.equal(loaded.version, JOURNAL_VERSION);
  const journal = validJournal(JSON.parse(JSON.stringify(loaded)), 'the version-1 journal as read');
  const cleared = journal.events.flatMap((e) => (e.type === 'fault.cleared' ? [e.data] : []));
  assert.deepEqual(
    cleared.map((c) => [c.kind, c.instance]),
    [['terminate', undefined], ['drain', 'hello/us-east/0'], ['evacuate-region', undefined]],
  );
  assert.ok(cleared.every((c) => c.heldFaultId.length > 0 && c.target.length > 0));
  const terminated = journal.events.find((e) => e.type === 'instances.terminated');
  assert.deepEqual(terminated?.data, { target: 'hello', instances: [{ id: 'hello/us-east/1', pid: 707 }] });
});

test('a journal of a newer format version is refused with its line and what to do, exit 3, and no report', async (t) => {
  const home = tempHome();
  t.after(() => home.remove());
  const journal = { version: JOURNAL_VERSION + 1, ...JSON.parse(readFileSync(VERSION_1, 'utf8')) as object };
  const file = home.write('journal.json', JSON.stringify(journal, null, 2));
  const result = await spawnGameday(['report', file], home.dir).done;
  assert.equal(result.code, 3, result.stdout);
  assert.match(result.stderr, new RegExp(`journal\\.json:2:\\d+ version: this journal was written by a newer GameDay .*version ${JOURNAL_VERSION}.*upgrade`));
  assert.ok(!existsSync(join(home.dir, 'report.html')), 'no report was written');
});
