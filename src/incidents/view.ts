import { ROLES, ROLE_WORDS, type Incident } from './incident.js';
import { IncidentRecords } from './incident-store.js';
import type { Incidents } from './incidents.js';
import { figuresOf, figuresOverTime, updateDue, type PeriodFigures, type ResponseFigures, type UpdateDue } from './response.js';
import { SEVERITY } from './severity.js';
import { assembleTimeline, type Timeline } from './timeline.js';

// The incidents as every face shows them — the API's JSON, the pages, `gameday incident show|list` — computed
// from the store on each read: the timeline is assembled from the facts as they are now, and whether a
// status update is overdue is decided against the clock of the reader.

export interface IncidentView {
  incident: Incident;
  timeline: Timeline;
  due: UpdateDue | null;
  figures: ResponseFigures;
  /** What opened or joined it: `alertmanager <groupKey>`, `status checkout`. */
  causes: string[];
  /** Component ids and their names on the status page. */
  componentNames: Map<string, string>;
  nowMs: number;
}

export async function incidentView(incidents: Incidents, id: number, nowMs = Date.now()): Promise<IncidentView> {
  const incident = await incidents.get(id);
  const componentNames = await incidents.componentNames();
  const [timeline, causes] = await Promise.all([
    assembleTimeline(incidents.store, incident, { nowMs, names: componentNames }),
    new IncidentRecords(incidents.store).causesOf(id),
  ]);
  return { incident, timeline, due: updateDue(incident, nowMs), figures: figuresOf(incident), causes, componentNames, nowMs };
}

export interface ListedIncident {
  incident: Incident;
  due: UpdateDue | null;
  figures: ResponseFigures;
}

export interface IncidentList {
  open: ListedIncident[];
  /** Resolved, newest first (at most `limit`). */
  resolved: ListedIncident[];
  nowMs: number;
}

export async function incidentList(incidents: Incidents, options: { limit?: number; nowMs?: number } = {}): Promise<IncidentList> {
  const nowMs = options.nowMs ?? Date.now();
  const all = await incidents.list();
  const listed = (incident: Incident): ListedIncident => ({ incident, due: updateDue(incident, nowMs), figures: figuresOf(incident) });
  return {
    open: all.filter((incident) => incident.moments.resolvedMs === null).map(listed),
    resolved: all.filter((incident) => incident.moments.resolvedMs !== null).slice(0, options.limit ?? 50).map(listed),
    nowMs,
  };
}

export interface IncidentStats {
  by: 'week' | 'month';
  periods: PeriodFigures[];
  /** Every incident that counts (not drills), newest first. */
  incidents: ResponseFigures[];
  drills: number;
}

export async function incidentStats(incidents: Incidents, by: 'week' | 'month' = 'month'): Promise<IncidentStats> {
  const all = await incidents.list();
  const counted = all.filter((incident) => !incident.drill);
  return { by, periods: figuresOverTime(all, by), incidents: counted.map(figuresOf), drills: all.length - counted.length };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An incident as the API gives it: moments as ISO times (and milliseconds), roles by their names. */
export function incidentJson(incident: Incident, due: UpdateDue | null) {
  const { moments } = incident;
  return {
    id: incident.id,
    ref: incident.ref,
    title: incident.title,
    severity: incident.severity,
    severity_meaning: SEVERITY[incident.severity].meaning,
    state: incident.state,
    components: incident.components,
    drill: incident.drill,
    drill_run: incident.drillRun,
    roles: Object.fromEntries(ROLES.map((role) => [role, incident.roles[role]])),
    declared_by: incident.declaredBy,
    started_at: iso(moments.startedMs),
    detected_at: iso(moments.detectedMs),
    declared_at: iso(moments.declaredMs),
    mitigated_at: iso(moments.mitigatedMs),
    resolved_at: iso(moments.resolvedMs),
    moments,
    lookback_ms: incident.lookbackMs,
    update_every_ms: incident.updateEveryMs,
    last_update_at: iso(incident.lastUpdateMs),
    next_update: due && { due_at: iso(due.dueMs), overdue_ms: due.lateMs, owed_by: { role: ROLE_WORDS[due.role], person: due.person } },
  };
}

export function incidentViewJson(view: IncidentView) {
  return {
    ...incidentJson(view.incident, view.due),
    causes: view.causes,
    figures: view.figures,
    window: { from: iso(view.timeline.window.fromMs), to: iso(view.timeline.window.toMs) },
    timeline: view.timeline.entries,
    what_changed: view.timeline.whatChanged,
  };
}
