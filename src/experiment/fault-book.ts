import type { Revert } from '../faults/fault.js';
import type { JournalEventData } from '../journal/events.js';
import type { JournalRecorder } from '../journal/recorder.js';

// Every fault the run has injected and not yet reverted, in injection order. The normal path reverts last
// in, first out (a fault injected on top of another comes off first); an abort reverts everything at once,
// because after a guardrail breach every millisecond of fault is harm. Once closed, a fault whose injection
// was still in flight is reverted the moment it lands.

export interface ActiveFault {
  id: number;
  description: string;
  injectedAtMs: number;
  revert: Revert;
  done?: Promise<void>;
}

export class FaultBook {
  private readonly active: ActiveFault[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly journal: JournalRecorder) {}

  get size(): number {
    return this.active.length;
  }

  list(): readonly ActiveFault[] {
    return this.active;
  }

  /** Records an injected fault; returns its id. If the book is closed (abort), reverts it at once. */
  async add(description: string, revert: Revert, data: Omit<JournalEventData<'fault.injected'>, 'faultId'>): Promise<number> {
    const fault: ActiveFault = { id: this.nextId++, description, injectedAtMs: this.journal.now(), revert };
    this.journal.note('fault.injected', description, { faultId: fault.id, ...data });
    this.active.push(fault);
    if (this.closed) await this.revertOne(fault);
    return fault.id;
  }

  async revert(id: number): Promise<void> {
    const fault = this.active.find((candidate) => candidate.id === id);
    if (fault) await this.revertOne(fault);
  }

  /** Last in, first out, one after the other. */
  async revertAllInOrder(): Promise<unknown[]> {
    this.closed = true;
    const errors: unknown[] = [];
    for (const fault of [...this.active].reverse()) {
      await this.revertOne(fault).catch((error: unknown) => errors.push(error));
    }
    return errors;
  }

  /** All at once (the abort path). Reverts are started last in first out; none waits for another. */
  async revertAllAtOnce(): Promise<unknown[]> {
    this.closed = true;
    const results = await Promise.allSettled([...this.active].reverse().map((fault) => this.revertOne(fault)));
    return results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
  }

  private revertOne(fault: ActiveFault): Promise<void> {
    fault.done ??= (async () => {
      try {
        await fault.revert();
        this.journal.note('fault.reverted', fault.description, { faultId: fault.id });
        this.journal.band('fault', fault.description, fault.injectedAtMs);
        const index = this.active.indexOf(fault);
        if (index >= 0) this.active.splice(index, 1);
      } catch (error) {
        this.journal.note('error', `could not revert "${fault.description}": ${(error as Error).message}; its lease will revert it`, { faultId: fault.id });
        fault.done = undefined;
        throw error;
      }
    })();
    return fault.done;
  }
}
