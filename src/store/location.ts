import { resolve } from 'node:path';
import { storeFilePath } from './home.js';

// Where the store is, apart from opening it (database.ts): reading and printing a location loads no engine,
// so a verb can name its store before (or without) opening it.

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

export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}
