import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartContext, layoutBandLabels, PLOT_LEFT, PLOT_WIDTH, renderChartSvg, timeTickLabel } from '../../src/report/charts.js';
import { renderHtml } from '../../src/report/html.js';
import { timeTicks, valueTicks } from '../../src/report/scale.js';
import { downsample, MAX_POINTS_PER_SERIES, seriesByLoad, summarisePhases } from '../../src/report/series.js';
import { buildJournal } from './fixture.js';

test('a long series is thinned to at most 600 points without hiding the worst latency or any error', () => {
  const journal = buildJournal({ durationMs: 2 * 3600_000, intervalMs: 250, faultStartMs: 3600_000, faultEndMs: 3700_000, breachAtMs: null });
  const samples = journal.samples;
  assert.equal(samples.length, 28_800);
  samples[12_345].p99 = 9_999;
  const thinned = downsample(samples);
  assert.ok(thinned.length <= MAX_POINTS_PER_SERIES && thinned.length >= MAX_POINTS_PER_SERIES - 2, `${thinned.length} points`);
  assert.equal(Math.max(...thinned.map((s) => s.p99)), 9_999, 'the spike survives');
  const errors = (list: typeof samples) => list.reduce((n, s) => n + s.errors, 0);
  assert.equal(errors(thinned), errors(samples), 'no error is lost');
  for (const point of thinned) assert.ok(point.ok + point.errors === 0 || Math.abs(point.errorRate - point.errors / (point.ok + point.errors)) < 1e-12);
  assert.ok(thinned.every((p, i) => i === 0 || p.atMs > thinned[i - 1].atMs), 'still in time order');
});

test('a short series is drawn as it is', () => {
  const samples = buildJournal({ durationMs: 10_000 }).samples;
  assert.deepEqual(downsample(samples), samples);
});

test('every chart line of a two-hour run with three loads has at most 600 points', () => {
  const journal = buildJournal({ durationMs: 2 * 3600_000, loads: ['a', 'b', 'c'], breachAtMs: 5000_000 });
  // CPU time, so that other processes holding the CPU of a loaded machine do not count as rendering.
  const started = process.cpuUsage();
  const html = renderHtml(journal);
  const used = process.cpuUsage(started);
  const elapsed = (used.user + used.system) / 1000;
  const paths = [...html.matchAll(/<path class="gd-line[^"]*" data-load="[^"]*" d="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(paths.length, 3 * 4, 'rate, error rate, p99 and p50 for each load');
  for (const d of paths) assert.ok((d.match(/[ML]/g)?.length ?? 0) <= MAX_POINTS_PER_SERIES);
  assert.ok(html.length < 1_500_000, `report.html stays small: ${html.length} bytes`);
  assert.ok(elapsed < 10_000, `rendered in ${Math.round(elapsed)} ms of CPU`);
});

test('fault and step bands are shaded on every chart at their place on the time axis, with labels', () => {
  const journal = buildJournal({ durationMs: 60_000, faultStartMs: 15_000, breachAtMs: 36_000 });
  const ctx = chartContext(journal);
  const svg = renderChartSvg('latency', ctx);
  const fault = /<rect class="gd-band gd-band-fault" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(svg);
  assert.ok(fault, 'a fault band is drawn');
  const x = (ms: number) => PLOT_LEFT + (ms / 60_000) * PLOT_WIDTH;
  assert.ok(Math.abs(Number(fault[1]) - x(15_000)) < 0.2, `starts at 15 s: ${fault[1]}`);
  assert.ok(Math.abs(Number(fault[1]) + Number(fault[2]) - x(36_250)) < 0.3, 'ends when the fault was reverted, 36.25 s');
  assert.match(svg, /<g class="gd-label gd-label-fault">.*?<text[^>]*>latency \+300ms on recommendations<\/text>/);
  assert.match(svg, /<g class="gd-label gd-label-step">.*?<text[^>]*>inject latency 300ms<\/text>/);
  assert.match(svg, /<g class="gd-label gd-label-phase">.*?<text[^>]*>before<\/text>/);
  assert.equal(svg.match(/<g class="gd-breach">/g)?.length, 1, 'the guardrail breach is marked');
  const html = renderHtml(journal);
  assert.equal(html.match(/<rect class="gd-band gd-band-fault"/g)?.length, 3, 'on all three charts');
});

test('band labels that overlap in time go on separate rows', () => {
  const journal = buildJournal();
  journal.bands = [
    { kind: 'fault', label: 'latency on recommendations', startMs: 10_000, endMs: 40_000 },
    { kind: 'fault', label: 'errors on ads', startMs: 20_000, endMs: 30_000 },
    { kind: 'step', label: 'wait', startMs: 45_000, endMs: 50_000 },
  ];
  const rows = layoutBandLabels(chartContext(journal)).map((l) => l.row);
  assert.deepEqual(rows, [0, 1, 0]);
});

test('one load is labelled p99 and p50; several loads are named in the legend', () => {
  const one = renderHtml(buildJournal({ loads: ['page'] }));
  assert.match(one, /<figure class="gd-figure" id="chart-latency">.*?<\/svg>p99<\/li>.*?<\/svg>p50<\/li>/s);
  const two = renderHtml(buildJournal({ loads: ['page', 'checkout'] }));
  assert.match(two, /<\/svg>page p99<\/li>.*<\/svg>checkout p50<\/li>/s);
  assert.equal(seriesByLoad(buildJournal({ loads: ['page', 'checkout'] }).samples).length, 2);
});

test('axis ticks fall on round numbers and a zero series gets a unit axis', () => {
  assert.deepEqual(valueTicks(0), { max: 1, step: 0.25, values: [0, 0.25, 0.5, 0.75, 1] });
  assert.deepEqual(valueTicks(1530).values, [0, 500, 1000, 1500, 2000]);
  assert.deepEqual(timeTicks(60_000).values, [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
  assert.equal(timeTicks(2 * 3600_000).step, 900_000, '15-minute steps for a two-hour run');
  assert.equal(timeTickLabel(45_000, 60_000), '45s', 'seconds since the start for a short run');
  assert.equal(timeTickLabel(4_500_000, 7_200_000), '1h15m');
  assert.equal(timeTickLabel(1_800_000, 7_200_000), '30m');
});

test('the per-phase summary counts every request of the phase and reports the worst interval', () => {
  const journal = buildJournal();
  const during = summarisePhases(journal).find((s) => s.phase === 'during');
  assert.ok(during);
  const inPhase = journal.samples.filter((s) => s.atMs >= during.startMs && s.atMs < during.endMs);
  assert.equal(during.requests, inPhase.reduce((n, s) => n + s.ok + s.errors, 0));
  assert.equal(during.p99Worst, Math.max(...inPhase.map((s) => s.p99)));
});
