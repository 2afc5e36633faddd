import Database from 'better-sqlite3';
import { storePath } from './home.js';

export type Store = Database.Database;

/**
 * Opens the embedded store. WAL lets a dashboard read while a run writes, and busy_timeout lets two
 * gameday processes (a run and a `gameday halt`) share the file without "database is locked" errors.
 * Each capability creates its own tables with CREATE TABLE IF NOT EXISTS in its own module.
 */
export function openStore(path = storePath()): Store {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
