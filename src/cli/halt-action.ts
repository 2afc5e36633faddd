import { haltAllRuns } from '../experiment/halt.js';
import { RunStore } from '../store/runs.js';
import { ExitCode } from './command.js';
import { describeLocation } from '../store/location.js';
import { withStore } from './store-option.js';

/** The action of `gameday halt`, loaded when it runs (the verb's definition is in halt-command.ts). */
export async function runHalt(flags: { store?: string }): Promise<void> {
  await withStore('halt', flags.store, async (db, location) => {
    // Which store was read matters: a run recorded in another store is invisible to this halt.
    process.stdout.write(`halt: store ${describeLocation(location)}\n`);
    const results = await haltAllRuns(new RunStore(db!));
    if (results.length === 0) process.stdout.write('halt: no active run.\n');
    for (const r of results) {
      process.stdout.write(
        `halt: run ${r.runId} "${r.title}": released ${r.released.length} lease(s)${r.alreadyGone.length ? `, ${r.alreadyGone.length} already gone` : ''}` +
          `${r.failed.length ? `; FAILED on ${r.failed.map((f) => `${f.controlUrl} (${f.error})`).join(', ')} — those faults end when their leases expire` : ''}\n`,
      );
    }
    if (results.some((r) => r.failed.length > 0)) process.exitCode = ExitCode.internal;
  });
}
