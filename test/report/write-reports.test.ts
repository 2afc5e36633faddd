import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHtml, renderMarkdown, writeReports } from '../../src/report/write-reports.js';
import { buildJournal } from './fixture.js';

test('writeReports writes report.html and report.md into the run folder and returns their paths', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'gameday-write-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const runFolder = join(root, 'runs', 'run_1');
  const journal = buildJournal();
  const paths = await writeReports(journal, runFolder);
  assert.deepEqual(paths, { html: join(runFolder, 'report.html'), md: join(runFolder, 'report.md') });
  assert.deepEqual((await readdir(runFolder)).sort(), ['report.html', 'report.md'], 'no partial files left behind');
  assert.equal(await readFile(paths.html, 'utf8'), renderHtml(journal));
  assert.equal(await readFile(paths.md, 'utf8'), renderMarkdown(journal));
});

test('a journal read back from JSON, with NaN turned into null, renders the same way', async () => {
  const journal = buildJournal({ durationMs: 8000 });
  journal.samples[3].p99 = NaN;
  journal.objectives[1].measuredValue = NaN;
  const roundTripped = JSON.parse(JSON.stringify(journal));
  assert.equal(roundTripped.samples[3].p99, null);
  assert.equal(renderHtml(roundTripped), renderHtml(journal));
  assert.equal(renderMarkdown(roundTripped), renderMarkdown(journal));
});
