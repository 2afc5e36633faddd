import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Store } from './engine.js';
import { storeFilePath } from './home.js';
import { migrate } from './migrations.js';
import { maskPassword, PostgresStore } from './postgres-engine.js';
import { capabilities } from './schema.js';
import { SqliteStore } from './sqlite-engine.js';

// Where the store is and how it is opened: the SQLite file under GAMEDAY_HOME by default, or PostgreSQL when
// `--store postgres://…` or GAMEDAY_STORE says so. Opening a store migrates it (once, forward only).

export type { Store } from './engine.js';

export type StoreLocation = { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string };

/** `--store` if given, else $GAMEDAY_STORE, else <GAMEDAY_HOME>/gameday.db. A postgres:// or postgresql:// URL means PostgreSQL; anything else is a SQLite file. */
export function storeLocation(given?: string, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const spec = given?.trim() || env.GAMEDAY_STORE?.trim();
  if (spec === ':memory:') return { engine: 'sqlite', path: spec };
  if (spec && /^postgres(ql)?:\/\//i.test(spec)) return { engine: 'postgres', url: spec };
  return { engine: 'sqlite', path: spec ? resolve(spec) : storeFilePath() };
}

/** The location as it may be printed (a password in a URL is masked). */
export function describeLocation(location: StoreLocation): string {
  return location.engine === 'sqlite' ? location.path : maskPassword(location.url);
}

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
