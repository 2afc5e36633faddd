// The dashboard's one script: it adds the live parts to pages that are complete without it. It follows the
// page's event stream (server-sent events from the control room), swaps in the fragments the server
// renders again, prepends new journal rows, keeps times counting, and draws the SLI charts with uPlot.
// It runs in the browser: no Node APIs, no imports at run time (uPlot is a classic script before it).
import type uPlot from 'uplot';
// Type-only: erased from the script, so the browser still loads no module.
import type { ChartPoint } from '../run-feed.js';

interface Series {
  t: number[];
  r: number[];
  e: number[];
  p50: number[];
  p99: number[];
}

const COLORS = ['#2563eb', '#9333ea', '#0d9488', '#ea580c', '#db2777', '#65a30d', '#0891b2', '#a16207'];
/** Journal rows kept on the page; the report and journal.json have every event. */
const MAX_ROWS = 2000;

const meta = (name: string) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? undefined;
/** Server clock minus this one: times left are counted on the server's clock. */
const skew = Number(meta('gameday-now') ?? Date.now()) - Date.now();
const now = () => Date.now() + skew;

function span(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return s % 60 > 0 ? `${m} min ${s % 60} s` : `${m} min`;
}

function tick(): void {
  for (const time of document.querySelectorAll<HTMLElement>('time.tick')) {
    const until = time.dataset.until;
    const since = time.dataset.since;
    const text = until !== undefined ? span(Math.max(0, Number(until) - now())) : since !== undefined ? span(now() - Number(since)) : undefined;
    if (text !== undefined && time.textContent !== text) time.textContent = text;
  }
}

/** Swaps a fragment in, unless the person is typing in it: then once they leave it. */
function swap(id: string, html: string): void {
  const element = document.getElementById(id);
  if (!element) return;
  if (element.contains(document.activeElement) && document.activeElement !== document.body) {
    element.dataset.pending = html;
    element.addEventListener(
      'focusout',
      () =>
        setTimeout(() => {
          const pending = element.dataset.pending;
          if (pending !== undefined && !element.contains(document.activeElement)) {
            delete element.dataset.pending;
            element.innerHTML = pending;
          }
        }),
      { once: true },
    );
    return;
  }
  element.innerHTML = html;
  tick();
}

function prependJournal(html: string): void {
  const body = document.getElementById('journal-rows') as HTMLTableSectionElement | null;
  if (!body) return;
  const known = Number((body.firstElementChild as HTMLElement | null)?.dataset.seq ?? 0);
  const template = document.createElement('template');
  template.innerHTML = html;
  // After a reconnect the stream may send rows the page already has.
  const fresh = [...template.content.querySelectorAll<HTMLElement>('tr[data-seq]')].filter((row) => Number(row.dataset.seq) > known);
  body.prepend(...fresh);
  while (body.rows.length > MAX_ROWS) body.deleteRow(-1);
}

class Charts {
  private readonly series = new Map<string, Series>();
  private readonly plots: { plot: uPlot; key: string; figure: HTMLElement }[] = [];
  private drawing = false;

  constructor(private readonly root: HTMLElement, private readonly lib: typeof uPlot) {
    new ResizeObserver(() => this.resize()).observe(root);
  }

  reset(): void {
    this.series.clear();
    this.schedule();
  }

  add(points: ChartPoint[]): void {
    for (const p of points) {
      let s = this.series.get(p.l);
      if (!s) this.series.set(p.l, (s = { t: [], r: [], e: [], p50: [], p99: [] }));
      s.t.push(p.t);
      s.r.push(p.r);
      s.e.push(p.e * 100);
      s.p50.push(p.p50);
      s.p99.push(p.p99);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.drawing) return;
    this.drawing = true;
    requestAnimationFrame(() => {
      this.drawing = false;
      this.draw();
    });
  }

  private draw(): void {
    const names = [...this.series.keys()];
    const key = names.join('\u0000');
    const specs = [
      { id: 'rate', title: 'Request rate', unit: 'requests/s', lines: names.map((n, i) => ({ label: n, color: COLORS[i % COLORS.length], pick: (s: Series) => s.r })) },
      { id: 'errors', title: 'Error rate', unit: '% of requests', lines: names.map((n, i) => ({ label: n, color: COLORS[i % COLORS.length], pick: (s: Series) => s.e })) },
      {
        id: 'latency',
        title: 'Latency from the intended send time',
        unit: 'ms, p99 solid, p50 dashed',
        lines: names.flatMap((n, i) => [
          { label: `${n} p99`, color: COLORS[i % COLORS.length], pick: (s: Series) => s.p99 },
          { label: `${n} p50`, color: COLORS[i % COLORS.length], pick: (s: Series) => s.p50, dash: [5, 4] },
        ]),
      },
    ];
    specs.forEach((spec, index) => {
      const tables = names.flatMap((name) => {
        const s = this.series.get(name)!;
        const lines = spec.lines.filter((line) => line.label === name || line.label.startsWith(`${name} p`));
        return [[s.t, ...lines.map((line) => line.pick(s))] as uPlot.AlignedData];
      });
      const data = tables.length === 0 ? ([[]] as unknown as uPlot.AlignedData) : this.lib.join(tables);
      let chart = this.plots[index];
      if (!chart || chart.key !== key) {
        chart?.plot.destroy();
        chart?.figure.remove();
        const figure = document.createElement('figure');
        figure.className = 'chart';
        figure.dataset.chart = spec.id;
        figure.innerHTML = `<figcaption class="chart-title">${spec.title} <span class="gd-unit">${spec.unit}</span></figcaption>`;
        this.root.children[index] ? this.root.insertBefore(figure, this.root.children[index]) : this.root.append(figure);
        const plot = new this.lib(
          {
            width: this.width(),
            height: 200,
            scales: { x: { time: false }, y: { range: (_u: uPlot, _min: number, max: number) => [0, max > 0 ? max * 1.1 : 1] } },
            legend: { live: false },
            axes: [{ label: 'run time (s)', stroke: '#5b6470' }, { stroke: '#5b6470', size: 56 }],
            series: [{ label: 's' }, ...spec.lines.map((line) => ({ label: line.label, stroke: line.color, width: 1.8, dash: (line as { dash?: number[] }).dash, points: { show: false } }))],
            cursor: { focus: { prox: 16 } },
          },
          data,
          figure,
        );
        plot.root.setAttribute('role', 'img');
        chart = this.plots[index] = { plot, key, figure };
      } else {
        chart.plot.setData(data);
      }
      const points = (data[0] as ArrayLike<number>).length;
      chart.figure.dataset.points = String(points);
      const latest = names.map((name) => {
        const s = this.series.get(name)!;
        const last = s.t.length - 1;
        return `${name}: ${spec.id === 'rate' ? `${Math.round(s.r[last])}/s` : spec.id === 'errors' ? `${s.e[last].toFixed(2)}%` : `p99 ${s.p99[last].toFixed(1)} ms`}`;
      });
      chart.plot.root.setAttribute('aria-label', `${spec.title}, ${points} samples; latest ${latest.join(', ') || 'none'}`);
    });
  }

  private width(): number {
    return Math.max(320, this.root.clientWidth);
  }

  private resize(): void {
    for (const chart of this.plots) chart.plot.setSize({ width: this.width(), height: 200 });
  }
}

function follow(url: string): void {
  const source = new EventSource(url);
  const root = document.getElementById('charts');
  const lib = (window as unknown as { uPlot?: typeof uPlot }).uPlot;
  const charts = root && lib ? new Charts(root, lib) : undefined;
  let opened = 0;
  source.addEventListener('open', () => {
    // Every connection starts the samples from the first one again.
    if (opened++ > 0) charts?.reset();
  });
  source.addEventListener('fragment', (event) => {
    const { id, html } = JSON.parse((event as MessageEvent<string>).data) as { id: string; html: string };
    swap(id, html);
  });
  source.addEventListener('journal', (event) => prependJournal((JSON.parse((event as MessageEvent<string>).data) as { html: string }).html));
  source.addEventListener('samples', (event) => charts?.add(JSON.parse((event as MessageEvent<string>).data) as ChartPoint[]));
  source.addEventListener('end', () => {
    source.close();
    for (const element of document.querySelectorAll('[data-live-only]')) element.remove();
    document.body.dataset.ended = 'true';
  });
}

tick();
setInterval(tick, 500);
const stream = meta('gameday-stream');
if (stream) follow(stream);
