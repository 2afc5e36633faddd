import { ExitCode } from '../exit-code.js';
import type { ChaosToolkitStatus, ChaosToolkitSummary } from '../../journal/chaostoolkit.js';
import type { ChaosToolkitSection } from '../../journal/events.js';
import type { ObjectiveResult } from '../../journal/outcome.js';
import type { LoadedChaosToolkit } from '../load-file.js';
import { writeRunRecord } from '../phase-finish.js';
import { RunContext, type RunOptions, type RunOutcome } from '../run-context.js';
import { startRun, stopRun } from '../run-lifetime.js';
import type { ChaosToolkitActivity } from './activities.js';
import type { ActivityResult } from './activity-result.js';
import { callProvider, executeActivity, note, type ActivityContext } from './activity.js';
import type { HypothesisStrategy, RollbackStrategy } from './document.js';
import { substitutesArguments } from './configuration.js';
import { checkSteadyState, objectivesOf, type SteadyStateCheck, type SteadyStatePhase } from './hypothesis.js';
import { chaosToolkitBlastRadius, chaosToolkitTimeline } from './plan.js';
import { SecretScrubber } from './scrub.js';
import { lookupOf, substituteString } from './substitute.js';
import { chaosExitCode, decideChaosToolkitVerdict } from './verdict.js';
import { sleep } from '../sources.js';
import { formatPath } from '../../config/structured-file.js';
import { pythonProvider } from './unsupported.js';

// A Chaos Toolkit experiment, run through the lifecycle of `chaos run`, read top to bottom:
// configuration → steady state before → method (background activities joined at its end) → steady state
// after → rollbacks, as the rollback strategy decides → Chaos Toolkit's status and deviated → GameDay's
// verdict. It lives inside a GameDay run (store row, `gameday halt`, Ctrl-C, journal, reports), so a
// Chaos Toolkit run is recorded, watched and stopped like any other.

export async function runChaosToolkit(options: RunOptions, loaded: LoadedChaosToolkit): Promise<RunOutcome> {
  const { plan } = loaded;
  const scrubber = new SecretScrubber(plan.resolved.secretValues);
  const strategies = { rollbacks: options.rollbackStrategy ?? plan.rollbackStrategy, hypothesis: plan.hypothesisStrategy };
  const staticLookup = lookupOf(plan.resolved.configuration, plan.resolved.secrets);
  options.loaded.experiment.title = scrubber.text(String(substituteString(plan.title, staticLookup)));
  const radius = chaosToolkitBlastRadius(plan, staticLookup, scrubber);
  const timeline = chaosToolkitTimeline(plan, strategies, staticLookup, scrubber);
  if (options.dryRun) return { verdict: 'dry-run', exitCode: ExitCode.held, reason: 'dry run: nothing was touched', blastRadius: radius, plan: timeline };

  const run = new RunContext(options, new Map(), radius, timeline.at(-1)?.atMs ?? 0);
  await startRun(run);
  for (const warning of loaded.warnings) note({ journal: run.journal, scrubber }, 'warning', warning, {});
  const lifecycle = new Lifecycle(run, loaded, scrubber, strategies);
  let error: Error | undefined;
  try {
    await lifecycle.execute();
  } catch (caught) {
    error = caught as Error;
    lifecycle.status = 'aborted';
    note({ journal: run.journal, scrubber }, 'error', `the run failed: ${error.message}`, { stack: error.stack });
  } finally {
    await stopRun(run);
  }
  const summary: ChaosToolkitSummary = {
    status: lifecycle.status,
    deviated: lifecycle.deviated,
    chaosExitCode: chaosExitCode(lifecycle.status, lifecycle.deviated),
    rollbackStrategy: strategies.rollbacks,
    hypothesisStrategy: strategies.hypothesis,
    rollbacksPlayed: lifecycle.rollbacksPlayed,
    skipped: loaded.skipped,
    crashes: lifecycle.crashes,
    warnings: loaded.warnings,
  };
  const outcome = decideChaosToolkitVerdict({ summary, objectives: run.journal.objectives, heldBefore: lifecycle.heldBefore, abortReason: run.abortReason, error: error ?? lifecycle.error });
  outcome.reason = scrubber.text(outcome.reason);
  const { journal, reports } = await writeRunRecord(run, outcome, { extend: (j) => scrubber.scrub({ ...j, chaostoolkit: summary }) });
  return { verdict: outcome.verdict, exitCode: outcome.exitCode, reason: outcome.reason, blastRadius: radius, plan: timeline, folder: run.folder, journal, reports };
}

class Lifecycle {
  status: ChaosToolkitStatus = 'completed';
  deviated = false;
  heldBefore = true;
  rollbacksPlayed = false;
  readonly crashes: string[] = [];
  private readonly ctx: ActivityContext;
  private readonly configuration: Record<string, unknown>;
  /** What `${…}` sees; dynamic configuration values join it as they arrive. */
  private readonly lookup: Map<string, unknown>;

  constructor(
    private readonly run: RunContext,
    private readonly loaded: LoadedChaosToolkit,
    private readonly scrubber: SecretScrubber,
    private readonly strategies: { rollbacks: RollbackStrategy; hypothesis: HypothesisStrategy },
  ) {
    const { resolved } = loaded.plan;
    this.configuration = { ...resolved.configuration };
    this.lookup = lookupOf(this.configuration, resolved.secrets);
    this.ctx = {
      journal: run.journal,
      lookup: this.lookup,
      substituteArguments: substitutesArguments(resolved),
      scrubber,
      signal: run.abortController.signal,
      where: (activity) => loaded.where(activity.path),
    };
  }

  private get interrupted(): boolean {
    return this.run.abortReason !== undefined;
  }

  /** Set when something failed that is not an activity's business: the run is "aborted", rollbacks still decide. */
  error?: Error;

  async execute(): Promise<void> {
    try {
      await this.experiment();
    } catch (error) {
      // As in Chaos Toolkit, an unexpected error aborts the run and the rollback strategy still applies.
      this.error = error as Error;
      this.status = 'aborted';
      note(this.ctx, 'error', `the run failed: ${this.error.message}`, { stack: this.error.stack });
    }
    if (this.interrupted) this.status = 'interrupted';
    await this.rollbacks();
  }

  private async experiment(): Promise<void> {
    const { plan } = this.loaded;
    await this.run.journal.phase('configuration', () => this.configure());
    const probes = plan.hypothesis?.probes ?? [];
    const hypothesis = this.strategies.hypothesis;
    const checks = probes.length > 0 && hypothesis !== 'skip';
    if (checks && ['default', 'before-method-only', 'continuously'].includes(hypothesis)) {
      const before = await this.run.journal.phase('steady state before', () => this.steadyState(probes, 'before'));
      if (!before.met) {
        this.heldBefore = false;
        this.status = before.probeFailed ? 'failed' : 'completed';
        return;
      }
    }
    if (this.interrupted) return;
    const during = checks && ['during-method-only', 'continuously'].includes(hypothesis) ? this.checkDuringMethod(probes) : undefined;
    this.run.methodWindow.fromMs = this.run.journal.now();
    try {
      await this.run.journal.phase('method', () => this.activities(plan.method, 'method', this.ctx));
    } finally {
      this.run.methodWindow.toMs = this.run.journal.now();
      await during?.stop();
    }
    if (!this.interrupted && checks && ['default', 'after-method-only', 'continuously'].includes(hypothesis)) {
      const after = await this.run.journal.phase('steady state after', () => this.steadyState(probes, 'after'));
      if (!after.met) {
        this.deviated = true;
        this.status = after.probeFailed ? 'failed' : 'completed';
      }
    }
  }

  /** Dynamic configuration: a probe's HTTP body or process stdout becomes the value, in declaration order. */
  private async configure(): Promise<void> {
    const { resolved } = this.loaded.plan;
    for (const { key, probe, path } of resolved.dynamic) {
      const provider = probe.provider as Record<string, unknown>;
      const activity = { provider, providerType: provider.type as ChaosToolkitActivity['providerType'] };
      const place = { path: formatPath(path), where: this.loaded.where(path) };
      if (activity.providerType === 'python') {
        const { what, instead } = pythonProvider(path, provider);
        note(this.ctx, 'activity.skipped', `configuration ${key}: skipped, its value comes from a python probe (--skip-unsupported); \${${key}} stays as written`, { ...place, section: 'configuration', what, instead });
        continue;
      }
      const result: ActivityResult = await callProvider(activity, this.ctx).catch((e: Error) => ({ status: 'failed', error: e.message }) as const);
      const value = result.status !== 'succeeded' ? undefined : activity.providerType === 'http' ? result.output.body : result.output.status === 0 ? String(result.output.stdout).trim() : undefined;
      if (value === undefined) {
        note(this.ctx, 'warning', `configuration ${key}: its probe did not give a value (${result.status === 'failed' ? result.error : `exit code ${String(result.output.status)}`}); \${${key}} stays as written`, place);
        continue;
      }
      this.configuration[key] = value;
      this.lookup.set(key, value);
    }
    const secrets = this.loaded.plan.resolved.secrets;
    note(this.ctx, 'configuration', `configuration: ${Object.keys(this.configuration).length} value(s); secrets: ${Object.keys(secrets).length} scope(s), values hidden`, {
      configuration: this.configuration,
      secretScopes: Object.fromEntries(Object.entries(secrets).map(([scope, values]) => [scope, Object.keys(values)])),
      rollbackStrategy: this.strategies.rollbacks,
      hypothesisStrategy: this.strategies.hypothesis,
    });
  }

  private async steadyState(probes: readonly ChaosToolkitActivity[], phase: SteadyStatePhase): Promise<SteadyStateCheck> {
    const check = await checkSteadyState(probes, phase, this.ctx);
    this.crashes.push(...check.crashes);
    this.run.journal.objectives.push(...this.scrubber.scrub(objectivesOf(check, phase)));
    return check;
  }

  /**
   * The hypothesis during the method (`during-method-only`, `continuously`): checked every second until the
   * method ends. As in Chaos Toolkit (without --fail-fast) a miss does not change the status; here each
   * probe gets one objective row saying how many of its checks were met.
   */
  private checkDuringMethod(probes: readonly ChaosToolkitActivity[]): { stop(): Promise<void> } {
    const done = new AbortController();
    const tally = new Map<string, { met: number; total: number; last: ObjectiveResult }>();
    const loop = (async () => {
      while (!done.signal.aborted && !this.interrupted) {
        const check = await checkSteadyState(probes, 'during', this.ctx);
        this.crashes.push(...check.crashes);
        for (const row of objectivesOf(check, 'during')) {
          const entry = tally.get(row.name) ?? { met: 0, total: 0, last: row };
          entry.total += 1;
          entry.met += row.ok ? 1 : 0;
          entry.last = row;
          tally.set(row.name, entry);
        }
        await sleep(1000, AbortSignal.any([done.signal, this.run.abortController.signal]));
      }
    })();
    return {
      stop: async () => {
        done.abort();
        await loop;
        for (const { met, total, last } of tally.values()) {
          this.run.journal.objectives.push(this.scrubber.scrub({ ...last, measured: `${met} of ${total} checks met (last: ${last.measured})`, measuredValue: total === 0 ? null : met / total, ok: met === total }));
        }
      },
    };
  }

  /** Activities in order; a background one starts and the next follows at once; all are joined at the end. */
  private async activities(list: readonly ChaosToolkitActivity[], section: ChaosToolkitSection, ctx: ActivityContext): Promise<void> {
    const background: Promise<unknown>[] = [];
    for (const activity of list) {
      if (ctx.signal.aborted) break;
      const running = executeActivity(activity, ctx, section);
      if (activity.background) background.push(running);
      else await running;
    }
    await Promise.allSettled(background);
  }

  private async rollbacks(): Promise<void> {
    const { rollbacks } = this.loaded.plan;
    const strategy = this.strategies.rollbacks;
    const play =
      strategy === 'always' ||
      (strategy === 'default' && this.status !== 'failed' && this.status !== 'interrupted') ||
      (strategy === 'deviated' && this.deviated);
    if (!play) {
      const why: Record<RollbackStrategy, string> = {
        default: `the run ${this.status === 'interrupted' ? 'was interrupted' : 'failed'} (rollback strategy default)`,
        never: 'the rollback strategy is never',
        deviated: 'the steady state did not deviate (rollback strategy deviated)',
        always: '',
      };
      if (rollbacks.length > 0) note(this.ctx, 'rollbacks.skipped', `rollbacks not played: ${why[strategy]}`, { strategy, status: this.status });
      return;
    }
    this.rollbacksPlayed = true;
    if (rollbacks.length === 0) return;
    // Rollbacks run even after an interruption (when the strategy says so), so they get their own signal.
    await this.run.journal.phase('rollbacks', () => this.activities(rollbacks, 'rollbacks', { ...this.ctx, signal: new AbortController().signal }));
  }
}
