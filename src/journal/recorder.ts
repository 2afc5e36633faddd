import type { JournalEvent, JournalEventData, JournalEventType, RunPhase } from './events.js';
import { JOURNAL_VERSION, type Band, type Journal, type SliSample } from './format.js';
import type { ObjectiveResult, Verdict } from './outcome.js';

// The run's one clock and one record: every phase writes events, bands and samples here, and at the end it
// becomes journal.json. Listeners (the CLI's progress line, the demo's tally, the store) see each event as
// it happens.

export type JournalListener = (event: JournalEvent) => void;

export class JournalRecorder {
  readonly events: JournalEvent[] = [];
  readonly samples: SliSample[] = [];
  readonly bands: Band[] = [];
  readonly objectives: ObjectiveResult[] = [];
  readonly startedAt = new Date();
  private readonly t0 = performance.now();
  private readonly listeners: JournalListener[] = [];

  /** Milliseconds since the run started, from a monotonic clock (wall-clock jumps do not bend the journal). */
  now(): number {
    return Math.round((performance.now() - this.t0) * 10) / 10;
  }

  listen(listener: JournalListener): void {
    this.listeners.push(listener);
  }

  sample(sample: SliSample): void {
    this.samples.push(sample);
  }

  /** Records an event of a type named in ./events.ts, with the data that type carries. */
  note<T extends JournalEventType>(type: T, message: string, data: JournalEventData<T>): JournalEvent {
    const atMs = this.now();
    // The catalog's mapped union cannot see that `type` and `data` belong together; the signature does.
    const event = { atMs, at: new Date(this.startedAt.getTime() + atMs).toISOString(), type, message, data } as JournalEvent;
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  band(kind: Band['kind'], label: string, startMs: number, endMs = this.now()): void {
    this.bands.push({ kind, label, startMs, endMs });
  }

  /** Runs `work` as a phase: phase.start/phase.end events and a band around it. */
  async phase<T>(phase: RunPhase, work: () => Promise<T>): Promise<T> {
    const startMs = this.now();
    this.note('phase.start', phase, { phase });
    try {
      return await work();
    } finally {
      this.note('phase.end', phase, { phase });
      this.band('phase', phase, startMs);
    }
  }

  finish(summary: {
    gamedayVersion: string;
    runId: string;
    experiment: Journal['experiment'];
    verdict: Verdict;
    verdictReason: string;
    exitCode: number;
    blastRadius: string[];
  }): Journal {
    const endedAt = new Date(this.startedAt.getTime() + this.now());
    return {
      version: JOURNAL_VERSION,
      gamedayVersion: summary.gamedayVersion,
      runId: summary.runId,
      experiment: summary.experiment,
      startedAt: this.startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationMs: Math.round(this.now()),
      verdict: summary.verdict,
      verdictReason: summary.verdictReason,
      exitCode: summary.exitCode,
      blastRadius: summary.blastRadius,
      objectives: this.objectives,
      events: this.events,
      samples: this.samples,
      bands: this.bands,
    };
  }
}
