import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as settle, setTimeout as sleep } from 'node:timers/promises';
import { LeaseBook, LeaseNotFoundError, type LeaseClock } from './lease-book.js';

/** Time that moves only when the test says so: expiries fire in time order as `advance` passes them. */
class ManualClock implements LeaseClock {
  private ms = Date.parse('2026-01-01T00:00:00Z');
  private pending: Array<{ at: number; expire: () => void }> = [];

  now(): number {
    return this.ms;
  }

  after(ms: number, expire: () => void): () => void {
    const timer = { at: this.ms + ms, expire };
    this.pending.push(timer);
    return () => void (this.pending = this.pending.filter((t) => t !== timer));
  }

  async advance(ms: number): Promise<void> {
    const until = this.ms + ms;
    for (;;) {
      const due = this.pending.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.pending = this.pending.filter((t) => t !== due);
      this.ms = due.at;
      due.expire();
      // Reverts are async: let them finish before time moves on.
      await settle();
    }
    this.ms = until;
  }
}

test('a lease that is not renewed reverts its faults by itself when its ttl runs out, not before', async () => {
  const clock = new ManualClock();
  const ended: string[] = [];
  const book = new LeaseBook({ clock, onEnd: (lease, reason) => ended.push(`${lease.owner}:${reason}`) });
  const reverted: string[] = [];
  const lease = book.create('run-1', 200);
  assert.equal(lease.expires_at, new Date(clock.now() + 200).toISOString());
  book.hold(lease.id, { description: 'first', revert: () => void reverted.push('first') });
  book.hold(lease.id, { description: 'second', revert: () => void reverted.push('second') });
  await clock.advance(199);
  assert.deepEqual(reverted, []);
  assert.equal(book.has(lease.id), true);
  await clock.advance(1);
  assert.deepEqual(reverted, ['second', 'first'], 'reverted last in, first out');
  assert.deepEqual(ended, ['run-1:expired']);
  assert.equal(book.has(lease.id), false);
});

test('renewing a lease keeps its faults in place past the original ttl, until renewals stop for a whole ttl', async () => {
  const clock = new ManualClock();
  const ended: string[] = [];
  const book = new LeaseBook({ clock, onEnd: (_lease, reason) => ended.push(reason) });
  let reverted = false;
  const lease = book.create('run-2', 300);
  book.hold(lease.id, { description: 'latency', revert: () => void (reverted = true) });
  for (let i = 0; i < 6; i++) {
    await clock.advance(100);
    const renewed = book.renew(lease.id);
    assert.equal(renewed.expires_at, new Date(clock.now() + 300).toISOString());
  }
  await clock.advance(299);
  assert.equal(reverted, false, 'still held 899 ms after a 300 ms lease was created, renewed every 100 ms');
  await clock.advance(1);
  assert.equal(reverted, true);
  assert.deepEqual(ended, ['expired']);
  assert.throws(() => book.renew(lease.id), LeaseNotFoundError, 'an expired lease cannot be renewed back to life');
});

test('releasing a lease reverts its faults at once, and its expiry no longer fires', async () => {
  const clock = new ManualClock();
  const ended: string[] = [];
  const book = new LeaseBook({ clock, onEnd: (_lease, reason) => ended.push(reason) });
  let reverts = 0;
  const lease = book.create('run-2', 300);
  book.hold(lease.id, { description: 'latency', revert: () => void (reverts += 1) });
  await book.release(lease.id);
  assert.equal(reverts, 1);
  await clock.advance(1000);
  assert.equal(reverts, 1);
  assert.deepEqual(ended, ['released']);
});

test('a failing revert does not stop the other faults of the lease from being reverted', async () => {
  let errors: unknown[] = [];
  const book = new LeaseBook({ onEnd: (_lease, _reason, e) => (errors = e) });
  let reverted = false;
  const lease = book.create('run-3', 5000);
  book.hold(lease.id, { description: 'ok', revert: () => void (reverted = true) });
  book.hold(lease.id, { description: 'broken', revert: () => { throw new Error('boom'); } });
  await book.release(lease.id);
  assert.equal(reverted, true);
  assert.equal(errors.length, 1);
});

test('an unknown lease and an out-of-range ttl are refused', () => {
  const book = new LeaseBook({ maxTtlMs: 60_000 });
  assert.throws(() => book.renew('nope'), LeaseNotFoundError);
  assert.throws(() => book.create('x', 10), /ttl_ms must be between 100 and 60000/);
  assert.throws(() => book.create('x', 120_000), RangeError);
});

test('on the system clock, a lease that is not renewed expires by itself', async () => {
  const book = new LeaseBook();
  let reverted = false;
  const lease = book.create('run-4', 100);
  book.hold(lease.id, { description: 'latency', revert: () => void (reverted = true) });
  // A condition wait with a generous bound: the expiry's timing is the manual-clock tests' business.
  for (const deadline = Date.now() + 10_000; !reverted && Date.now() < deadline;) await sleep(20);
  assert.equal(reverted, true);
  assert.equal(book.has(lease.id), false);
});
