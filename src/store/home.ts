import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Everything GameDay keeps (the SQLite store, run folders) lives under one folder, `.gameday` in the
// current directory by default, so a project's history stays with the project. GAMEDAY_HOME moves it.
export function gamedayHome(): string {
  const home = resolve(process.env.GAMEDAY_HOME ?? '.gameday');
  mkdirSync(home, { recursive: true });
  return home;
}

export function storePath(): string {
  return join(gamedayHome(), 'gameday.db');
}

export function runsFolder(): string {
  const folder = join(gamedayHome(), 'runs');
  mkdirSync(folder, { recursive: true });
  return folder;
}
