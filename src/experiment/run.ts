import { ExitCode } from './exit-code.js';
import { asFaultStep, blastRadius, forEachStep, preflightFaults, resolveTargets, timeline } from './blast-radius.js';
import { TargetError } from './target-kinds.js';
import type { ResolvedTarget } from '../faults/fault.js';
import { RunContext, type RunOptions, type RunOutcome } from './run-context.js';
import { startRun, stopRun } from './run-lifetime.js';
import { checkDuringMethod, measureSteadyState } from './phase-steady-state.js';
import { runGuardedMethod } from './phase-method.js';
import { revertFaults, runRollbacks } from './phase-revert.js';
import { decideVerdict } from './verdict.js';
import { revertDurationMs, writeRunRecord } from './phase-finish.js';
import { checkSourcesReachable } from './reachability.js';
import { closeProxyControls } from '../faults/proxy-control.js';
import { runChaosToolkit } from './chaostoolkit/run.js';

// STYLE §3: one run of an experiment, read top to bottom as the lifecycle of DESIGN.md. Each phase lives in
// its own module. Nothing before `run.start` touches anything: a bad target ends the run with exit 3.

export type { RunOptions, RunOutcome, RunProgress } from './run-context.js';

export async function runExperiment(options: RunOptions): Promise<RunOutcome> {
  if (options.loaded.chaostoolkit) return runChaosToolkit(options, options.loaded.chaostoolkit);
  const { experiment } = options.loaded;
  const [targets] = await Promise.all([resolveTargets(experiment), checkSourcesReachable(experiment)]);
  const radius = blastRadius(experiment, targets);
  const plan = timeline(experiment, targets);
  const plannedMs = plan.at(-1)?.atMs ?? 0;
  const run = new RunContext(options, targets, radius, plannedMs);
  const touched = await preflightFaults(experiment, targets, run.faultContext);
  for (const [name, total] of touched) {
    const max = targets.get(name)?.[0]?.blastRadius?.maxInstances;
    radius.push(`in total: ${total} instance(s) of target ${name} touched over the whole method${max === undefined ? '' : ` (maxInstances: ${max})`}`);
  }
  if (options.dryRun) {
    await closeProxyControls();
    return { verdict: 'dry-run', exitCode: ExitCode.held, reason: 'dry run: nothing was touched', blastRadius: radius, plan };
  }

  await takeLeases(run);
  await startRun(run);
  let heldBefore = false;
  let error: Error | undefined;
  try {
    heldBefore = await run.journal.phase('steady state before', () => measureSteadyState(run, 'before'));
    if (heldBefore) await run.journal.phase('method', () => runGuardedMethod(run));
    await run.journal.phase('revert', () => revertFaults(run));
    if (heldBefore && !run.abortReason) checkDuringMethod(run);
    await run.journal.phase('rollbacks', () => runRollbacks(run));
    if (heldBefore && !run.abortReason) await run.journal.phase('steady state after', () => measureSteadyState(run, 'after'));
  } catch (caught) {
    error = caught as Error;
    run.journal.note('error', `the run failed: ${error.message}`, { stack: error.stack });
    await run.abort('error', error.message);
  } finally {
    await stopRun(run);
  }
  // Whatever is still in the book after the final revert attempt may still be in place on its component.
  const unreverted = run.faults.list().map((fault) => fault.description);
  const outcome = decideVerdict({
    abortReason: run.abortReason,
    objectives: run.journal.objectives,
    heldBefore,
    revertMs: revertDurationMs(run),
    error,
    unreverted,
    leaseTtlMs: run.experiment.settings.leaseTtl,
  });
  const { journal, reports } = await writeRunRecord(run, outcome);
  return { verdict: outcome.verdict, exitCode: outcome.exitCode, reason: outcome.reason, blastRadius: radius, plan, folder: run.folder, journal, reports };
}

/**
 * Every lease the method will need is taken before load starts: a component that refuses one (a bad TTL,
 * a wrong token) is exit 3 with nothing touched, not a failure in the middle of the method.
 */
async function takeLeases(run: RunContext): Promise<void> {
  const components = new Map<string, ResolvedTarget>();
  forEachStep([...run.experiment.method, ...run.experiment.rollbacks], (step) => {
    const fault = asFaultStep(step, run.experiment);
    for (const target of fault ? (run.targets.get(fault.target) ?? []) : []) components.set(target.controlUrl.replace(/\/+$/, ''), target);
  });
  try {
    await Promise.all([...components.values()].map((target) => run.leases.leaseFor(target)));
  } catch (error) {
    await run.leases.releaseAll();
    await closeProxyControls();
    throw new TargetError(`a component refused the run's lease before anything was touched: ${(error as Error).message}`);
  }
}
