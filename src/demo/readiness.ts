// The demo world is ready when every region can serve the shop on its own, because the flagship takes one
// region away (evacuate, lose an instance) and the other must carry everything at once. A page asked of
// the whole shop says nothing about that: the gateway retries a failing region's request on the other one,
// so a world where us-west cannot serve yet still answers full pages. So each round asks each region
// directly, through the gateway (a request pinned to the region), at the demo's own rate, and reads the
// gateway's view of each region's instances; the world is ready after READY_ROUNDS rounds in a row in
// which every region had all its instances available and served every page full and fast. Bounded: a
// world that is not ready within the limit is a failure that names what was missing, per region.
import { request } from 'undici';
import { callControl } from '../fleet/control-client.js';
import { REGION_HEADER } from '../gateway/forward.js';
import type { RegionView } from '../gateway/regions.js';
import { formatDuration } from '../units/units.js';

/** The flagship's shoppers: 40 pages/s, spread over the regions as the gateway spreads them. */
const PAGES_PER_SECOND = 40;
/** A page slower than this is not "fast": the assemblers' critical budget. One per region per round is noise. */
const SLOW_PAGE_MS = 250;
/** Two good rounds in a row: one good second right after a slow one is luck, not readiness. */
const READY_ROUNDS = 2;
/** Progress lines are repeated at most this often while nothing changes. */
const REPEAT_STATUS_MS = 5_000;

export interface ReadinessOptions {
  /** The shop's front door (the gateway's data plane), e.g. http://127.0.0.1:8080. */
  shopUrl: string;
  /** The gateway's control API, for its view of each region's instances. */
  gatewayUrl: string;
  regions: string[];
  limitMs: number;
  onStatus: (line: string) => void;
  signal?: AbortSignal;
}

/** What one round saw of one region. */
export interface RegionRound {
  region: string;
  instances: number;
  available: number;
  pages: number;
  full: number;
  slow: number;
  p99Ms: number;
  /** Why pages were not full, counted: "reviews timeout" → 3, "HTTP 503: catalog circuit-open" → 2. */
  problems: Map<string, number>;
}

/** The world did not become ready within its limit; nothing was touched (exit 3). */
export class WorldNotReadyError extends Error {}

export async function waitUntilReady(options: ReadinessOptions): Promise<RegionRound[]> {
  const deadline = Date.now() + options.limitMs;
  let goodRounds = 0;
  let last: RegionRound[] = [];
  let said = '';
  let saidAt = 0;
  while (!options.signal?.aborted) {
    last = await round(options);
    goodRounds = last.every(regionIsReady) ? goodRounds + 1 : 0;
    if (goodRounds >= READY_ROUNDS) {
      options.onStatus(`every region serves full, fast pages on its own (${last.map((r) => `${r.region} p99 ${r.p99Ms.toFixed(0)}ms`).join(', ')})`);
      return last;
    }
    if (Date.now() >= deadline) {
      const seen = goodRounds > 0 ? `every region served in the last second, but not yet for ${READY_ROUNDS} seconds in a row` : describeRounds(last);
      throw new WorldNotReadyError(
        `the demo world did not become ready within ${formatDuration(options.limitMs)}: every region must serve full, fast pages on its own before the run starts, and ` +
          `${seen}. Nothing was injected; the world is stopped.`,
      );
    }
    const status = `waiting for every region to serve full, fast pages on its own: ${describeRounds(last)}`;
    if (status !== said || Date.now() - saidAt >= REPEAT_STATUS_MS) {
      options.onStatus(status);
      said = status;
      saidAt = Date.now();
    }
  }
  return last;
}

export function regionIsReady(r: RegionRound): boolean {
  return r.instances > 0 && r.available === r.instances && r.pages > 0 && r.full === r.pages && r.slow <= 1;
}

/** One phrase per region: ready, or what it lacks. */
export function describeRounds(rounds: RegionRound[]): string {
  return rounds
    .map((r) => {
      if (regionIsReady(r)) return `${r.region} ready`;
      const lacks: string[] = [];
      if (r.available < r.instances || r.instances === 0) lacks.push(`${r.available} of ${r.instances} instances available at the gateway`);
      if (r.full < r.pages) {
        const why = [...r.problems].sort((a, b) => b[1] - a[1]).map(([what, n]) => `${what} ×${n}`).join(', ');
        lacks.push(`${r.full} of ${r.pages} pages full (${why})`);
      }
      if (r.slow > 1) lacks.push(`${r.slow} pages slower than ${SLOW_PAGE_MS}ms (p99 ${r.p99Ms.toFixed(0)}ms)`);
      return `${r.region}: ${lacks.join('; ')}`;
    })
    .join('; ');
}

/** One second: pages pinned to each region, spread evenly over the second, and the gateway's region view. */
async function round(options: ReadinessOptions): Promise<RegionRound[]> {
  const started = Date.now();
  const perRegion = Math.max(1, Math.round(PAGES_PER_SECOND / options.regions.length));
  const gap = 1000 / perRegion;
  const pages = options.regions.map((region) =>
    Promise.all(Array.from({ length: perRegion }, (_, i) => delay(i * gap).then(() => page(options.shopUrl, region)))),
  );
  const views = await callControl<RegionView[]>({ name: 'gateway', controlUrl: options.gatewayUrl }, 'GET', '/regions', {
    signal: AbortSignal.timeout(2000),
  }).catch(() => [] as RegionView[]);
  const rounds = await Promise.all(
    options.regions.map(async (region, i): Promise<RegionRound> => {
      const results = await pages[i];
      const view = views.find((v) => v.name === region);
      const problems = new Map<string, number>();
      for (const r of results) for (const problem of r.problems) problems.set(problem, (problems.get(problem) ?? 0) + 1);
      const times = results.map((r) => r.ms).sort((a, b) => a - b);
      return {
        region,
        instances: view?.instances.length ?? 0,
        available: view?.available ?? 0,
        pages: results.length,
        full: results.filter((r) => r.full).length,
        slow: times.filter((ms) => ms > SLOW_PAGE_MS).length,
        p99Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0,
        problems,
      };
    }),
  );
  await delay(1000 - (Date.now() - started));
  return rounds;
}

interface PageResult {
  full: boolean;
  ms: number;
  problems: string[];
}

interface PageBody {
  outcome?: string;
  reasons?: Record<string, string>;
  failures?: { dependency: string; outcome: string }[];
  error?: string;
}

async function page(shopUrl: string, region: string): Promise<PageResult> {
  const started = performance.now();
  try {
    const response = await request(`${shopUrl}/product/42`, { headers: { [REGION_HEADER]: region }, headersTimeout: 2000, bodyTimeout: 2000 });
    const body = (await response.body.json().catch(() => ({}))) as PageBody;
    const ms = performance.now() - started;
    if (response.statusCode === 200 && body.outcome === 'full') return { full: true, ms, problems: [] };
    const problems = [
      ...Object.entries(body.reasons ?? {}).map(([dependency, why]) => `${dependency} ${why}`),
      ...(body.failures ?? []).map((f) => `${f.dependency} ${f.outcome}`),
    ];
    if (problems.length === 0) problems.push(`HTTP ${response.statusCode}${body.error ? `: ${body.error}` : ''}`);
    return { full: false, ms, problems };
  } catch (error) {
    return { full: false, ms: performance.now() - started, problems: [(error as Error).message] };
  }
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
