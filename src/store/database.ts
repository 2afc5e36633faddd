import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from './engine.js';
import { migrate } from './migrations.js';
import { storeLocation, type StoreLocation } from './location.js';
import { PostgresStore } from './postgres-engine.js';
import { capabilities } from './schema.js';
import { SqliteStore } from './sqlite-engine.js';

// Where the store is and how it is opened: the SQLite file under GAMEDAY_HOME by default, or PostgreSQL when
// `--store postgres://…` or GAMEDAY_STORE says so. Opening a store migrates it (once, forward only).

export type { Store } from './engine.js';


/** Opens the store and brings its tables up to date; refuses (StoreVersionError) a store newer than this code. */
export async function openStore(where: string | StoreLocation = storeLocation(), options: { migrate?: boolean } = {}): Promise<Store> {
  const location = typeof where === 'string' ? storeLocation(where) : where;
  let store: Store;
  if (location.engine === 'sqlite') {
    if (location.path !== ':memory:') mkdirSync(dirname(location.path), { recursive: true });
    store = new SqliteStore(location.path);
  } else {
    const postgres = new PostgresStore(location.url);
    await postgres.connect();
    store = postgres;
  }
  if (options.migrate === false) return store;
  try {
    await migrate(store, capabilities);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
