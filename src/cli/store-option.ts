import { existsSync } from 'node:fs';
import type { Store } from '../store/engine.js';
import { describeLocation, storeLocation, type StoreLocation } from '../store/location.js';
import { ExitCode } from './command.js';

// What `--store` (shared-options.ts) does: opening the store for a verb's action. The engines (SQLite, pg) are
// loaded when a store is opened, not when a verb that may open one is defined.

/**
 * Opens the store for `verb`. One that is newer than this gameday is said in one line naming the version it
 * needs (followed by `after`), the exit code is 3 (nothing was touched), and this returns undefined. A store
 * that cannot be opened at all is thrown on: one line and exit 4 from main.ts, as for any internal failure.
 */
export async function openStoreFor(verb: string, location: StoreLocation, after = ''): Promise<Store | undefined> {
  const [{ openStore }, { StoreVersionError }] = await Promise.all([import('../store/database.js'), import('../store/migrations.js')]);
  try {
    return await openStore(location);
  } catch (error) {
    if (!(error instanceof StoreVersionError)) throw error;
    process.stderr.write(`gameday ${verb}: ${error.message}\n${after}`);
    process.exitCode = ExitCode.invalid;
    return undefined;
  }
}

/**
 * Opens the store for `verb`, runs `work`, and closes it. A store that cannot be opened or is newer than
 * this gameday is said in one line naming it, with exit 3 (nothing was touched); `work` does not run.
 * With `ifExists`, a SQLite file that is not there is not created: `work` gets undefined.
 */
export async function withStore<T>(verb: string, given: string | undefined, work: (store: Store | undefined, location: StoreLocation) => Promise<T>, options: { ifExists?: boolean } = {}): Promise<T | undefined> {
  const location = storeLocation(given);
  if (options.ifExists && location.engine === 'sqlite' && !existsSync(location.path)) return work(undefined, location);
  const store = await openStoreFor(verb, location);
  if (!store) return undefined;
  try {
    return await work(store, location);
  } finally {
    await store.close();
  }
}

