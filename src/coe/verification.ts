import type { Store } from '../store/engine.js';
import { CoeStore, type ActionFact, type ActionFactKind } from './coe-store.js';
import { experimentIdentity } from './identity.js';

// The loop closing: when a run of an experiment ends, every action item that names that experiment learns
// what the run found. A run whose hypothesis held verifies the item; one that was violated, or that a
// guardrail aborted (the system did not tolerate the fault), reopens it. A run that says nothing about the
// system — interrupted, halted, lost its lease, invalid, or failed inside GameDay — records nothing. The
// engine knows nothing of COEs: the CLI calls this once the run is recorded (src/cli/run-end-hooks.ts).

export interface EndedRun {
  runId: string;
  /** The experiment file as the run was given it. */
  experimentFile: string;
  /** The folder the run was started from, to resolve a relative experiment file. */
  cwd: string;
  verdict: string;
  endedAt: string;
  /** Why the run aborted, from its journal's `abort` event (`guardrail`, `signal`, `halt` …). */
  abortKind?: string;
}

export interface RecordedVerification extends ActionFact {
  coeTitle: string;
}

/** What a run says about the items that name its experiment; undefined when it says nothing. */
export function factOfRun(run: Pick<EndedRun, 'verdict' | 'abortKind'>): ActionFactKind | undefined {
  if (run.verdict === 'held') return 'verified';
  if (run.verdict === 'violated') return 'reopened';
  if (run.verdict === 'aborted' && run.abortKind === 'guardrail') return 'reopened';
  return undefined;
}

/** Appends the run's fact to every item that names its experiment; returns what was appended. */
export async function recordVerifications(store: Store, run: EndedRun): Promise<RecordedVerification[]> {
  const fact = factOfRun(run);
  if (!fact) return [];
  const identity = experimentIdentity(run.experimentFile, run.cwd);
  const coes = new CoeStore(store);
  const items = await coes.itemsNaming(identity);
  if (items.length === 0) return [];
  const offered = items.map((item) => ({
    coeId: item.coeId,
    itemId: item.id,
    fact,
    runId: run.runId,
    verdict: run.verdict,
    experimentSha256: identity.sha256,
    source: `run ${run.runId}`,
    at: run.endedAt,
  }));
  const appended = await coes.appendFacts(offered);
  return appended.map((a) => ({ ...a, coeTitle: items.find((item) => item.coeId === a.coeId)!.coeTitle }));
}
