// `gameday runs`: the history of runs from the store, newest first.
import type { Command } from 'commander';
import type { CommandRegistration } from './command.js';
import { storeOption } from './shared-options.js';

export const registerRuns: CommandRegistration = (program: Command) => {
  storeOption(
    program
      .command('runs')
      .description('List recent runs: verdict, exit code, duration, run folder')
      .option('-n, --limit <count>', 'how many runs', '20')
      .option('--json', 'print JSON instead of a table'),
  ).action(async (flags: { limit: string; json?: boolean; store?: string }) => (await import('./runs-action.js')).runRuns(flags));
};
