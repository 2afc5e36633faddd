// The report's time-series charts, drawn as inline SVG by hand so report.html opens offline and needs
// no chart library: request rate, error rate and latency per load over time, with the run's phases,
// steps and faults as labelled bands and guardrail breaches as markers. Everything here renders
// without JavaScript; html.ts adds an optional hover layer on top of the same geometry.

import type { Band, LoadedJournal, SliSample } from '../journal/format.js';
import { isOfType, type EventRecord } from '../journal/events.js';
import { escapeHtml, formatLatency, isMeasured } from './format.js';
import { timeTicks, valueTicks } from './scale.js';
import { downsample, runEndMs, seriesByLoad, typicalIntervalMs } from './series.js';

export const CHART_WIDTH = 1040;
export const PLOT_LEFT = 64;
export const PLOT_WIDTH = CHART_WIDTH - PLOT_LEFT - 24;
const PLOT_HEIGHT = 170;
const TITLE_HEIGHT = 4;
const ROW_HEIGHT = 18;
/** More label rows than this would push the plot off screen; further labels stay as hover titles. */
const MAX_LABEL_ROWS = 4;
const AXIS_HEIGHT = 26;
/** Average glyph width of 11px system-ui text, to lay labels out without measuring in a browser. */
const CHAR_WIDTH = 6.1;

/** Colours for loads, distinct from the red used for faults and breaches. */
export const LOAD_COLORS = ['#2563eb', '#9333ea', '#0d9488', '#ea580c', '#db2777', '#65a30d', '#0891b2', '#a16207'];

export type Metric = 'rate' | 'errorRate' | 'latency';

export interface ChartSeries {
  load: string;
  color: string;
  /** Time-ordered, thinned to at most MAX_POINTS_PER_SERIES. */
  points: SliSample[];
}

/** What every chart of one report shares: one time axis, the loads, the bands and the breaches. */
export interface ChartContext {
  endMs: number;
  series: ChartSeries[];
  bands: Band[];
  breaches: EventRecord[];
}

const BAND_KINDS: ReadonlySet<string> = new Set(['step', 'fault', 'phase']);

export function chartContext(journal: LoadedJournal): ChartContext {
  return {
    endMs: runEndMs(journal),
    series: seriesByLoad(journal.samples).map(({ load, samples }, i) => ({
      load,
      color: LOAD_COLORS[i % LOAD_COLORS.length],
      points: downsample(samples),
    })),
    // Only the kinds this renderer knows: a journal from a newer GameDay (or a hand-edited one) may carry
    // others, and a band's kind ends up in class names.
    bands: (journal.bands ?? []).filter((b) => b && BAND_KINDS.has(b.kind) && isMeasured(b.startMs) && isMeasured(b.endMs) && b.endMs >= b.startMs),
    breaches: (journal.events ?? []).filter((e) => e && isOfType(e, 'guardrail.breach') && isMeasured(e.atMs)),
  };
}

interface MetricSpec {
  title: string;
  unit: string;
  lines: Array<{ value: (s: SliSample) => number; dashed: boolean; suffix: string }>;
  area: boolean;
  tickLabel: (v: number) => string;
}

const METRICS: Record<Metric, MetricSpec> = {
  rate: {
    title: 'Request rate',
    unit: 'completed requests per second',
    lines: [{ value: (s) => s.rate, dashed: false, suffix: '' }],
    area: true,
    tickLabel: (v) => (v >= 10_000 ? `${trim(v / 1000)}k` : trim(v)),
  },
  errorRate: {
    title: 'Error rate',
    unit: 'failed / completed, per interval',
    // Drawn in percent so the ticks read 0.5%, 1% rather than 0.005.
    lines: [{ value: (s) => s.errorRate * 100, dashed: false, suffix: '' }],
    area: true,
    tickLabel: (v) => `${trim(v)}%`,
  },
  latency: {
    title: 'Latency',
    unit: 'p99 solid, p50 dashed, from intended send time',
    lines: [
      { value: (s) => s.p99, dashed: false, suffix: 'p99' },
      { value: (s) => s.p50, dashed: true, suffix: 'p50' },
    ],
    area: false,
    tickLabel: (v) => formatLatency(v).replace(' ', ''),
  },
};

export const METRIC_ORDER: Metric[] = ['rate', 'errorRate', 'latency'];

/** A chart's title and unit in words, for places that show the SVG without its HTML caption. */
export function metricCaption(metric: Metric): { title: string; unit: string } {
  return { title: METRICS[metric].title, unit: METRICS[metric].unit };
}

/**
 * One chart as a <figure>: an HTML caption (title, unit, legend — HTML so a long legend wraps) and an
 * <svg> sized by viewBox so it scales with the page.
 */
export function renderChart(metric: Metric, ctx: ChartContext): string {
  const spec = METRICS[metric];
  return [
    `<figure class="gd-figure" id="chart-${metric}"><figcaption><span class="gd-title">${escapeHtml(spec.title)}</span>`,
    `<span class="gd-unit">${escapeHtml(spec.unit)}</span>${renderLegend(metric, ctx)}</figcaption>`,
    renderChartSvg(metric, ctx),
    '</figure>',
  ].join('');
}

export function renderChartSvg(metric: Metric, ctx: ChartContext): string {
  const spec = METRICS[metric];
  const labels = layoutBandLabels(ctx);
  const rows = Math.min(MAX_LABEL_ROWS, labels.reduce((n, l) => Math.max(n, l.row + 1), 0));
  const plotTop = TITLE_HEIGHT + rows * ROW_HEIGHT + 8;
  const height = plotTop + PLOT_HEIGHT + AXIS_HEIGHT;
  const x = (ms: number) => PLOT_LEFT + (Math.min(Math.max(ms, 0), ctx.endMs) / (ctx.endMs || 1)) * PLOT_WIDTH;

  let maxValue = 0;
  for (const series of ctx.series) {
    for (const line of spec.lines) for (const p of series.points) {
      const v = line.value(p);
      if (isMeasured(v) && v > maxValue) maxValue = v;
    }
  }
  const yTicks = valueTicks(maxValue * 1.08);
  const y = (v: number) => plotTop + PLOT_HEIGHT - (Math.max(0, v) / yTicks.max) * PLOT_HEIGHT;
  const plotBottom = plotTop + PLOT_HEIGHT;
  const clipId = `gd-clip-${metric}`;

  const parts: string[] = [];
  parts.push(
    `<svg class="gd-chart" data-metric="${metric}" data-plot-top="${plotTop}" data-plot-height="${PLOT_HEIGHT}" data-y-max="${yTicks.max}"`,
    ` viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-label="${escapeHtml(`${spec.title} over time`)}" xmlns="http://www.w3.org/2000/svg">`,
    `<defs><clipPath id="${clipId}"><rect x="${PLOT_LEFT}" y="${plotTop - 1}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT + 2}"/></clipPath></defs>`,
  );

  // Bands under everything, so lines stay readable on top of the shading.
  for (const band of ctx.bands) {
    if (band.kind === 'phase') continue;
    const x1 = x(band.startMs);
    const w = Math.max(1.5, x(band.endMs) - x1);
    parts.push(
      `<rect class="gd-band gd-band-${band.kind}" x="${r(x1)}" y="${plotTop}" width="${r(w)}" height="${PLOT_HEIGHT}">`,
      `<title>${escapeHtml(`${band.kind}: ${band.label} (${secs(band.startMs)}–${secs(band.endMs)})`)}</title></rect>`,
    );
  }
  for (const label of labels) {
    if (label.row >= MAX_LABEL_ROWS) continue;
    const top = TITLE_HEIGHT + label.row * ROW_HEIGHT + 2;
    // Adjacent phases get a hairline gap so "before | during | after" reads as three segments.
    const inset = label.band.kind === 'phase' && label.x2 - label.x1 > 4 ? 1 : 0;
    parts.push(
      `<g class="gd-label gd-label-${label.band.kind}"><rect x="${r(label.x1 + inset)}" y="${top}" width="${r(Math.max(2, label.x2 - label.x1 - 2 * inset))}" height="${ROW_HEIGHT - 4}" rx="2"/>`,
      `<text x="${r(label.x1 + 5)}" y="${top + 11}">${escapeHtml(label.text)}</text>`,
      `<title>${escapeHtml(`${label.band.kind}: ${label.band.label} (${secs(label.band.startMs)}–${secs(label.band.endMs)})`)}</title></g>`,
    );
  }

  for (const tick of yTicks.values) {
    const ty = r(y(tick));
    parts.push(
      `<line class="gd-grid" x1="${PLOT_LEFT}" x2="${PLOT_LEFT + PLOT_WIDTH}" y1="${ty}" y2="${ty}"/>`,
      `<text class="gd-tick gd-tick-y" x="${PLOT_LEFT - 8}" y="${ty}" dy="0.32em">${escapeHtml(spec.tickLabel(tick))}</text>`,
    );
  }
  const time = timeTicks(ctx.endMs);
  for (const tick of time.values) {
    const tx = r(x(tick));
    parts.push(
      `<line class="gd-tick-mark" x1="${tx}" x2="${tx}" y1="${plotBottom}" y2="${plotBottom + 4}"/>`,
      `<text class="gd-tick gd-tick-x" x="${tx}" y="${plotBottom + 17}">${timeTickLabel(tick, ctx.endMs)}</text>`,
    );
  }
  parts.push(`<line class="gd-axis" x1="${PLOT_LEFT}" x2="${PLOT_LEFT + PLOT_WIDTH}" y1="${plotBottom}" y2="${plotBottom}"/>`);

  parts.push(`<g clip-path="url(#${clipId})">`);
  for (const series of ctx.series) {
    for (const line of spec.lines) {
      const segments = lineSegments(series.points, line.value, x, y);
      // Areas only for a single load: two translucent areas over each other read as a third colour.
      if (spec.area && ctx.series.length === 1) {
        for (const segment of segments.filter((s) => s.length > 1)) {
          const d = `M${r(segment[0][0])},${r(plotBottom)}L${segment.map(([px, py]) => `${r(px)},${r(py)}`).join('L')}L${r(segment[segment.length - 1][0])},${r(plotBottom)}Z`;
          parts.push(`<path class="gd-area" d="${d}" fill="${series.color}"/>`);
        }
      }
      const d = segments.map((segment) => `M${segment.map(([px, py]) => `${r(px)},${r(py)}`).join('L')}`).join('');
      if (d) {
        parts.push(`<path class="gd-line${line.dashed ? ' gd-dashed' : ''}" data-load="${escapeHtml(series.load)}" d="${d}" stroke="${series.color}"/>`);
      }
      // A lone sample has no line to draw; a dot keeps it visible.
      for (const segment of segments.filter((s) => s.length === 1)) {
        parts.push(`<circle class="gd-dot" cx="${r(segment[0][0])}" cy="${r(segment[0][1])}" r="2.5" fill="${series.color}"/>`);
      }
    }
  }
  parts.push('</g>');

  for (const breach of ctx.breaches) {
    const bx = r(x(breach.atMs));
    parts.push(
      `<g class="gd-breach"><line x1="${bx}" x2="${bx}" y1="${plotTop}" y2="${plotBottom}"/>`,
      `<path d="M${r(bx - 6)},${plotTop}L${r(bx + 6)},${plotTop}L${bx},${plotTop + 8}Z"/>`,
      `<title>${escapeHtml(`guardrail breach at ${secs(breach.atMs)}: ${breach.message}`)}</title></g>`,
    );
  }

  parts.push(
    `<line class="gd-cursor" x1="0" x2="0" y1="${plotTop}" y2="${plotBottom}" visibility="hidden"/>`,
    `<rect class="gd-overlay" x="${PLOT_LEFT}" y="${plotTop}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" fill="transparent"/>`,
    '</svg>',
  );
  return parts.join('');
}

type Point = [number, number];

/**
 * Splits a series into drawable runs: a missing value (NaN, null) or a pause much longer than the usual
 * sample spacing ends a run, so the chart shows a gap instead of a line across time with no data.
 */
export function lineSegments(points: readonly SliSample[], value: (s: SliSample) => number, x: (ms: number) => number, y: (v: number) => number): Point[][] {
  const gapMs = Math.max(typicalIntervalMs(points) * 3, 1);
  const segments: Point[][] = [];
  let current: Point[] = [];
  let lastAt = -Infinity;
  for (const point of points) {
    const v = value(point);
    if (!isMeasured(v) || point.atMs - lastAt > gapMs) {
      if (current.length > 0) segments.push(current);
      current = [];
    }
    lastAt = point.atMs;
    if (isMeasured(v)) current.push([x(point.atMs), y(v)]);
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

interface BandLabel {
  band: Band;
  row: number;
  x1: number;
  x2: number;
  text: string;
}

/** Phases on the first row, steps and faults below, each label on the first row where it fits. */
export function layoutBandLabels(ctx: ChartContext): BandLabel[] {
  const x = (ms: number) => PLOT_LEFT + (Math.min(Math.max(ms, 0), ctx.endMs) / (ctx.endMs || 1)) * PLOT_WIDTH;
  const labels: BandLabel[] = [];
  const phases = ctx.bands.filter((b) => b.kind === 'phase').sort((a, b) => a.startMs - b.startMs);
  for (const band of phases) {
    const x1 = x(band.startMs);
    const x2 = x(band.endMs);
    labels.push({ band, row: 0, x1, x2, text: fit(band.label, x2 - x1) });
  }
  const rowEnds: number[] = phases.length > 0 ? [Infinity] : [];
  const others = ctx.bands.filter((b) => b.kind !== 'phase').sort((a, b) => a.startMs - b.startMs || (a.kind === 'step' ? -1 : 1));
  for (const band of others) {
    const x1 = x(band.startMs);
    const text = band.label.length > 48 ? `${band.label.slice(0, 47)}…` : band.label;
    const x2 = Math.max(x(band.endMs), x1 + 2);
    const extent = Math.max(x2, x1 + text.length * CHAR_WIDTH + 10);
    let row = rowEnds.findIndex((end) => end + 4 <= x1);
    if (row === -1) row = rowEnds.push(0) - 1;
    rowEnds[row] = extent;
    labels.push({ band, row, x1, x2, text });
  }
  return labels;
}

function renderLegend(metric: Metric, ctx: ChartContext): string {
  const items: Array<{ label: string; swatch: string }> = [];
  for (const series of ctx.series) {
    for (const line of METRICS[metric].lines) {
      const name = [ctx.series.length > 1 ? series.load : '', line.suffix].filter(Boolean).join(' ') || series.load;
      items.push({
        label: name,
        swatch: `<line x1="1" x2="17" y1="6" y2="6" stroke="${series.color}" class="gd-line${line.dashed ? ' gd-dashed' : ''}"/>`,
      });
    }
  }
  if (ctx.bands.some((b) => b.kind === 'fault')) items.push({ label: 'fault', swatch: '<rect class="gd-band-fault gd-swatch" x="1" y="1" width="16" height="10"/>' });
  if (ctx.bands.some((b) => b.kind === 'step')) items.push({ label: 'step', swatch: '<rect class="gd-band-step gd-swatch" x="1" y="1" width="16" height="10"/>' });
  if (ctx.breaches.length > 0) items.push({ label: 'guardrail breach', swatch: '<g class="gd-breach"><line x1="9" x2="9" y1="0" y2="12"/><path d="M3,0L15,0L9,8Z"/></g>' });

  const entries = items.map((item) => `<li><svg class="gd-swatch-svg" viewBox="0 0 18 12" width="18" height="12" aria-hidden="true">${item.swatch}</svg>${escapeHtml(item.label)}</li>`);
  return `<ul class="gd-legend">${entries.join('')}</ul>`;
}

/**
 * Seconds since the start ("45s") for runs up to ten minutes; beyond that "1h15m" reads faster than
 * "4500s", and the ticks fall on whole minutes anyway.
 */
export function timeTickLabel(ms: number, endMs: number): string {
  if (endMs <= 600_000) return `${trim(ms / 1000)}s`;
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h${String(m).padStart(2, '0')}m`;
}

function fit(text: string, width: number): string {
  const chars = Math.floor((width - 10) / CHAR_WIDTH);
  if (chars <= 1) return '';
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}

function secs(ms: number): string {
  return `${trim(ms / 1000)}s`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(2)));
}

function r(n: number): number {
  return Math.round(n * 10) / 10;
}
