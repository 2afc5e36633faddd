import type { Queryable } from '../store/engine.js';
import { leverFacts, runFacts, runsIn, statusFacts, type RunInWindow, type TimelineEntry, type Window } from './facts.js';
import type { Incident } from './incident.js';
import { IncidentRecords, type EntryRecord } from './incident-store.js';

// One timeline per incident, filled by itself: the incident's own entries (its declaration, roles, status
// updates, alerts, notes and decisions) and, from the window it covers, the facts other capabilities keep —
// status changes of its components, what every run did, every lever pulled or reset. The window opens
// `lookback` (30 minutes by default) before the declaration, or at the start of the trouble if that was
// earlier, and closes at the resolution: the first question of every responder is "what changed?".

export type { TimelineEntry, Window } from './facts.js';

export interface PlacedEntry extends TimelineEntry {
  /** Before the declaration: part of "what changed". */
  beforeDeclaration: boolean;
}

export interface WhatChanged {
  /** The lookback before the declaration. */
  window: Window;
  runs: RunInWindow[];
  faults: TimelineEntry[];
  levers: TimelineEntry[];
}

export interface Timeline {
  window: Window;
  entries: PlacedEntry[];
  whatChanged: WhatChanged;
}

/** What a person wrote (a status update a machine wrote when it declared is the system's); every other entry is a fact the system recorded. */
const WORDS = new Set(['note', 'decision', 'update']);

export function timelineWindow(incident: Incident, nowMs: number): Window {
  const { startedMs, declaredMs, resolvedMs } = incident.moments;
  return { fromMs: Math.min(startedMs, declaredMs - incident.lookbackMs), toMs: (resolvedMs ?? Math.max(nowMs, declaredMs)) + 1 };
}

export function entryOfRecord(entry: EntryRecord): TimelineEntry {
  // A resolution is a fact; its words are also the final status update the status page shows.
  const text = entry.kind === 'resolved' ? `resolved: ${entry.text}` : entry.text;
  return { atMs: entry.atMs, at: entry.at, kind: entry.kind, words: WORDS.has(entry.kind) && entry.data?.automatic !== true, source: entry.source, text, ref: `incident entry ${entry.seq}` };
}

/** The whole timeline of `incident` as the store has it now; `names` are the components' names on the status page. */
export async function assembleTimeline(store: Pick<Queryable, 'all' | 'get'>, incident: Incident, options: { nowMs: number; names?: ReadonlyMap<string, string> }): Promise<Timeline> {
  const window = timelineWindow(incident, options.nowMs);
  const runs = await runsIn(store, window);
  const [own, status, runEvents, levers] = await Promise.all([
    new IncidentRecords(store as Queryable).entries(incident.id),
    statusFacts(store, incident.components, window, options.names ?? new Map()),
    runFacts(store, window, runs),
    leverFacts(store, window),
  ]);
  const declared = incident.moments.declaredMs;
  const entries = inOrder([...own.map(entryOfRecord), ...status, ...runEvents, ...levers]).map((entry) => ({ ...entry, beforeDeclaration: entry.atMs < declared }));
  const before: Window = { fromMs: declared - incident.lookbackMs, toMs: declared };
  const within = (entry: TimelineEntry) => entry.atMs >= before.fromMs && entry.atMs < before.toMs;
  return {
    window,
    entries,
    whatChanged: {
      window: before,
      runs: runs.filter((run) => Date.parse(run.startedAt) < before.toMs && (run.endedAt === null || Date.parse(run.endedAt) >= before.fromMs)),
      faults: runEvents.filter((entry) => entry.kind.startsWith('fault.') && within(entry)),
      levers: levers.filter(within),
    },
  };
}

/** By time; entries of one millisecond keep the order their source wrote them in. */
function inOrder(entries: TimelineEntry[]): TimelineEntry[] {
  const position = new Map(entries.map((entry, index) => [entry, index]));
  return entries.sort((a, b) => a.atMs - b.atMs || position.get(a)! - position.get(b)!);
}
