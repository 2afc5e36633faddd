// How long a process's main thread (its event loop) has spent runnable but waiting for a CPU, in ms:
// time the machine, not the code, took away. Tests that bound a latency on a shared machine allow
// exactly this much on top of their bound. 0 where Linux's schedstat is not available, so the bounds
// that add it are then the strict ones (as on an unloaded CI machine, where it stays near 0).
import { readFileSync } from 'node:fs';

export function runQueueWaitMs(pid = process.pid): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6 || 0;
  } catch {
    return 0;
  }
}
