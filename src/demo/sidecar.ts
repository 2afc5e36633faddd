import { spawn } from 'node:child_process';
import { guardedArgv, killGroup } from '../fleet/process-guard.js';

// Starts a helper process of the world in its own process group, under the parent-death signal of the
// fleet's process guard (the kernel kills it when we die, even by SIGKILL), and waits for its one JSON line
// on stdout. Unlike fleet instances it is not killed on our SIGINT: Ctrl-C aborts the run, and the run
// still needs the fault proxy and the gateway to revert its faults; stop() ends it after that, and our
// 'exit' kills whatever is left.

const live = new Set<number>();
let hooked = false;

export interface Sidecar {
  pid: number;
  line: Record<string, unknown>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export async function startSidecar(entry: string, env: Record<string, string>, options: { nodeFlags?: string[]; startLimitMs?: number } = {}): Promise<Sidecar> {
  const startLimitMs = options.startLimitMs ?? 15_000;
  const [file, ...args] = guardedArgv([process.execPath, ...(options.nodeFlags ?? []), entry]);
  const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  if (child.pid !== undefined) live.add(child.pid);
  child.once('exit', () => child.pid !== undefined && live.delete(child.pid));
  if (!hooked) {
    hooked = true;
    process.on('exit', () => live.forEach((pid) => killGroup(pid, 'SIGKILL')));
  }
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const line = await new Promise<Record<string, unknown>>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`${entry} did not start within ${startLimitMs} ms; stderr: ${stderr}`)), startLimitMs);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const newline = stdout.indexOf('\n');
        if (newline < 0) return;
        clearTimeout(timer);
        resolve(JSON.parse(stdout.slice(0, newline)) as Record<string, unknown>);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${entry} exited (${signal ?? `code ${code}`}) before it was ready; stderr: ${stderr.trim()}`));
      });
    });
    return {
      pid: child.pid!,
      line,
      stop: async (graceMs = 3000) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        killGroup(child.pid!, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      },
    };
  } catch (error) {
    if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    throw error;
  }
}
