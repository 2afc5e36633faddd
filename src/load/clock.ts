// One clock for the whole load generator. Every timestamp (intended start, send, completion, sample
// boundaries) comes from the same source, so latencies and schedules are comparable, and tests can
// substitute a clock they advance by hand to reason about which arrivals are due when.
import { performance } from 'node:perf_hooks';

export interface Clock {
  /** Milliseconds (fractional, monotonic) from an arbitrary origin. */
  now(): number;
}

export const monotonicClock: Clock = { now: () => performance.now() };

/** A clock that only moves when told to; for tests of schedules. */
export class ManualClock implements Clock {
  constructor(private ms = 0) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
