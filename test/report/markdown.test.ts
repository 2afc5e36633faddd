import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkdown, markdownCode } from '../../src/report/format.js';
import { keyEvents, renderMarkdown } from '../../src/report/markdown.js';
import type { EventRecord } from '../../src/journal/events.js';
import { buildJournal } from './fixture.js';

test('report.md starts with the title, the verdict in words and the reason', () => {
  const journal = buildJournal();
  const md = renderMarkdown(journal);
  const lines = md.split('\n');
  assert.equal(lines[0], '# Product page survives a slow recommendations service');
  assert.match(md, /\*\*Verdict: 🛑 ABORTED\*\* — A guardrail aborted the run and every fault was reverted\./);
  assert.match(md, /^> Guardrail "p99 latency \\< 1s" breached at 36 s; the fault was reverted in 245 ms/m);
  assert.match(md, /exit code 2/);
});

test('the objectives table in report.md shows expected against measured and whether each was met', () => {
  const md = renderMarkdown(buildJournal());
  assert.match(md, /\| Objective \| Phase \| SLI \| Expected \| Measured \| Result \|/);
  assert.ok(md.includes('| page p99 \\< 500ms | during | `latency.p99` | \\< 500ms | 1.42s | **✗ not met** |'));
  assert.ok(md.includes('| page availability ≥ 99.9% | before | `availability` | \\>= 99.9% | 99.96% | ✓ met |'));
  const held = renderMarkdown(buildJournal({ verdict: 'held', breachAtMs: null }));
  assert.match(held, /\*\*Verdict: ✅ HELD\*\*/);
});

test('report.md lists the blast radius, key events and one line of SLIs per phase and load', () => {
  const md = renderMarkdown(buildJournal({ loads: ['product page', 'checkout'] }));
  assert.match(md, /## Blast radius\n\n- `link:shop→recommendations`\n/);
  assert.ok(md.includes('| 36 s | `guardrail.breach` | **guardrail "p99 latency \\< 1s" breached'));
  assert.ok(md.includes('| 15 s | `fault.injected` | latency +300ms on link:shop→recommendations'));
  assert.ok(!md.includes('`probe`'), 'routine probes are left to the journal');
  const phaseRows = md.split('\n').filter((l) => /^\| (before|during|after) \| (product page|checkout) \|/.test(l));
  assert.equal(phaseRows.length, 6);
  assert.match(phaseRows[1], /^\| during \| product page \| 10 s – 36\.3 s \| [\d,]+ \| \d+\/s \| [\d.]+% \| \d+ ms \| [\d.]+ s \| [\d.]+ s \|$/);
});

test('text from the journal cannot break the Markdown: no links, no raw HTML, no extra table cells', () => {
  const journal = buildJournal({ title: '[click](https://evil.example) <script>x</script>' });
  journal.objectives[0].name = 'a | b\nc';
  const md = renderMarkdown(journal);
  assert.ok(md.startsWith('# \\[click\\](https://evil.example) \\<script\\>x\\</script\\>\n'));
  const row = md.split('\n').find((l) => l.startsWith('| a '));
  assert.equal(row, '| a \\| b c | before | `availability` | \\>= 99.9% | 99.96% | ✓ met |');
});

test('identifiers are shown as code spans that no backtick or pipe in them can break', () => {
  assert.equal(markdownCode('a`b'), '``a`b``');
  assert.equal(markdownCode('`x`'), '`` `x` ``');
  assert.equal(markdownCode('p|q', true), '`p\\|q`');
  assert.equal(escapeMarkdown('# not a heading', true), '\\# not a heading');
  assert.equal(escapeMarkdown('1. not a list', true), '1\\. not a list');
  assert.equal(escapeMarkdown('1. inside a cell'), '1. inside a cell');
  assert.equal(escapeMarkdown('- not a list, ~~not struck~~', true), '\\- not a list, \\~\\~not struck\\~\\~');
});

test('a run without samples or objectives still produces a complete report.md', () => {
  const journal = buildJournal({ withSamples: false, verdict: 'invalid' });
  journal.objectives = [];
  journal.events = [];
  journal.blastRadius = [];
  const md = renderMarkdown(journal);
  for (const expected of ['**Verdict: ⛔ INVALID**', 'No objective was checked', 'No SLI samples were recorded.', 'declared no targets', 'No events were recorded.']) {
    assert.ok(md.includes(expected), expected);
  }
  assert.ok(!/NaN|undefined/.test(md));
});

test('a long run keeps every critical event in the Markdown timeline and caps the rest', () => {
  const events: EventRecord[] = [];
  for (let i = 0; i < 500; i++) events.push({ atMs: i * 100, at: '', type: 'step.start', message: `step ${i}` });
  events.push({ atMs: 49_000, at: '', type: 'guardrail.breach', message: 'late breach' });
  for (let i = 0; i < 300; i++) events.push({ atMs: i * 100, at: '', type: 'probe', message: 'probe' });
  const { shown, omitted } = keyEvents(events, 50);
  assert.equal(shown.length, 50);
  assert.ok(shown.some((e) => e.type === 'guardrail.breach'), 'the breach is kept however late it came');
  assert.equal(omitted, events.length - 50);
});

test('a journal without phase bands is summarised as one phase covering the whole run', () => {
  const journal = buildJournal({ loads: ['page', 'api'] });
  journal.bands = journal.bands.filter((b) => b.kind !== 'phase');
  const rows = renderMarkdown(journal).split('\n').filter((l) => l.startsWith('| run |'));
  assert.equal(rows.length, 2);
  const requests = journal.samples.filter((s) => s.load === 'page').reduce((n, s) => n + s.ok + s.errors, 0);
  assert.match(rows[0], new RegExp(`^\\| run \\| page \\| 0 s – 60 s \\| ${requests.toLocaleString('en-US')} \\|`));
});
