import type { StatusIncidents, StatuspageIncident, StatuspageIncidentUpdate } from '../status/incidents.js';
import { PAGE_ID } from '../status/statuspage.js';
import { mergeIntervals, type Interval, type UptimeExclusions } from '../status/uptime.js';
import type { Store } from '../store/engine.js';
import type { Incident } from './incident.js';
import { IncidentRecords, type EntryRecord } from './incident-store.js';
import { SEVERITY } from './severity.js';

// What the status page learns from the incidents (src/status/incidents.ts): each incident in Statuspage's v2
// shape, its status updates as `incident_updates`, newest first, with `drill` and `severity` beside them;
// and the time drills held each component (less the time a real incident on it was open), which the page
// keeps out of uptime. The store may be bound later than the feed is made (the status module is given the
// feed before the control room opens the store).

export interface StatusFeed {
  incidents: StatusIncidents;
  exclude: UptimeExclusions;
}

const DAY_MS = 86_400_000;

/** `store` now or, as a function, once the control room has opened it; `baseUrl` for each incident's link. */
export function statusFeed(store: Store | (() => Store | undefined), baseUrl: () => string): StatusFeed {
  const storeOf = typeof store === 'function' ? store : () => store;
  const read = async (pick: (records: IncidentRecords) => Promise<Incident[]>): Promise<StatuspageIncident[]> => {
    const bound = storeOf();
    if (!bound) return [];
    const records = new IncidentRecords(bound);
    const incidents = await pick(records);
    const updates = await records.updatesOf(incidents.map((incident) => incident.id));
    return incidents.map((incident) => statuspageIncident(incident, updates.get(incident.id) ?? [], baseUrl()));
  };
  return {
    incidents: {
      unresolved: () => read((records) => records.list({ open: true })),
      recent: (days) => read((records) => records.list({ sinceMs: Date.now() - days * DAY_MS })),
    },
    exclude: async (component, fromMs, toMs, settleMs) => {
      const bound = storeOf();
      return bound ? drillIntervals(bound, component, fromMs, toMs, settleMs) : [];
    },
  };
}

/**
 * The time drills on `component` overlapped [fromMs, toMs): from their start to their close, carried on by
 * `settleMs` (what a drill broke stays that long in the component's SLI windows), less the time a real
 * incident on it was open, joined where drills overlap. Monitors cannot tell a drill's outage from a real
 * one on the same component; a person (or a trigger) that declares a real incident can, and from then until
 * it is resolved the component's trouble counts.
 */
export async function drillIntervals(store: Store, component: string, fromMs: number, toMs: number, settleMs = 0): Promise<Interval[]> {
  const rows = await store.all<{ drill: number; components: string; started_ms: number; declared_ms: number; resolved_ms: number | null }>(
    'SELECT drill, components, started_ms, declared_ms, resolved_ms FROM incidents WHERE started_ms < ? AND (resolved_ms IS NULL OR resolved_ms > ?)',
    [toMs, fromMs - settleMs],
  );
  const now = Date.now();
  const affected = rows.filter((row) => (JSON.parse(row.components) as string[]).includes(component));
  const span = (row: (typeof rows)[number], tailMs: number): Interval => ({
    fromMs: Math.min(Number(row.started_ms), Number(row.declared_ms)),
    toMs: row.resolved_ms === null ? now : Number(row.resolved_ms) + tailMs,
  });
  const real = affected.filter((row) => Number(row.drill) !== 1).map((row) => span(row, 0));
  const drills = affected.filter((row) => Number(row.drill) === 1).map((row) => span(row, settleMs));
  return mergeIntervals(drills.flatMap((drill) => real.reduce<Interval[]>((left, cut) => left.flatMap((piece) => without(piece, cut)), [drill])))
    .map((interval) => ({ fromMs: Math.max(fromMs, interval.fromMs), toMs: Math.min(toMs, interval.toMs) }))
    .filter((interval) => interval.toMs > interval.fromMs);
}

/** `piece` less `cut`: nothing, one interval or two. */
function without(piece: Interval, cut: Interval): Interval[] {
  if (cut.toMs <= piece.fromMs || cut.fromMs >= piece.toMs) return [{ fromMs: piece.fromMs, toMs: piece.toMs }];
  const out: Interval[] = [];
  if (cut.fromMs > piece.fromMs) out.push({ fromMs: piece.fromMs, toMs: cut.fromMs });
  if (cut.toMs < piece.toMs) out.push({ fromMs: cut.toMs, toMs: piece.toMs });
  return out;
}

export function statuspageIncident(incident: Incident, updates: readonly EntryRecord[], baseUrl: string): StatuspageIncident {
  const id = incident.ref.toLowerCase();
  const iso = (ms: number) => new Date(ms).toISOString();
  const updated = iso(Math.max(incident.updatedMs, ...updates.map((u) => u.atMs)));
  return {
    id,
    name: incident.title,
    status: incident.state,
    created_at: iso(incident.moments.declaredMs),
    updated_at: updated,
    monitoring_at: incident.moments.mitigatedMs === null ? null : iso(incident.moments.mitigatedMs),
    resolved_at: incident.moments.resolvedMs === null ? null : iso(incident.moments.resolvedMs),
    impact: SEVERITY[incident.severity].impact,
    shortlink: `${baseUrl}/incidents/${incident.id}`,
    started_at: iso(incident.moments.startedMs),
    page_id: PAGE_ID,
    incident_updates: [...updates].reverse().map((update): StatuspageIncidentUpdate => ({
      id: `${id}-${update.seq}`,
      status: ((update.data?.state as string | undefined) ?? (update.kind === 'resolved' ? 'resolved' : incident.state)) as StatuspageIncidentUpdate['status'],
      body: update.text,
      incident_id: id,
      created_at: update.at,
      updated_at: update.at,
      display_at: update.at,
      affected_components: null,
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    })),
    component_ids: incident.components,
    drill: incident.drill,
    severity: incident.severity,
  };
}
