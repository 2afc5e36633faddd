import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml } from '../../src/report/format.js';
import { renderHtml } from '../../src/report/html.js';
import { buildJournal } from './fixture.js';

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

test('every text from the journal is escaped in report.html, so user input cannot add markup', () => {
  const journal = buildJournal({ title: HOSTILE, description: HOSTILE, loads: [HOSTILE] });
  journal.verdictReason = HOSTILE;
  journal.runId = HOSTILE;
  journal.blastRadius.push(HOSTILE);
  journal.objectives[0].name = HOSTILE;
  journal.objectives[0].expected = HOSTILE;
  journal.events.push({ atMs: 10, at: journal.startedAt, type: HOSTILE, message: HOSTILE, data: { x: HOSTILE } });
  journal.bands.push({ kind: 'fault', label: HOSTILE, startMs: 1000, endMs: 2000 });
  // A hand-edited journal read by `gameday report`: a band kind this version does not know is not drawn.
  journal.bands.push({ kind: `x${HOSTILE}` as 'fault', label: 'odd', startMs: 1000, endMs: 2000 });

  const html = renderHtml(journal);
  assert.ok(!html.includes('<img'), 'no injected image element');
  assert.ok(!html.includes('<script>alert'), 'no injected script element');
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'), 'the title is shown as text');
  // Exactly our own two script elements: the JSON data block and the hover script.
  assert.equal(html.match(/<script/g)?.length, 2);
  assert.equal(html.match(/<\/script>/g)?.length, 2, 'a load name in the data block cannot close it early');
});

test('report.html carries a Content-Security-Policy that forbids network requests and foreign scripts', () => {
  const html = renderHtml(buildJournal());
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
  assert.ok(!/https?:\/\//.test(html.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, '').replace(/http:\/\/127\.0\.0\.1[^\s<"]*/g, '')), 'no URL to fetch anything from');
});

test('the verdict is shown in big words with its reason and its colour', () => {
  for (const [verdict, word, tone] of [['held', 'HELD', 'tone-held'], ['violated', 'VIOLATED', 'tone-violated'], ['aborted', 'ABORTED', 'tone-aborted']] as const) {
    const journal = buildJournal({ verdict });
    const html = renderHtml(journal);
    assert.match(html, new RegExp(`<section class="verdict ${tone}"[^>]*><div class="verdict-word">${word}</div>`));
    assert.ok(html.includes(`<p class="verdict-reason">${escapeHtml(journal.verdictReason)}</p>`), verdict);
  }
});

test('a verdict this version does not know is shown as written instead of failing', () => {
  const journal = buildJournal();
  (journal as { verdict: string }).verdict = 'postponed';
  assert.match(renderHtml(journal), /<div class="verdict-word">POSTPONED<\/div>/);
});

test('the hypothesis table shows each objective with expected, measured and a tick or a cross', () => {
  const html = renderHtml(buildJournal());
  const rows = html.match(/<tr class="(ok|fail)">.*?<\/tr>/g) ?? [];
  assert.equal(rows.length, 7);
  assert.match(rows[3], /page p99 &lt; 500ms.*during.*&lt; 500ms.*1\.42s.*✗ not met/);
  assert.match(rows[0], /page availability ≥ 99\.9%.*before.*&gt;= 99\.9%.*99\.96%.*✓ met/);
});

test('a run without samples says so in place of the charts, and still shows objectives and timeline', () => {
  const journal = buildJournal({ withSamples: false, verdict: 'invalid' });
  journal.objectives = [{ name: 'availability', phase: 'before', sli: 'availability', expected: '>= 99%', measured: '', measuredValue: null, ok: false }];
  const html = renderHtml(journal);
  assert.match(html, /No SLI samples were recorded/);
  assert.ok(!html.includes('<svg class="gd-chart"'));
  assert.ok(!html.includes('id="gd-data"'), 'no hover layer without data');
  assert.match(html, /<td class="num">no data<\/td>/);
  assert.match(html, /<div class="verdict-word">INVALID<\/div>/);
  assert.ok(!/NaN|undefined/.test(html));
});

test('missing and non-finite values are left out of the charts rather than drawn as NaN', () => {
  const journal = buildJournal({ durationMs: 10_000 });
  for (const sample of journal.samples.slice(10, 14)) {
    (sample as { p99: number | null }).p99 = null;
    sample.p50 = NaN;
    sample.rate = Infinity;
  }
  const html = renderHtml(journal);
  assert.ok(!/NaN|Infinity|undefined/.test(html.replace(/id="gd-data">[^<]*/, '')), 'no broken numbers in the markup');
  const latency = /<svg class="gd-chart" data-metric="latency".*?<\/svg>/s.exec(html)?.[0] ?? '';
  const p99Path = /<path class="gd-line" [^>]*d="([^"]+)"/.exec(latency)?.[1] ?? '';
  assert.equal(p99Path.match(/M/g)?.length, 2, 'the p99 line has a gap where values are missing');
});

test('a run whose values are all zero draws flat lines on a sensible axis', () => {
  const journal = buildJournal({ durationMs: 5000 });
  for (const s of journal.samples) Object.assign(s, { rate: 0, ok: 0, errors: 0, errorRate: 0, p50: 0, p99: 0, max: 0 });
  const html = renderHtml(journal);
  assert.ok(!/NaN|Infinity/.test(html));
  assert.match(html, /<text class="gd-tick gd-tick-y"[^>]*>1%<\/text>/, 'error rate axis runs 0–1%');
});

test("a probe's checks are charted beside the loads but left out of the run's traffic figures", () => {
  const journal = buildJournal({ loads: ['product page'] });
  const requests = (html: string) => /Requests<\/div><div class="tile-value">([^<]+)</.exec(html)?.[1];
  const before = requests(renderHtml(journal));
  for (const sample of journal.samples.filter((s) => s.load === 'product page')) {
    journal.samples.push({ ...sample, load: 'health probe', source: 'probe', rate: 4, ok: 1, errors: 0, dropped: 0, errorRate: 0, p50: 900, p99: 900, max: 900 });
  }
  const html = renderHtml(journal);
  assert.equal(requests(html), before, 'the Requests tile counts the load only');
  assert.match(html, /data-load="health probe"/, 'the probe has its own line on the charts');
  assert.doesNotMatch(/p99 latency<\/div><div class="tile-value">([^<]+)</.exec(html)?.[1] ?? '', /900/, "the probe's latency does not become the run's p99");
});
