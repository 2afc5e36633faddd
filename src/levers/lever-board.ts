import type { Logger } from '../observe/log.js';
import type { LeaseView } from '../leases/lease-book.js';
import type { Store } from '../store/engine.js';
import { describeHold, LeverLeases, view, type LeaseEnd } from './lever-leases.js';
import { LeverStore, type AuditRecord } from './lever-store.js';
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
// Everything it knows is in the store, so several control rooms on one store are one lever service: each
// tells its readers every change from the audit trail, whichever room made it, in audit order.

export type LeverListener = (event: LeverEvent & { type: 'change' }) => void;
export type RequestedChange = LeverChange & { from?: string };

/** Who undoes a leased change, for the audit trail. */
const LEASE_EXPIRY = 'lease-expiry';
const LEASE_RELEASE = 'lease-release';
/** How often the room holding the lease-expiry work looks for lapsed leases (an indexed read). */
const EXPIRY_POLL_MS = 100;
/** A change by another room reaches this room's readers on notification; this poll only covers a lost one. */
const FOLLOW_POLL_MS = 1000;

export class LeverBoard {
  readonly leases: LeverLeases;
  private readonly store: LeverStore;
  private readonly listeners = new Set<LeverListener>();
  /** The last audit entry this board has told its listeners about. */
  private seen = 0;
  private serial: Promise<unknown> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  private expiry?: NodeJS.Timeout;
  private expiring = false;
  private unsubscribe?: () => Promise<void>;

  private constructor(
    db: Store,
    private readonly log: Logger,
    private readonly now: () => Date,
  ) {
    this.store = new LeverStore(db, db);
    this.leases = new LeverLeases(this.store, (id, how) => this.endLease(id, how), () => this.now().getTime());
  }

  static async open(db: Store, log: Logger, now: () => Date = () => new Date()): Promise<LeverBoard> {
    const board = new LeverBoard(db, log, now);
    board.seen = await board.store.lastSeq();
    board.unsubscribe = await db.subscribe('levers', () => void board.catchUp());
    const follow = setInterval(() => void board.catchUp(), FOLLOW_POLL_MS);
    follow.unref();
    board.timers.push(follow);
    return board;
  }

  async declare(declaration: LeverDeclaration, by = 'config', from: string | null = null): Promise<{ lever: Lever; created: boolean }> {
    const at = this.now().toISOString();
    const created = await this.store.write(async (levers, tx) => {
      const created = await levers.declare(declaration, at);
      if (created) {
        const entry = await levers.append(declaration.name, 'declare', by, declaration.description, false, null, at, true, from);
        tx.notify('levers', String(entry.seq));
      }
      return created;
    });
    if (created) await this.catchUp();
    return { lever: await this.get(declaration.name), created };
  }

  list(): Promise<Lever[]> {
    return this.store.list();
  }

  async get(name: string): Promise<Lever> {
    const lever = await this.store.get(name);
    if (!lever) throw new UnknownLeverError(name, await this.store.names());
    return lever;
  }

  async audit(options: { lever?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    if (options.lever) await this.get(options.lever);
    return this.store.audit(options);
  }

  /** The state every reader starts from; taken between two catch-ups, so no change falls between it and the next event. */
  snapshot(): Promise<LeverEvent & { type: 'snapshot' }> {
    return this.inTurn(async () => ({ type: 'snapshot' as const, seq: this.seen, levers: await this.list() }));
  }

  /** `change.from`: where the request came from, for the audit trail (the API sets it, never the body). */
  pull(name: string, change: RequestedChange, leaseId?: string): Promise<LeverChangeResult> {
    return this.setState(name, 'pulled', change, leaseId);
  }

  reset(name: string, change: RequestedChange, leaseId?: string): Promise<LeverChangeResult> {
    return this.setState(name, 'reset', change, leaseId);
  }

  subscribe(listener: LeverListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * This room now holds the lease-expiry work. `atStart`: no other room was alive when this one started,
   * so every lease in the store was granted by a room that is gone; its changes must not outlive it (safety
   * rule 2). On a takeover the leases live on: their holders may still renew them through this room.
   */
  async startExpiry(atStart: boolean): Promise<void> {
    if (atStart) await this.endAll('orphaned');
    this.stopExpiry();
    this.expiry = setInterval(() => void this.expireLapsed(), EXPIRY_POLL_MS);
    this.expiry.unref();
  }

  stopExpiry(): void {
    clearInterval(this.expiry);
    this.expiry = undefined;
  }

  /** Stops following the store; with `releaseLeases` (no other room will serve them) undoes every leased change first. */
  async close(options: { releaseLeases: boolean }): Promise<void> {
    this.stopExpiry();
    if (options.releaseLeases) await this.endAll('released');
    for (const timer of this.timers) clearInterval(timer);
    await this.unsubscribe?.();
    await this.serial;
    this.listeners.clear();
  }

  private async setState(name: string, state: LeverState, change: RequestedChange, leaseId?: string): Promise<LeverChangeResult> {
    const at = this.now().toISOString();
    const action: LeverAction = state === 'pulled' ? 'pull' : 'reset';
    const outcome = await this.store.write(async (levers, tx): Promise<{ unchanged?: Lever; changed: boolean }> => {
      const before = await levers.get(name);
      if (!before) throw new UnknownLeverError(name, await levers.names());
      // Checked before anything is written: a change under a dead lease would never be undone.
      const lease = leaseId === undefined ? undefined : await this.leases.live(leaseId, levers);
      const changed = before.state !== state;
      let entry: AuditRecord;
      if (changed && lease) {
        // The run changed the lever, so the run's lease owns the change and undoes it when it ends. A lease
        // that changes a lever twice still restores the state from before its first change.
        const previous = await levers.holdOf(name);
        const restores = previous?.leaseId === lease.id ? previous.restores : before.state;
        const held = state === restores ? null : { leaseId: lease.id, leaseOwner: lease.owner, restores };
        entry = await levers.change({ name, state, ...change, at, held }, action, true, true);
      } else if (changed || (!lease && before.lease)) {
        // A change without a lease is permanent: humans pull levers by hand in a real emergency, and a
        // human confirming a leased state takes it over so the run's rollback will not undo it.
        entry = await levers.change({ name, state, ...change, at, held: null }, action, changed, true);
      } else {
        // Already in that state: recorded (someone tried), but a lease does not take over a state it did not
        // make, so a run's rollback never resets a lever that a human pulled.
        await levers.change({ name, state, ...change, at, held: null }, action, false, false);
        return { unchanged: before, changed: false };
      }
      tx.notify('levers', String(entry.seq));
      return { changed };
    });
    if (outcome.unchanged) return { lever: outcome.unchanged, changed: false };
    // Readers hear of the change before its caller gets the answer.
    await this.catchUp();
    return { lever: await this.get(name), changed: outcome.changed };
  }

  /** Ends a lease and undoes every change held under it, in one transaction; undefined when there was nothing to end. */
  private async endLease(id: string, how: LeaseEnd): Promise<LeaseView | undefined> {
    const nowMs = this.now().getTime();
    const ended = await this.store.write(async (levers, tx) => {
      const row = await levers.lease(id);
      // A lease renewed meanwhile, or ended by another room, is left alone. Releasing a lapsed lease finds
      // it gone, as it would have been had the expiry already run.
      const lapsed = row !== undefined && row.expires_at <= nowMs;
      if (how === 'expired' && !lapsed) return undefined;
      if (how === 'released' && (!row || lapsed)) return undefined;
      const holds = await levers.held(id);
      if (!row && holds.length === 0) return undefined;
      const owner = row?.owner ?? holds[0].leaseOwner;
      const by = how === 'released' ? LEASE_RELEASE : LEASE_EXPIRY;
      const reason =
        how === 'released'
          ? `lease ${id} of "${owner}" was released`
          : how === 'expired'
            ? `lease ${id} of "${owner}" expired without renewal`
            : `lease ${id} of "${owner}" ended when the lever service stopped`;
      const at = this.now().toISOString();
      for (const hold of holds) {
        const action: LeverAction = hold.restores === 'pulled' ? 'pull' : 'reset';
        await levers.change({ name: hold.name, state: hold.restores, by, reason, at, held: null }, action, hold.state !== hold.restores, true);
      }
      if (row) await levers.deleteLease(id);
      if (holds.length > 0) tx.notify('levers', id);
      const faults = holds.map((hold) => describeHold(hold.name, hold.restores));
      return { holds, by, reason, view: view(row ?? { id, owner, ttl_ms: 0, expires_at: nowMs, created_at: at }, faults) };
    });
    if (!ended) return undefined;
    for (const hold of ended.holds) {
      const line = `lever ${hold.name} restored to ${hold.restores}: ${ended.reason}`;
      if (how === 'orphaned') this.log.warn({ lever: hold.name, lease: id }, line);
      else this.log.info({ lever: hold.name, lease: id, by: ended.by, state: hold.restores }, line);
    }
    this.log.info({ lease: id, owner: ended.view.owner, reason: how, faults: ended.view.faults }, `lease ${how}`);
    await this.catchUp();
    return ended.view;
  }

  private async endAll(how: LeaseEnd): Promise<void> {
    const ids = new Set([...(await this.store.leases()).map((row) => row.id), ...(await this.store.held()).map((hold) => hold.leaseId)]);
    for (const id of ids) await this.endLease(id, how);
  }

  private async expireLapsed(): Promise<void> {
    if (this.expiring) return;
    this.expiring = true;
    try {
      for (const id of await this.store.lapsedLeases(this.now().getTime())) await this.endLease(id, 'expired');
    } catch (error) {
      this.log.warn({ err: error }, 'lease expiry: the store did not answer; trying again');
    } finally {
      this.expiring = false;
    }
  }

  /** Tells listeners every audit entry after the last one they heard of, oldest first, whichever room wrote it. */
  private catchUp(): Promise<void> {
    return this.inTurn(async () => {
      for (;;) {
        const entries = await this.store.auditAfter(this.seen);
        if (entries.length === 0) return;
        const levers = new Map((await this.store.list()).map((lever) => [lever.name, lever]));
        for (const entry of entries) {
          this.seen = entry.seq;
          const lever = levers.get(entry.lever);
          if (entry.rowWritten && lever) this.emit(entry, lever);
        }
      }
    }).catch((error) => this.log.warn({ err: error }, 'levers: could not read the audit trail; trying again'));
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const next = this.serial.then(work, work);
    this.serial = next.catch(() => undefined);
    return next;
  }

  private emit(entry: AuditRecord, current: Lever): void {
    // The lever as this entry left it: its state and who moved it (later entries of the same batch follow).
    // A declare event is only sent for a new lever, which starts reset and unheld.
    const lever: Lever =
      entry.action === 'declare'
        ? { ...current, state: 'reset', changed_by: null, reason: null, changed_at: null, lease: null }
        : {
            ...current,
            state: entry.action === 'pull' ? 'pulled' : 'reset',
            changed_by: entry.by,
            reason: entry.reason,
            changed_at: entry.at,
            lease: entry.lease ? { id: entry.lease, owner: current.lease?.id === entry.lease ? current.lease.owner : 'unknown' } : null,
          };
    const event = { type: 'change' as const, seq: entry.seq, action: entry.action, changed: entry.action === 'declare' ? true : entry.changed, lever };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.warn({ err: error }, 'a lever listener failed');
      }
    }
  }
}
