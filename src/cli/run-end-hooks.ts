import type { RunOutcome } from '../experiment/run.js';
import { recordVerifications } from '../coe/verification.js';
import type { Store } from '../store/engine.js';

// What other capabilities do when a run ends, kept out of the engine: the engine records the run; the
// verbs that run experiments (`gameday run`, `gameday demo`) then call these hooks with the finished run.
// A hook that fails is said in one line and never changes the run's exit code: the run's verdict stands.

export interface FinishedRun {
  outcome: RunOutcome;
  /** The folder the experiment file (the journal's `experiment.file`) is relative to. */
  cwd: string;
}

type RunEndHook = (store: Store, run: FinishedRun) => Promise<string[]>;

/** Action items of COEs that name this experiment learn whether the run held (docs/coe.md). */
const verifyActionItems: RunEndHook = async (store, { outcome, cwd }) => {
  const journal = outcome.journal;
  if (!journal) return [];
  const abort = journal.events.find((e) => e.type === 'abort');
  const recorded = await recordVerifications(store, {
    runId: journal.runId,
    experimentFile: journal.experiment.file,
    cwd,
    verdict: journal.verdict,
    endedAt: journal.endedAt,
    abortKind: abort?.type === 'abort' ? abort.data.kind : undefined,
  });
  return recorded.map((r) => `COE ${r.coeId} action item ${r.itemId}: ${r.fact} by this run (${r.verdict})`);
};

const hooks: readonly RunEndHook[] = [verifyActionItems];

/** Runs every hook; returns the lines to show the person who ran the experiment. */
export async function afterRun(store: Store, run: FinishedRun): Promise<string[]> {
  const lines: string[] = [];
  for (const hook of hooks) {
    try {
      lines.push(...(await hook(store, run)));
    } catch (error) {
      lines.push(`after the run: ${(error as Error).message} (the run's verdict stands)`);
    }
  }
  return lines;
}
