import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Incident } from './incident.js';
import { IncidentRecords, type NewEntry } from './incident-store.js';
import type { Incidents } from './incidents.js';
import { isSeverity, type Severity } from './severity.js';

// Prometheus Alertmanager's webhook (payload version 4) at POST /api/alertmanager. Alertmanager groups
// alerts and sends the whole group each time it changes; the group's `groupKey` is the cause: a firing
// group opens an incident, or joins the open one it opened before; a resolved alert is noted on it. Each
// alert is noted once per state (its fingerprint, start and status are the entry's key), so a group sent
// again, or sent to two control rooms of one store at once, adds nothing twice.

const labels = z.record(z.string(), z.string());

export const alertmanagerPayload = z.object({
  version: z.literal('4', { error: 'this endpoint takes Alertmanager\'s webhook payload version "4"' }),
  groupKey: z.string().min(1),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().default(''),
  groupLabels: labels.default({}),
  commonLabels: labels.default({}),
  commonAnnotations: labels.default({}),
  externalURL: z.string().default(''),
  truncatedAlerts: z.number().int().min(0).default(0),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels,
        annotations: labels.default({}),
        startsAt: z.string(),
        endsAt: z.string().default(''),
        generatorURL: z.string().default(''),
        fingerprint: z.string().optional(),
      }),
    )
    .min(1),
});

export type AlertmanagerPayload = z.output<typeof alertmanagerPayload>;
type Alert = AlertmanagerPayload['alerts'][number];

export interface AlertOptions {
  /** Who commands an incident an alert declares, until a person takes over (`gameday serve --on-call`). */
  onCall: string;
  /** The severity when the alerts' `severity` label says none we know. */
  severity?: Severity;
}

export interface AlertsReceived {
  /** The incident the group opened, joined or was noted on; none when a resolved group never opened one. */
  incident: Incident | null;
  created: boolean;
  /** Alert entries appended (not counting ones already there). */
  noted: number;
}

export function causeOf(payload: Pick<AlertmanagerPayload, 'groupKey'>): string {
  return `alertmanager ${payload.groupKey}`;
}

export async function receiveAlerts(incidents: Incidents, payload: AlertmanagerPayload, options: AlertOptions): Promise<AlertsReceived> {
  const nowMs = Date.now();
  const source = `alertmanager group ${payload.groupKey}`;
  const entries = payload.alerts.map((alert) => entryOf(alert, source, nowMs));
  const firing = payload.alerts.filter((alert) => alert.status === 'firing');
  const cause = causeOf(payload);
  if (firing.length === 0) {
    // A resolved group is noted where it fired; one we never saw fire opens nothing.
    return incidents.store.transaction(async (tx) => {
      const records = new IncidentRecords(tx);
      const incident = await records.lastByCause(cause);
      if (!incident) return { incident: null, created: false, noted: 0 };
      let noted = 0;
      for (const entry of entries) if (await records.append(incident.id, entry, nowMs)) noted++;
      return { incident: (await records.get(incident.id))!, created: false, noted };
    });
  }
  const known = await incidents.componentNames();
  const components = [...new Set(payload.alerts.map((alert) => alert.labels.component ?? payload.commonLabels.component).filter((c): c is string => c !== undefined && known.has(c)))];
  const startedMs = Math.min(nowMs, ...firing.map((alert) => timeOf(alert.startsAt, nowMs)));
  const alertname = payload.commonLabels.alertname ?? payload.groupLabels.alertname ?? 'alert';
  const summary = payload.commonAnnotations.summary ?? payload.commonAnnotations.description;
  const { incident, created, appended } = await incidents.trigger({
    cause,
    declare: {
      title: (summary ?? `${alertname} is firing`).slice(0, 200),
      severity: severityOf(payload, options.severity ?? 'SEV3'),
      components,
      commander: options.onCall,
      by: source,
      startedMs,
      detectedMs: startedMs,
      automatic: true,
      message: `Alert ${alertname} is firing (${firing.length} alert${firing.length === 1 ? '' : 's'}); we are investigating.`,
    },
    entries,
    components,
  });
  return { incident, created, noted: appended };
}

function entryOf(alert: Alert, source: string, nowMs: number): NewEntry {
  const name = alert.labels.alertname ?? 'alert';
  const shown = Object.entries(alert.labels)
    .filter(([key]) => key !== 'alertname')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}="${value}"`)
    .join(', ');
  const about = alert.annotations.description ?? alert.annotations.summary;
  const firing = alert.status === 'firing';
  const fingerprint = alert.fingerprint ?? createHash('sha256').update(JSON.stringify(Object.entries(alert.labels).sort())).digest('hex').slice(0, 16);
  return {
    atMs: firing ? timeOf(alert.startsAt, nowMs) : timeOf(alert.endsAt, nowMs),
    kind: firing ? 'alert' : 'alert.resolved',
    source,
    text: `${firing ? 'firing' : 'resolved'}: ${name}${shown ? ` {${shown}}` : ''}${about ? ` — ${about}` : ''}`,
    data: { labels: alert.labels, annotations: alert.annotations, startsAt: alert.startsAt, endsAt: alert.endsAt, generatorURL: alert.generatorURL, fingerprint },
    factKey: `alert ${fingerprint} ${alert.startsAt} ${alert.status}`,
  };
}

/** Alertmanager writes Go's zero time for "not yet"; a time ahead of ours (clock skew) is now. */
function timeOf(text: string, nowMs: number): number {
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, nowMs) : nowMs;
}

/** The alerts' `severity` label: SEV1–SEV4 as written; critical or page is SEV2, warning SEV3, info SEV4. */
function severityOf(payload: AlertmanagerPayload, fallback: Severity): Severity {
  const label = (payload.commonLabels.severity ?? payload.alerts.find((alert) => alert.labels.severity)?.labels.severity ?? '').trim();
  const upper = label.toUpperCase();
  if (isSeverity(upper)) return upper;
  const word: Record<string, Severity> = { critical: 'SEV2', page: 'SEV2', error: 'SEV3', warning: 'SEV3', info: 'SEV4', none: 'SEV4' };
  return word[label.toLowerCase()] ?? fallback;
}
