import { spawnSync, type ChildProcess } from 'node:child_process';

// Safety: no instance may outlive the fleet that started it. Three layers:
// 1. every child runs in its own process group, and the whole group is killed (grandchildren too);
// 2. on Linux each child is started under `setpriv --pdeathsig SIGKILL`, so the kernel kills it even when
//    the fleet's process is SIGKILLed and no JavaScript runs at all;
// 3. on exit, SIGINT and SIGTERM of the parent, every live group is SIGKILLed synchronously.

const live = new Set<number>();
let hooked = false;

const hasSetpriv = process.platform === 'linux' && spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;

/** The argv to spawn so that the child dies with its parent where the OS allows it. */
export function guardedArgv(argv: string[]): string[] {
  return hasSetpriv ? ['setpriv', '--pdeathsig', 'SIGKILL', '--', ...argv] : argv;
}

export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** Tracks a spawned child (spawned with `detached: true`) until it exits. */
export function guard(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  live.add(pid);
  child.once('exit', () => live.delete(pid));
  if (!hooked) hookParentExit();
}

export function liveChildren(): number[] {
  return [...live];
}

function killAll(): void {
  for (const pid of live) killGroup(pid, 'SIGKILL');
  live.clear();
}

function hookParentExit(): void {
  hooked = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      killAll();
      // Keep the default behaviour (terminate) unless the application handles the signal itself. This
      // listener is prepended so that it runs first, while the application's `once` listeners are still
      // registered: counted after them, a handled Ctrl-C would look unhandled and kill the host mid-shutdown.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.prependListener(signal, onSignal);
  }
}
