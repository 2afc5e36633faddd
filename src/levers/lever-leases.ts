import { randomUUID } from 'node:crypto';
import { LeaseNotFoundError, type LeaseView } from '../leases/lease-book.js';
import type { LeaseRow, LeverStore } from './lever-store.js';

// The lever service's side of the lease protocol (docs/leases.md). Unlike the proxy's or the fleet's
// in-memory LeaseBook, these leases live in the store: every control room on one store sees them, any of
// them can renew them, and the one that holds the lease-expiry work (lever-board.ts) undoes a lease's
// changes when renewals stop — also when the control room that granted it died.

/** The longest TTL a caller may ask for, as for every other lease holder. */
const MAX_TTL_MS = 10 * 60_000;

export type LeaseEnd = 'released' | 'expired' | 'orphaned';

export class LeverLeases {
  constructor(
    private readonly store: LeverStore,
    /** Ends a lease and undoes what it held (the board does this: it also tells readers). */
    private readonly end: (id: string, how: LeaseEnd) => Promise<LeaseView | undefined>,
    private readonly now: () => number = Date.now,
  ) {}

  async create(owner: string, ttlMs: number): Promise<LeaseView> {
    if (!Number.isFinite(ttlMs) || ttlMs < 100 || ttlMs > MAX_TTL_MS) {
      throw new RangeError(`ttl_ms must be between 100 and ${MAX_TTL_MS}, got ${ttlMs}`);
    }
    const now = this.now();
    const row: LeaseRow = { id: randomUUID(), owner: owner || 'unknown', ttl_ms: ttlMs, expires_at: now + ttlMs, created_at: new Date(now).toISOString() };
    await this.store.insertLease(row);
    return view(row, []);
  }

  async renew(id: string): Promise<LeaseView> {
    if (!(await this.store.renewLease(id, this.now()))) throw new LeaseNotFoundError(id);
    return this.view(id);
  }

  async release(id: string): Promise<LeaseView> {
    const ended = await this.end(id, 'released');
    if (!ended) throw new LeaseNotFoundError(id);
    return ended;
  }

  /** Live leases (a lapsed one is already being undone, so it is not listed). */
  async list(): Promise<LeaseView[]> {
    const now = this.now();
    const rows = (await this.store.leases()).filter((row) => row.expires_at > now);
    const held = await this.store.held();
    return rows.map((row) => view(row, held.filter((hold) => hold.leaseId === row.id).map((hold) => describeHold(hold.name, hold.restores))));
  }

  /** A live lease, or LeaseNotFoundError: a change under a dead lease could never be undone. */
  async live(id: string, store: LeverStore = this.store): Promise<LeaseRow> {
    const row = await store.lease(id);
    if (!row || row.expires_at <= this.now()) throw new LeaseNotFoundError(id);
    return row;
  }

  private async view(id: string): Promise<LeaseView> {
    const row = await this.store.lease(id);
    if (!row) throw new LeaseNotFoundError(id);
    return view(row, (await this.store.held(id)).map((hold) => describeHold(hold.name, hold.restores)));
  }
}

/** What a lease holds on a lever, in the words `GET /leases` always used: "lever disable-ads: pull". */
export function describeHold(name: string, restores: 'pulled' | 'reset'): string {
  return `lever ${name}: ${restores === 'reset' ? 'pull' : 'reset'}`;
}

export function view(row: LeaseRow, faults: string[]): LeaseView {
  return { id: row.id, owner: row.owner, ttl_ms: row.ttl_ms, expires_at: new Date(row.expires_at).toISOString(), faults };
}
