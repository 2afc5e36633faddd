import { StatusHistory } from '../status/history.js';
import type { Store, Transaction } from '../store/engine.js';
import { changes } from '../status/facts.js';
import { rank } from '../status/status.js';
import {
  IncidentConflictError,
  IncidentInputError,
  IncidentNotFoundError,
  ROLE_WORDS,
  type Incident,
  type Role,
  type UpdateState,
} from './incident.js';
import { IncidentRecords, type NewEntry } from './incident-store.js';
import { isSeverity, SEVERITY, severityList, type Severity } from './severity.js';

// The rules of incident command, for every face (CLI, API, pages, machines): what a declaration needs, who
// holds which role, what a status update and a resolution change. Everything is checked before anything is
// written, so a refusal changes nothing; every change is one transaction under the store's write lock that
// appends the entry saying what changed — two processes writing to one incident take turns, and neither
// loses what the other wrote.

/** How far before the declaration the timeline looks for what changed, unless told. */
export const DEFAULT_LOOKBACK_MS = 30 * 60_000;
const MAX_LOOKBACK_MS = 7 * 86_400_000;
const MAX_TEXT = 4000;

export interface DeclareInput {
  title: string;
  severity: string;
  components?: readonly string[];
  /** The incident commander; the declarer (`by`) when not given. */
  commander?: string;
  operations_lead?: string;
  communications_lead?: string;
  scribe?: string;
  /** Who declares it: a person, or what declared it for a machine (`monitor checkout-http`). */
  by?: string;
  startedMs?: number;
  detectedMs?: number;
  lookbackMs?: number;
  updateEveryMs?: number;
  /** The first status update (default: the title). */
  message?: string;
  /** Why a machine declared it, on the declaration's entry. */
  reason?: string;
  /** Declared by a machine (an alert, a status crossing): its first status update is the system's, not a person's words. */
  automatic?: boolean;
  drill?: boolean;
  drillRun?: string;
}

export interface Triggered {
  incident: Incident;
  created: boolean;
  /** The trigger's entries that were new to the incident (a fact it already had is not added again). */
  appended: number;
}

/** What a machine trigger does in one transaction: join the open incident of its cause, or declare one. */
export interface Trigger {
  /** `alertmanager <groupKey>`, `status <component>`. */
  cause: string;
  /** An open incident to join when the cause has none yet (e.g. one that affects the same component). */
  alsoJoin?: (records: IncidentRecords) => Promise<Incident | undefined>;
  declare: DeclareInput;
  /** Entries for the incident, whether it was joined or just declared (appended once per fact key). */
  entries: NewEntry[];
  /** Components the trigger concerns, added to a joined incident that lacks them. */
  components?: readonly string[];
}

export class Incidents {
  private readonly records: IncidentRecords;

  constructor(
    readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {
    this.records = new IncidentRecords(store);
  }

  async get(id: number): Promise<Incident> {
    const incident = await this.records.get(id);
    if (!incident) throw new IncidentNotFoundError(id);
    return incident;
  }

  list(options: { open?: boolean; sinceMs?: number; limit?: number } = {}): Promise<Incident[]> {
    return this.records.list(options);
  }

  /** The components of the status page, by id, with their names (empty map: no page published yet). */
  async componentNames(): Promise<Map<string, string>> {
    const published = await new StatusHistory(this.store).published();
    return new Map((published?.config.components ?? []).map((c) => [c.id, c.name]));
  }

  async declare(input: DeclareInput): Promise<Incident> {
    const checked = await this.check(input);
    return this.store.transaction((tx) => this.insert(tx, checked));
  }

  /**
   * A machine's declaration (an alert, a status crossing): joins the open incident of the same cause if
   * there is one, else declares one. One transaction under the write lock, so however many control rooms
   * receive the same trigger at once, one cause opens one incident.
   */
  async trigger(trigger: Trigger): Promise<Triggered> {
    const checked = await this.check(trigger.declare);
    return this.store.transaction(async (tx) => {
      const records = new IncidentRecords(tx);
      const now = this.clock();
      // The cause's own incident, or the one `alsoJoin` names; a real one before a drill when they differ.
      const candidates = [await records.openByCause(trigger.cause), await trigger.alsoJoin?.(records)].filter((c): c is Incident => c !== undefined);
      const open = candidates.find((candidate) => !candidate.drill) ?? candidates[0];
      const incident = open ?? (await this.insert(tx, checked));
      await records.addCause(trigger.cause, incident.id, now);
      const missing = (trigger.components ?? []).filter((c) => !incident.components.includes(c));
      if (open && missing.length > 0) {
        await records.change(incident.id, { components: [...incident.components, ...missing] }, now);
        await records.append(incident.id, { atMs: now, kind: 'components', source: trigger.declare.by ?? trigger.cause, text: `now affects ${missing.join(', ')} as well`, data: { added: missing } }, now);
      }
      let appended = 0;
      for (const entry of trigger.entries) if (await records.append(incident.id, entry, now)) appended++;
      if (open && appended > 0) await records.change(incident.id, {}, now);
      return { incident: (await records.get(incident.id))!, created: !open, appended };
    });
  }

  /** Hands a role to `person` (a handover for the commander), on the timeline. */
  async assign(id: number, role: Role, person: string, by: string): Promise<{ incident: Incident; changed: boolean }> {
    const name = required(person, `who takes the ${ROLE_WORDS[role]} role`);
    const author = required(by, 'who hands it over (by)');
    return this.change(id, { allowResolved: false }, async (incident, records, now) => {
      const before = incident.roles[role];
      if (before === name) return false;
      await records.change(id, { roles: { [role]: name } }, now);
      const text = before ? `${ROLE_WORDS[role]}: ${before} → ${name}` : `${ROLE_WORDS[role]}: ${name}`;
      await records.append(id, { atMs: now, kind: 'role', source: author, text, data: { role, from: before, to: name } }, now);
      return true;
    });
  }

  /** A note or a decision: what a person wants on the record. Also after the resolution (what was learnt). */
  async note(id: number, text: string, by: string, options: { decision?: boolean } = {}): Promise<Incident> {
    const words = required(text, options.decision ? 'the decision' : 'the note', MAX_TEXT);
    const author = required(by, 'who writes it (by)');
    return (
      await this.change(id, { allowResolved: true }, async (_incident, records, now) => {
        await records.append(id, { atMs: now, kind: options.decision ? 'decision' : 'note', source: author, text: words, data: null }, now);
        return true;
      })
    ).incident;
  }

  /**
   * A status update: words for the status page and its feeds, optionally a new state or severity. The
   * first `monitoring` marks the incident mitigated (a fix is in, we watch it).
   */
  async update(id: number, input: { message: string; by: string; state?: UpdateState; severity?: string }): Promise<Incident> {
    const words = required(input.message, 'what the update says (message)', MAX_TEXT);
    const author = required(input.by, 'who posts it (by)');
    if (input.severity !== undefined && !isSeverity(input.severity)) throw unknownSeverity(input.severity);
    return (
      await this.change(id, { allowResolved: false }, async (incident, records, now) => {
        const state = input.state ?? (incident.state as UpdateState);
        const severity = input.severity as Severity | undefined;
        if (severity && severity !== incident.severity) {
          await records.change(id, { severity, updateEveryMs: SEVERITY[severity].updateEveryMs }, now);
          await records.append(id, { atMs: now, kind: 'severity', source: author, text: `severity ${incident.severity} → ${severity}`, data: { from: incident.severity, to: severity } }, now);
        }
        await records.change(id, { state, lastUpdateMs: now, ...(state === 'monitoring' && incident.moments.mitigatedMs === null ? { mitigatedMs: now } : {}) }, now);
        await records.append(id, { atMs: now, kind: 'update', source: author, text: words, data: { state } }, now);
        if (state === 'monitoring' && incident.moments.mitigatedMs === null) {
          await records.append(id, { atMs: now, kind: 'mitigated', source: author, text: 'mitigated: a fix is in place and being watched', data: null }, now);
        }
        return true;
      })
    ).incident;
  }

  /** Resolves an open incident; a resolved one is refused, and nothing changes. */
  async resolve(id: number, input: { by: string; message?: string; kind?: 'resolved' | 'drill.closed' }): Promise<Incident> {
    const author = required(input.by, 'who resolves it (by)');
    const words = input.message?.trim() || 'Resolved.';
    return (
      await this.change(id, { allowResolved: false }, async (incident, records, now) => {
        await records.change(id, { state: 'resolved', resolvedMs: now, lastUpdateMs: now, ...(incident.moments.mitigatedMs === null ? { mitigatedMs: now } : {}) }, now);
        await records.append(id, { atMs: now, kind: 'resolved', source: author, text: words, data: { state: 'resolved', ...(input.kind === 'drill.closed' ? { drillClosed: true } : {}) } }, now);
        return true;
      })
    ).incident;
  }

  /** Checks a declaration completely before anything is written: a refusal changes nothing. */
  private async check(input: DeclareInput): Promise<Checked> {
    const title = required(input.title, 'a title (what is wrong, in a few words)', 200);
    if (!isSeverity(input.severity)) throw unknownSeverity(input.severity);
    const commander = (input.commander ?? input.by ?? '').trim();
    if (!commander) throw new IncidentInputError('an incident needs an incident commander: name one (commander), or say who declares it (by) — the declarer commands until they hand over');
    const declaredBy = input.by?.trim() || commander;
    const components = [...new Set((input.components ?? []).map((c) => c.trim()).filter(Boolean))];
    if (components.length > 0) {
      const known = await this.componentNames();
      if (known.size === 0) throw new IncidentInputError(`no status page in the store ${this.store.location} to name components from: start a control room with one (gameday serve --status status.yaml), or declare without components`);
      const unknown = components.filter((c) => !known.has(c));
      if (unknown.length > 0) throw new IncidentInputError(`unknown component${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}: the status page has ${[...known.keys()].join(', ')}`);
    }
    const lookbackMs = input.lookbackMs ?? DEFAULT_LOOKBACK_MS;
    if (!(lookbackMs >= 0 && lookbackMs <= MAX_LOOKBACK_MS)) throw new IncidentInputError('the lookback before the declaration is between 0 and 7 days');
    const updateEveryMs = input.updateEveryMs ?? SEVERITY[input.severity].updateEveryMs;
    if (!(updateEveryMs >= 1000)) throw new IncidentInputError('the rhythm of status updates is at least 1s');
    const declaredMs = this.clock();
    // A person declaring often does so after a monitor saw it: the first bad status of its components within the lookback.
    const seen = input.detectedMs === undefined ? await this.firstTrouble(components, declaredMs - lookbackMs, declaredMs) : undefined;
    const detectedMs = input.detectedMs ?? (seen !== undefined && (input.startedMs === undefined || seen >= input.startedMs) ? seen : declaredMs);
    const startedMs = input.startedMs ?? detectedMs;
    if (startedMs > detectedMs || detectedMs > declaredMs) {
      throw new IncidentInputError(`the moments must come in order: started (${iso(startedMs)}) ≤ detected (${iso(detectedMs)}) ≤ declared (now, ${iso(declaredMs)})`);
    }
    const roles = { commander } as Incident['roles'];
    for (const role of ['operations_lead', 'communications_lead', 'scribe'] as const) {
      const person = input[role]?.trim();
      roles[role] = person ? person : null;
    }
    return {
      title,
      severity: input.severity,
      components,
      roles,
      declaredBy,
      startedMs,
      detectedMs,
      declaredMs,
      lookbackMs,
      updateEveryMs,
      message: input.message?.trim() || title,
      reason: input.reason,
      automatic: Boolean(input.automatic),
      drill: Boolean(input.drill || input.drillRun),
      drillRun: input.drillRun ?? null,
    };
  }

  private async firstTrouble(components: string[], fromMs: number, toMs: number): Promise<number | undefined> {
    if (components.length === 0) return undefined;
    const found = await changes(this.store, { components, fromMs, toMs: toMs + 1 });
    return found.find((change) => rank(change.to) >= rank('degraded_performance'))?.atMs;
  }

  private async insert(tx: Transaction, checked: Checked): Promise<Incident> {
    const records = new IncidentRecords(tx);
    const now = checked.declaredMs;
    const id = await records.insert({ ...checked, state: 'investigating' }, now);
    const roles = (Object.entries(checked.roles) as Array<[Role, string | null]>).filter(([, person]) => person).map(([role, person]) => `${ROLE_WORDS[role]} ${person}`);
    const what = `${checked.drill ? 'drill ' : ''}${checked.severity} declared by ${checked.declaredBy}: "${checked.title}"${checked.components.length > 0 ? ` on ${checked.components.join(', ')}` : ''}; ${roles.join(', ')}${checked.reason ? `; ${checked.reason}` : ''}`;
    await records.append(id, { atMs: now, kind: 'declared', source: checked.declaredBy, text: what, data: { severity: checked.severity, components: checked.components, roles: checked.roles } }, now);
    await records.append(id, { atMs: now, kind: 'update', source: checked.declaredBy, text: checked.message, data: { state: 'investigating', ...(checked.automatic ? { automatic: true } : {}) } }, now);
    return (await records.get(id))!;
  }

  /** Runs `work` on the incident in one transaction; `work` says whether it changed anything. */
  private async change(id: number, options: { allowResolved: boolean }, work: (incident: Incident, records: IncidentRecords, nowMs: number) => Promise<boolean>): Promise<{ incident: Incident; changed: boolean }> {
    return this.store.transaction(async (tx) => {
      const records = new IncidentRecords(tx);
      const incident = await records.get(id);
      if (!incident) throw new IncidentNotFoundError(id);
      if (!options.allowResolved && incident.moments.resolvedMs !== null) {
        throw new IncidentConflictError(`${incident.ref} was resolved at ${iso(incident.moments.resolvedMs)}: nothing was changed. A note is still welcome (gameday incident note); trouble that comes back is a new incident (gameday incident declare)`);
      }
      const changed = await work(incident, records, this.clock());
      return { incident: (await records.get(id))!, changed };
    });
  }
}

interface Checked {
  title: string;
  severity: Severity;
  components: string[];
  roles: Incident['roles'];
  declaredBy: string;
  startedMs: number;
  detectedMs: number;
  declaredMs: number;
  lookbackMs: number;
  updateEveryMs: number;
  message: string;
  reason?: string;
  automatic: boolean;
  drill: boolean;
  drillRun: string | null;
}

function required(text: string | undefined, what: string, max = 200): string {
  const value = (text ?? '').trim();
  if (!value) throw new IncidentInputError(`say ${what}`);
  if (value.length > max) throw new IncidentInputError(`${what} is longer than ${max} characters`);
  return value;
}

function unknownSeverity(given: unknown): IncidentInputError {
  return new IncidentInputError(`unknown severity "${String(given)}": one of ${severityList()} (gameday incident declare --help says what each means)`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
