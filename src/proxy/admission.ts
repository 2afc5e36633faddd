import { readFileSync } from 'node:fs';
import { closeAccepted, type Accepted } from './accept.js';

// A proxied connection holds two descriptors (client and upstream). A process that runs out of them fails
// callers: the upstream connect gets EMFILE and the caller is closed unanswered, or libuv closes whatever
// waits in the accept queue. HAProxy avoids this with maxconn: beyond it, callers wait. So does the proxy:
// at most `limit` connections are proxied at once across every proxy of the process, and a caller beyond
// that waits, accepted but not yet read from, until a proxied connection closes. A waiting caller holds one
// descriptor; the margin below leaves room for them and for the control API.

const MARGIN = 100;

/** Most connections the process can proxy at once: what its open-file limit leaves, two descriptors each. */
export function connectionLimit(limitsFile = '/proc/self/limits'): number {
  try {
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(limitsFile, 'utf8'))?.[1];
    if (soft && soft !== 'unlimited') return Math.max(1, Math.floor((Number(soft) - MARGIN) / 2));
  } catch {
    // Not Linux: no limit we can read; the kernel's own EMFILE remains the bound.
  }
  return Number.POSITIVE_INFINITY;
}

interface Waiting {
  owner: object;
  accepted: Accepted;
  start: (accepted: Accepted) => void;
}

export class Admission {
  private open = 0;
  private readonly waiting: Waiting[] = [];
  private head = 0;

  constructor(readonly limit: number) {}

  /** Starts `accepted` now if there is room, or once a proxied connection closed; `owner` can forget it. */
  admit(owner: object, accepted: Accepted, start: (accepted: Accepted) => void): void {
    if (this.open < this.limit) {
      this.open++;
      start(accepted);
    } else {
      this.waiting.push({ owner, accepted, start });
    }
  }

  /** A proxied connection closed: the longest-waiting caller takes its place. */
  release(): void {
    const next = this.take();
    if (next) next.start(next.accepted);
    else this.open--;
  }

  /** Closes the callers `owner` left waiting (its proxy stopped). */
  forget(owner: object): void {
    const kept: Waiting[] = [];
    for (const entry of this.waiting.slice(this.head)) {
      if (entry.owner !== owner) kept.push(entry);
      else closeAccepted(entry.accepted);
    }
    this.waiting.length = 0;
    this.head = 0;
    this.waiting.push(...kept);
  }

  private take(): Waiting | undefined {
    if (this.head >= this.waiting.length) return undefined;
    const next = this.waiting[this.head++];
    // Compact now and then, so a long burst does not keep every entry it ever queued.
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    return next;
  }
}

/** One admission for the whole process: descriptors are the process's, whichever proxy uses them. */
export const admission = new Admission(connectionLimit());
