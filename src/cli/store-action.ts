import { existsSync } from 'node:fs';
import { openStore } from '../store/database.js';
import { describeLocation, storeLocation } from '../store/location.js';
import { migrate, StoreVersionError, type PendingMigration } from '../store/migrations.js';
import { capabilities } from '../store/schema.js';
import { ExitCode } from './command.js';

/** The action of `gameday store`, loaded when it runs (the verb's definition is in store-command.ts). */
export async function runStoreMigrate(flags: { dryRun?: boolean; store?: string }): Promise<void> {
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
}

function describe(migrations: PendingMigration[], dryRun: boolean): string {
  if (migrations.length === 0) return 'up to date: every migration this gameday knows is applied; nothing to change.\n';
  const lines = migrations.map((m) => `${dryRun ? 'would apply' : 'applied'} ${m.capability} ${m.version}: ${m.name}${dryRun ? `\n${m.sql.replace(/^/gm, '    ')}` : ''}`);
  const count = `${migrations.length} migration${migrations.length === 1 ? '' : 's'}`;
  return `${lines.join('\n')}\n${dryRun ? `${count} would be applied; nothing was changed (run without --dry-run to apply).` : `${count} applied.`}\n`;
}
