import type { RunStore } from '../store/runs.js';
import { request } from './leases.js';

// `gameday halt`: safety rule 5. It does not ask the runs to stop — a wedged run would not answer — it goes
// straight to the components holding their faults and releases the runs' leases there, which reverts every
// fault under them. The runs are then marked halted; a run that wakes up finds its leases gone and aborts.

export interface HaltResult {
  runId: string;
  title: string;
  released: string[];
  alreadyGone: string[];
  failed: { controlUrl: string; error: string }[];
}

export async function haltAllRuns(store: RunStore): Promise<HaltResult[]> {
  return Promise.all(
    (await store.active()).map(async (run) => {
      const result: HaltResult = { runId: run.id, title: run.title, released: [], alreadyGone: [], failed: [] };
      await Promise.all(
        (await store.leasesOf(run.id)).map(async (lease) => {
          try {
            const response = await request(lease.controlUrl, 'DELETE', `/leases/${encodeURIComponent(lease.leaseId)}`, lease.token ?? undefined);
            await response.body?.cancel();
            if (response.status === 404) result.alreadyGone.push(lease.controlUrl);
            else if (response.ok) result.released.push(lease.controlUrl);
            else result.failed.push({ controlUrl: lease.controlUrl, error: `HTTP ${response.status}` });
          } catch (error) {
            result.failed.push({ controlUrl: lease.controlUrl, error: (error as Error).message });
          }
        }),
      );
      // A run whose leases could not all be released stays active, so a second `gameday halt` retries it.
      if (result.failed.length === 0) await store.markHalted(run.id);
      return result;
    }),
  );
}
