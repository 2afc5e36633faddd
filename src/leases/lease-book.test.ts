import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseBook, LeaseNotFoundError } from './lease-book.js';

test('a lease that is not renewed reverts its faults by itself within its ttl', async () => {
  const ended: string[] = [];
  const book = new LeaseBook({ onEnd: (lease, reason) => ended.push(`${lease.owner}:${reason}`) });
  const reverted: string[] = [];
  const lease = book.create('run-1', 200);
  book.hold(lease.id, { description: 'first', revert: () => void reverted.push('first') });
  book.hold(lease.id, { description: 'second', revert: () => void reverted.push('second') });
  await sleep(600);
  assert.deepEqual(reverted, ['second', 'first'], 'reverted last in, first out');
  assert.deepEqual(ended, ['run-1:expired']);
  assert.equal(book.has(lease.id), false);
});

test('renewing a lease keeps its faults in place past the original ttl', async () => {
  const book = new LeaseBook();
  let reverted = false;
  const lease = book.create('run-2', 300);
  book.hold(lease.id, { description: 'latency', revert: () => void (reverted = true) });
  for (let i = 0; i < 6; i++) {
    await sleep(100);
    book.renew(lease.id);
  }
  assert.equal(reverted, false);
  await book.release(lease.id);
  assert.equal(reverted, true);
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
