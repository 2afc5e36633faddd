// Processes as the kernel sees them (/proc), for tests that check what is still running: whether a process
// is alive (a zombie has ended; only its exit status waits for its parent), its process group, the live
// members of a group, and its command line.
import { readdirSync, readFileSync } from 'node:fs';

/** State and process group of `pid` from /proc/<pid>/stat, or undefined once it is gone. */
export function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so read from its last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, pgrp: Number(pgrp) };
  } catch {
    return undefined;
  }
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** The processes of group `pgrp` that are alive. */
export function liveGroupMembers(pgrp: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => procStat(pid)?.pgrp === pgrp && alive(pid));
}

/** The command line of `pid`, its arguments joined by spaces (each followed by one), or "(ended)". */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '(ended)';
  }
}

/** How many file descriptors `pid` holds open now. */
export function openDescriptors(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
