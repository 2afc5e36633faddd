// The `gameday` CLI as a real child process, and a throwaway home for it: shared by every test that runs
// the CLI the way a user does. GAMEDAY_HOME always points into the temp home, never the real one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const gamedayBin = join(repoRoot, 'bin/gameday.js');

export interface GamedayResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface GamedayProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<GamedayResult>;
}

/** `node bin/gameday.js <args>` in `home`, with GAMEDAY_HOME in `home` unless `env` says otherwise (never the real home). */
export function spawnGameday(args: string[], home: string, env: Record<string, string | undefined> = {}): GamedayProcess {
  const merged: Record<string, string | undefined> = { ...process.env, GAMEDAY_HOME: join(home, '.gameday'), GAMEDAY_LOG_LEVEL: 'silent', ...env };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const child = spawn(process.execPath, [gamedayBin, ...args], {
    cwd: home,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const done = new Promise<GamedayResult>((resolveDone) => child.on('close', (code) => resolveDone({ code, stdout, stderr })));
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

export interface TempHome {
  dir: string;
  write(name: string, text: string): string;
  remove(): void;
}

export function tempHome(prefix = 'gameday-test-'): TempHome {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
