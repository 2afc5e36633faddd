import { ROLE_WORDS, type Incident, type Role } from './incident.js';

// Response figures (time to detect, declare, mitigate, resolve), each measured from when the trouble
// began, per incident and over time; and the rhythm of status updates, which tells the communications lead
// when the next one is due. Drills practise the response but are not incidents: they never count here.

export interface ResponseFigures {
  id: number;
  ref: string;
  title: string;
  severity: Incident['severity'];
  drill: boolean;
  toDetectMs: number;
  toDeclareMs: number;
  toMitigateMs: number | null;
  toResolveMs: number | null;
}

export function figuresOf(incident: Incident): ResponseFigures {
  const { startedMs, detectedMs, declaredMs, mitigatedMs, resolvedMs } = incident.moments;
  return {
    id: incident.id,
    ref: incident.ref,
    title: incident.title,
    severity: incident.severity,
    drill: incident.drill,
    toDetectMs: detectedMs - startedMs,
    toDeclareMs: declaredMs - startedMs,
    toMitigateMs: mitigatedMs === null ? null : mitigatedMs - startedMs,
    toResolveMs: resolvedMs === null ? null : resolvedMs - startedMs,
  };
}

export const FIGURES = ['toDetectMs', 'toDeclareMs', 'toMitigateMs', 'toResolveMs'] as const;
export type Figure = (typeof FIGURES)[number];
export const FIGURE_WORDS: Record<Figure, string> = { toDetectMs: 'to detect', toDeclareMs: 'to declare', toMitigateMs: 'to mitigate', toResolveMs: 'to resolve' };

export interface PeriodFigures {
  /** `2026-11` by month, `2026-W48` by week (ISO weeks, UTC). */
  period: string;
  /** Incidents declared in the period that count (drills do not). */
  incidents: number;
  /** Drills declared in the period, left out of every figure. */
  drills: number;
  median: Record<Figure, number | null>;
  worst: Record<Figure, number | null>;
}

/** Per period of declaration, oldest first: the median and the worst of each figure over the incidents that count. */
export function figuresOverTime(incidents: readonly Incident[], by: 'week' | 'month' = 'month'): PeriodFigures[] {
  const periods = new Map<string, Incident[]>();
  for (const incident of incidents) {
    const key = periodOf(incident.moments.declaredMs, by);
    periods.set(key, [...(periods.get(key) ?? []), incident]);
  }
  return [...periods.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, members]) => {
      const counted = members.filter((incident) => !incident.drill).map(figuresOf);
      const median = {} as Record<Figure, number | null>;
      const worst = {} as Record<Figure, number | null>;
      for (const figure of FIGURES) {
        const values = counted.map((f) => f[figure]).filter((v): v is number => v !== null);
        median[figure] = medianOf(values);
        worst[figure] = values.length === 0 ? null : Math.max(...values);
      }
      return { period, incidents: counted.length, drills: members.length - counted.length, median, worst };
    });
}

export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function periodOf(ms: number, by: 'week' | 'month'): string {
  const date = new Date(ms);
  if (by === 'month') return date.toISOString().slice(0, 7);
  // ISO 8601 week: the week that holds the Thursday of this date's week, counted from its year's first.
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 4 - (date.getUTCDay() || 7)));
  const week = Math.ceil(((thursday.getTime() - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / 86_400_000 + 1) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export interface UpdateDue {
  /** When the next status update is due. */
  dueMs: number;
  /** How late it is (0 when not yet due). */
  lateMs: number;
  /** Who owes it: the communications lead, or the commander while nobody holds that role. */
  role: Role;
  person: string;
}

/** When the next status update of an open incident is due, and who owes it; null once resolved. */
export function updateDue(incident: Incident, nowMs: number): UpdateDue | null {
  if (incident.moments.resolvedMs !== null) return null;
  const dueMs = incident.lastUpdateMs + incident.updateEveryMs;
  const comms = incident.roles.communications_lead;
  return { dueMs, lateMs: Math.max(0, nowMs - dueMs), role: comms ? 'communications_lead' : 'commander', person: comms ?? incident.roles.commander };
}

/**
 * 42s, 12m, 1h 05m, 2d 3h: the incidents' short form, for table cells and one-line notices. Not
 * formatSpan (src/report/format.ts), whose "12 min 5 s" reads better in a report's sentences.
 */
export function compactSpan(ms: number | null): string {
  if (ms === null) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** When the next status update is due, or how late it is, and who owes it: for the CLI, the pages and the dashboard. */
export function dueText(due: UpdateDue | null, incident: Incident): string {
  if (!due) return '';
  const rhythm = `${incident.severity} updates every ${compactSpan(incident.updateEveryMs)}`;
  return due.lateMs > 0
    ? `Status update overdue by ${compactSpan(due.lateMs)}: ${due.person} (${ROLE_WORDS[due.role]}) owes one; ${rhythm}.`
    : `Next status update due ${new Date(due.dueMs).toISOString().slice(11, 16)} UTC, from ${due.person} (${ROLE_WORDS[due.role]}); ${rhythm}.`;
}
