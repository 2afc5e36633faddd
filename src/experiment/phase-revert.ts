import { runSteps } from './method.js';
import type { RunContext } from './run-context.js';

// After the method: every fault still active comes off, last in first out (after an abort they are already
// coming off all at once), then the experiment's rollbacks run. Rollbacks run after an abort too: they are
// the experiment's own clean-up.
export async function revertFaults(run: RunContext): Promise<void> {
  const errors = run.abortReason ? await run.faults.revertAllAtOnce() : await run.faults.revertAllInOrder();
  if (errors.length > 0) {
    run.journal.note('error', `${errors.length} fault(s) could not be reverted directly; releasing the leases reverts them`, { faults: errors.length });
  }
}

export async function runRollbacks(run: RunContext): Promise<void> {
  if (run.experiment.rollbacks.length === 0) return;
  // Rollbacks must run even though the method's signal was aborted, so they get a fresh one.
  await runSteps(run.experiment.rollbacks, run.methodContext(new AbortController().signal), 'rollbacks');
  await run.faults.revertAllInOrder();
}
