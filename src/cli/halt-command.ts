// `gameday halt`: reverts every fault any run holds by releasing the runs' leases on each component, even
// when a run's own process is wedged. Exit 0 when everything was released, 4 when a component could not be
// reached (its leases still expire within their TTL).
import type { Command } from 'commander';
import { haltAllRuns } from '../experiment/halt.js';
import { RunStore } from '../store/runs.js';
import { ExitCode, type CommandRegistration } from './command.js';
import { describeLocation, storeOption, withStore } from './store-option.js';

export const registerHalt: CommandRegistration = (program: Command) => {
  storeOption(program.command('halt').description('Revert every fault of every active run now (works even when a run is wedged)')).action(async (flags: { store?: string }) => {
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
    });
};
