import type { ResolvedTarget } from '../faults/fault.js';
import type { JournalRecorder } from '../journal/recorder.js';

// The run holds one lease per component that holds its faults (docs/leases.md) and renews each at a third of
// its TTL, so one lost renewal is not fatal. If the run dies, renewals stop and the component reverts the
// faults by itself. A lease that is gone when we renew it (expired, or `gameday halt` released it) means our
// faults are gone too: the run must stop believing it is in control, so it aborts.

export interface HeldLease {
  controlUrl: string;
  leaseId: string;
  token?: string;
}

export interface LeaseKeeperOptions {
  runId: string;
  ttlMs: number;
  journal: JournalRecorder;
  /** Called as soon as a lease is taken, before any fault is put under it (so `gameday halt` can find it). */
  onTaken(lease: HeldLease): void;
  /** Throws when the run may not take a lease any more (halted or aborted); checked before every take. */
  mayTake?(): void;
  /** A lease was lost: the run aborts. */
  onLost(lease: HeldLease, reason: string): void;
}

export class LeaseKeeper {
  private readonly leases = new Map<string, Promise<HeldLease>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private released = false;

  constructor(private readonly options: LeaseKeeperOptions) {}

  leaseFor(target: Pick<ResolvedTarget, 'controlUrl' | 'token'>): Promise<string> {
    const key = target.controlUrl.replace(/\/+$/, '');
    let lease = this.leases.get(key);
    if (!lease) {
      lease = this.take(key, target.token);
      this.leases.set(key, lease);
      lease.catch(() => this.leases.delete(key));
    }
    return lease.then((held) => held.leaseId);
  }

  private async take(controlUrl: string, token?: string): Promise<HeldLease> {
    if (this.released) throw new Error('the run has released its leases; no new fault may be injected');
    this.options.mayTake?.();
    const response = await request(controlUrl, 'POST', '/leases', token, { owner: `gameday run ${this.options.runId}`, ttl_ms: this.options.ttlMs });
    if (response.status !== 201 && response.status !== 200) {
      throw new Error(`could not take a lease on ${controlUrl}: ${response.status} ${await response.text()}`);
    }
    const { id } = (await response.json()) as { id: string };
    const held: HeldLease = { controlUrl, leaseId: id, token };
    this.options.onTaken(held);
    this.options.journal.note('lease.taken', `lease ${id} on ${controlUrl} (ttl ${this.options.ttlMs}ms)`, { controlUrl, leaseId: id });
    const timer = setInterval(() => void this.renew(held), Math.max(50, Math.floor(this.options.ttlMs / 3)));
    this.timers.push(timer);
    return held;
  }

  private async renew(held: HeldLease): Promise<void> {
    if (this.released) return;
    try {
      const response = await request(held.controlUrl, 'POST', `/leases/${encodeURIComponent(held.leaseId)}/renew`, held.token);
      await response.body?.cancel();
      if (response.status === 404) {
        this.options.journal.note('lease.lost', `lease ${held.leaseId} on ${held.controlUrl} is gone (expired or halted)`, { controlUrl: held.controlUrl });
        this.options.onLost(held, 'lease lost (expired, or released by `gameday halt`)');
      } else if (!response.ok) {
        this.options.journal.note('lease.renew-failed', `renewing lease on ${held.controlUrl}: ${response.status}`, { controlUrl: held.controlUrl });
      }
    } catch (error) {
      this.options.journal.note('lease.renew-failed', `renewing lease on ${held.controlUrl}: ${(error as Error).message}`, { controlUrl: held.controlUrl });
    }
  }

  /** Releases every lease (the components revert anything still held under them). Safe to call twice. */
  async releaseAll(): Promise<void> {
    this.released = true;
    for (const timer of this.timers) clearInterval(timer);
    const held = await Promise.allSettled([...this.leases.values()]);
    await Promise.all(
      held.map(async (result) => {
        if (result.status !== 'fulfilled') return;
        const lease = result.value;
        try {
          const response = await request(lease.controlUrl, 'DELETE', `/leases/${encodeURIComponent(lease.leaseId)}`, lease.token);
          await response.body?.cancel();
          this.options.journal.note('lease.released', `lease ${lease.leaseId} on ${lease.controlUrl} released`, { controlUrl: lease.controlUrl });
        } catch (error) {
          // The component reverts on expiry anyway; say so rather than fail the run's cleanup.
          this.options.journal.note('lease.release-failed', `could not release lease on ${lease.controlUrl} (${(error as Error).message}); it expires within its TTL`, { controlUrl: lease.controlUrl });
        }
      }),
    );
  }
}

/** One call of the lease protocol; shared with `gameday halt`. */
export function request(controlUrl: string, method: string, path: string, token?: string, body?: unknown): Promise<Response> {
  return fetch(`${controlUrl.replace(/\/+$/, '')}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(3000),
  });
}
