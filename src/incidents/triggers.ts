import { hostname } from 'node:os';
import type { Logger } from '../observe/log.js';
import { CHANGE_COLUMNS, changeOf, type ChangeRow, type StatusChange } from '../status/facts.js';
import { StatusHistory } from '../status/history.js';
import { rank, STATUS_WORDS } from '../status/status.js';
import { RunStore } from '../store/runs.js';
import { processAlive } from '../store/sqlite-engine.js';
import { IncidentConflictError } from './incident.js';
import { IncidentRecords } from './incident-store.js';
import type { Incidents } from './incidents.js';

// The incidents' work that must happen once per store (ControlRoom.hold('incident-triggers')): read every
// status change after the last one read (a cursor in the store, so a room that takes over goes on where
// the other stopped), and when a component reaches the level its status.yaml sets (`incident: { at,
// severity }`), open an incident — or join the open one of the same cause, or one that affects that
// component. And close the drills whose run has ended or died. Each step is idempotent by itself
// (Incidents.trigger, resolve), so even two rooms doing it at once open one incident per cause.

export const INCIDENT_WORK = 'incident-triggers';
const CURSOR = 'status-changes';
const POLL_MS = 1000;
const PAGE = 500;

export interface TriggerOptions {
  /** Who commands what a machine declares, until a person takes over. */
  onCall: string;
  log: Logger;
}

export class IncidentTriggers {
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => Promise<void>;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly incidents: Incidents,
    private readonly options: TriggerOptions,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe = await this.incidents.store.subscribe('status', () => this.wake());
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    await this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.unsubscribe?.();
    await this.running;
  }

  private wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.tick()
      .catch((error: Error) => this.options.log.warn({ err: error }, `incident triggers failed: ${error.message}; trying again`))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Reads the status changes not read yet, acts on the ones that cross a level, closes ended drills. */
  async tick(): Promise<void> {
    const store = this.incidents.store;
    const records = new IncidentRecords(store);
    const stored = await records.cursor(CURSOR);
    let cursor: number;
    if (stored !== undefined) cursor = stored;
    else {
      // The first room ever starts from now: the past was not watched, and declaring it now would be news of old trouble.
      cursor = Number((await store.get<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM status_changes'))?.seq ?? 0);
      await records.setCursor(CURSOR, cursor);
    }
    const published = await new StatusHistory(store).published();
    while (!this.stopped) {
      const rows = await store.all<ChangeRow>(`SELECT ${CHANGE_COLUMNS} FROM status_changes WHERE seq > ? ORDER BY seq LIMIT ?`, [cursor, PAGE]);
      for (const change of rows.map(changeOf)) {
        const component = published?.config.components.find((c) => c.id === change.component);
        if (component?.incident && crosses(change, component.incident.at)) await this.declare(change, component.name, component.incident);
        cursor = change.seq;
        await records.setCursor(CURSOR, cursor);
      }
      if (rows.length < PAGE) break;
    }
    await this.closeEndedDrills();
  }

  private async declare(change: StatusChange, name: string, level: { at: Parameters<typeof rank>[0]; severity: string }): Promise<void> {
    const status = STATUS_WORDS[change.to].toLowerCase();
    const { incident, created } = await this.incidents.trigger({
      cause: `status ${change.component}`,
      // Trouble on a component someone already declared an incident for is that incident: a real one before a
      // drill, when both are open on it (the real one is what the trouble may be, and what counts in uptime).
      alsoJoin: async (records) => {
        const affected = (await records.list({ open: true })).filter((open) => open.components.includes(change.component));
        return affected.find((open) => !open.drill) ?? affected[0];
      },
      declare: {
        title: `${name}: ${status}`,
        severity: level.severity,
        components: [change.component],
        commander: this.options.onCall,
        by: change.source,
        startedMs: change.atMs,
        detectedMs: change.atMs,
        automatic: true,
        reason: `${name} reached ${status}${change.sli ? ` (${change.sli})` : ''}, the level status.yaml declares a ${level.severity} at`,
        message: `${name} shows ${status}. We are investigating.`,
      },
      entries: [],
      components: [change.component],
    });
    this.options.log.info({ incident: incident.ref, created, component: change.component }, `${created ? 'declared' : 'joined'} ${incident.ref}: ${name} reached ${status}`);
  }

  /** Drills end with their run: closed by the run itself, or here when the run ended without closing it (killed, halted). */
  private async closeEndedDrills(): Promise<void> {
    const runs = new RunStore(this.incidents.store);
    for (const incident of await this.incidents.list({ open: true })) {
      if (!incident.drillRun) continue;
      const run = await runs.get(incident.drillRun);
      const gone = !run || run.endedAt !== null || run.status === 'halted' || (run.host === hostname() && !processAlive(run.pid));
      if (!gone) continue;
      const how = !run ? 'is not in the store' : run.endedAt ? `ended${run.verdict ? ` (${run.verdict})` : ''}` : run.status === 'halted' ? 'was halted' : 'stopped without ending (its process is gone)';
      try {
        await this.incidents.resolve(incident.id, { by: `run ${incident.drillRun}`, message: `Drill closed: run ${incident.drillRun} ${how}.`, kind: 'drill.closed' });
      } catch (error) {
        if (!(error instanceof IncidentConflictError)) throw error;
      }
    }
  }
}

/** From better than the level to the level or worse: where status.yaml says an incident begins. */
export function crosses(change: Pick<StatusChange, 'from' | 'to'>, at: Parameters<typeof rank>[0]): boolean {
  return rank(change.to) >= rank(at) && (change.from === null || rank(change.from) < rank(at));
}
