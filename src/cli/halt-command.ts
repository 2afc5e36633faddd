// `gameday halt`: reverts every fault any run holds by releasing the runs' leases on each component, even
// when a run's own process is wedged. Exit 0 when everything was released, 4 when a component could not be
// reached (its leases still expire within their TTL).
import type { Command } from 'commander';
import type { CommandRegistration } from './command.js';
import { storeOption } from './shared-options.js';

export const registerHalt: CommandRegistration = (program: Command) => {
  storeOption(program.command('halt').description('Revert every fault of every active run now (works even when a run is wedged)')).action(async (flags: { store?: string }) => (await import('./halt-action.js')).runHalt(flags));
};
