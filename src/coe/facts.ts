import type { ObjectiveResult } from '../journal/outcome.js';
import type { Store } from '../store/engine.js';
import type { CoeSeverity } from './front-matter.js';

// What a COE is drafted from: the facts the system recorded, whatever recorded them. A run's journal gives
// them today (run-facts.ts); an incident's record (its window, its timeline, its components' statuses, its
// severity) gives them the same way, as one more FactSource. The draft (draft.ts) only reads these shapes,
// so it never learns where the facts came from.

/** When the trouble began, was seen, stopped hurting and was over; each as an ISO instant, where known. */
export interface TroubleWindow {
  started?: string;
  detected?: string;
  mitigated?: string;
  resolved?: string;
}

/** One line of the timeline: what happened, when, and who or what recorded it (`run 2026…`, `alice`). */
export interface TimelineEntry {
  at: string;
  source: string;
  /** The kind of fact (`fault.injected`, `status`, `note` …), shown beside the words. */
  kind: string;
  text: string;
}

/** The statuses of DESIGN.md, from the status page; `no_data` when a monitor stopped reporting. */
export type ComponentStatus = 'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'no_data';

export interface ComponentImpact {
  name: string;
  worstStatus: ComponentStatus;
}

/** What one source of traffic (a load) measured over the whole record. */
export interface TrafficImpact {
  source: string;
  /** Requests that were due: answered well, answered with an error, or never sent (the open model's drops). */
  attempts: number;
  errors: number;
  dropped: number;
  /** The worst interval's error rate (0..1) and p99 latency (ms), null when nothing was measured. */
  worstErrorRate: number | null;
  worstP99Ms: number | null;
  /** The span of intervals in which requests failed, as instants; absent when none failed. */
  failing?: { from: string; to: string; durationMs: number };
}

/** An objective of the hypothesis and how much of what it allows the record spent. */
export interface BudgetSpent {
  objective: string;
  source: string;
  expected: string;
  /**
   * `requests`: the objective allows `allowed` failed requests of the record's attempts and `spent` failed.
   * `time`: the objective is per interval; `spent` of `allowed` (all) intervals missed it.
   */
  basis: 'requests' | 'time';
  allowed: number;
  spent: number;
  /** spent / allowed for `requests` (Infinity when nothing was allowed and something failed); the share of time for `time`. */
  ratio: number;
}

export interface FaultFact {
  description: string;
  target: string;
  injectedAt: string;
  revertedAt?: string;
}

export interface LeverFact {
  lever: string;
  action: string;
  at: string;
}

export interface RunFact {
  id: string;
  title: string;
  experiment: string;
  verdict: string;
  verdictReason: string;
  exitCode: number;
  startedAt: string;
  endedAt: string;
  durationMs: number;
}

/** An SVG chart to write beside the COE and show in it. */
export interface ChartFact {
  /** A short name (`error-rate`); the draft writes it as `<the COE's name>-error-rate.svg`. */
  name: string;
  title: string;
  svg: string;
}

export interface CoeFacts {
  /** What the COE reviews; its id goes into the front matter (`runs:` or `incident:`). */
  subject: { kind: 'run' | 'incident'; id: string; title: string; description?: string };
  severity?: CoeSeverity;
  /** The incident the record belongs to when the subject is a run (the drill it opened): `INC-7`. */
  incident?: string;
  window: TroubleWindow;
  timeline: TimelineEntry[];
  /** Timeline entries left out (routine, or past the page); the record has them. */
  timelineOmitted: number;
  /** Components and their worst status; empty when the source does not know them (a run measures loads). */
  components: ComponentImpact[];
  traffic: TrafficImpact[];
  budgets: BudgetSpent[];
  /** Objectives as they were checked, with expected and measured values (empty when none was). */
  objectives: ObjectiveResult[];
  faults: FaultFact[];
  levers: LeverFact[];
  runs: RunFact[];
  charts: ChartFact[];
  /** Where the facts came from, in words, for the draft's first lines (`the journal of run …`). */
  recordedBy: string;
}

export interface FactContext {
  /** The store, opened on first use; undefined when there is none yet (a SQLite file not created). */
  store(): Promise<Store | undefined>;
  /** The store's location, safe to print, for messages. */
  storeLocation: string;
}

/** A kind of record a COE can be drafted from: `--run <id>` today, `--incident <id>` when incidents exist. */
export interface FactSource {
  /** The option of `gameday coe new` that names the record, without dashes: `run`, `incident`. */
  option: string;
  /** Reads the record; throws CoeSourceError when there is no such record (exit 3, nothing written). */
  read(reference: string, context: FactContext): Promise<{ facts: CoeFacts; folder?: string }>;
}

/** The record a COE would be drafted from does not exist or cannot be read: exit 3, nothing written. */
export class CoeSourceError extends Error {}
