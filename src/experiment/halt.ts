import type { RunRecord, RunStore } from '../store/runs.js';
import { ControlPlaneError } from '../control-plane/client.js';
import { leaseProtocol } from './leases.js';

// `gameday halt`: safety rule 5. It does not ask the runs to stop — a wedged run would not answer — it goes
// straight to the components holding their faults and releases the runs' leases there, which reverts every
// fault under them. The runs are then marked halted; a run that wakes up finds its leases gone and aborts.
// The dashboard's halt button does the same for one run.

export interface HaltResult {
  runId: string;
  title: string;
  released: string[];
  alreadyGone: string[];
  failed: { controlUrl: string; error: string }[];
}

export async function haltAllRuns(store: RunStore): Promise<HaltResult[]> {
  return Promise.all((await store.active()).map((run) => haltRun(store, run)));
}

/** Halts one run: releases every lease it recorded, then marks it halted (unless a release failed, so a retry retries it). */
export async function haltRun(store: RunStore, run: Pick<RunRecord, 'id' | 'title'>): Promise<HaltResult> {
  const result: HaltResult = { runId: run.id, title: run.title, released: [], alreadyGone: [], failed: [] };
  await Promise.all(
    (await store.leasesOf(run.id)).map(async (lease) => {
      try {
        await leaseProtocol(lease.controlUrl, lease.token ?? undefined).releaseLease(lease.leaseId);
        result.released.push(lease.controlUrl);
      } catch (error) {
        if (error instanceof ControlPlaneError && error.status === 404) result.alreadyGone.push(lease.controlUrl);
        else result.failed.push({ controlUrl: lease.controlUrl, error: (error as Error).message });
      }
    }),
  );
  // A run whose leases could not all be released stays active, so a second halt retries it.
  if (result.failed.length === 0) await store.markHalted(run.id);
  return result;
}
