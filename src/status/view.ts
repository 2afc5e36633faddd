import type { Store } from '../store/engine.js';
import type { ComponentConfig, StatusConfig } from './config.js';
import { StatusFacts, type StatusChange, type StoredDeclaration } from './facts.js';
import { StatusHistory } from './history.js';
import type { StatusIncidents, StatuspageIncident } from './incidents.js';
import { readComponent } from './readings.js';
import { shownStatus, worst, type SliReading, type Status } from './status.js';
import { uptimeDays, type UptimeDay, type UptimeExclusions } from './uptime.js';

// The status page as one view model, computed from the store by whoever asks — any control room, the CLI,
// the static export — with the one set of honesty rules (status.ts). Nothing here trusts a status someone
// wrote down: the shown status is recomputed from samples and declarations every time, so a page read
// while nobody measures says "no data".

export interface ComponentView {
  id: string;
  name: string;
  description: string | null;
  group: string | null;
  position: number;
  /** What the page shows: the measured status, or worse if a person declared so. */
  status: Status;
  measured: Status;
  readings: SliReading[];
  declaration: StoredDeclaration | null;
  /** When the shown status last changed (from the facts), if it ever did. */
  since: string | null;
  /** Runs whose load is measured for this component right now: a drill is on. */
  drillRuns: string[];
}

export interface StatusView {
  page: StatusConfig['page'];
  /** The config's source file and when it was published to the store. */
  source: { file: string; publishedAt: string };
  computedAt: string;
  computedAtMs: number;
  overall: Status;
  components: ComponentView[];
  incidents: { unresolved: StatuspageIncident[]; recent: StatuspageIncident[] };
  /** Per component id, the last UPTIME_DAYS days, oldest first (only when asked for). */
  uptime: Map<string, UptimeDay[]>;
  changes: StatusChange[];
  declarations: StoredDeclaration[];
}

export const UPTIME_DAYS = 90;
const RECENT_INCIDENT_DAYS = 14;

export interface ViewOptions {
  nowMs?: number;
  incidents?: StatusIncidents;
  exclude?: UptimeExclusions;
  /** The 90-day bars and the history (the page and the export want them; the JSON status does not). */
  history?: boolean;
}

/** The components' statuses from what the store holds, at `nowMs`. */
export async function readStatuses(store: Store, config: StatusConfig, nowMs: number): Promise<{ components: ComponentView[]; declarations: Map<string, StoredDeclaration>; last: Map<string, StatusChange> }> {
  const history = new StatusHistory(store);
  const facts = new StatusFacts(store);
  const [data, declarations, last] = await Promise.all([history.monitorData(config, nowMs), facts.declarations(), facts.last()]);
  const components = config.components.map((component, position) => {
    const reading = readComponent(component, config, data, nowMs);
    const declaration = declarations.get(component.id) ?? null;
    return viewOf(component, position, reading.measured, reading.readings, declaration, last.get(component.id) ?? null);
  });
  return { components, declarations, last };
}

function viewOf(component: ComponentConfig, position: number, measured: Status, readings: SliReading[], declaration: StoredDeclaration | null, last: StatusChange | null): ComponentView {
  const drillRuns = [...new Set(readings.filter((r) => !r.idle && r.source.startsWith('run ')).flatMap((r) => r.source.slice(4).split(', ')))];
  return {
    id: component.id,
    name: component.name,
    description: component.description ?? null,
    group: component.group ?? null,
    position: position + 1,
    status: shownStatus(measured, declaration?.status),
    measured,
    readings,
    declaration,
    since: last?.at ?? null,
    drillRuns,
  };
}

function longestWindow(config: StatusConfig): (component: string) => number {
  const longest = new Map(config.components.map((c) => [c.id, Math.max(0, ...c.slis.map((sli) => sli.window))]));
  return (component) => longest.get(component) ?? 0;
}

/** The whole page: components, overall banner, incidents, and (with `history`) the uptime bars and recent facts. */
export async function computeView(store: Store, published: { config: StatusConfig; file: string; publishedAt: string }, options: ViewOptions = {}): Promise<StatusView> {
  const nowMs = options.nowMs ?? Date.now();
  const { config } = published;
  const { components } = await readStatuses(store, config, nowMs);
  const facts = new StatusFacts(store);
  const [unresolved, recent, uptime, changes, declarations] = await Promise.all([
    options.incidents?.unresolved() ?? [],
    options.incidents?.recent(RECENT_INCIDENT_DAYS) ?? [],
    options.history ? uptimeDays(store, config.components.map((c) => c.id), UPTIME_DAYS, nowMs, options.exclude, longestWindow(config)) : new Map<string, UptimeDay[]>(),
    options.history ? facts.recent(50) : [],
    options.history ? facts.recentDeclarations(20) : [],
  ]);
  return {
    page: config.page,
    source: { file: published.file, publishedAt: published.publishedAt },
    computedAt: new Date(nowMs).toISOString(),
    computedAtMs: nowMs,
    overall: worst(components.map((c) => c.status)),
    components,
    incidents: { unresolved, recent },
    uptime,
    changes,
    declarations,
  };
}
