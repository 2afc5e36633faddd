import { changes } from '../status/facts.js';
import { STATUS_WORDS } from '../status/status.js';
import type { Queryable } from '../store/engine.js';
import type { RunRecord } from '../store/runs.js';

// The facts an incident's timeline reads where other capabilities keep them, never copied: status changes
// (src/status/facts.ts), the journals runs publish live (journal_events), and the levers' audit trail. All
// three are appended and never rewritten, so reading them when the timeline is shown gives the same entry,
// once, however many processes wrote meanwhile — nothing to keep in step, nothing to lose.

/** One line of an incident's timeline, whatever recorded it. */
export interface TimelineEntry {
  atMs: number;
  /** ISO time, to the millisecond. */
  at: string;
  /** `status`, `fault.injected`, `lever.pull`, `alert`, `note`, `update` … */
  kind: string;
  /** What a person wrote (a note, a decision, a status update), as opposed to a fact the system recorded. */
  words: boolean;
  /** Who or what: `monitor checkout-http`, `run 2026…`, `alice`, `alertmanager group …`. */
  source: string;
  text: string;
  /** Where it is kept, unique on the timeline: `incident entry 12`, `status change 34`, `run <id> event 7`, `lever audit 17`. */
  ref: string;
  /** The run it comes from, with its experiment. */
  run?: { id: string; experiment: string };
  /** A fault injected or reverted: which one (its id within the run) and on which target. */
  fault?: { id: string; target?: string; description: string };
  /** A lever pulled or reset. */
  lever?: { name: string; action: 'pull' | 'reset' };
}

export interface Window {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
}

/** Status changes of `components` within the window; `names` gives their names on the page. */
export async function statusFacts(store: Pick<Queryable, 'all'>, components: readonly string[], window: Window, names: ReadonlyMap<string, string>): Promise<TimelineEntry[]> {
  const found = await changes(store, { components, fromMs: window.fromMs, toMs: window.toMs });
  return found.map((change) => ({
    atMs: change.atMs,
    at: change.at,
    kind: 'status',
    words: false,
    source: change.source,
    text: `${names.get(change.component) ?? change.component}: ${change.from ? STATUS_WORDS[change.from].toLowerCase() : 'first status'} → ${STATUS_WORDS[change.to].toLowerCase()}${change.sli ? ` (${change.sli})` : ''}`,
    ref: `status change ${change.seq}`,
  }));
}

/** The journal events that say what a run did to the system, by type: what the timeline calls them. */
const RUN_EVENTS: Record<string, (message: string) => string> = {
  'run.start': (message) => `run started: ${message}`,
  'fault.injected': (message) => `fault injected: ${message}`,
  'fault.reverted': (message) => `fault reverted: ${message}`,
  'guardrail.breach': (message) => message,
  abort: (message) => `run aborting, every fault reverted at once: ${message}`,
  verdict: (message) => `verdict: ${message}`,
};

export type RunInWindow = Pick<RunRecord, 'id' | 'title' | 'file' | 'startedAt' | 'endedAt' | 'verdict'>;

/** Runs that were running at some moment of the window. */
export async function runsIn(store: Pick<Queryable, 'all'>, window: Window): Promise<RunInWindow[]> {
  const rows = await store.all<{ id: string; title: string; file: string; started_at: string; ended_at: string | null; verdict: string | null }>(
    'SELECT id, title, file, started_at, ended_at, verdict FROM runs WHERE started_at < ? AND (ended_at IS NULL OR ended_at >= ?) ORDER BY started_at, id',
    [iso(window.toMs), iso(window.fromMs)],
  );
  return rows.map((row) => ({ id: row.id, title: row.title, file: row.file, startedAt: row.started_at, endedAt: row.ended_at, verdict: row.verdict }));
}

/**
 * What any run did within the window: its start, faults injected and reverted (with the run's id and
 * experiment), guardrail breaches, aborts and verdicts. Levers a run pulled are left to the lever audit
 * trail (leverFacts), which has every change of a lever whoever made it: each change once.
 */
export async function runFacts(store: Pick<Queryable, 'all'>, window: Window, runs?: readonly RunInWindow[]): Promise<TimelineEntry[]> {
  const out: TimelineEntry[] = [];
  for (const run of runs ?? (await runsIn(store, window))) {
    const events = await store.all<{ seq: number; at: string; type: string; message: string; data: string | null }>(
      `SELECT seq, at, type, message, data FROM journal_events WHERE run_id = ? AND type IN (${Object.keys(RUN_EVENTS).map(() => '?').join(', ')}) ORDER BY seq`,
      [run.id, ...Object.keys(RUN_EVENTS)],
    );
    // A lever written as a step is journaled as a fault of kind `lever` too; the audit trail tells it once.
    const leverFaults = new Set<unknown>();
    for (const event of events) {
      const data = event.data ? (JSON.parse(event.data) as Record<string, unknown>) : {};
      if (event.type === 'fault.injected' && data.kind === 'lever') leverFaults.add(data.faultId);
      if ((event.type === 'fault.injected' || event.type === 'fault.reverted') && leverFaults.has(data.faultId)) continue;
      const atMs = Date.parse(event.at);
      if (!(atMs >= window.fromMs && atMs < window.toMs)) continue;
      const experiment = run.title;
      out.push({
        atMs,
        at: new Date(atMs).toISOString(),
        kind: event.type,
        words: false,
        source: `run ${run.id}`,
        text: event.type === 'run.start' ? `run started: "${experiment}" (${run.file})` : `${RUN_EVENTS[event.type](event.message)} (experiment "${experiment}")`,
        ref: `run ${run.id} event ${Number(event.seq)}`,
        run: { id: run.id, experiment },
        ...(event.type.startsWith('fault.') ? { fault: { id: String(data.faultId), ...(typeof data.target === 'string' ? { target: data.target } : {}), description: event.message } } : {}),
      });
    }
  }
  return out;
}

/** Every lever pulled or reset within the window, by whoever did it (a person, a run, a lapsed lease). */
export async function leverFacts(store: Pick<Queryable, 'all'>, window: Window): Promise<TimelineEntry[]> {
  const rows = await store.all<{ seq: number; lever: string; action: string; by: string; reason: string; at: string }>(
    `SELECT seq, lever, action, by, reason, at FROM lever_audit WHERE at >= ? AND at < ? AND action IN ('pull', 'reset') AND changed = 1 ORDER BY seq`,
    [iso(window.fromMs), iso(window.toMs)],
  );
  return rows.map((row) => {
    const atMs = Date.parse(row.at);
    return {
      atMs,
      at: new Date(atMs).toISOString(),
      kind: `lever.${row.action}`,
      words: false,
      source: row.by,
      text: `lever ${row.lever} ${row.action === 'pull' ? 'pulled' : 'reset'}${row.reason ? `: ${row.reason}` : ''}`,
      ref: `lever audit ${Number(row.seq)}`,
      lever: { name: row.lever, action: row.action as 'pull' | 'reset' },
    };
  });
}

/** ISO text compares in time order (every writer uses toISOString), so a window is two string bounds. */
function iso(ms: number): string {
  return new Date(Math.max(0, Math.min(ms, 8.64e15))).toISOString();
}
