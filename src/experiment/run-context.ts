import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { FaultContext } from '../faults/fault.js';
import type { Logger } from '../observe/log.js';
import { runsFolder } from '../store/home.js';
import type { RunStore } from '../store/runs.js';
import type { AbortKind } from '../journal/events.js';
import type { Journal } from '../journal/format.js';
import { FaultBook } from './fault-book.js';
import { GuardrailWatch } from './guardrails.js';
import { JournalRecorder, type JournalListener } from '../journal/recorder.js';
import { LeaseKeeper, type HeldLease } from './leases.js';
import type { LoadedExperiment } from './load-file.js';
import type { ResolvedTargets } from './blast-radius.js';
import type { Experiment } from './schema.js';
import type { MethodContext } from './method.js';
import { SliSources, type LoadRunner } from './sources.js';
import type { RollbackStrategy } from './chaostoolkit/document.js';

// Everything one run holds while it lives: its clock and journal, its leases, its faults, its SLI sources,
// and the reason it was aborted, if it was. Phases receive it and pass it on; nothing reaches back.

export interface RunOptions {
  loaded: LoadedExperiment;
  runLoad: LoadRunner;
  log: Logger;
  dryRun?: boolean;
  /** The run folder; default <GAMEDAY_HOME>/runs/<runId>/ (store/home.ts). */
  outDir?: string;
  store?: RunStore;
  writeReports?: (journal: Journal, folder: string) => Promise<{ html: string; md: string }>;
  onEvent?: JournalListener;
  /** Called about four times a second with what the run is doing (for the CLI's progress line). */
  onProgress?: (progress: RunProgress) => void;
  /** Aborting it (Ctrl-C) aborts the run the way a guardrail does: everything reverted at once. */
  signal?: AbortSignal;
  gamedayVersion?: string;
  /** Chaos Toolkit experiments only: `--rollback-strategy`, over the experiment's own `runtime` block. */
  rollbackStrategy?: RollbackStrategy;
}

export interface RunProgress {
  phase: string;
  step: string;
  elapsedMs: number;
  plannedMs: number;
  activeFaults: number;
  slis: { source: string; availability: number | null; p99Ms: number | null; rate: number | null }[];
  guardrails: { name: string; measured: string; expected: string; breaching: boolean }[];
}

export interface AbortReason {
  kind: AbortKind;
  message: string;
  atMs: number;
}

export class RunContext {
  readonly runId = newRunId();
  readonly journal = new JournalRecorder();
  readonly faults = new FaultBook(this.journal);
  readonly sources: SliSources;
  readonly leases: LeaseKeeper;
  readonly guardrails: GuardrailWatch;
  readonly abortController = new AbortController();
  abortReason?: AbortReason;
  phase = 'starting';
  step = '';
  /** Run time when the method started and ended: the "during" window of the hypothesis. */
  methodWindow = { fromMs: 0, toMs: 0 };

  constructor(
    readonly options: RunOptions,
    readonly targets: ResolvedTargets,
    readonly blastRadius: string[],
    readonly plannedMs: number,
  ) {
    if (options.onEvent) this.journal.listen(options.onEvent);
    this.journal.listen((event) => {
      if (event.type === 'phase.start') this.phase = event.data.phase;
      if (event.type === 'step.start') this.step = event.message;
    });
    this.sources = new SliSources(this.experiment, this.journal, options.runLoad);
    this.guardrails = new GuardrailWatch(this.experiment.guardrails, this.sources.series);
    this.leases = new LeaseKeeper({
      runId: this.runId,
      ttlMs: this.experiment.settings.leaseTtl,
      journal: this.journal,
      onTaken: (lease) => this.recordLease(lease),
      mayTake: () => {
        if (this.observeHalt()) throw new Error(HALTED_MESSAGE);
      },
      onLost: (_lease, reason) => this.abort('lease', reason),
    });
  }

  /** Leases are taken in preflight, before the run has its row in the store; they are written when it does. */
  private pendingLeases: HeldLease[] | undefined = [];

  private recordLease(lease: HeldLease): void {
    if (this.pendingLeases) this.pendingLeases.push(lease);
    else this.options.store?.recordLease({ runId: this.runId, controlUrl: lease.controlUrl, leaseId: lease.leaseId, token: lease.token ?? null });
  }

  /** The run has its row in the store: from now on each lease is written the moment it is taken. */
  recorded(): void {
    const pending = this.pendingLeases ?? [];
    this.pendingLeases = undefined;
    for (const lease of pending) this.recordLease(lease);
  }

  /**
   * `gameday halt` marks the run halted in the store; it can only release leases that exist, so a run that
   * has not taken one yet must notice by itself. Polled on the guardrail tick and checked before every
   * lease and every injection: returns true (and aborts) when the run was halted.
   */
  observeHalt(): boolean {
    if (this.abortReason?.kind === 'halt') return true;
    if (this.options.store?.statusOf(this.runId) !== 'halted') return false;
    void this.abort('halt', HALTED_MESSAGE);
    return true;
  }

  /** Resolved on first use, so that a dry run creates no folder. */
  get folder(): string {
    this.#folder ??= resolve(this.options.outDir ?? join(runsFolder(), this.runId));
    return this.#folder;
  }
  #folder?: string;

  get experiment(): Experiment {
    return this.options.loaded.experiment;
  }

  get faultContext(): FaultContext {
    return {
      runId: this.runId,
      leaseFor: async (target) => {
        // Every injection asks for its lease first: the last moment to notice a halt before touching anything.
        if (this.observeHalt()) throw new Error(HALTED_MESSAGE);
        return this.leases.leaseFor(target);
      },
      signal: this.abortController.signal,
      log: this.options.log,
      note: (type, message, data) => void this.journal.note(type, message, data),
    };
  }

  methodContext(signal = this.abortController.signal): MethodContext {
    return {
      experiment: this.experiment,
      targets: this.targets,
      journal: this.journal,
      faults: this.faults,
      sources: this.sources,
      faultContext: { ...this.faultContext, signal },
      signal,
    };
  }

  /**
   * Aborts the run: cancels the method and starts reverting every fault at once, without waiting for any
   * step to notice. The first reason wins; later ones are journaled.
   */
  abort(kind: AbortReason['kind'], message: string): Promise<unknown> {
    if (this.abortReason) {
      this.journal.note('abort.again', message, { kind });
      return Promise.resolve();
    }
    this.abortReason = { kind, message, atMs: this.journal.now() };
    this.journal.note('abort', message, { kind });
    this.abortController.abort();
    return this.faults.revertAllAtOnce();
  }

  progress(): RunProgress {
    const now = this.journal.now();
    return {
      phase: this.phase,
      step: this.step,
      elapsedMs: now,
      plannedMs: this.plannedMs,
      activeFaults: this.faults.size,
      slis: [...this.sources.series.values()]
        .filter((series) => series.points.length > 0)
        .map((series) => {
          const stats = series.trailing(now, 1000);
          return { source: series.source, availability: stats.availability, p99Ms: stats.latencyMs?.p99 ?? null, rate: stats.throughput };
        }),
      guardrails: this.guardrails.current().map((g) => ({ name: g.name, measured: g.measured, expected: g.expected, breaching: g.breaching })),
    };
  }
}

export const HALTED_MESSAGE = 'halted by gameday halt';

function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
