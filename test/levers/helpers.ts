import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import { ControlPlaneError } from '../../src/control-plane/client.js';
import { startLeverService, type LeverService, type LeverServiceOptions } from '../../src/levers/lever-service.js';
import { gamedayBin, repoRoot } from '../cli-process.js';

export { gamedayBin, repoRoot };

// Shared by the lever tests: temp folders, services on port 0, and real `gameday` processes, all cleaned
// up by t.after even when the test fails.

export const quiet = pino({ level: 'silent' });

export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-levers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const demoLevers = [
  { name: 'disable-recommendations', description: 'hide recommendations on the product page', critical_path: 'checkout' },
  { name: 'disable-ads', description: 'stop calling the ad service' },
];

export async function startService(t: TestContext, options: LeverServiceOptions = {}): Promise<LeverService> {
  const service = await startLeverService({
    listen: '127.0.0.1:0',
    store: join(tempDir(t), 'gameday.db'),
    levers: demoLevers,
    logger: quiet,
    ...options,
  });
  t.after(() => service.close());
  return service;
}

export interface Child {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves with the first stdout or stderr line matching `pattern`; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export function spawnNode(t: TestContext, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, GAMEDAY_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 15_000) {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const match = (out + err).match(pattern);
          if (match) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolvePromise(match);
          }
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`timed out waiting for ${pattern}; stdout: ${out}; stderr: ${err}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
  };
}

/** Runs `gameday …` to completion. */
export async function gameday(t: TestContext, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = spawnNode(t, [gamedayBin, ...args], env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** The ControlPlaneError a call fails with; fails the test if the call succeeds. */
export async function refusal(call: Promise<unknown>): Promise<ControlPlaneError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ControlPlaneError) return error;
    throw error;
  }
  throw new Error('expected the lever service to refuse the call, but it succeeded');
}
