import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { FaultContext } from '../faults/fault.js';
import type { Logger } from '../observe/log.js';
import { runsFolder } from '../store/home.js';
import type { Store } from '../store/engine.js';
import { JournalWriter } from '../store/journal-writer.js';
import { RunSampleWriter } from '../store/run-samples.js';
import { RunStore } from '../store/runs.js';
import type { AbortKind } from '../journal/events.js';
import type { Journal } from '../journal/format.js';
import type { Verdict } from '../journal/outcome.js';
import { FaultBook } from './fault-book.js';
import { GuardrailWatch } from './guardrails.js';
import { JournalRecorder, type JournalListener } from '../journal/recorder.js';
import { LeaseKeeper, type HeldLease } from './leases.js';
import type { LoadedExperiment } from './load-file.js';
import type { PlannedEvent, ResolvedTargets } from './blast-radius.js';
import type { Experiment } from './schema.js';
import { liveChecks } from './live-checks.js';
import type { MethodContext } from './method.js';
import { SliSources, type LoadRunner } from './sources.js';
import type { RollbackStrategy } from '../journal/chaostoolkit.js';

// Everything one run holds while it lives: its clock and journal, its leases, its faults, its SLI sources,
// and the reason it was aborted, if it was. Phases receive it and pass it on; nothing reaches back.

export interface RunOptions {
  loaded: LoadedExperiment;
  runLoad: LoadRunner;
  log: Logger;
  dryRun?: boolean;
  /** The run folder; default <GAMEDAY_HOME>/runs/<runId>/ (store/home.ts). */
  outDir?: string;
  /** Where the run is recorded and its journal events go as they happen; none for a dry run. */
  store?: Store;
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

/** What a run ends with, whichever lifecycle ran it. */
export interface RunOutcome {
  verdict: Verdict | 'dry-run';
  exitCode: number;
  reason: string;
  blastRadius: string[];
  plan: PlannedEvent[];
  folder?: string;
  journal?: Journal;
  reports?: string[];
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
  readonly runs?: RunStore;
  private readonly journalWriter?: JournalWriter;
  /** The run's SLI samples and SLO checks, live in the store for the dashboard and the status page (src/store/run-samples.ts). */
  private readonly sampleWriter?: RunSampleWriter;
  private checkTimer?: NodeJS.Timeout;

  constructor(
    readonly options: RunOptions,
    readonly targets: ResolvedTargets,
    readonly blastRadius: string[],
    readonly plannedMs: number,
  ) {
    if (options.store) {
      this.runs = new RunStore(options.store);
      this.journalWriter = new JournalWriter(options.store, this.runId, (error) =>
        options.log.warn({ err: error }, `the store did not take the run's journal events (${error.message}); retrying — journal.json keeps every event`),
      );
      this.journal.listen(this.journalWriter.add);
      this.sampleWriter = new RunSampleWriter(options.store, this.runId, this.journal.startedAt, (error) =>
        options.log.warn({ err: error }, `the store did not take the run's live SLI samples (${error.message}); retrying — journal.json keeps every sample`),
      );
    }
    if (options.onEvent) this.journal.listen(options.onEvent);
    this.journal.listen((event) => {
      if (event.type === 'phase.start') this.phase = event.data.phase;
      if (event.type === 'step.start') this.step = event.message;
    });
    this.sources = new SliSources(this.experiment, this.journal, options.runLoad, this.sampleWriter?.addSample);
    this.guardrails = new GuardrailWatch(this.experiment.guardrails, this.sources.series);
    this.leases = new LeaseKeeper({
      runId: this.runId,
      ttlMs: this.experiment.settings.leaseTtl,
      journal: this.journal,
      onTaken: (lease) => this.recordLease(lease),
      mayTake: async () => {
        if (await this.observeHalt()) throw new Error(HALTED_MESSAGE);
      },
      onLost: (_lease, reason) => this.abort('lease', reason),
    });
  }

  /** Leases are taken in preflight, before the run has its row in the store; they are written when it does. */
  private pendingLeases: HeldLease[] | undefined = [];

  private async recordLease(lease: HeldLease): Promise<void> {
    if (this.pendingLeases) this.pendingLeases.push(lease);
    else await this.runs?.recordLease({ runId: this.runId, controlUrl: lease.controlUrl, leaseId: lease.leaseId, token: lease.token ?? null });
  }

  /** Records the run's start: from now on each lease is written the moment it is taken, and journal events flow to the store. */
  async recordStart(): Promise<void> {
    await this.runs?.recordStart({
      id: this.runId,
      title: this.experiment.title,
      file: this.options.loaded.file,
      folder: this.folder,
      startedAt: this.journal.startedAt.toISOString(),
      pid: process.pid,
    });
    const pending = this.pendingLeases ?? [];
    this.pendingLeases = undefined;
    for (const lease of pending) await this.recordLease(lease);
    this.journalWriter?.start();
    this.sampleWriter?.start();
    if (this.sampleWriter) {
      this.checkTimer = setInterval(() => this.publishChecks(), LIVE_CHECK_MS);
      this.checkTimer.unref();
    }
  }

  /** The hypothesis and guardrails over their trailing windows, for people watching (the store publishes them). */
  private publishChecks(): void {
    const nowMs = this.journal.now();
    const checks = liveChecks(this.experiment, this.sources.series, nowMs);
    if (checks.length > 0) this.sampleWriter?.addChecks({ atMs: nowMs, atEpochMs: this.journal.startedAt.getTime() + nowMs, checks });
  }

  /**
   * Records the end: every journal event reaches the store first (a follower that sees the end has seen
   * everything), then the run's row. A store that stays unreachable is said plainly; journal.json has it all.
   */
  async recordEnd(journal: Journal): Promise<void> {
    if (!this.runs) return;
    clearInterval(this.checkTimer);
    this.publishChecks();
    const [drained, published] = await Promise.all([this.journalWriter!.drain(JOURNAL_DRAIN_MS), this.sampleWriter!.drain(JOURNAL_DRAIN_MS)]);
    if (published.unwritten > 0) {
      this.options.log.error({ unwritten: published.unwritten, err: published.error }, `${published.unwritten} live SLI sample(s) of run ${this.runId} did not reach the store; journal.json has every sample`);
    }
    if (drained.unwritten > 0) {
      this.options.log.error(
        { unwritten: drained.unwritten, err: drained.error },
        `${drained.unwritten} journal event(s) of run ${this.runId} did not reach the store ${this.options.store!.location}; journal.json in ${this.folder} has every event`,
      );
    }
    try {
      await this.runs.recordEnd(this.runId, { endedAt: journal.endedAt, verdict: journal.verdict, exitCode: journal.exitCode, journal });
    } catch (error) {
      this.options.log.error({ err: error }, `the end of run ${this.runId} could not be recorded in the store; journal.json in ${this.folder} has it`);
    }
    // Its windows were for live readers only; a store that refuses now has them pruned within a day.
    await this.sampleWriter!.ended().catch(() => undefined);
  }

  private haltCheck?: Promise<boolean>;
  private storeWarned = false;

  /**
   * `gameday halt` marks the run halted in the store; it can only release leases that exist, so a run that
   * has not taken one yet must notice by itself. Polled on the guardrail tick and checked before every
   * lease and every injection: resolves true (and aborts) when the run was halted. A store that does not
   * answer is not a halt (halt also releases the leases on the components, which the run notices).
   */
  observeHalt(): Promise<boolean> {
    if (this.abortReason?.kind === 'halt') return Promise.resolve(true);
    if (!this.runs) return Promise.resolve(false);
    this.haltCheck ??= this.runs
      .statusOf(this.runId)
      .then(
        (status) => {
          if (status !== 'halted') return false;
          void this.abort('halt', HALTED_MESSAGE);
          return true;
        },
        (error: Error) => {
          if (!this.storeWarned) this.options.log.warn({ err: error }, `the store did not answer whether run ${this.runId} was halted: ${error.message}`);
          this.storeWarned = true;
          return this.abortReason?.kind === 'halt';
        },
      )
      .finally(() => (this.haltCheck = undefined));
    return this.haltCheck;
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
        if (await this.observeHalt()) throw new Error(HALTED_MESSAGE);
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
/** How long the end of a run waits for its last journal events to reach a slow store. */
const JOURNAL_DRAIN_MS = 10_000;
/** How often a run publishes its live check of the hypothesis and guardrails. */
const LIVE_CHECK_MS = 500;

function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
