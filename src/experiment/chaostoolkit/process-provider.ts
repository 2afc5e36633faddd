import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pyStr } from './python-values.js';
import { substitute, type Lookup } from './substitute.js';
import type { ActivityResult } from './activity-result.js';

// A `process` provider, run the way Chaos Toolkit runs it: `path` is looked up on PATH (or taken as a path
// when it has a slash, relative to the working directory); `arguments` written as one string go through
// /bin/sh, so quotes, `$(…)` and redirections work as in a terminal; a list is passed as it is (empty items
// dropped); a mapping becomes key, value, key, value. The exit code is a result, not a failure: the
// tolerance judges it. Only a `timeout` (in seconds; without one there is no limit) or an interruption
// fails the activity, and then the whole process group is killed so nothing it started lives on.

const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** Python's shutil.which(os.path.expanduser(path)): the executable the path names, or undefined. */
export function resolveExecutable(path: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const expanded = path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
  const executable = (candidate: string) => {
    try {
      accessSync(candidate, constants.X_OK);
      return !statSync(candidate).isDirectory();
    } catch {
      return false;
    }
  };
  if (expanded.includes('/')) return executable(expanded) ? expanded : undefined;
  for (const dir of (env.PATH ?? '/bin:/usr/bin').split(delimiter)) {
    const candidate = join(dir || '.', expanded);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

export interface ProcessCall {
  argv: string[];
  /** The command line as a person reads it (for the journal and the plan). */
  display: string;
  timeoutMs?: number;
}

export function prepareProcessCall(provider: Record<string, unknown>, lookup: Lookup, substituteArguments: boolean): ProcessCall {
  const path = String(provider.path);
  const resolved = resolveExecutable(path);
  if (!resolved) throw new Error(`path '${path}' cannot be found`);
  let args: unknown = provider.arguments ?? [];
  if (args && substituteArguments) args = substitute(args, lookup);
  const timeout = provider.timeout;
  const timeoutMs = typeof timeout === 'number' ? timeout * 1000 : undefined;
  if (typeof args === 'string') {
    const command = `${resolved} ${args}`;
    return { argv: ['/bin/sh', '-c', command], display: `${path} ${args}`, timeoutMs };
  }
  const list = Array.isArray(args) ? args : args && typeof args === 'object' ? Object.entries(args as Record<string, unknown>).flat() : null;
  if (list === null) throw new Error(`arguments is ${pyStr(args)}; expected a string, a list or a mapping`);
  const argv = list.filter((item) => item !== null && item !== undefined && item !== '').map(pyStr);
  return { argv: [resolved, ...argv], display: [path, ...argv.map(quoteForDisplay)].join(' '), timeoutMs };
}

function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

// Each activity runs in a process group of its own (so a timeout kills what it started too), which the
// terminal's Ctrl-C no longer reaches: groups still running when gameday exits are killed on the way out.
//
// An exit hook cannot run when gameday is killed outright (kill -9, the OOM killer, a CI job's hard
// timeout), so each running activity also gets a dead-man's switch: a shell of its own (its own group, so
// that whatever kills gameday's group spares it) that reads a pipe from gameday and kills the activity's
// group when the pipe closes, which the kernel does the moment gameday is gone, however it went. Nothing
// is ever written to it, so nothing polls and no pid of gameday's is trusted. gameday stops the switch when
// the activity completes (what the activity left running on purpose is then its own business, as in Chaos
// Toolkit) and, on its way out, before it kills the groups still running.
const SWITCH_SHELL = '/bin/sh';
const SWITCH = 'read _; kill -KILL -"$1" 2>/dev/null';
const running = new Map<number, () => void>();
let killOnExit = false;

function killAllOnExit(): void {
  if (killOnExit) return;
  killOnExit = true;
  process.on('exit', () => {
    for (const [group, stopSwitch] of running) {
      stopSwitch();
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}

function deadMansSwitch(group: number): () => void {
  const watcher = spawn(SWITCH_SHELL, ['-c', SWITCH, 'gameday-activity-switch', String(group)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watcher.on('error', () => undefined);
  watcher.stdin!.on('error', () => undefined);
  // Neither the switch nor its pipe may keep gameday's event loop alive.
  watcher.unref();
  (watcher.stdin as unknown as { unref?: () => void }).unref?.();
  return () => {
    if (watcher.exitCode === null && watcher.signalCode === null) watcher.kill('SIGKILL');
  };
}

/** Registers a running activity's group: its switch runs until `untrack` (the activity completed) or gameday's exit. */
function track(group: number | undefined): () => void {
  if (group === undefined) return () => undefined;
  killAllOnExit();
  const stopSwitch = deadMansSwitch(group);
  running.set(group, stopSwitch);
  return () => {
    stopSwitch();
    running.delete(group);
  };
}

export function runProcessCall(call: ProcessCall, signal: AbortSignal): Promise<ActivityResult> {
  return new Promise((resolve) => {
    if (!existsSync(SWITCH_SHELL)) {
      resolve({ status: 'failed', error: `not started: ${SWITCH_SHELL} is missing, so nothing could kill this activity's processes if gameday were killed` });
      return;
    }
    const child = spawn(call.argv[0], call.argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: process.env });
    const untrack = track(child.pid);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let failure: string | undefined;
    const killGroup = (reason: string) => {
      failure ??= reason;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) killGroup(`the process wrote more than ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB of output`);
      else into.push(chunk);
    };
    child.stdout!.on('data', collect(stdout));
    child.stderr!.on('data', collect(stderr));
    const timer = call.timeoutMs === undefined ? undefined : setTimeout(() => killGroup('process activity took too long to complete'), call.timeoutMs);
    const onAbort = () => killGroup('interrupted: the run was stopped');
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    child.on('error', (error) => {
      untrack();
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve({ status: 'failed', error: `could not start ${call.argv[0]}: ${error.message}` });
    });
    child.on('close', (code, signalName) => {
      untrack();
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // Python reports a process killed by a signal with the signal's number, negated.
      const status = code ?? (signalName ? -(osConstants.signals[signalName as keyof typeof osConstants.signals] ?? 0) : -1);
      const output = { status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
      resolve(failure ? { status: 'failed', error: failure, output } : { status: 'succeeded', output });
    });
  });
}
