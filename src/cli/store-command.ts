// `gameday store migrate [--dry-run] [--store <file|url>]`: brings the store's tables up to date (every verb
// does this on start; this verb does it on purpose, say before a team's control rooms are upgraded), or
// with --dry-run prints exactly what it would change and changes nothing.
import type { Command } from 'commander';
import type { CommandRegistration } from './command.js';
import { storeOption } from './shared-options.js';

export const registerStoreCommand: CommandRegistration = (program: Command) => {
  const store = program.command('store').description('Look after the store (SQLite file or PostgreSQL database)');
  storeOption(
    store
      .command('migrate')
      .description('Apply the pending migrations of the store (forward only); --dry-run prints them and changes nothing')
      .option('--dry-run', 'print the migrations that would run, with their SQL; change nothing'),
  ).action(async (flags: { dryRun?: boolean; store?: string }) => (await import('./store-action.js')).runStoreMigrate(flags));
};
