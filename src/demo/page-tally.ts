// What the load generator cannot see: a degraded page is still HTTP 200. The assemblers count every page by
// outcome and every dependency call by outcome (docs/demo.md, metrics); this module reads those counters
// from every assembler and keeps running totals, so the demo can say, per step, how many pages were
// full, degraded or failed and why. A restarted assembler starts its counters at zero: a counter that went
// down is a restart, and its new value is all new pages.

export interface PageCounts {
  full: number;
  degraded: number;
  failed: number;
  /** Dependency call outcomes other than ok, e.g. { recommendations: { timeout: 12, "circuit-open": 80 } }. */
  shed: Record<string, Record<string, number>>;
}

type Counters = Map<string, number>;

const PAGES = 'gameday_demo_pages_total';
const CALLS = 'gameday_demo_dependency_calls_total';

export class PageTally {
  private readonly lastSeen = new Map<string, Counters>();
  private readonly totals: Counters = new Map();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly metricsUrls: () => string[]) {}

  /** Scrapes every assembler (serialised, so marks taken in order stay in order) and returns the totals so far. */
  read(): Promise<PageCounts> {
    const next = this.queue.then(() => this.scrape());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async scrape(): Promise<PageCounts> {
    await Promise.all(
      this.metricsUrls().map(async (url) => {
        let text: string;
        try {
          text = await (await fetch(url, { signal: AbortSignal.timeout(1000) })).text();
        } catch {
          return; // a terminated instance: its pages are counted when it is back (from zero)
        }
        const now = parseCounters(text);
        const before = this.lastSeen.get(url) ?? new Map<string, number>();
        for (const [key, value] of now) {
          const previous = before.get(key) ?? 0;
          const delta = value >= previous ? value - previous : value;
          this.totals.set(key, (this.totals.get(key) ?? 0) + delta);
        }
        this.lastSeen.set(url, now);
      }),
    );
    return countsOf(this.totals);
  }
}

/** The difference between two readings: what happened in between. */
export function pagesBetween(from: PageCounts, to: PageCounts): PageCounts {
  const shed: PageCounts['shed'] = {};
  for (const [dependency, outcomes] of Object.entries(to.shed)) {
    for (const [outcome, count] of Object.entries(outcomes)) {
      const delta = count - (from.shed[dependency]?.[outcome] ?? 0);
      if (delta > 0) (shed[dependency] ??= {})[outcome] = delta;
    }
  }
  return { full: to.full - from.full, degraded: to.degraded - from.degraded, failed: to.failed - from.failed, shed };
}

export function describePages(counts: PageCounts): string {
  const total = counts.full + counts.degraded + counts.failed;
  const why = Object.entries(counts.shed)
    .map(([dependency, outcomes]) => `${dependency} ${Object.entries(outcomes).map(([outcome, n]) => `${outcome} ${n}`).join(', ')}`)
    .join('; ');
  return `${total} pages: ${counts.full} full, ${counts.degraded} degraded, ${counts.failed} failed${why ? ` (${why})` : ''}`;
}

/** `outcome=degraded` and `dependency=recommendations|outcome=timeout` keys from a Prometheus text exposition. */
function parseCounters(text: string): Counters {
  const counters: Counters = new Map();
  for (const line of text.split('\n')) {
    const isPage = line.startsWith(`${PAGES}{`);
    if (!isPage && !line.startsWith(`${CALLS}{`)) continue;
    const outcome = /outcome="([^"]+)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (!outcome || !Number.isFinite(value)) continue;
    if (isPage) counters.set(`page|${outcome}`, value);
    else if (outcome !== 'ok') counters.set(`call|${/dependency="([^"]+)"/.exec(line)?.[1] ?? '?'}|${outcome}`, value);
  }
  return counters;
}

function countsOf(totals: Counters): PageCounts {
  const counts: PageCounts = { full: 0, degraded: 0, failed: 0, shed: {} };
  for (const [key, value] of totals) {
    const [kind, a, b] = key.split('|');
    if (kind === 'page' && (a === 'full' || a === 'degraded' || a === 'failed')) counts[a] += value;
    if (kind === 'call' && value > 0) (counts.shed[a] ??= {})[b] = value;
  }
  return counts;
}
