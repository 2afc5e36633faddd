// Runs `gameday demo` as a real child process and inspects what it leaves behind: the run folder, the
// processes of the world (found by the GAMEDAY_DEMO_WORLD marker every one of them carries, and by the pids
// the demo journals) and the world's fixed ports. The demo's ports are fixed by design (the flagship names
// them), so these tests check first that the ports are free and say what holds them if not.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Journal } from '../../src/journal/format.js';
import { describePortOwner, portIsFree } from '../../src/demo/port-owner.js';
import { DEMO_PORTS, WORLD_MARKER } from '../../src/demo/world.js';
import type { SegmentSummary } from '../../src/demo/world-record.js';
import { gamedayBin, tempHome as sharedTempHome } from '../cli-process.js';
import { validJournal } from '../journal-schema.js';

export interface DemoResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

export interface DemoProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr or stdout has shown `pattern`; rejects after `timeoutMs` or if the demo exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  done: Promise<DemoResult>;
}

export function spawnDemo(args: string[], home: string): DemoProcess {
  const started = performance.now();
  const child = spawn(process.execPath, [gamedayBin, ...args], {
    cwd: home,
    env: { ...process.env, GAMEDAY_HOME: join(home, '.gameday'), GAMEDAY_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const onData = () => waiters.forEach((check) => check());
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), onData()));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => ((stderr += chunk), onData()));
  const done = new Promise<DemoResult>((resolveDone) =>
    child.on('close', (code, signal) => resolveDone({ code, signal, stdout, stderr, wallMs: performance.now() - started })),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    waitFor: (pattern, timeoutMs) =>
      new Promise<void>((resolveWait, reject) => {
        const timer = setTimeout(() => finish(new Error(`no ${pattern} within ${timeoutMs} ms; stderr:\n${stderr.slice(-3000)}`)), timeoutMs);
        const check = () => (pattern.test(stdout) || pattern.test(stderr)) && finish();
        function finish(error?: Error) {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolveWait();
        }
        waiters.add(check);
        void done.then(() => finish(pattern.test(stdout) || pattern.test(stderr) ? undefined : new Error(`the demo exited before ${pattern}; stderr:\n${stderr.slice(-3000)}`)));
        check();
      }),
  };
}

/** A throwaway home for a demo run (GAMEDAY_HOME points into it). */
export const tempHome = () => sharedTempHome('gameday-demo-test-');

/** The run's journal.json, checked against the published journal schema. */
export function readJournal(folder: string): Journal {
  const file = join(folder, 'journal.json');
  return validJournal(JSON.parse(readFileSync(file, 'utf8')), file);
}

export function segments(journal: Journal): SegmentSummary[] {
  return journal.events.flatMap((e) => (e.type === 'world.pages' ? [e.data] : []));
}

export function journaledPids(journal: Journal): number[] {
  return journal.events.flatMap((e) => (e.type === 'world' ? e.data.pids : []));
}

/** Live processes (zombies excluded) whose environment carries the world marker of `demoPid`. */
export function worldProcesses(demoPid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${entry}/status`, 'utf8'))) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`${WORLD_MARKER}=${demoPid}`)) found.push(Number(entry));
    } catch {
      // exited while we looked, or not ours to read
    }
  }
  return found;
}

export { alive as isAlive } from '../proc.js';

/** Every fixed port of the world refuses connections. */
export async function openPorts(): Promise<number[]> {
  const open: number[] = [];
  for (const port of Object.values(DEMO_PORTS)) {
    const accepted = await new Promise<boolean>((resolveProbe) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => (socket.destroy(), resolveProbe(true)));
      socket.once('error', () => resolveProbe(false));
    });
    if (accepted) open.push(port);
  }
  return open;
}

/** The demo tests need the world's fixed ports; says what holds one instead of failing obscurely later. */
export async function assertDemoPortsFree(): Promise<void> {
  for (const [role, port] of Object.entries(DEMO_PORTS)) {
    if (!(await portIsFree(port))) throw new Error(`the demo tests need 127.0.0.1:${port} (${role}), held by ${await describePortOwner(port)}`);
  }
}

/** Polls until `check` holds or `timeoutMs` passes; returns the elapsed milliseconds, or throws. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
