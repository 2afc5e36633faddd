// `gameday coe new`, `coe add` and `coe show` as a user runs them: real child processes, real files, a real
// SQLite store. The run is the journal of a real `gameday demo examples/no-timeouts.yaml --quick` (the
// fixture); test/demo/demo-cli.test.ts drafts from a run it has just made, through the store.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { repoRoot, spawnGameday, tempHome } from '../cli-process.js';
import { assertDraftMatchesJournal, type JournalLike } from './draft-expectations.js';

const home = tempHome('gameday-coe-draft-');
after(() => home.remove());
const gameday = (...args: string[]) => spawnGameday(args, home.dir).done;
const fixture = join(repoRoot, 'test/coe/fixtures/no-timeouts-aborted.journal.json');
const journal = JSON.parse(readFileSync(fixture, 'utf8')) as JournalLike & { verdict: string };
const store = join(home.dir, '.gameday', 'gameday.db');

test('a COE drafted from a violated run states the journal\'s numbers, its charts beside it, and the check lists what people must write', async () => {
  const out = join(home.dir, 'reviews', 'coe.md');
  const result = await gameday('coe', 'new', '--run', fixture, '--out', out);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`drafted reviews/coe.md from run ${journal.runId} .*\\(ABORTED, exit 2\\)`));
  assert.match(result.stdout, /registered as COE coe in /);
  const markdown = readFileSync(out, 'utf8');
  assert.deepEqual(assertDraftMatchesJournal(markdown, journal), ['shoppers']);
  assert.match(markdown, /^related:\n {2}- \.\.\/\.\.\/.*examples\/no-timeouts\.yaml$|^related:\n {2}- .*no-timeouts\.yaml$/m);

  const charts = readdirSync(join(home.dir, 'reviews')).filter((f) => f.endsWith('.svg')).sort();
  assert.deepEqual(charts, ['coe-error-rate.svg', 'coe-latency.svg', 'coe-request-rate.svg']);
  for (const chart of charts) {
    assert.ok(markdown.includes(`](${chart})`), `the draft shows ${chart}`);
    const svg = readFileSync(join(home.dir, 'reviews', chart), 'utf8');
    assert.match(svg, /^<\?xml[^>]*>\n<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*><style>[^<]*\.gd-line[^<]*<\/style>/, 'a standalone SVG carries its own styles');
    assert.match(svg, /<\/svg>\n$/);
  }
  assert.match(readFileSync(join(home.dir, 'reviews', 'coe-error-rate.svg'), 'utf8'), /class="gd-breach"/, 'the guardrail breach is marked on the chart');

  const check = await gameday('coe', 'check', out, '--json');
  assert.equal(check.code, 1, 'a draft is not finished');
  const findings = JSON.parse(check.stdout) as Array<{ rule: string; message: string }>;
  const said = findings.map((f) => `${f.rule}: ${f.message}`);
  for (const section of ['Summary', 'Five whys', 'What went well', 'Lessons', 'Action items']) {
    assert.ok(said.includes(`structure/empty-section: section "${section}" is not written yet`), `${section} is for people to write:\n${said.join('\n')}`);
  }
  assert.ok(said.includes('structure/action-item: no action items: a COE commits to at least one change to the system'));
  for (const section of ['Customer impact', 'Timeline', 'Metrics', 'Related items']) assert.ok(!said.some((s) => s.includes(`"${section}"`)), `${section} is drafted from facts`);
  assert.deepEqual(findings.filter((f) => f.rule.startsWith('blame/')), [], 'words from the record never read as blame');
  assert.ok(!said.some((s) => s.startsWith('structure/missing-section')), 'every section is there');
});

test('the default name is coe-<run id>.md in the current folder; nothing is overwritten without --force', async () => {
  const folder = join(home.dir, 'runs', journal.runId);
  mkdirSync(folder, { recursive: true });
  cpSync(fixture, join(folder, 'journal.json'));
  const file = join(home.dir, `coe-${journal.runId}.md`);
  assert.equal((await gameday('coe', 'new', '--run', folder)).code, 0);
  const before = statSync(file).mtimeMs;
  const again = await gameday('coe', 'new', '--run', folder);
  assert.equal(again.code, 3);
  assert.match(again.stderr, new RegExp(`coe-${journal.runId}\\.md, .* are already there; nothing was written \\(--force overwrites`));
  assert.equal(statSync(file).mtimeMs, before, 'the COE was not touched');
  const forced = await gameday('coe', 'new', '--run', folder, '--force');
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /registered as COE coe-/);
});

test('a run that is not there: exit 3, a clear message, nothing written and no store created', async () => {
  const elsewhere = tempHome('gameday-coe-empty-');
  try {
    const result = await spawnGameday(['coe', 'new', '--run', '20990101-000000-abcdef'], elsewhere.dir).done;
    assert.equal(result.code, 3);
    assert.match(result.stderr, /no file, folder or run id "20990101-000000-abcdef" \(run ids are listed by `gameday runs`; store: .*\)\nnothing was written\./);
    assert.deepEqual(readdirSync(elsewhere.dir), [], 'no file and no store');
    const broken = join(elsewhere.dir, 'journal.json');
    elsewhere.write('journal.json', '{ "runId": 1 ');
    const malformed = await spawnGameday(['coe', 'new', '--run', broken], elsewhere.dir).done;
    assert.equal(malformed.code, 3);
    assert.match(malformed.stderr, /journal\.json:1:\d+/);
    assert.deepEqual(readdirSync(elsewhere.dir), ['journal.json']);
  } finally {
    elsewhere.remove();
  }
});

test('coe add, show and check refuse malformed front matter, a missing file and an unknown COE with exit 3 and register nothing', async () => {
  const bad = home.write('bad.md', '---\nkind: coe\ntitle: Checkout\nseverity: sev9\nactions:\n  - { id: A1, action: Add a timeout., due: 11/12/2026 }\n---\n# Checkout\n');
  for (const verb of ['add', 'show', 'check']) {
    const result = await gameday('coe', verb, bad);
    assert.equal(result.code, 3, `coe ${verb}: ${result.stdout}${result.stderr}`);
    assert.match(result.stderr, /bad\.md:4:11 severity: .*SEV1/);
    assert.match(result.stderr, /bad\.md:6:\d+ actions\[0\]\.due: expected a date written YYYY-MM-DD/);
  }
  const missing = await gameday('coe', 'add', join(home.dir, 'nope.md'));
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /cannot read .*nope\.md: no such file/);
  const notCoe = await gameday('coe', 'add', home.write('notes.md', '# Notes\n'));
  assert.equal(notCoe.code, 3);
  assert.match(notCoe.stderr, /notes\.md:1:1: not a COE: it has no `kind: coe` front matter/);
  const unknown = await gameday('coe', 'show', 'no-such-coe');
  assert.equal(unknown.code, 3);
  assert.match(unknown.stderr, /no COE file or registered COE "no-such-coe"/);
  const listed = await gameday('coe', 'actions', '--all', '--json');
  assert.equal(listed.code, 0);
  assert.ok((JSON.parse(listed.stdout) as Array<{ coePath: string }>).every((item) => !/bad\.md|notes\.md/.test(item.coePath)), 'nothing of the refused files was registered');
  assert.ok(existsSync(store));
});

test('coe show --html renders the Markdown safely, with its charts inlined and the check\'s findings', async () => {
  const out = join(home.dir, 'shown', 'coe.md');
  assert.equal((await gameday('coe', 'new', '--run', fixture, '--out', out)).code, 0);
  const hostile = readFileSync(out, 'utf8').replace(
    '## Summary\n',
    '## Summary\n\nThe page <script>alert(1)</script> broke. <img src=x onerror="alert(2)"> See [the runbook](javascript:alert(3)) and ![a remote chart](https://example.com/c.png).\n\n<iframe src="https://example.com"></iframe>\n',
  );
  home.write('shown/coe.md', hostile);
  const result = await gameday('coe', 'show', out, '--html');
  assert.equal(result.code, 0, result.stderr);
  const html = result.stdout;
  const article = html.slice(html.indexOf('<article'), html.indexOf('</article>'));
  assert.doesNotMatch(article, /<script|onerror|javascript:|<iframe|https:\/\/example\.com\/c\.png"/i, 'no raw HTML, handler or script link from the file');
  assert.match(article, /The page alert\(1\) broke\./, 'a raw element is dropped; the words in it stay as text');
  assert.match(article, /See <a>the runbook<\/a>/, 'a javascript: link keeps its words and loses its target');
  assert.match(article, /\[image not shown: a remote chart \(https:\/\/example\.com\/c\.png\)\]/);
  assert.equal((article.match(/<img [^>]*src="data:image\/svg\+xml;base64,/g) ?? []).length, 3, 'the three charts, inlined');
  assert.match(html, /<h2 id="coe-findings">Check<\/h2>/);
  assert.match(html, /section &quot;Five whys&quot; is not written yet/);
  assert.match(html, /<h2 id="coe-items">Action items<\/h2>/, 'a registered COE shows its tracked items');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; [^"]*script-src 'none'/);
  const written = await gameday('coe', 'show', out, '--html', '--out', join(home.dir, 'shown', 'coe.html'));
  assert.equal(written.code, 0);
  assert.equal(readFileSync(join(home.dir, 'shown', 'coe.html'), 'utf8'), html);
});
