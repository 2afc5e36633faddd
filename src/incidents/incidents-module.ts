import { Gauge } from 'prom-client';
import type { ControlRoomModule, ModuleFactory } from '../control-room/module.js';
import { DASHBOARD_SCRIPT } from '../dashboard/dashboard-module.js';
import type { Store } from '../store/engine.js';
import { Incidents } from './incidents.js';
import { answerIncidentError, incidentRoutes } from './routes.js';
import { SEVERITIES, type Severity } from './severity.js';
import { statusFeed, type StatusFeed } from './status-feed.js';
import { INCIDENT_WORK, IncidentTriggers } from './triggers.js';
import { dueText, updateDue } from './response.js';

// The incidents as a module of the control room: the API, the Alertmanager webhook and the pages, served
// by every room of a store; the machines' declarations (a component reaching its level) and the closing of
// drills whose run died, done by one room per store under the 'incident-triggers' hold. The status module
// is given `status` — the incidents on the page and the drill time kept out of uptime — before the store
// is open, so the feed reads through the store this module is given when the control room starts.

export interface IncidentsModuleOptions {
  /** Who commands an incident a machine declares until a person takes over (default "on-call"). */
  onCall?: string;
  /** The severity of an alert whose labels name none (default SEV3). */
  alertSeverity?: Severity;
  /** Told when this room takes (`held`) or loses the triggers. */
  onWork?: (held: boolean) => void;
}

export interface IncidentsModule extends ControlRoomModule {
  name: 'incidents';
  incidents: Incidents;
  readonly triggersHeld: boolean;
}

export type IncidentsModuleFactory = ModuleFactory & {
  /** For the status module: the incidents on the page and the drills kept out of uptime. */
  status: StatusFeed;
};

export function incidentsModule(options: IncidentsModuleOptions = {}): IncidentsModuleFactory {
  let bound: { store: Store; url: () => string } | undefined;
  const factory = async ({ store, room, log, metrics, url, forms }: Parameters<ModuleFactory>[0]): Promise<IncidentsModule> => {
    bound = { store, url };
    const incidents = new Incidents(store);
    const onCall = options.onCall?.trim() || 'on-call';
    let triggers: IncidentTriggers | undefined;
    const hold = room.hold(INCIDENT_WORK, {
      acquired: async () => {
        const starting = new IncidentTriggers(incidents, { onCall, log });
        await starting.start();
        triggers = starting;
        options.onWork?.(true);
      },
      lost: async () => {
        const stopping = triggers;
        triggers = undefined;
        await stopping?.stop();
        options.onWork?.(false);
      },
    });
    await hold.ready;

    new Gauge({
      name: 'gameday_incidents_open',
      help: 'Open incidents by severity and whether they are drills',
      labelNames: ['severity', 'drill'],
      registers: [metrics],
      async collect() {
        this.reset();
        const open = await incidents.list({ open: true }).catch(() => []);
        for (const severity of SEVERITIES) for (const drill of [false, true]) this.set({ severity, drill: String(drill) }, open.filter((i) => i.severity === severity && i.drill === drill).length);
      },
    });
    new Gauge({
      name: 'gameday_incident_updates_overdue',
      help: 'Open incidents whose status update is overdue for their severity',
      registers: [metrics],
      async collect() {
        const now = Date.now();
        this.set((await incidents.list({ open: true }).catch(() => [])).filter((i) => (updateDue(i, now)?.lateMs ?? 0) > 0).length);
      },
    });

    return {
      name: 'incidents',
      pages: true,
      incidents,
      get triggersHeld() {
        return hold.held;
      },
      routes: (app) => incidentRoutes(app, incidents, { alerts: { onCall, severity: options.alertSeverity }, forms, liveScript: DASHBOARD_SCRIPT }),
      answerError: answerIncidentError,
      attention: async () => {
        const now = Date.now();
        return (await incidents.list({ open: true })).flatMap((incident) => {
          const due = updateDue(incident, now);
          return due && due.lateMs > 0 ? [{ text: `${incident.ref} ${incident.severity}${incident.drill ? ' (drill)' : ''} "${incident.title}": ${dueText(due, incident)}`, href: `/incidents/${incident.id}` }] : [];
        });
      },
      describe: async () => {
        const open = await incidents.list({ open: true }).catch(() => []);
        return `/incidents: ${open.length} open (${open.filter((i) => i.drill).length} drill${open.filter((i) => i.drill).length === 1 ? '' : 's'}); Alertmanager webhook at ${url()}/api/alertmanager; ${hold.held ? 'this room declares from status changes' : 'another room declares from status changes; this one takes over if it stops'}`;
      },
      close: async () => {
        await hold.release();
      },
    };
  };
  return Object.assign(factory, { status: statusFeed(() => bound?.store, () => bound?.url() ?? '') });
}
