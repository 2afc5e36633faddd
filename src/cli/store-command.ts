// `gameday store migrate [--dry-run] [--store <file|url>]`: brings the store's tables up to date (every verb
// does this on start; this verb does it on purpose, say before a team's control rooms are upgraded), or
// with --dry-run prints exactly what it would change and changes nothing.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { describeLocation, openStore, storeLocation } from '../store/database.js';
import { migrate, StoreVersionError, type PendingMigration } from '../store/migrations.js';
import { capabilities } from '../store/schema.js';
import { ExitCode, type CommandRegistration } from './command.js';
import { storeOption } from './store-option.js';

export const registerStoreCommand: CommandRegistration = (program: Command) => {
  const store = program.command('store').description('Look after the store (SQLite file or PostgreSQL database)');
  storeOption(
    store
      .command('migrate')
      .description('Apply the pending migrations of the store (forward only); --dry-run prints them and changes nothing')
      .option('--dry-run', 'print the migrations that would run, with their SQL; change nothing'),
  ).action(async (flags: { dryRun?: boolean; store?: string }) => {
    const location = storeLocation(flags.store);
    // A dry run must not create a SQLite file: a store that is not there yet is planned in memory.
    const missing = location.engine === 'sqlite' && !existsSync(location.path);
    process.stdout.write(`store: ${describeLocation(location)} (${location.engine}${missing ? ', does not exist yet' : ''})\n`);
    try {
      const db = await openStore(flags.dryRun && missing ? ':memory:' : location, { migrate: false });
      try {
        const done = await migrate(db, capabilities, { dryRun: flags.dryRun });
        process.stdout.write(describe(done, flags.dryRun === true));
      } finally {
        await db.close();
      }
    } catch (error) {
      if (!(error instanceof StoreVersionError)) throw error;
      process.stderr.write(`gameday store migrate: ${error.message}\n`);
      process.exitCode = ExitCode.invalid;
    }
  });
};

function describe(migrations: PendingMigration[], dryRun: boolean): string {
  if (migrations.length === 0) return 'up to date: every migration this gameday knows is applied; nothing to change.\n';
  const lines = migrations.map((m) => `${dryRun ? 'would apply' : 'applied'} ${m.capability} ${m.version}: ${m.name}${dryRun ? `\n${m.sql.replace(/^/gm, '    ')}` : ''}`);
  const count = `${migrations.length} migration${migrations.length === 1 ? '' : 's'}`;
  return `${lines.join('\n')}\n${dryRun ? `${count} would be applied; nothing was changed (run without --dry-run to apply).` : `${count} applied.`}\n`;
}
