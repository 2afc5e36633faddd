import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

// Everything GameDay keeps (the SQLite store, run folders) lives under one per-user folder, whatever the
// current directory: `gameday halt` must see every run the user started, from wherever it was started.
// $GAMEDAY_HOME, else $XDG_STATE_HOME/gameday, else ~/.gameday. (`gameday run --out` still moves a run folder.)
export function gamedayHomePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GAMEDAY_HOME) return resolve(env.GAMEDAY_HOME);
  if (env.XDG_STATE_HOME) return resolve(env.XDG_STATE_HOME, 'gameday');
  return join(homedir(), '.gameday');
}

export function gamedayHome(): string {
  const home = gamedayHomePath();
  mkdirSync(home, { recursive: true });
  return home;
}

/** Where the store is, without creating anything (for readers that must not leave a store behind). */
export function storeFilePath(): string {
  return join(gamedayHomePath(), 'gameday.db');
}

export function storePath(): string {
  gamedayHome();
  return storeFilePath();
}

export function runsFolder(): string {
  const folder = join(gamedayHome(), 'runs');
  mkdirSync(folder, { recursive: true });
  return folder;
}
