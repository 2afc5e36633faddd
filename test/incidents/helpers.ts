// Real pieces for the incidents' tests: a control room with the levers, the incidents, the status page and
// the dashboard (the way `gameday serve` mounts them) on a store in a temporary folder, and small readers of its API.
import type { ControlRoomServer } from '../../src/control-room/control-room.js';
import { dashboardModule } from '../../src/dashboard/dashboard-module.js';
import { incidentsModule, type IncidentsModule } from '../../src/incidents/incidents-module.js';
import { leverModule } from '../../src/levers/lever-module.js';
import { statusModule } from '../../src/status/status-module.js';
import type { PlacedEntry } from '../../src/incidents/timeline.js';
import { startRoom } from '../status/helpers.js';

export { component, httpStatusYaml, quiet, startShop, waitFor, type Shop } from '../status/helpers.js';

/** A status page of two components whose monitor never answers (port 9): the components incidents name. */
export const SHOP_STATUS_YAML = `
page: { name: Shop }
monitors:
  web: { http: { url: "http://127.0.0.1:9/", every: 1s } }
components:
  - { id: checkout, name: Checkout, slis: [{ monitor: web, sli: availability, operational: 99% }] }
  - { id: search, name: Search, slis: [{ monitor: web, sli: availability, operational: 99% }] }
`;

export const levers = [
  { name: 'disable-recommendations', description: 'hide recommendations on the product page' },
  { name: 'disable-ads', description: 'stop calling the ad service' },
];

export interface IncidentRoom {
  server: ControlRoomServer;
  incidents: IncidentsModule;
  url: string;
  dir: string;
  store: string;
  close(): Promise<void>;
}

/** A control room with levers, incidents and (given a status.yaml) the status page; its store is `store` or one of its own. */
export async function startIncidentRoom(yaml: string | undefined, options: { store?: string; onCall?: string } = {}): Promise<IncidentRoom> {
  const room = await startRoom(
    yaml,
    (loaded) => {
      const incidents = incidentsModule({ onCall: options.onCall });
      return [leverModule({ levers }), incidents, statusModule({ loaded, incidents: incidents.status.incidents, exclude: incidents.status.exclude }), dashboardModule()];
    },
    { store: options.store, prefix: 'gameday-incidents-' },
  );
  return { ...room, incidents: room.server.module<IncidentsModule>('incidents')! };
}

/** A timeline entry as the API sends it: the same fields as the core's. */
export type ApiEntry = PlacedEntry;

export interface ApiIncident {
  id: number;
  ref: string;
  title: string;
  severity: string;
  state: string;
  drill: boolean;
  components: string[];
  roles: Record<string, string | null>;
  moments: { startedMs: number; detectedMs: number; declaredMs: number; mitigatedMs: number | null; resolvedMs: number | null };
  next_update: { due_at: string; overdue_ms: number; owed_by: { role: string; person: string } } | null;
  window: { from: string; to: string };
  timeline: ApiEntry[];
  what_changed: { runs: Array<{ id: string }>; faults: ApiEntry[]; levers: ApiEntry[] };
  causes: string[];
}

export async function incidentOf(url: string, id: number): Promise<ApiIncident> {
  const response = await fetch(`${url}/api/incidents/${id}`);
  if (!response.ok) throw new Error(`GET /api/incidents/${id}: ${response.status} ${await response.text()}`);
  return (await response.json()) as ApiIncident;
}

export async function listOf(url: string): Promise<{ open: ApiIncident[]; resolved: ApiIncident[] }> {
  return (await (await fetch(`${url}/api/incidents`)).json()) as { open: ApiIncident[]; resolved: ApiIncident[] };
}

export async function post(url: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
