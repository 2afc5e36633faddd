import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultBook } from '../../src/experiment/fault-book.js';
import { JournalRecorder } from '../../src/journal/recorder.js';

// These reverts are plain functions recording calls: the book's ordering rules do not depend on what a
// fault is, and the proxy-backed faults are covered by the integration tests.
const INJECTED = { kind: 'latency', target: 'recs', selector: 'recs', controlUrl: 'http://127.0.0.1:8474' };
function recorder() {
  const order: string[] = [];
  const revert = (name: string) => async () => {
    await Promise.resolve();
    order.push(name);
  };
  return { order, revert };
}

test('the normal path reverts faults last in, first out', async () => {
  const book = new FaultBook(new JournalRecorder());
  const { order, revert } = recorder();
  await book.add('a', revert('a'), INJECTED);
  await book.add('b', revert('b'), INJECTED);
  await book.add('c', revert('c'), INJECTED);
  await book.revertAllInOrder();
  assert.deepEqual(order, ['c', 'b', 'a']);
  assert.equal(book.size, 0);
});

test('the abort path reverts every fault at once, not one after the other', async () => {
  const book = new FaultBook(new JournalRecorder());
  const order: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  let allStarted!: () => void;
  const together = new Promise<void>((resolve) => (allStarted = resolve));
  // Each revert waits until all four are in flight, so only a book that runs them together finishes
  // promptly; one after the other, each gives up after its bound and the count below says so.
  const revert = (name: string) => async () => {
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    if (inFlight === 4) allStarted();
    await Promise.race([together, new Promise((r) => setTimeout(r, 2000))]);
    inFlight -= 1;
    order.push(name);
  };
  for (const name of ['a', 'b', 'c', 'd']) await book.add(name, revert(name), INJECTED);
  await book.revertAllAtOnce();
  assert.equal(order.length, 4);
  assert.equal(mostInFlight, 4, `at most ${mostInFlight} of the four reverts ran together`);
  assert.equal(book.size, 0);
});

test('a revert runs once even when a guardrail and the method call it together', async () => {
  const journal = new JournalRecorder();
  const book = new FaultBook(journal);
  let calls = 0;
  const id = await book.add('a', async () => {
    calls += 1;
    await new Promise((r) => setTimeout(r, 20));
  }, INJECTED);
  await Promise.all([book.revert(id), book.revertAllAtOnce(), book.revertAllInOrder()]);
  assert.equal(calls, 1);
  assert.equal(journal.events.filter((e) => e.type === 'fault.reverted').length, 1);
  assert.equal(journal.bands.filter((b) => b.kind === 'fault').length, 1);
});

test('a fault whose injection lands after the abort is reverted at once', async () => {
  const book = new FaultBook(new JournalRecorder());
  const { order, revert } = recorder();
  await book.revertAllAtOnce();
  await book.add('late', revert('late'), INJECTED);
  assert.deepEqual(order, ['late']);
  assert.equal(book.size, 0);
});

test('a revert that fails stays in the book and is journaled, so the lease release still covers it', async () => {
  const journal = new JournalRecorder();
  const book = new FaultBook(journal);
  await book.add('stuck', async () => {
    throw new Error('proxy unreachable');
  }, INJECTED);
  const errors = await book.revertAllInOrder();
  assert.equal(errors.length, 1);
  assert.equal(book.size, 1);
  assert.ok(journal.events.some((e) => e.type === 'error' && e.message.includes('its lease will revert it')));
});
