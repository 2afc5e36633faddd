import { randomUUID } from 'node:crypto';

// Safety rule 2: every fault is held under a lease. The component that holds a fault (the proxy, the
// fleet, the gateway, the lever service) keeps a LeaseBook; whoever injected the fault renews the lease;
// when renewals stop, the book reverts the lease's faults by itself. Every component speaks the same
// HTTP lease protocol (see docs/leases.md), so the orchestrator renews them all the same way.

export interface HeldFault {
  /** What the fault is, in the holder's words, e.g. "proxy recs: toxic latency_downstream". */
  description: string;
  revert: () => void | Promise<void>;
}

export interface LeaseView {
  id: string;
  owner: string;
  ttl_ms: number;
  expires_at: string;
  faults: string[];
}

export type LeaseEndReason = 'expired' | 'released';

interface LeaseEntry {
  id: string;
  owner: string;
  ttlMs: number;
  expiresAt: number;
  faults: Map<string, HeldFault>;
  cancelExpiry: () => void;
}

export class LeaseNotFoundError extends Error {
  constructor(readonly leaseId: string) {
    super(`no lease with id "${leaseId}" (it may have expired; its faults were reverted)`);
  }
}

export interface LeaseBookOptions {
  /** Called after a lease ended and all of its faults were reverted (for logs and metrics). */
  onEnd?: (lease: LeaseView, reason: LeaseEndReason, errors: unknown[]) => void;
  /** The longest TTL a caller may ask for; a lease is a promise to clean up soon, not eventually. */
  maxTtlMs?: number;
  /** Where expiry reads the time and sets its timers; tests substitute a clock they advance by hand. */
  clock?: LeaseClock;
}

export interface LeaseClock {
  /** Milliseconds since the epoch (lease views show expires_at as a date). */
  now(): number;
  /** Calls `expire` after `ms`; returns a function that cancels the call. */
  after(ms: number, expire: () => void): () => void;
}

export const systemLeaseClock: LeaseClock = {
  now: () => Date.now(),
  after(ms, expire) {
    const timer = setTimeout(expire, ms);
    // An idle holder process must still be able to exit once it is asked to; the holder's server keeps it alive.
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export class LeaseBook {
  private readonly leases = new Map<string, LeaseEntry>();
  private readonly maxTtlMs: number;
  private readonly clock: LeaseClock;

  constructor(private readonly options: LeaseBookOptions = {}) {
    this.maxTtlMs = options.maxTtlMs ?? 10 * 60_000;
    this.clock = options.clock ?? systemLeaseClock;
  }

  create(owner: string, ttlMs: number): LeaseView {
    if (!Number.isFinite(ttlMs) || ttlMs < 100 || ttlMs > this.maxTtlMs) {
      throw new RangeError(`ttl_ms must be between 100 and ${this.maxTtlMs}, got ${ttlMs}`);
    }
    const id = randomUUID();
    const entry: LeaseEntry = {
      id,
      owner: owner || 'unknown',
      ttlMs,
      expiresAt: this.clock.now() + ttlMs,
      faults: new Map(),
      cancelExpiry: this.schedule(id, ttlMs),
    };
    this.leases.set(id, entry);
    return this.view(entry);
  }

  renew(id: string): LeaseView {
    const entry = this.get(id);
    entry.cancelExpiry();
    entry.expiresAt = this.clock.now() + entry.ttlMs;
    entry.cancelExpiry = this.schedule(id, entry.ttlMs);
    return this.view(entry);
  }

  /** Puts a fault under a lease; returns a key to detach it when the fault is reverted some other way. */
  hold(id: string, fault: HeldFault): string {
    const entry = this.get(id);
    const key = randomUUID();
    entry.faults.set(key, fault);
    return key;
  }

  /** Forgets a fault (it was reverted by its owner) without running its revert. */
  detach(id: string, key: string): void {
    this.leases.get(id)?.faults.delete(key);
  }

  has(id: string): boolean {
    return this.leases.has(id);
  }

  async release(id: string): Promise<LeaseView> {
    return this.end(this.get(id), 'released');
  }

  list(): LeaseView[] {
    return [...this.leases.values()].map((entry) => this.view(entry));
  }

  /** Ends every lease (reverting its faults): used on shutdown so nothing outlives the holder. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.leases.values()].map((entry) => this.end(entry, 'released')));
  }

  private get(id: string): LeaseEntry {
    const entry = this.leases.get(id);
    if (!entry) throw new LeaseNotFoundError(id);
    return entry;
  }

  private schedule(id: string, ttlMs: number): () => void {
    return this.clock.after(ttlMs, () => {
      const entry = this.leases.get(id);
      if (entry) void this.end(entry, 'expired');
    });
  }

  private async end(entry: LeaseEntry, reason: LeaseEndReason): Promise<LeaseView> {
    entry.cancelExpiry();
    this.leases.delete(entry.id);
    const view = this.view(entry);
    const errors: unknown[] = [];
    // Last in, first out: a fault injected on top of another is reverted first.
    for (const fault of [...entry.faults.values()].reverse()) {
      try {
        await fault.revert();
      } catch (error) {
        errors.push(error);
      }
    }
    this.options.onEnd?.(view, reason, errors);
    return view;
  }

  private view(entry: LeaseEntry): LeaseView {
    return {
      id: entry.id,
      owner: entry.owner,
      ttl_ms: entry.ttlMs,
      expires_at: new Date(entry.expiresAt).toISOString(),
      faults: [...entry.faults.values()].map((fault) => fault.description),
    };
  }
}
