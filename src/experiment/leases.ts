import { ControlPlaneError, componentOf, controlPlaneClient } from '../control-plane/client.js';
import type { ResolvedTarget } from '../faults/fault.js';
import { leaseCalls, type LeaseCalls } from '../leases/lease-client.js';
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
  onTaken(lease: HeldLease): void | Promise<void>;
  /** Throws when the run may not take a lease any more (halted or aborted); checked before every take. */
  mayTake?(): void | Promise<void>;
  /** A lease was lost: the run aborts. */
  onLost(lease: HeldLease, reason: string): void;
}

/** A renewal must come back well within a third of the TTL, or it is as good as lost. */
const LEASE_CALL_DEADLINE_MS = 3000;

/** The lease protocol on one component; `kind` (a target kind) only names it in messages. */
export function leaseProtocol(controlUrl: string, token?: string, kind?: string): LeaseCalls {
  return leaseCalls(controlPlaneClient(componentOf(kind), controlUrl, { token, timeoutMs: LEASE_CALL_DEADLINE_MS }));
}

export class LeaseKeeper {
  private readonly leases = new Map<string, Promise<HeldLease>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly protocols = new Map<HeldLease, LeaseCalls>();
  private released = false;

  constructor(private readonly options: LeaseKeeperOptions) {}

  leaseFor(target: Pick<ResolvedTarget, 'controlUrl' | 'token'> & { kind?: string }): Promise<string> {
    const key = target.controlUrl.replace(/\/+$/, '');
    let lease = this.leases.get(key);
    if (!lease) {
      lease = this.take(key, target.token, target.kind);
      this.leases.set(key, lease);
      lease.catch(() => this.leases.delete(key));
    }
    return lease.then((held) => held.leaseId);
  }

  private async take(controlUrl: string, token?: string, kind?: string): Promise<HeldLease> {
    if (this.released) throw new Error('the run has released its leases; no new fault may be injected');
    await this.options.mayTake?.();
    const protocol = leaseProtocol(controlUrl, token, kind);
    const { id } = await protocol.createLease({ owner: `gameday run ${this.options.runId}`, ttlMs: this.options.ttlMs });
    const held: HeldLease = { controlUrl, leaseId: id, token };
    this.protocols.set(held, protocol);
    await this.options.onTaken(held);
    this.options.journal.note('lease.taken', `lease ${id} on ${controlUrl} (ttl ${this.options.ttlMs}ms)`, { controlUrl, leaseId: id, ttlMs: this.options.ttlMs });
    const timer = setInterval(() => void this.renew(held), Math.max(50, Math.floor(this.options.ttlMs / 3)));
    this.timers.push(timer);
    return held;
  }

  private async renew(held: HeldLease): Promise<void> {
    if (this.released) return;
    try {
      await this.protocols.get(held)!.renewLease(held.leaseId);
    } catch (error) {
      if (error instanceof ControlPlaneError && error.status === 404) {
        this.options.journal.note('lease.lost', `lease ${held.leaseId} on ${held.controlUrl} is gone (expired or halted)`, { controlUrl: held.controlUrl });
        this.options.onLost(held, 'lease lost (expired, or released by `gameday halt`)');
      } else {
        this.options.journal.note('lease.renew-failed', `renewing lease on ${held.controlUrl}: ${(error as Error).message}`, { controlUrl: held.controlUrl });
      }
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
          await this.protocols.get(lease)!.releaseLease(lease.leaseId);
          this.options.journal.note('lease.released', `lease ${lease.leaseId} on ${lease.controlUrl} released`, { controlUrl: lease.controlUrl });
        } catch (error) {
          if (error instanceof ControlPlaneError && error.status === 404) {
            this.options.journal.note('lease.released', `lease ${lease.leaseId} on ${lease.controlUrl} was already gone (expired or halted)`, { controlUrl: lease.controlUrl });
            return;
          }
          // The component reverts on expiry anyway; say so rather than fail the run's cleanup.
          this.options.journal.note('lease.release-failed', `could not release lease on ${lease.controlUrl} (${(error as Error).message}); it expires within its TTL`, { controlUrl: lease.controlUrl });
        }
      }),
    );
  }
}
