// The journal is the complete, machine-readable record of one run: it is written to journal.json in the
// run folder, stored in SQLite, and it is the only input of the reports (HTML, Markdown) — a report never
// asks the engine anything the journal does not say.

export type Verdict = 'held' | 'violated' | 'aborted' | 'invalid' | 'error';

export interface JournalEvent {
  /** Milliseconds since the run started. */
  atMs: number;
  /** ISO wall-clock time. */
  at: string;
  /**
   * e.g. 'phase.start', 'phase.end', 'step.start', 'step.end', 'fault.injected', 'fault.reverted',
   * 'load.started', 'load.stopped', 'guardrail.breach', 'hypothesis.checked', 'probe', 'lever.pulled',
   * 'lease.renew-failed', 'halt', 'error'.
   * Chaos Toolkit runs add: 'action.failed' and 'probe.failed' (an activity that timed out or could not
   * connect), 'activity.skipped' (--skip-unsupported), 'rollbacks.skipped' (the rollback strategy),
   * 'configuration' (values resolved at the start), 'warning' (a field accepted with a remark).
   */
  type: string;
  message: string;
  data?: Record<string, unknown>;
}

/** One SLI sample of one load (every ~250 ms), the series the charts draw. */
export interface SliSample {
  atMs: number;
  /** The series: the name of a load, or of a probe. */
  load: string;
  /** 'probe' for a probe's checks, which the charts draw but the run's traffic figures leave out. */
  source?: 'probe';
  /** Completed requests per second in the interval. */
  rate: number;
  ok: number;
  errors: number;
  dropped: number;
  /** Error ratio 0..1 in the interval. */
  errorRate: number;
  /** Corrected latency, milliseconds. */
  p50: number;
  p99: number;
  max: number;
}

/** A time band to shade on charts: a step or a fault being active. */
export interface Band {
  kind: 'step' | 'fault' | 'phase';
  label: string;
  startMs: number;
  endMs: number;
}

export interface ObjectiveResult {
  /** Human name, e.g. "page availability ≥ 99.9%". */
  name: string;
  /** When it was checked: 'before' | 'during' | 'after' (steady state) or 'guardrail'. */
  phase: string;
  sli: string;
  /** What was expected, as the user wrote it: ">= 99.9%". */
  expected: string;
  /** The measured value, formatted for people ("99.95%", "212ms"), and raw. */
  measured: string;
  measuredValue: number | null;
  ok: boolean;
}

export interface Journal {
  gamedayVersion: string;
  runId: string;
  experiment: { title: string; description?: string; file: string };
  startedAt: string;
  endedAt: string;
  durationMs: number;
  verdict: Verdict;
  /** One sentence a person reads first: why the verdict is what it is. */
  verdictReason: string;
  exitCode: number;
  blastRadius: string[];
  objectives: ObjectiveResult[];
  events: JournalEvent[];
  samples: SliSample[];
  bands: Band[];
  /** Chaos Toolkit runs only: the verdict as `chaos run` gives it, and what was left out. */
  chaostoolkit?: ChaosToolkitSummary;
}

/** How a Chaos Toolkit experiment ended in Chaos Toolkit's own words, beside GameDay's verdict. */
export interface ChaosToolkitSummary {
  /** Chaos Toolkit's journal status. */
  status: 'completed' | 'failed' | 'aborted' | 'interrupted';
  /** The steady state did not hold after the method. */
  deviated: boolean;
  /** What `chaos run` exits with: 1 when the status is not "completed" or the run deviated. */
  chaosExitCode: 0 | 1;
  rollbackStrategy: string;
  hypothesisStrategy: string;
  rollbacksPlayed: boolean;
  /** Parts left out by --skip-unsupported, as `file:line:column field: what`. */
  skipped: string[];
  /** Checks where `chaos run` would have stopped with a Python error instead of judging a tolerance. */
  crashes: string[];
  /** Fields accepted with a remark (ignored by Chaos Toolkit, without effect …). */
  warnings: string[];
}
