import { DatabaseSync } from '@photostructure/sqlite';
import { storePath } from './home.js';

// The store speaks the API of Node's built-in `node:sqlite` (DatabaseSync / StatementSync). On Node 20,
// which has no built-in SQLite, @photostructure/sqlite provides that same API from a binary shipped inside
// its npm package, so a fresh `npm ci` compiles nothing. When Node 22 is our floor this import becomes
// `node:sqlite` and nothing else changes.

export type Store = InstanceType<typeof DatabaseSync>;

/**
 * Opens the embedded store. WAL lets a dashboard read while a run writes, and busy_timeout lets two
 * gameday processes (a run and a `gameday halt`) share the file without "database is locked" errors.
 * Each capability creates its own tables with CREATE TABLE IF NOT EXISTS in its own module.
 */
export function openStore(path = storePath()): Store {
  try {
    const db = new DatabaseSync(path);
    db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;');
    return db;
  } catch (error) {
    // "file is not a database" alone does not say which file; GAMEDAY_HOME may point somewhere unexpected.
    throw new Error(`cannot open the store ${path}: ${(error as Error).message} (GAMEDAY_HOME moves it)`, { cause: error });
  }
}

/**
 * Runs `work` in one IMMEDIATE transaction: the write lock is taken up front, so two processes that both
 * read-then-write wait on busy_timeout instead of failing with SQLITE_BUSY half-way.
 */
export function inTransaction<T>(db: Store, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
