import type { Logger } from '../observe/log.js';
import { LeaseBook, LeaseNotFoundError, type LeaseView } from '../leases/lease-book.js';
import type { HeldState, LeverStore } from './lever-store.js';
import {
  UnknownLeverError,
  type AuditEntry,
  type Lever,
  type LeverAction,
  type LeverChange,
  type LeverChangeResult,
  type LeverDeclaration,
  type LeverEvent,
  type LeverState,
} from './lever.js';

// The lever board is the core of the lever service: it declares levers, pulls and resets them, keeps
// the audit trail, and holds lease-bound changes. It knows nothing of HTTP; the service is a thin edge.

export type LeverListener = (event: LeverEvent & { type: 'change' }) => void;

interface Hold {
  leaseId: string;
  key: string;
  restores: LeverState;
}

/** Who undoes a leased change, for the audit trail. */
const LEASE_EXPIRY = 'lease-expiry';
const LEASE_RELEASE = 'lease-release';

export class LeverBoard {
  readonly leases: LeaseBook;
  private readonly listeners = new Set<LeverListener>();
  /** Leases currently being released by their owner (DELETE /leases/{id}), to tell release from expiry. */
  private readonly releasing = new Set<string>();
  private readonly holds = new Map<string, Hold>();

  constructor(
    private readonly store: LeverStore,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.leases = new LeaseBook({
      onEnd: (lease, reason, errors) =>
        this.log.info({ lease: lease.id, owner: lease.owner, reason, faults: lease.faults, errors: errors.map(String) }, `lease ${reason}`),
    });
    this.undoOrphanedHolds();
  }

  declare(declaration: LeverDeclaration, by = 'config'): { lever: Lever; created: boolean } {
    const created = this.store.declare(declaration, this.now().toISOString());
    if (created) {
      const entry = this.store.append(declaration.name, 'declare', by, declaration.description, false, null, this.now().toISOString());
      this.emit(entry, this.get(declaration.name), true);
    }
    return { lever: this.get(declaration.name), created };
  }

  list(): Lever[] {
    return this.store.list();
  }

  get(name: string): Lever {
    const lever = this.store.get(name);
    if (!lever) throw new UnknownLeverError(name, this.store.names());
    return lever;
  }

  audit(options: { lever?: string; limit?: number } = {}): AuditEntry[] {
    if (options.lever) this.get(options.lever);
    return this.store.audit(options);
  }

  snapshot(): LeverEvent & { type: 'snapshot' } {
    return { type: 'snapshot', seq: this.store.lastSeq(), levers: this.list() };
  }

  pull(name: string, change: LeverChange, leaseId?: string): LeverChangeResult {
    return this.setState(name, 'pulled', change, leaseId);
  }

  reset(name: string, change: LeverChange, leaseId?: string): LeverChangeResult {
    return this.setState(name, 'reset', change, leaseId);
  }

  /** Releases a lease on its owner's request: every change held under it is undone ("lease-release"). */
  async releaseLease(id: string): Promise<LeaseView> {
    this.releasing.add(id);
    try {
      return await this.leases.release(id);
    } finally {
      this.releasing.delete(id);
    }
  }

  subscribe(listener: LeverListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Undoes every leased change, so that nothing a run did outlives the service. */
  async close(): Promise<void> {
    await this.leases.releaseAll();
    this.listeners.clear();
  }

  private setState(name: string, state: LeverState, change: LeverChange, leaseId?: string): LeverChangeResult {
    const before = this.get(name);
    // Checked before anything is written: a change under a dead lease would never be undone.
    const lease = leaseId === undefined ? undefined : this.leaseView(leaseId);
    const changed = before.state !== state;
    const at = this.now().toISOString();
    const action: LeverAction = state === 'pulled' ? 'pull' : 'reset';

    if (changed && lease) {
      // The run changed the lever, so the run's lease owns the change and undoes it when it ends. A lease
      // that changes a lever twice still restores the state from before its first change.
      const previous = this.holds.get(name);
      const restores = previous?.leaseId === lease.id ? previous.restores : before.state;
      this.detach(name);
      let held: HeldState | null = null;
      if (state !== restores) {
        const key = this.leases.hold(lease.id, { description: `lever ${name}: ${action}`, revert: () => this.undo(name, lease.id, restores) });
        this.holds.set(name, { leaseId: lease.id, key, restores });
        held = { leaseId: lease.id, leaseOwner: lease.owner, restores };
      }
      const entry = this.store.change({ name, state, ...change, at, held }, action, true, true);
      return this.emit(entry, this.get(name), true);
    }
    if (changed || (!lease && before.lease)) {
      // A change without a lease is permanent: humans pull levers by hand in a real emergency, and a
      // human confirming a leased state takes it over so the run's rollback will not undo it.
      this.detach(name);
      const entry = this.store.change({ name, state, ...change, at, held: null }, action, changed, true);
      return this.emit(entry, this.get(name), changed);
    }
    // Already in that state: recorded (someone tried), but a lease does not take over a state it did not
    // make, so a run's rollback never resets a lever that a human pulled.
    this.store.change({ name, state, ...change, at, held: null }, action, false, false);
    return { lever: before, changed: false };
  }

  private undo(name: string, leaseId: string, restores: LeverState): void {
    const hold = this.holds.get(name);
    if (!hold || hold.leaseId !== leaseId) return;
    this.holds.delete(name);
    const current = this.store.get(name);
    if (!current) return;
    const released = this.releasing.has(leaseId);
    const by = released ? LEASE_RELEASE : LEASE_EXPIRY;
    const owner = current.lease?.owner ?? 'unknown';
    const reason = released ? `lease ${leaseId} of "${owner}" was released` : `lease ${leaseId} of "${owner}" expired without renewal`;
    const action: LeverAction = restores === 'pulled' ? 'pull' : 'reset';
    const entry = this.store.change({ name, state: restores, by, reason, at: this.now().toISOString(), held: null }, action, current.state !== restores, true);
    this.log.info({ lever: name, lease: leaseId, by, state: restores }, `lever ${name} restored to ${restores}: ${reason}`);
    this.emit(entry, this.get(name), current.state !== restores);
  }

  private undoOrphanedHolds(): void {
    // Leases live in memory; a hold found in the store at start-up belongs to a lease that died with the
    // previous process. Its change must not outlive it (safety rule 2).
    for (const held of this.store.held()) {
      const current = this.store.get(held.name)!;
      const reason = `lease ${held.leaseId} of "${held.leaseOwner}" ended when the lever service stopped`;
      const action: LeverAction = held.restores === 'pulled' ? 'pull' : 'reset';
      this.store.change({ name: held.name, state: held.restores, by: LEASE_EXPIRY, reason, at: this.now().toISOString(), held: null }, action, current.state !== held.restores, true);
      this.log.warn({ lever: held.name, lease: held.leaseId }, `lever ${held.name} restored to ${held.restores}: ${reason}`);
    }
  }

  private detach(name: string): void {
    const hold = this.holds.get(name);
    if (!hold) return;
    this.leases.detach(hold.leaseId, hold.key);
    this.holds.delete(name);
  }

  private leaseView(id: string): LeaseView {
    const lease = this.leases.list().find((view) => view.id === id);
    if (!lease) throw new LeaseNotFoundError(id);
    return lease;
  }

  private emit(entry: AuditEntry, lever: Lever, changed?: boolean): LeverChangeResult {
    const event = { type: 'change' as const, seq: entry.seq, action: entry.action, changed: changed ?? entry.changed, lever };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.warn({ err: error }, 'a lever listener failed');
      }
    }
    return { lever, changed: changed ?? entry.changed };
  }
}
