import type { Queryable, SqlValue, Transaction } from '../store/engine.js';
import type { Capability } from '../store/migrations.js';
import { refOf, type Incident, type IncidentState, type Role } from './incident.js';
import type { Severity } from './severity.js';

// The incidents' tables. `incidents` holds each incident's present (state, roles, moments); every change
// of it is made in one transaction with the entry that records it in `incident_entries`, which is only
// ever appended to (STYLE §9): a correction is a new entry. Facts another capability already keeps (status
// changes, run journals, the lever audit) are not copied here: the timeline reads them where they are
// (timeline.ts). What only reaches us through the incident — alerts from Alertmanager — is appended here,
// once, under a key (`fact_key`) that a second delivery of the same alert cannot add again. `incident_causes`
// ties an incident to what opened or joined it, so that one cause never opens two incidents.

export const incidentsCapability: Capability = {
  name: 'incidents',
  migrations: [
    {
      version: 1,
      name: 'incidents, their appended entries, their causes',
      sql: (d) => `
CREATE TABLE incidents (
  id ${d.serialKey},
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  state TEXT NOT NULL,
  components TEXT NOT NULL,
  drill INTEGER NOT NULL,
  drill_run TEXT,
  commander TEXT NOT NULL,
  operations_lead TEXT,
  communications_lead TEXT,
  scribe TEXT,
  started_ms ${d.bigint} NOT NULL,
  detected_ms ${d.bigint} NOT NULL,
  declared_ms ${d.bigint} NOT NULL,
  mitigated_ms ${d.bigint},
  resolved_ms ${d.bigint},
  lookback_ms ${d.bigint} NOT NULL,
  update_every_ms ${d.bigint} NOT NULL,
  last_update_ms ${d.bigint} NOT NULL,
  declared_by TEXT NOT NULL,
  updated_ms ${d.bigint} NOT NULL
);
CREATE INDEX incidents_open ON incidents (resolved_ms, declared_ms);
CREATE TABLE incident_entries (
  seq ${d.serialKey},
  incident ${d.bigint} NOT NULL REFERENCES incidents (id),
  at_ms ${d.bigint} NOT NULL,
  at TEXT NOT NULL,
  recorded_ms ${d.bigint} NOT NULL,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  text TEXT NOT NULL,
  data TEXT,
  fact_key TEXT
);
CREATE INDEX incident_entries_incident ON incident_entries (incident, seq);
CREATE UNIQUE INDEX incident_entries_fact ON incident_entries (incident, fact_key);
CREATE TABLE incident_causes (
  cause TEXT NOT NULL,
  incident ${d.bigint} NOT NULL REFERENCES incidents (id),
  at_ms ${d.bigint} NOT NULL,
  PRIMARY KEY (cause, incident)
);
CREATE TABLE incident_cursors (
  name TEXT PRIMARY KEY,
  seq ${d.bigint} NOT NULL
);`,
    },
  ],
};

/** What an entry records. Words are what people wrote (notes, decisions, status updates); the rest are facts. */
export const ENTRY_KINDS = ['declared', 'note', 'decision', 'role', 'update', 'severity', 'components', 'mitigated', 'resolved', 'alert', 'alert.resolved', 'drill.closed'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export interface EntryRecord {
  seq: number;
  incident: number;
  /** When it happened (an alert's start), to the millisecond. */
  atMs: number;
  at: string;
  /** When it was written here. */
  recordedMs: number;
  kind: EntryKind;
  /** Who or what wrote it: `alice`, `alertmanager group {}:{alertname="…"}`, `monitor checkout-http`, `run 2026…`. */
  source: string;
  text: string;
  data: Record<string, unknown> | null;
}

export type NewEntry = Omit<EntryRecord, 'seq' | 'incident' | 'at' | 'recordedMs'> & { factKey?: string };

export type NewIncident = Pick<Incident, 'title' | 'severity' | 'state' | 'components' | 'drill' | 'drillRun' | 'roles' | 'lookbackMs' | 'updateEveryMs' | 'declaredBy'> &
  Pick<Incident['moments'], 'startedMs' | 'detectedMs' | 'declaredMs'>;

interface IncidentRow {
  id: number;
  title: string;
  severity: string;
  state: string;
  components: string;
  drill: number;
  drill_run: string | null;
  commander: string;
  operations_lead: string | null;
  communications_lead: string | null;
  scribe: string | null;
  started_ms: number;
  detected_ms: number;
  declared_ms: number;
  mitigated_ms: number | null;
  resolved_ms: number | null;
  lookback_ms: number;
  update_every_ms: number;
  last_update_ms: number;
  declared_by: string;
  updated_ms: number;
}

interface EntryRow {
  seq: number;
  incident: number;
  at_ms: number;
  at: string;
  recorded_ms: number;
  kind: string;
  source: string;
  text: string;
  data: string | null;
}

/** The columns a change may set on an incident's row. */
export interface IncidentChange {
  title?: string;
  severity?: Severity;
  state?: IncidentState;
  components?: string[];
  roles?: Partial<Record<Role, string | null>>;
  startedMs?: number;
  detectedMs?: number;
  mitigatedMs?: number;
  resolvedMs?: number;
  updateEveryMs?: number;
  lastUpdateMs?: number;
}

const ROLE_COLUMNS: Record<Role, string> = { commander: 'commander', operations_lead: 'operations_lead', communications_lead: 'communications_lead', scribe: 'scribe' };

/** Reads and writes rows; `db` is the store or one transaction of it. The rules live in incidents.ts. */
export class IncidentRecords {
  constructor(private readonly db: Queryable | Transaction) {}

  /** Pages that follow an incident re-read it once the transaction that wrote it commits. */
  private told(id: number): void {
    if ('notify' in this.db) this.db.notify('incidents', String(id));
  }

  async insert(incident: NewIncident, nowMs: number): Promise<number> {
    const row = await this.db.get<{ id: number }>(
      `INSERT INTO incidents (title, severity, state, components, drill, drill_run, commander, operations_lead, communications_lead, scribe, started_ms, detected_ms, declared_ms, lookback_ms, update_every_ms, last_update_ms, declared_by, updated_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
        incident.title,
        incident.severity,
        incident.state,
        JSON.stringify(incident.components),
        incident.drill || incident.drillRun !== null ? 1 : 0,
        incident.drillRun,
        incident.roles.commander,
        incident.roles.operations_lead ?? null,
        incident.roles.communications_lead ?? null,
        incident.roles.scribe ?? null,
        incident.startedMs,
        incident.detectedMs,
        incident.declaredMs,
        incident.lookbackMs,
        incident.updateEveryMs,
        incident.declaredMs,
        incident.declaredBy,
        nowMs,
      ],
    );
    this.told(Number(row!.id));
    return Number(row!.id);
  }

  async get(id: number): Promise<Incident | undefined> {
    const row = await this.db.get<IncidentRow>('SELECT * FROM incidents WHERE id = ?', [id]);
    return row && incidentOf(row);
  }

  /** Newest first. `open`: not resolved; `sinceMs`: declared, updated or resolved since. */
  async list(options: { open?: boolean; sinceMs?: number; limit?: number } = {}): Promise<Incident[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (options.open) where.push('resolved_ms IS NULL');
    if (options.sinceMs !== undefined) {
      where.push('(updated_ms >= ? OR resolved_ms IS NULL)');
      params.push(options.sinceMs);
    }
    params.push(options.limit ?? 10_000);
    const rows = await this.db.all<IncidentRow>(`SELECT * FROM incidents${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY declared_ms DESC, id DESC LIMIT ?`, params);
    return rows.map(incidentOf);
  }

  async change(id: number, change: IncidentChange, nowMs: number): Promise<void> {
    const sets: string[] = ['updated_ms = ?'];
    const params: SqlValue[] = [nowMs];
    const set = (column: string, value: SqlValue) => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (change.title !== undefined) set('title', change.title);
    if (change.severity !== undefined) set('severity', change.severity);
    if (change.state !== undefined) set('state', change.state);
    if (change.components !== undefined) set('components', JSON.stringify(change.components));
    for (const [role, person] of Object.entries(change.roles ?? {})) set(ROLE_COLUMNS[role as Role], person ?? null);
    if (change.startedMs !== undefined) set('started_ms', change.startedMs);
    if (change.detectedMs !== undefined) set('detected_ms', change.detectedMs);
    if (change.mitigatedMs !== undefined) set('mitigated_ms', change.mitigatedMs);
    if (change.resolvedMs !== undefined) set('resolved_ms', change.resolvedMs);
    if (change.updateEveryMs !== undefined) set('update_every_ms', change.updateEveryMs);
    if (change.lastUpdateMs !== undefined) set('last_update_ms', change.lastUpdateMs);
    params.push(id);
    await this.db.run(`UPDATE incidents SET ${sets.join(', ')} WHERE id = ?`, params);
    this.told(id);
  }

  /** Appends an entry; one with a `factKey` the incident already has is not added again (returns false). */
  async append(incident: number, entry: NewEntry, nowMs: number): Promise<boolean> {
    const result = await this.db.run(
      'INSERT INTO incident_entries (incident, at_ms, at, recorded_ms, kind, source, text, data, fact_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [incident, Math.round(entry.atMs), new Date(entry.atMs).toISOString(), nowMs, entry.kind, entry.source, entry.text, entry.data ? JSON.stringify(entry.data) : null, entry.factKey ?? null],
    );
    if (result.changes > 0) this.told(incident);
    return result.changes > 0;
  }

  /** Every entry of an incident, in the order they were written. */
  async entries(incident: number, kinds?: readonly EntryKind[]): Promise<EntryRecord[]> {
    const filter = kinds ? ` AND kind IN (${kinds.map(() => '?').join(', ')})` : '';
    const rows = await this.db.all<EntryRow>(`SELECT seq, incident, at_ms, at, recorded_ms, kind, source, text, data FROM incident_entries WHERE incident = ?${filter} ORDER BY seq`, [
      incident,
      ...(kinds ?? []),
    ]);
    return rows.map(entryOf);
  }

  /** The status updates of several incidents at once (the status page lists many), oldest first. */
  async updatesOf(incidents: readonly number[]): Promise<Map<number, EntryRecord[]>> {
    const out = new Map<number, EntryRecord[]>(incidents.map((id) => [id, []]));
    if (incidents.length === 0) return out;
    const rows = await this.db.all<EntryRow>(
      `SELECT seq, incident, at_ms, at, recorded_ms, kind, source, text, data FROM incident_entries WHERE kind IN ('update', 'resolved') AND incident IN (${incidents.map(() => '?').join(', ')}) ORDER BY seq`,
      [...incidents],
    );
    for (const row of rows) out.get(Number(row.incident))?.push(entryOf(row));
    return out;
  }

  async addCause(cause: string, incident: number, atMs: number): Promise<void> {
    await this.db.run('INSERT INTO incident_causes (cause, incident, at_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [cause, incident, atMs]);
  }

  /** The open incident a cause opened or joined, if any. */
  async openByCause(cause: string): Promise<Incident | undefined> {
    const row = await this.db.get<IncidentRow>(
      'SELECT i.* FROM incidents i JOIN incident_causes c ON c.incident = i.id WHERE c.cause = ? AND i.resolved_ms IS NULL ORDER BY i.id DESC LIMIT 1',
      [cause],
    );
    return row && incidentOf(row);
  }

  /** The newest incident a cause opened or joined, open or not. */
  async lastByCause(cause: string): Promise<Incident | undefined> {
    const row = await this.db.get<IncidentRow>('SELECT i.* FROM incidents i JOIN incident_causes c ON c.incident = i.id WHERE c.cause = ? ORDER BY i.id DESC LIMIT 1', [cause]);
    return row && incidentOf(row);
  }

  async causesOf(incident: number): Promise<string[]> {
    return (await this.db.all<{ cause: string }>('SELECT cause FROM incident_causes WHERE incident = ? ORDER BY at_ms, cause', [incident])).map((row) => row.cause);
  }

  async cursor(name: string): Promise<number | undefined> {
    const row = await this.db.get<{ seq: number }>('SELECT seq FROM incident_cursors WHERE name = ?', [name]);
    return row === undefined ? undefined : Number(row.seq);
  }

  async setCursor(name: string, seq: number): Promise<void> {
    await this.db.run('INSERT INTO incident_cursors (name, seq) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq', [name, seq]);
  }
}

function incidentOf(row: IncidentRow): Incident {
  const id = Number(row.id);
  const optional = (value: number | null) => (value === null ? null : Number(value));
  return {
    id,
    ref: refOf(id),
    title: row.title,
    severity: row.severity as Severity,
    state: row.state as IncidentState,
    components: JSON.parse(row.components) as string[],
    drillRun: row.drill_run,
    drill: Number(row.drill) === 1,
    roles: { commander: row.commander, operations_lead: row.operations_lead, communications_lead: row.communications_lead, scribe: row.scribe },
    moments: {
      startedMs: Number(row.started_ms),
      detectedMs: Number(row.detected_ms),
      declaredMs: Number(row.declared_ms),
      mitigatedMs: optional(row.mitigated_ms),
      resolvedMs: optional(row.resolved_ms),
    },
    lookbackMs: Number(row.lookback_ms),
    updateEveryMs: Number(row.update_every_ms),
    lastUpdateMs: Number(row.last_update_ms),
    declaredBy: row.declared_by,
    updatedMs: Number(row.updated_ms),
  };
}

function entryOf(row: EntryRow): EntryRecord {
  return {
    seq: Number(row.seq),
    incident: Number(row.incident),
    atMs: Number(row.at_ms),
    at: row.at,
    recordedMs: Number(row.recorded_ms),
    kind: row.kind as EntryKind,
    source: row.source,
    text: row.text,
    data: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : null,
  };
}
