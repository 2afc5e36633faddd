import { createRequire } from 'node:module';
import { StoreError, type Dialect, type Queryable, type Store } from './engine.js';

// Versioned, forward-only migrations, run once on start. Each capability (runs, journal, levers, and the
// ones to come: status history, incidents, COEs) numbers its own migrations 1, 2, 3 … so that engineers
// adding capabilities side by side never fight over one global number. A migration, once released, is
// never edited or renumbered: a change is a new migration. `schema_migrations` records what was applied,
// when and by which gameday version, so a store that is newer than the code can say which version it needs.

export interface Migration {
  /** 1, 2, 3 … within its capability. */
  version: number;
  /** What it changes, in a few words (`gameday store migrate --dry-run` prints it). */
  name: string;
  /** The DDL, in the dialect of the store it runs on. */
  sql: (dialect: Dialect) => string;
}

/** A capability's tables: its name and its migrations, oldest first. Listed in schema.ts. */
export interface Capability {
  name: string;
  migrations: Migration[];
}

export interface PendingMigration {
  capability: string;
  version: number;
  name: string;
  sql: string;
}

const require = createRequire(import.meta.url);
export const gamedayVersion = (require('../../../package.json') as { version: string }).version;

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  capability TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  applied_by TEXT NOT NULL,
  PRIMARY KEY (capability, version)
)`;

interface Applied {
  capability: string;
  version: number;
  name: string;
  applied_by: string;
}

/** The store was written by a newer GameDay: refused before anything is changed. */
export class StoreVersionError extends StoreError {}

/**
 * Applies every pending migration in one transaction under the store's write lock, so two processes that
 * start together migrate once. With `dryRun`, only says what it would apply. Refuses a store that has
 * migrations this code does not know.
 */
export async function migrate(store: Store, capabilities: readonly Capability[], options: { dryRun?: boolean } = {}): Promise<PendingMigration[]> {
  checkCapabilities(capabilities);
  // The common case (nothing to do) is one read, without taking the write lock.
  const seen = await readLedger(store);
  if (seen) {
    const pending = pendingOf(store, capabilities, seen);
    if (pending.length === 0 || options.dryRun) return pending;
  } else if (options.dryRun) {
    return pendingOf(store, capabilities, []);
  }
  return store.transaction(async (tx) => {
    await tx.exec(LEDGER);
    const pending = pendingOf(store, capabilities, (await readLedger(tx))!);
    const at = new Date().toISOString();
    for (const migration of pending) {
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new StoreError(`migration ${migration.capability} ${migration.version} ("${migration.name}") failed on ${store.location}: ${(error as Error).message}; nothing was changed`, { cause: error });
      }
      await tx.run('INSERT INTO schema_migrations (capability, version, name, applied_at, applied_by) VALUES (?, ?, ?, ?, ?)', [
        migration.capability,
        migration.version,
        migration.name,
        at,
        gamedayVersion,
      ]);
    }
    return pending;
  });
}

/** What schema_migrations says, or undefined when the store has no ledger yet (a new store, or one from before migrations). */
async function readLedger(db: Queryable): Promise<Applied[] | undefined> {
  try {
    return await db.all<Applied>('SELECT capability, version, name, applied_by FROM schema_migrations ORDER BY capability, version');
  } catch {
    return undefined;
  }
}

function pendingOf(store: Store, capabilities: readonly Capability[], applied: Applied[]): PendingMigration[] {
  const known = new Map(capabilities.map((capability) => [capability.name, capability]));
  const newer = applied.filter((row) => !known.get(row.capability)?.migrations.some((m) => m.version === row.version));
  if (newer.length > 0) {
    const first = newer[0];
    const knows = known.get(first.capability)?.migrations.at(-1)?.version;
    throw new StoreVersionError(
      `the store ${store.location} was migrated by a newer GameDay: ${first.capability} migration ${first.version} ("${first.name}") was applied by gameday ${first.applied_by}; ` +
        `this is gameday ${gamedayVersion}, which knows ${first.capability} ${knows === undefined ? 'not at all' : `up to migration ${knows}`}. ` +
        `Use gameday ${first.applied_by} or later with this store (nothing was changed).`,
    );
  }
  const done = new Set(applied.map((row) => `${row.capability} ${row.version}`));
  return capabilities.flatMap((capability) =>
    capability.migrations
      .filter((migration) => !done.has(`${capability.name} ${migration.version}`))
      .map((migration) => ({ capability: capability.name, version: migration.version, name: migration.name, sql: migration.sql(store.dialect).trim() })),
  );
}

/** A mistake in the list itself (a gap, a duplicate) is a bug of ours, caught by every test that opens a store. */
function checkCapabilities(capabilities: readonly Capability[]): void {
  const names = new Set<string>();
  for (const capability of capabilities) {
    if (names.has(capability.name)) throw new Error(`capability ${capability.name} is listed twice in schema.ts`);
    names.add(capability.name);
    capability.migrations.forEach((migration, index) => {
      if (migration.version !== index + 1) throw new Error(`${capability.name} migration ${index + 1} is numbered ${migration.version}: migrations are numbered 1, 2, 3 … in order`);
    });
  }
}
