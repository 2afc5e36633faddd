import type { StatuspageIncident } from './incidents.js';
import { worst, type MeasuredStatus, type Status } from './status.js';
import type { ComponentView, StatusView } from './view.js';

// The public API in Atlassian Statuspage's v2 shapes (DESIGN.md), so existing status widgets and
// aggregators read it unchanged. Our measurements are additive fields beside Statuspage's own. Statuspage
// has no word for "no data": there `status` says degraded_performance (never operational — a widget that
// knows only Statuspage's words must not show green without fresh data) and `gameday_status` says no_data.

export const PAGE_ID = 'gameday';

/** A component's status in Statuspage's words. */
export function apiStatus(status: Status): MeasuredStatus {
  return status === 'no_data' ? 'degraded_performance' : status;
}

const INDICATOR: Record<Status, { indicator: 'none' | 'minor' | 'major' | 'critical'; description: string }> = {
  operational: { indicator: 'none', description: 'All Systems Operational' },
  no_data: { indicator: 'minor', description: 'No Fresh Data For Some Components' },
  degraded_performance: { indicator: 'minor', description: 'Degraded Performance' },
  partial_outage: { indicator: 'major', description: 'Partial System Outage' },
  major_outage: { indicator: 'critical', description: 'Major System Outage' },
};

export function pageOf(view: StatusView, url: string) {
  return { id: PAGE_ID, name: view.page.name, url: view.page.url ?? url, time_zone: 'Etc/UTC', updated_at: view.computedAt };
}

export function statusOf(view: StatusView) {
  return { ...INDICATOR[view.overall], gameday_status: view.overall };
}

export function componentOf(view: StatusView, component: ComponentView) {
  return {
    id: component.id,
    name: component.name,
    status: apiStatus(component.status),
    created_at: view.source.publishedAt,
    updated_at: component.since ?? view.source.publishedAt,
    position: component.position,
    description: component.description,
    showcase: true,
    start_date: null,
    group_id: component.group ? groupId(component.group) : null,
    page_id: PAGE_ID,
    group: false,
    only_show_if_degraded: false,
    // Additive: what was measured, and what a person declared.
    gameday_status: component.status,
    measured_status: component.measured,
    slis: component.readings.map((r) => ({ text: r.text, source: r.source, value: r.value, fresh: r.fresh, idle: r.idle ?? false, status: r.fresh ? r.status : 'no_data' })),
    declaration: component.declaration ? { status: component.declaration.status, message: component.declaration.message, author: component.declaration.author, at: component.declaration.at } : null,
    drill: component.drillRuns.length > 0 ? { runs: component.drillRuns } : null,
    computed_at: view.computedAt,
  };
}

export function groupId(group: string): string {
  return `group-${group.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

/** Statuspage lists a group as a component of its own (`group: true`) beside its members. */
function groupsOf(view: StatusView) {
  const groups = [...new Set(view.components.flatMap((c) => (c.group ? [c.group] : [])))];
  return groups.map((group, index) => {
    const members = view.components.filter((c) => c.group === group);
    const worstMember = worst(members.map((c) => c.status));
    return {
      id: groupId(group),
      name: group,
      status: apiStatus(worstMember),
      created_at: view.source.publishedAt,
      updated_at: view.computedAt,
      position: view.components.length + index + 1,
      description: null,
      showcase: false,
      start_date: null,
      group_id: null,
      page_id: PAGE_ID,
      group: true,
      only_show_if_degraded: false,
      components: members.map((c) => c.id),
      gameday_status: worstMember,
    };
  });
}

function incidentOf(view: StatusView, incident: StatuspageIncident) {
  const { component_ids: ids, ...rest } = incident;
  return { ...rest, components: view.components.filter((c) => ids.includes(c.id)).map((c) => componentOf(view, c)) };
}

export function summaryJson(view: StatusView, url: string) {
  return {
    page: pageOf(view, url),
    components: [...view.components.map((c) => componentOf(view, c)), ...groupsOf(view)],
    incidents: view.incidents.unresolved.map((incident) => incidentOf(view, incident)),
    scheduled_maintenances: [],
    status: statusOf(view),
  };
}

export function statusJson(view: StatusView, url: string) {
  return { page: pageOf(view, url), status: statusOf(view) };
}

export function componentsJson(view: StatusView, url: string) {
  return { page: pageOf(view, url), components: [...view.components.map((c) => componentOf(view, c)), ...groupsOf(view)] };
}

export function incidentsJson(view: StatusView, url: string) {
  const all = new Map([...view.incidents.unresolved, ...view.incidents.recent].map((i) => [i.id, i]));
  return { page: pageOf(view, url), incidents: [...all.values()].map((incident) => incidentOf(view, incident)) };
}

export function unresolvedJson(view: StatusView, url: string) {
  return { page: pageOf(view, url), incidents: view.incidents.unresolved.map((incident) => incidentOf(view, incident)) };
}

/** Every JSON document of the API, by its path under /api/v2/ (the static export writes the same files). */
export function apiDocuments(view: StatusView, url: string): Record<string, unknown> {
  return {
    'summary.json': summaryJson(view, url),
    'status.json': statusJson(view, url),
    'components.json': componentsJson(view, url),
    'incidents.json': incidentsJson(view, url),
    'incidents/unresolved.json': unresolvedJson(view, url),
  };
}
