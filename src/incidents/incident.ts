import type { Severity } from './severity.js';

// An incident as GameDay keeps it (DESIGN.md): a declared event with a severity, the roles of the Incident
// Command System, a state, the components it affects, the moments response figures are measured from, and
// a timeline. The row is the incident's present; its entries (incident-store.ts) are its record, appended
// in the same transaction as every change of the row, so the record always says how the present came about.

export const INCIDENT_STATES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];
/** What a status update may set; `resolved` is what `resolve` does. */
export const UPDATE_STATES = ['investigating', 'identified', 'monitoring'] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];

export const ROLES = ['commander', 'operations_lead', 'communications_lead', 'scribe'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_WORDS: Record<Role, string> = {
  commander: 'incident commander',
  operations_lead: 'operations lead',
  communications_lead: 'communications lead',
  scribe: 'scribe',
};

/** What each role does, in the words docs/incidents.md and the pages use. */
export const ROLE_DUTIES: Record<Role, string> = {
  commander: 'decides; holds every role nobody else holds',
  operations_lead: 'acts on the system: levers, rollbacks, fixes',
  communications_lead: 'posts status updates on the rhythm of the severity',
  scribe: 'keeps the timeline: notes and decisions',
};

/** The names people type for a role: `ic`, `ops`, `comms` … */
const ROLE_ALIASES: Record<string, Role> = {
  commander: 'commander',
  ic: 'commander',
  'incident-commander': 'commander',
  incident_commander: 'commander',
  operations: 'operations_lead',
  ops: 'operations_lead',
  'operations-lead': 'operations_lead',
  operations_lead: 'operations_lead',
  communications: 'communications_lead',
  comms: 'communications_lead',
  'communications-lead': 'communications_lead',
  communications_lead: 'communications_lead',
  scribe: 'scribe',
};

export function parseRole(text: string): Role {
  const role = ROLE_ALIASES[text.trim().toLowerCase()];
  if (!role) throw new IncidentInputError(`unknown role "${text}": one of commander (ic), operations-lead (ops), communications-lead (comms), scribe`);
  return role;
}

export type Roles = { commander: string } & Partial<Record<Exclude<Role, 'commander'>, string | null>>;

export interface Moments {
  /** When the trouble began (as far as anyone knows). */
  startedMs: number;
  /** When a monitor, an alert or a person first noticed it. */
  detectedMs: number;
  declaredMs: number;
  /** When it stopped hurting users: the first `monitoring` update, or the resolution. */
  mitigatedMs: number | null;
  resolvedMs: number | null;
}

export interface Incident {
  id: number;
  /** How people name it: INC-7. */
  ref: string;
  title: string;
  severity: Severity;
  state: IncidentState;
  /** Component ids of the status page. */
  components: string[];
  /** A drill: opened on purpose, by a GameDay run or by hand; kept out of uptime and response figures. */
  drill: boolean;
  /** The run that opened it, if a run did. */
  drillRun: string | null;
  roles: Record<Role, string | null> & { commander: string };
  moments: Moments;
  /** How far before the declaration the timeline looks for what changed. */
  lookbackMs: number;
  /** The rhythm of status updates (from the severity unless given). */
  updateEveryMs: number;
  lastUpdateMs: number;
  declaredBy: string;
  updatedMs: number;
}

export function refOf(id: number): string {
  return `INC-${id}`;
}

/** `7`, `INC-7`, `inc-7` or `#7`. */
export function parseIncidentId(text: string): number {
  const match = /^(?:inc-|#)?(\d{1,12})$/i.exec(text.trim());
  if (!match) throw new IncidentInputError(`"${text}" is not an incident id: write it as 7 or INC-7`);
  return Number(match[1]);
}

/** Refused input (an unknown severity, component or role; no commander): nothing was changed. */
export class IncidentInputError extends Error {
  readonly statusCode = 400;
}

export class IncidentNotFoundError extends Error {
  readonly statusCode = 404;
  constructor(readonly id: number) {
    super(`no incident ${refOf(id)} in this store (gameday incident list shows them)`);
  }
}

/** A change the incident's state does not allow (resolving a resolved incident): nothing was changed. */
export class IncidentConflictError extends Error {
  readonly statusCode = 409;
}
