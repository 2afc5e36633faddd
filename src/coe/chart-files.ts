import { chartContext, metricCaption, METRIC_ORDER, renderChartSvg, type Metric } from '../report/charts.js';
import type { LoadedJournal } from '../journal/format.js';
import { REPORT_CSS } from '../report/styles.js';
import type { ChartFact } from './facts.js';

// The run report's charts as .svg files beside a COE, so the Markdown shows them as images (in a pull
// request, on a wiki, in `gameday coe show`). An image is its own document: the report's stylesheet does not
// reach it, so the chart rules of that stylesheet travel inside each file, with a white background that
// stays readable in a dark theme.

const CHART_CSS = [
  /^:root \{[\s\S]*?\n\}/m.exec(REPORT_CSS)?.[0] ?? '',
  ...REPORT_CSS.split('\n').filter((line) => /^(svg)?\.gd-|^rect\.gd-/.test(line) && !/tooltip|figure|legend|swatch/.test(line)),
  'svg.gd-chart { background: #fff; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }',
].join('\n');

const FILE_SUFFIX: Record<Metric, string> = { rate: 'request-rate', errorRate: 'error-rate', latency: 'latency' };

/** The run's request rate, error rate and latency over time, as standalone SVG documents. */
export function chartFiles(journal: LoadedJournal): ChartFact[] {
  const ctx = chartContext(journal);
  if (ctx.series.length === 0) return [];
  return METRIC_ORDER.map((metric) => {
    const caption = metricCaption(metric);
    const svg = renderChartSvg(metric, ctx).replace(/^<svg([^>]*)>/, (open) => `${open}<style>${CHART_CSS}</style>`);
    return { name: FILE_SUFFIX[metric], title: `${caption.title} (${caption.unit})`, svg: `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n` };
  });
}
